"""The demo's sandbox clock: an administrator moves platform time forward (never production).

`sandbox_advance(to=…)` walks time forward to the target one due moment at a time: it finds
the earliest `next_check` of any timed aggregate between now and the target, sets the clock
there, runs every timed check that is due (`core.timed.process_due`), and repeats — so a bid
deadline passes before the opening it allows, a display period ends before the step after
it, exactly as they would in real time. The move itself is an audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Min

from zhengcai.core import clock, timed
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.models import SandboxClock

ERR_SANDBOX_DISABLED = "sandbox_disabled"
MAX_ADVANCE = dt.timedelta(days=400)
MAX_STEPS = 5000


@dataclass(frozen=True)
class Advance:
    before: dt.datetime
    after: dt.datetime
    steps: int  # how many due moments the walk stopped at
    handled: int  # how many timed checks ran


def _require(actor: Any) -> None:
    if not clock.sandbox_enabled():
        raise RuleViolation(
            "沙盒时钟仅用于演示环境，生产环境不能调整平台时间", code=ERR_SANDBOX_DISABLED
        )
    if actor is not None and getattr(actor, "role", None) != "admin":
        raise PermissionDenied("只有平台管理员可以调整沙盒时钟")


def _set(target: dt.datetime) -> None:
    offset = clock.sandbox_offset_to(target)
    SandboxClock.objects.update_or_create(
        pk=1, defaults={"offset_seconds": int(offset.total_seconds()), "updated_at": target}
    )
    clock.sandbox_remember(offset)


def _next_due(after: dt.datetime, until: dt.datetime) -> dt.datetime | None:
    found = []
    for reg in timed.registrations():
        qs = reg.model._default_manager.filter(next_check__gt=after, next_check__lte=until)
        value = qs.aggregate(m=Min("next_check"))["m"]
        if value is not None:
            found.append(value)
    return min(found) if found else None


def sandbox_status() -> dict[str, Any]:
    offset = clock.sandbox_offset()
    return {
        "enabled": clock.sandbox_enabled(),
        "now": clock.now(),
        "offset": offset,
        "offset_days": round(offset.total_seconds() / 86400, 2),
    }


def sandbox_advance(
    *, actor: Any, to: dt.datetime | None = None, by: dt.timedelta | None = None
) -> Advance:
    """Move the sandbox clock forward to `to` (or by `by`), firing every timed check on the
    way in time order. Moving backwards is refused: what has happened stays happened."""
    _require(actor)
    if clock.is_frozen():
        raise RuleViolation("平台时钟已冻结（测试），不能再调整沙盒时钟", code="clock_frozen")
    before = clock.now()
    if (to is None) == (by is None):
        raise InvalidInput("请给出目标时间或前进时长（二选一）", code="advance_invalid")
    target = to if to is not None else before + by  # type: ignore[operator]
    if target.tzinfo is None:
        raise InvalidInput("目标时间须带时区", code="advance_invalid")
    if target <= before:
        raise InvalidInput("沙盒时钟只能向前调整", code="advance_backwards")
    if target - before > MAX_ADVANCE:
        raise InvalidInput("一次最多前进 400 天", code="advance_too_far")
    steps = handled = 0
    cursor = before
    while steps < MAX_STEPS:
        moment = _next_due(cursor, target)
        if moment is None:
            break
        _set(moment)
        handled += timed.process_due()
        cursor = moment
        steps += 1
    _set(target)
    handled += timed.process_due()
    after = clock.now()
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="clock.sandbox_advanced",
            obj=None,
            object_label="沙盒时钟",
            before={"now": before.isoformat()},
            after={"now": after.isoformat(), "steps": steps, "handled": handled},
        )
    return Advance(before, after, steps, handled)


def sandbox_start_at(*, actor: Any, at: dt.datetime) -> Advance:
    """Put the sandbox clock at `at` when the demo is seeded: only on an empty platform (an
    empty audit log), since moving time backwards would contradict what is recorded."""
    _require(actor)
    from zhengcai.core.models import AuditEntry

    if AuditEntry.objects.exists():
        raise RuleViolation("平台已有业务记录，沙盒时钟只能向前调整", code="sandbox_not_empty")
    before = clock.now()
    _set(at)
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="clock.sandbox_set",
            obj=None,
            object_label="沙盒时钟",
            before={"now": before.isoformat()},
            after={"now": clock.now().isoformat()},
        )
    return Advance(before, clock.now(), 0, 0)
