"""Money is Decimal yuan with two places (分). Reports in 万元 / 亿元 state their rounding."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def to_yuan(value: object) -> Decimal:
    """Parse an amount in yuan; refuse floats, NaN, infinities and more than two decimals."""
    if isinstance(value, float):
        raise ValueError("金额不能使用浮点数，请以字符串或整数提交")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation as exc:
        raise ValueError(f"无法识别的金额：{value!r}") from exc
    if not amount.is_finite():
        raise ValueError("金额必须是有限数值")
    try:
        quantized = amount.quantize(FEN)
    except InvalidOperation as exc:  # more digits than the context holds (e.g. "1e30")
        raise ValueError("金额超出允许范围") from exc
    if amount != quantized:
        raise ValueError("金额最多保留两位小数（分）")
    return quantized


def in_wan(amount: Decimal, places: int = 2) -> Decimal:
    """Yuan → 万元, rounded half up to `places` decimals."""
    return (amount / WAN).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def in_yi(amount: Decimal, places: int = 4) -> Decimal:
    """Yuan → 亿元, rounded half up to `places` decimals."""
    return (amount / YI).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def savings_rate(budget: Decimal, actual: Decimal) -> Decimal | None:
    """Savings rate = (budget − actual) / budget (design §4 rule 7); None when budget is 0."""
    if budget == 0:
        return None
    return ((budget - actual) / budget).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
