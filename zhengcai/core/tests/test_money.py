"""Money is Decimal yuan with two places (design §4 rule 7)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from zhengcai.core.money import FEN, in_wan, in_yi, savings_rate, to_yuan

WAN = Decimal(10_000)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1234.5", Decimal("1234.50")),
        ("1,234.56", Decimal("1234.56")),
        (" 88 ", Decimal("88.00")),
        (100, Decimal("100.00")),
        (Decimal("0.1"), Decimal("0.10")),
        ("1.230", Decimal("1.23")),  # a trailing zero is not a third decimal
        ("0", Decimal("0.00")),
        ("-5.5", Decimal("-5.50")),
    ],
)
def test_to_yuan_parses(value: object, expected: Decimal) -> None:
    amount = to_yuan(value)
    assert amount == expected
    assert amount.as_tuple().exponent == -2  # always two places (分)


@pytest.mark.parametrize("value", [1.5, 0.1, float("nan"), 100.0])
def test_to_yuan_refuses_floats(value: float) -> None:
    with pytest.raises(ValueError, match="浮点数"):
        to_yuan(value)


@pytest.mark.parametrize("value", ["1.234", "0.001", Decimal("12.345"), "1e-3"])
def test_to_yuan_refuses_three_decimals(value: object) -> None:
    with pytest.raises(ValueError, match="两位小数"):
        to_yuan(value)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-inf", Decimal("NaN")])
def test_to_yuan_refuses_non_finite(value: object) -> None:
    with pytest.raises(ValueError, match="有限"):
        to_yuan(value)


@pytest.mark.parametrize("value", ["abc", "", "12元", "1.2.3", None])
def test_to_yuan_refuses_garbage(value: object) -> None:
    with pytest.raises(ValueError, match="无法识别"):
        to_yuan(value)


@pytest.mark.parametrize("value", ["1e30", "1e26", 10**40])
def test_to_yuan_refuses_absurd_magnitudes(value: object) -> None:
    with pytest.raises(ValueError, match="超出"):
        to_yuan(value)
    assert to_yuan("99999999999999999999999999.99") == Decimal("99999999999999999999999999.99")


def test_units() -> None:
    assert to_yuan("0.01") == FEN
    assert in_wan(Decimal("12345.67")) == Decimal("1.23")
    assert in_wan(Decimal("15000.00")) == Decimal("1.50")
    assert in_wan(Decimal("125.00"), places=4) == Decimal("0.0125")
    assert in_wan(Decimal("5000.00"), places=0) == Decimal("1")  # half up, not half even
    assert in_wan(Decimal("15000.00"), places=0) == Decimal("2")
    assert in_yi(Decimal("431720000.00")) == Decimal("4.3172")
    assert in_yi(Decimal("123456789.00"), places=2) == Decimal("1.23")


def test_savings_rate_reported_figures() -> None:
    budget = Decimal(43172) * WAN  # 预算 43172 万元
    paid = Decimal(37459) * WAN  # 实际采购 37459 万元
    rate = savings_rate(budget, paid)
    assert rate == Decimal("0.1323")  # 5713 / 43172 = 0.13233…, half up to four places
    assert in_wan(budget - paid, places=0) == Decimal(5713)


def test_savings_rate_edges() -> None:
    assert savings_rate(Decimal(0), Decimal(0)) is None
    assert savings_rate(Decimal("100.00"), Decimal("100.00")) == Decimal("0.0000")
    assert savings_rate(Decimal("100.00"), Decimal("110.00")) == Decimal("-0.1000")  # overspent
    assert savings_rate(Decimal("3.00"), Decimal("2.99985")) == Decimal("0.0001")  # half up
