"""Pure rules of the procurement archive."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

# 法 42: 采购文件的保存期限为从采购结束之日起至少十五年.
RETENTION_YEARS = 15


def retain_until(closed_on: dt.date, years: int = RETENTION_YEARS) -> dt.date:
    """The first day the archive may be destroyed: `years` after the procurement ended
    (法 42). 29 February moves to 28 February in a year without it."""
    try:
        return closed_on.replace(year=closed_on.year + years)
    except ValueError:
        return closed_on.replace(year=closed_on.year + years, day=28)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The exact bytes that are stored, signed and verified: sorted keys, UTF-8, no spaces."""
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def member_name(index: int, path: str) -> str:
    """Archive member names are numbered so two items can never collide."""
    return f"items/{index:05d}-{path}"
