"""Parsing the method terms the documents publish (合理定价评审抽签法's 下浮率, 全生命周期成本法's
service life and discount rate): clear errors with `method_terms_invalid`."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from zhengcai.core.errors import InvalidInput
from zhengcai.tenders import constants as c


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def rate(value: Any, what: str, *, zero_ok: bool) -> Decimal:
    """A rate written as a fraction (0.15 = 15%); 0 < r < 1 (or 0 ≤ r < 1)."""
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{what}不是有效数字", code=c.ERR_METHOD_TERMS_INVALID) from exc
    low_ok = rate >= 0 if zero_ok else rate > 0
    if not rate.is_finite() or not low_ok or rate >= 1 or rate != rate.quantize(Decimal("0.0001")):
        bound = "0 ≤" if zero_ok else "0 <"
        raise InvalidInput(
            f"{what}应为小数（{bound} {what} < 1，最多4位小数，如 0.15 表示15%）",
            code=c.ERR_METHOD_TERMS_INVALID,
        )
    return rate


def service_life(value: Any) -> int:
    try:
        years = int(str(value).strip())
    except ValueError as exc:
        raise InvalidInput("使用寿命须为整数年", code=c.ERR_METHOD_TERMS_INVALID) from exc
    if not 1 <= years <= c.MAX_SERVICE_LIFE_YEARS:
        raise InvalidInput(
            f"使用寿命应在1至{c.MAX_SERVICE_LIFE_YEARS}年之间", code=c.ERR_METHOD_TERMS_INVALID
        )
    return years
