"""Hooks of the evaluation app for the apps above it (house rule: a lower app exposes a
registry, the upper app registers in its `AppConfig.ready()`).

`on_award(callback)` — `callback(evaluation)` runs at the end of every award, confirmed by the
purchaser or deemed after 5 working days (条例 43), inside the award's transaction: a callback
that raises undoes the award. `awards` registers here to create its Award record and start the
result-notice deadline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

AwardCallback = Callable[[Any], None]
E = TypeVar("E")

_award_callbacks: list[AwardCallback] = []


def on_award(callback: AwardCallback) -> AwardCallback:
    """Register `callback(evaluation)` (once; registering it again is a no-op)."""
    if callback not in _award_callbacks:
        _award_callbacks.append(callback)
    return callback


def award_callbacks() -> list[AwardCallback]:
    return list(_award_callbacks)


def award_made(evaluation: E) -> E:
    """Run every registered callback on the awarded evaluation; returns it."""
    for callback in list(_award_callbacks):
        callback(evaluation)
    return evaluation
