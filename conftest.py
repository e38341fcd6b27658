"""Fixtures shared by every test: a controllable clock and ready-made parties."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from zhengcai.core import clock as core_clock


@pytest.fixture
def clock() -> Iterator[object]:
    """Freeze the platform clock at 2026-11-23 09:00 (a Monday, a working day) and expose it."""
    core_clock.freeze(dt.datetime(2026, 11, 23, 9, 0, tzinfo=core_clock.SHANGHAI))
    yield core_clock
    core_clock.unfreeze()


@pytest.fixture(autouse=True)
def _unfreeze_after_test() -> Iterator[None]:
    yield
    core_clock.unfreeze()
