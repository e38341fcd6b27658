"""Fixtures of the contracts tests: sealing keys, media and the treasury folder in a temporary
directory; the clock frozen at the suite's Monday (2026-11-23 09:00)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from zhengcai.core import clock

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)


@pytest.fixture(autouse=True)
def _env(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path / "keys"))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZHENGCAI = {
        **getattr(settings, "ZHENGCAI", {}),
        "TREASURY_DIR": str(tmp_path / "treasury"),
    }
    clock.freeze(NOW)
    yield
    clock.unfreeze()
