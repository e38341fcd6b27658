"""Helpers the topic modules of the plans services share: permission checks, version checks,
parsing of amounts and choices, the end of a day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Model

from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock
from zhengcai.core.errors import PermissionDenied, PreconditionFailed
from zhengcai.core.money import to_yuan
from zhengcai.plans import access
from zhengcai.plans import constants as c

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ZERO = Decimal("0.00")


def end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` (a period that ends on `day` runs through it)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.SHANGHAI)


# --- the one door per aggregate (design §4 rule 2; core.transitions) --------------------------


def check_version(obj: Model, expected_version: int | None) -> None:
    current = getattr(obj, "version", None)
    if expected_version is not None and current != expected_version:
        raise PreconditionFailed(detail={"current_version": current})


def require_decider(actor: User, org: Organization, kind: str | None = None) -> None:
    if not access.can_decide(actor, org, kind=kind):
        if kind in c.CITY_OR_ABOVE_KINDS and actor.role == "regulator":
            raise PermissionDenied(
                "该事项须由设区的市级以上财政部门审批（法27、条例23）", code=c.ERR_DECIDER_LEVEL
            )
        raise PermissionDenied("只有本级或上级财政部门可以审核")


def require_editor(actor: User, org_id: int) -> None:
    if not access.can_edit(actor, org_id):
        raise PermissionDenied("只有本单位采购人可以办理")


def parse_decimal(value: Any, *, money: bool) -> Decimal:
    if isinstance(value, float):
        value = repr(value) if money else str(value)
    if money:
        return to_yuan(value)
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except Exception as exc:
        raise ValueError(f"无法识别的数值：{value!r}") from exc
    if not d.is_finite():
        raise ValueError("必须是有限数值")
    if d != d.quantize(Decimal("0.01")):
        raise ValueError("最多保留两位小数")
    return d.quantize(Decimal("0.01"))


def parse_choice(value: str, choices: Any) -> str | None:
    """Accept a choice by value or by its Chinese label."""
    if value in choices.values:
        return value
    for v, label in choices.choices:
        if value == str(label):
            return str(v)
    return None
