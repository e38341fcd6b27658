"""Fixtures shared by every test: a controllable clock and ready-made parties.

Time is an input: the whole suite runs on a platform clock fixed at SUITE_NOW, a working
Monday in a year whose holiday schedule is known. No test reads the machine's date; a test
that wants another instant freezes or advances the platform clock, and `clock.unfreeze()`
returns to SUITE_NOW, never to the real time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from zhengcai.core import clock as core_clock

SUITE_NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=core_clock.SHANGHAI)


def pytest_configure(config: pytest.Config) -> None:
    core_clock.set_baseline(SUITE_NOW)


@pytest.fixture
def clock() -> Iterator[object]:
    """Freeze the platform clock at SUITE_NOW (2026-11-23 09:00, a Monday) and expose it."""
    core_clock.freeze(SUITE_NOW)
    yield core_clock
    core_clock.unfreeze()


@pytest.fixture(autouse=True)
def _suite_clock() -> Iterator[None]:
    """Every test starts and ends at SUITE_NOW."""
    core_clock.unfreeze()
    yield
    core_clock.unfreeze()
