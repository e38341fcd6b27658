"""The shipped file, the load_catalog command and the demo seeder."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from zhengcai.accounts import demo as accounts_demo
from zhengcai.catalog import demo, rules, selectors
from zhengcai.catalog.data_file import shipped_items
from zhengcai.catalog.models import CatalogItem, CentralizedCatalogEntry, Threshold
from zhengcai.catalog.tests.test_excel import book


def test_shipped_file_is_consistent() -> None:
    rows = shipped_items()
    codes = [c for c, _ in rows]
    assert len(codes) == len(set(codes))
    for code, name in rows:
        assert rules.item_code_problem(code) is None, code
        parent = rules.item_parent_code(code)
        assert parent is None or parent in codes, code
        assert name
    for letter in "ABC":
        assert any(c.startswith(letter) and rules.item_level(c) == 1 for c in codes)


def test_demo_items_are_in_shipped_file() -> None:
    codes = {c for c, _ in shipped_items()}
    assert {c for c, *_ in demo.CENTRALIZED} <= codes
    assert {c for c, *_ in demo.STANDARDS} <= codes


@pytest.mark.django_db
def test_load_catalog_idempotent() -> None:
    out = io.StringIO()
    call_command("load_catalog", stdout=out)
    n = CatalogItem.objects.count()
    assert n == len(shipped_items())
    call_command("load_catalog", stdout=out)
    assert CatalogItem.objects.count() == n
    assert "未变" in out.getvalue()


@pytest.mark.django_db
def test_load_catalog_from_excel(tmp_path: Path) -> None:
    path = tmp_path / "official.xlsx"
    path.write_bytes(
        book(
            "Sheet1",
            ["编码", "名称"],
            [["A", "货物"], ["A02000000", "设备"], ["A02010000", "信息化设备"]],
        )
    )
    call_command("load_catalog", file=str(path), stdout=io.StringIO())
    assert CatalogItem.objects.get(code="A02010000").parent.code == "A02000000"  # type: ignore[union-attr]


@pytest.mark.django_db
def test_load_catalog_bad_excel_imports_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(book("Sheet1", ["编码", "名称"], [["A02000000", "设备"], ["A0X", "坏"]]))
    with pytest.raises(CommandError):
        call_command("load_catalog", file=str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not CatalogItem.objects.exists()


@pytest.mark.django_db
def test_demo_seed(clock: Any) -> None:
    ctx = accounts_demo.make_context("small", 1)
    accounts_demo.seed(ctx)
    demo.seed(ctx)
    assert Threshold.objects.count() == len(demo.THRESHOLDS)
    assert CentralizedCatalogEntry.objects.filter(year=2026).count() == len(demo.CENTRALIZED)
    county = next(r for r in ctx.regions.values() if r.level == 3)
    limit = selectors.threshold_for(
        region=county, unit_level=3, category="A", kind="limit", on=clock.today()
    )
    assert limit is not None and str(limit.amount) == "300000.00"
    assert "69号" in limit.basis
    uniforms = selectors.centralized_entry_for(region=county, year=2026, item_code="A05030000")
    assert uniforms is not None and str(uniforms.min_amount) == "500.00"
