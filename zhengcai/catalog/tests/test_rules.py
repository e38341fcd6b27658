"""Pure rules: 品目 codes, thresholds at their edge, configuration standards."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from zhengcai.catalog import rules
from zhengcai.catalog.constants import QuantityBasis


@pytest.mark.parametrize(
    "code", ["A02010105", "A02000000", "B08000000", "C21040000", "a05010301", " A01019900 "]
)
def test_valid_codes(code: str) -> None:
    assert rules.item_code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "不能为空"),
        ("D02010000", "A（货物）"),
        ("A0201000", "9 位"),
        ("A020100000", "9 位"),
        ("A0201000X", "9 位"),
        ("A00000000", "第一级"),
        ("A02000100", "不连续"),
        ("C00010000", "第一级"),
    ],
)
def test_invalid_codes(code: str, fragment: str) -> None:
    problem = rules.item_code_problem(code)
    assert problem is not None and fragment in problem


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("A02000000", 1, None),
        ("A02010000", 2, "A02000000"),
        ("A02010100", 3, "A02010000"),
        ("A02010105", 4, "A02010100"),
        ("A01019900", 3, "A01010000"),
    ],
)
def test_level_and_parent(code: str, level: int, parent: str | None) -> None:
    assert rules.item_level(code) == level
    assert rules.item_parent_code(code) == parent


def test_category_from_letter() -> None:
    assert rules.item_category("C21040000") == "C"


def test_open_tender_exactly_at_threshold_included() -> None:
    t = Decimal("2000000.00")
    assert rules.needs_open_tender(Decimal("2000000.00"), t) is True
    assert rules.needs_open_tender(Decimal("1999999.99"), t) is False
    assert rules.needs_open_tender(Decimal("2000000.01"), t) is True


def test_below_limit_is_strict() -> None:
    limit = Decimal("500000")
    assert rules.below_procurement_limit(Decimal("499999.99"), limit) is True
    assert rules.below_procurement_limit(Decimal("500000.00"), limit) is False


def test_within_law() -> None:
    limit = Decimal("300000")
    assert rules.within_procurement_law(
        amount=Decimal("1"), procurement_limit=limit, in_centralized_catalog=True
    )
    assert not rules.within_procurement_law(
        amount=Decimal("299999"), procurement_limit=limit, in_centralized_catalog=False
    )
    assert rules.within_procurement_law(
        amount=Decimal("300000"), procurement_limit=limit, in_centralized_catalog=False
    )


def test_centralized_min_amount_inclusive() -> None:
    assert rules.centralized_entry_applies(amount=Decimal("500"), min_amount=Decimal("500"))
    assert not rules.centralized_entry_applies(amount=Decimal("499.99"), min_amount=Decimal("500"))
    assert rules.centralized_entry_applies(amount=Decimal("1"), min_amount=None)


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("100", True),
        ("0.01", True),
        ("-1", False),
        ("0", False),
        ("abc", False),
        ("1.234", False),
        ("1e20", False),
        ("NaN", False),
        (None, False),
        ("1,000.50", True),
    ],
)
def test_amounts(value: str | None, ok: bool) -> None:
    problem = rules.amount_problem(rules.parse_amount(value))
    assert (problem is None) is ok


@dataclass
class Std:
    max_unit_price: Decimal | None = Decimal("6000")
    max_quantity: Decimal | None = Decimal("1")
    quantity_basis: str = QuantityBasis.PER_STAFF
    min_service_years: int | None = 6


def test_config_standard_within_limits() -> None:
    assert (
        rules.config_standard_violations(
            standard=Std(),
            unit_price=Decimal("6000"),
            quantity=Decimal("10"),
            headcount=10,
            replaced_service_years=Decimal("6"),
        )
        == []
    )


def test_config_standard_each_limit_quoted() -> None:
    found = rules.config_standard_violations(
        standard=Std(),
        unit_price=Decimal("6000.01"),
        quantity=Decimal("3"),
        headcount=10,
        held_quantity=Decimal("8"),
        replaced_service_years=Decimal("5"),
    )
    assert [v.limit for v in found] == ["max_unit_price", "max_quantity", "min_service_years"]
    assert "6000" in found[0].message
    assert "11" in found[1].message and "10" in found[1].message
    assert "6 年" in found[2].message


def test_config_standard_per_unit() -> None:
    std = Std(quantity_basis=QuantityBasis.PER_UNIT, max_quantity=Decimal("2"))
    found = rules.config_standard_violations(standard=std, quantity=Decimal("3"), headcount=100)
    assert [v.limit for v in found] == ["max_quantity"]


@pytest.mark.parametrize(
    ("year", "ok"), [(2026, True), (1999, False), ("2026", False), (True, False)]
)
def test_year(year: object, ok: bool) -> None:
    assert (rules.year_problem(year) is None) is ok
