"""Template helpers of the plans pages: money and status tags."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from zhengcai.core.money import in_wan

register = template.Library()

OK = {"approved", "accepted", "published", "excused"}
BAD = {"returned", "refused", "declined", "cancelled", "withdrawn", "blocked"}
WAIT = {"submitted", "publicity", "sent"}


@register.filter
def yuan(value: Any) -> str:
    """1234567.8 → 1,234,567.80"""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def wan(value: Any) -> str:
    """Yuan → 万元, two places (rounded half up)."""
    if value in (None, ""):
        return "—"
    return f"{in_wan(Decimal(value)):,.2f}"


@register.filter
def status_class(status: str) -> str:
    if status in OK:
        return "ok"
    if status in BAD:
        return "err"
    if status in WAIT:
        return "warn"
    return ""


ACTIONS = {
    "created": "创建",
    "updated": "修改",
    "imported": "Excel 导入",
    "submitted": "报送",
    "approved": "批准",
    "returned": "退回",
    "cancelled": "作废/撤销",
    "refused": "不予批准",
    "withdrawn": "撤回",
    "publicity": "开始公示",
    "published": "公开",
    "commissioned": "委托代理机构",
    "sent": "委托代理机构",
    "accepted": "代理机构接收",
    "declined": "代理机构退回",
    "overdue": "逾期提示",
    "attachment_added": "上传附件",
    "objection_recorded": "收到公示异议",
    "contracted_recorded": "登记合同金额",
    "paid_recorded": "登记支付金额",
    "recorded": "记录线索",
}


@register.filter
def action_label(action: str) -> str:
    """plan.approved → 批准 (the audit action's verb, in Chinese)."""
    verb = action.rsplit(".", 1)[-1]
    return ACTIONS.get(verb, action)


@register.filter
def due_day(value: Any) -> str:
    """A deadline stored as the first instant after its last day → "2027年1月6日（含）"."""
    if not value:
        return "—"
    from datetime import timedelta

    from zhengcai.core import clock

    last = (value.astimezone(clock.SHANGHAI) - timedelta(microseconds=1)).date()
    return f"{last.year}年{last.month}月{last.day}日（含当日）"
