"""The shipped 品目 file (data/pinmu.csv): top levels of A/B/C and the items the demo uses."""

from __future__ import annotations

import csv
from pathlib import Path

PINMU_CSV = Path(__file__).resolve().parent / "data" / "pinmu.csv"


def shipped_items(path: Path = PINMU_CSV) -> list[tuple[str, str]]:
    """(code, name) rows of the shipped file; lines starting with # are comments."""
    with path.open(encoding="utf-8") as fh:
        lines = [line for line in fh if line.strip() and not line.startswith("#")]
    return [(row["编码"].strip(), row["名称"].strip()) for row in csv.DictReader(lines)]
