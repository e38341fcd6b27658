"""Lookups other apps use: nearest region wins, effective dates, unit levels, ancestors."""

from __future__ import annotations

from decimal import Decimal

from zhengcai.catalog import selectors, services
from zhengcai.catalog.tests.conftest import CatWorld, D


def _set(w: CatWorld, region: str, level: int, amount: str, start: object, **kw: object) -> None:
    services.threshold_set(
        actor=None,
        region=w.regions[region],
        unit_level=level,
        category="A",
        kind="limit",
        amount=amount,
        effective_from=start,
        **kw,
    )


def test_ancestor_codes() -> None:
    assert selectors.item_ancestor_codes("A02010105") == [
        "A02010105",
        "A02010100",
        "A02010000",
        "A02000000",
    ]


def test_region_chain(w: CatWorld) -> None:
    assert [r.code for r in selectors.region_chain(w.regions["xh"])] == [
        "330106",
        "330100",
        "330000",
    ]


def test_province_threshold_applies_below(w: CatWorld) -> None:
    _set(w, "province", 3, "300000", D(2020, 1, 1))
    row = selectors.threshold_for(
        region=w.regions["xh"], unit_level=3, category="A", kind="limit", on=D(2026, 1, 1)
    )
    assert row is not None and row.amount == Decimal("300000.00")


def test_nearest_region_wins(w: CatWorld) -> None:
    _set(w, "province", 3, "300000", D(2020, 1, 1))
    _set(w, "hz", 3, "400000", D(2021, 1, 1))
    xh = selectors.threshold_for(
        region=w.regions["xh"], unit_level=3, category="A", kind="limit", on=D(2026, 1, 1)
    )
    nb = selectors.threshold_for(
        region=w.regions["nb"], unit_level=3, category="A", kind="limit", on=D(2026, 1, 1)
    )
    assert xh is not None and xh.amount == Decimal("400000.00")
    assert nb is not None and nb.amount == Decimal("300000.00")


def test_effective_dates_pick_version(w: CatWorld) -> None:
    _set(w, "province", 1, "500000", D(2020, 1, 1))
    _set(w, "province", 1, "1000000", D(2025, 7, 1))

    def on(day: object) -> Decimal | None:
        row = selectors.threshold_for(
            region=w.regions["province"], unit_level=1, category="A", kind="limit", on=day
        )
        return row.amount if row else None

    assert on(D(2019, 12, 31)) is None
    assert on(D(2025, 6, 30)) == Decimal("500000.00")
    assert on(D(2025, 7, 1)) == Decimal("1000000.00")


def test_unit_levels_are_separate(w: CatWorld) -> None:
    _set(w, "province", 1, "500000", D(2020, 1, 1))
    assert (
        selectors.threshold_for(
            region=w.regions["hz"], unit_level=2, category="A", kind="limit", on=D(2026, 1, 1)
        )
        is None
    )


def test_centralized_entry_for_ancestor_item_and_region(w: CatWorld) -> None:
    services.centralized_entry_create(
        actor=None,
        region=w.regions["province"],
        year=2026,
        item=w.item("A02010100"),
        scope="central",
    )
    entry = selectors.centralized_entry_for(
        region=w.regions["xh"], year=2026, item_code="A02010105"
    )
    assert entry is not None and entry.item.code == "A02010100"
    assert (
        selectors.centralized_entry_for(region=w.regions["xh"], year=2025, item_code="A02010105")
        is None
    )


def test_configuration_standard_for(w: CatWorld) -> None:
    services.config_standard_set(
        actor=None,
        region=w.regions["province"],
        item=w.item("A02010105"),
        max_unit_price="6000",
        effective_from=D(2020, 1, 1),
    )
    row = selectors.configuration_standard_for(
        region=w.regions["xh"], item_code="A02010105", on=D(2026, 1, 1)
    )
    assert row is not None and row.max_unit_price == Decimal("6000.00")


def test_item_search(w: CatWorld) -> None:
    codes = [i.code for i in selectors.item_search(q="计算机")]
    assert "A02010105" in codes
    assert [i.code for i in selectors.item_search(q="a020101")][:1] == ["A02010100"]
    roots = selectors.item_search(roots=True)
    assert all(i.level == 1 for i in roots)
    children = selectors.item_search(parent_code="A02010100")
    assert {i.parent.code for i in children} == {"A02010100"}


def test_threshold_lookup_query_count(w: CatWorld, django_assert_max_num_queries: object) -> None:
    _set(w, "province", 3, "300000", D(2020, 1, 1))
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        selectors.threshold_for(
            region=w.regions["xh"], unit_level=3, category="A", kind="limit", on=D(2026, 1, 1)
        )
