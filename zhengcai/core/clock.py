"""The platform clock. The server's clock is the authority (design §4 rule 4).

Everything that asks "what time is it" for a rule calls `clock.now()`. Tests move a
controllable clock with `clock.freeze()` / `clock.advance()` instead of sleeping.

In the demo (settings `ZHENGCAI["SANDBOX_CLOCK"]`, never in production) platform time is the
server's time plus an offset kept in the database (`core.SandboxClock`), so that web, worker
and clock processes agree; an administrator moves it forward with `core.sandbox`. Each
process re-reads the offset at most every `SANDBOX_REFRESH` seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")

_lock = threading.Lock()
_frozen: dt.datetime | None = None
# What `unfreeze()` returns to. None in production (the server's clock); a test suite sets a
# fixed instant with `set_baseline()` so no test ever reads the machine's date.
_baseline: dt.datetime | None = None


SANDBOX_REFRESH = 1.0
_sandbox_offset: dt.timedelta | None = None
_sandbox_read_at = 0.0


def now() -> dt.datetime:
    """Aware current time in Asia/Shanghai."""
    frozen = _frozen
    current = frozen if frozen is not None else timezone.now() + sandbox_offset()
    return current.astimezone(SHANGHAI)


def sandbox_enabled() -> bool:
    from django.conf import settings

    return bool(settings.ZHENGCAI.get("SANDBOX_CLOCK", False))


def sandbox_offset() -> dt.timedelta:
    """The demo's offset (zero unless the sandbox clock is enabled)."""
    global _sandbox_offset, _sandbox_read_at
    if not sandbox_enabled():
        return dt.timedelta(0)
    tick = time.monotonic()
    if _sandbox_offset is None or tick - _sandbox_read_at > SANDBOX_REFRESH:
        from django.db import DatabaseError

        from zhengcai.core.models import SandboxClock

        try:
            row = SandboxClock.objects.filter(pk=1).values_list("offset_seconds", flat=True)
            seconds = next(iter(row), 0)
        except DatabaseError:  # before migrate
            seconds = 0
        _sandbox_offset = dt.timedelta(seconds=seconds)
        _sandbox_read_at = tick
    return _sandbox_offset


def sandbox_offset_to(target: dt.datetime) -> dt.timedelta:
    """The offset that makes platform time `target` now — whole seconds, rounded up, so that
    what is due at `target` is due once the clock is there."""
    return dt.timedelta(seconds=math.ceil((target - timezone.now()).total_seconds()))


def sandbox_remember(offset: dt.timedelta) -> None:
    """This process's cached offset after it moved the sandbox clock itself."""
    global _sandbox_offset, _sandbox_read_at
    _sandbox_offset = offset
    _sandbox_read_at = time.monotonic()


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
    """Let the clock run again — or, under a test suite's baseline, go back to the baseline."""
    global _frozen
    with _lock:
        _frozen = _baseline


def set_baseline(at: dt.datetime | None) -> None:
    """Fix the instant `unfreeze()` returns to (the test suite's chosen date), and go there."""
    if at is not None and timezone.is_naive(at):
        raise ValueError("clock.set_baseline needs an aware datetime")
    global _baseline, _frozen
    with _lock:
        _baseline = at
        _frozen = at


def is_frozen() -> bool:
    return _frozen is not None
