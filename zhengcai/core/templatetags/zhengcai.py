from decimal import Decimal
from typing import Any

from django import template

from zhengcai.core.constants import audit_action_label
from zhengcai.core.money import in_wan

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    """Chinese label of an audit action code (the code itself if none is known)."""
    return audit_action_label(action)


@register.filter
def yuan(value: Any) -> str:
    """1234567.8 → 1,234,567.80 (yuan, two places)."""
    if value in (None, ""):
        return "—"
    return f"{Decimal(value):,.2f}"


@register.filter
def wan(value: Any) -> str:
    """Yuan → 万元 with two places, rounded half up (design §4 rule 7)."""
    if value in (None, ""):
        return "—"
    return f"{in_wan(Decimal(value)):,.2f}"
