"""Template filters of the catalogue pages."""

from decimal import Decimal
from typing import Any

from django import template

from zhengcai.accounts.constants import RegionLevel
from zhengcai.core.templatetags import zhengcai as core_filters

register = template.Library()


@register.filter
def pair(mapping: dict[tuple[str, str], Any], first: str) -> tuple[dict[tuple[str, str], Any], str]:
    return mapping, first


@register.filter
def pick(pair_value: tuple[dict[tuple[str, str], Any], str], second: str) -> Any:
    mapping, first = pair_value
    return mapping.get((first, second))


@register.filter
def at(mapping: dict[str, Any], key: str) -> Any:
    """`mapping[key]` or None."""
    return mapping.get(key)


@register.filter
def level_label(level: int) -> str:
    return str(RegionLevel(level).label) + "预算单位"


@register.filter
def wan(amount: Decimal | None) -> str:
    """An amount in 万元 (rounded to 2 places, rules of the house §7)."""
    if amount is None:
        return "—"
    return f"{core_filters.wan(amount)} 万元"


register.filter("yuan", core_filters.yuan)
