"""Fixtures of the evaluation tests: sealing keys and media in a temporary folder, the clock
frozen at a working Monday."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from zhengcai.core import clock

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)  # a Monday, a working day


@pytest.fixture(autouse=True)
def _env(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path / "keys"))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    clock.freeze(NOW)
    yield
    clock.unfreeze()
