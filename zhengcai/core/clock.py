"""The platform clock. The server's clock is the authority (design §4 rule 4).

Everything that asks "what time is it" for a rule calls `clock.now()`. Tests move a
controllable clock with `clock.freeze()` / `clock.advance()` instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")

_lock = threading.Lock()
_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    """Aware current time in Asia/Shanghai."""
    frozen = _frozen
    current = frozen if frozen is not None else timezone.now()
    return current.astimezone(SHANGHAI)


def today() -> dt.date:
    return now().date()


def freeze(at: dt.datetime) -> None:
    """Stop the clock at `at` (aware). For tests and reproducible demos only."""
    if timezone.is_naive(at):
        raise ValueError("clock.freeze needs an aware datetime")
    global _frozen
    with _lock:
        _frozen = at


def advance(delta: dt.timedelta) -> dt.datetime:
    """Move a frozen clock forward (or freeze it at now + delta)."""
    global _frozen
    with _lock:
        base = _frozen if _frozen is not None else timezone.now()
        _frozen = base + delta
        return _frozen.astimezone(SHANGHAI)


def unfreeze() -> None:
    global _frozen
    with _lock:
        _frozen = None


def is_frozen() -> bool:
    return _frozen is not None
