"""Template helpers of the plans pages: money and status tags."""

from __future__ import annotations

from typing import Any

from django import template

from zhengcai.core.constants import AUDIT_VERB_LABELS
from zhengcai.core.templatetags import zhengcai as core_filters

register = template.Library()

OK = {"approved", "accepted", "published", "excused"}
BAD = {"returned", "refused", "declined", "cancelled", "withdrawn", "blocked"}
WAIT = {"submitted", "publicity", "sent"}


register.filter("yuan", core_filters.yuan)
register.filter("wan", core_filters.wan)


@register.filter
def status_class(status: str) -> str:
    if status in OK:
        return "ok"
    if status in BAD:
        return "err"
    if status in WAIT:
        return "warn"
    return ""


@register.filter
def action_label(action: str) -> str:
    """plan.approved → 批准 (the audit action's verb, in Chinese)."""
    verb = action.rsplit(".", 1)[-1]
    return AUDIT_VERB_LABELS.get(verb, action)


@register.filter
def due_day(value: Any) -> str:
    """A deadline stored as the first instant after its last day → "2027年1月6日（含）"."""
    if not value:
        return "—"
    from datetime import timedelta

    from zhengcai.core import clock

    last = (value.astimezone(clock.SHANGHAI) - timedelta(microseconds=1)).date()
    return f"{last.year}年{last.month}月{last.day}日（含当日）"
