"""The doors a credit record closes: one call each door makes before it lets a party in.

`require_clear(activity, organization=… | person=…)` raises `RuleViolation(code="credit_banned")`
while a ban covering `activity` runs (法 77 suppliers; 法 78 agencies; 条例 75 experts), with the
decision's number, basis and last day in the message, and is silent from the day after the ban's
last day. The doors and where they are: docs/credit.md."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from zhengcai.core.errors import RuleViolation
from zhengcai.credit import constants as c
from zhengcai.credit import selectors

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization, User

Activity = c.Activity


def require_clear(
    activity: str,
    *,
    organization: Organization | None = None,
    person: User | None = None,
    on: dt.date | None = None,
) -> None:
    """Refuse `activity` to a banned `organization` (or expert `person`); return otherwise."""
    refused = selectors.refusal(activity=activity, organization=organization, person=person, on=on)
    if refused is None:
        return
    p = refused.penalty
    raise RuleViolation(
        refused.message,
        code=c.ERR_BANNED,
        detail={
            "activity": str(activity),
            "penalty_id": p.pk,
            "decision_no": p.decision_no,
            "basis": p.basis,
            "ban_until": p.ban_until.isoformat() if p.ban_until else None,
        },
    )


def banned(activity: str, organization: Organization) -> bool:
    """Whether `organization` is refused `activity` today (for a timed step that must skip it)."""
    return selectors.refusal(activity=activity, organization=organization) is not None
