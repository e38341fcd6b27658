"""Excel import/export: every bad input gives its row report and imports nothing; round trip."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from zhengcai.catalog import excel, services
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.catalog.tests.conftest import CatWorld, D
from zhengcai.core.models import AuditEntry

TH = excel.SPECS["thresholds"].headers
CE = excel.SPECS["centralized"].headers
ST = excel.SPECS["standards"].headers


def book(sheet: str, headers: tuple[str, ...] | list[str], rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(headers))
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def th_row(**kw: Any) -> list[Any]:
    row = {
        "region": "330000",
        "name": "浙江省",
        "level": "省级",
        "cat": "货物",
        "kind": "采购限额标准",
        "amount": 500000,
        "start": D(2020, 1, 1),
        "end": None,
        "basis": "测试",
    }
    row.update(kw)
    return list(row.values())


def ce_row(**kw: Any) -> list[Any]:
    row = {
        "region": "330000",
        "name": "浙江省",
        "year": 2026,
        "item": "A02010105",
        "item_name": "台式计算机",
        "scope": "集中采购机构采购",
        "min": None,
        "note": "",
    }
    row.update(kw)
    return list(row.values())


def st_row(**kw: Any) -> list[Any]:
    row = {
        "region": "330000",
        "name": "浙江省",
        "item": "A02010105",
        "item_name": "台式计算机",
        "price": 6000,
        "qty": 1,
        "basis_kind": "每人",
        "years": 6,
        "start": D(2020, 1, 1),
        "end": None,
        "basis": "",
    }
    row.update(kw)
    return list(row.values())


def _nothing_imported(before_audit: int) -> None:
    assert not Threshold.objects.exists()
    assert not CentralizedCatalogEntry.objects.exists()
    assert not ConfigurationStandard.objects.exists()
    assert AuditEntry.objects.count() == before_audit


def test_good_threshold_file_imports(w: CatWorld) -> None:
    data = book(
        "限额标准",
        TH,
        [
            th_row(),
            th_row(level="市级", amount=300000),
            th_row(kind="公开招标数额标准", amount="2000000"),
        ],
    )
    report = excel.import_workbook("thresholds", data, actor=w.users["reg_prov"])
    assert report.ok, report.problems
    assert (report.created, report.rows) == (3, 3)
    assert Threshold.objects.count() == 3
    assert AuditEntry.objects.filter(action="catalog.threshold.created").count() == 3


@pytest.mark.parametrize(
    ("row", "column", "fragment"),
    [
        (th_row(region="999999"), "区划代码", "不存在"),
        (th_row(amount=-100), "金额（元）", "负数"),
        (th_row(amount="十万"), "金额（元）", "不是有效的数字"),
        (th_row(amount=None), "金额（元）", "不能为空"),
        (th_row(level="乡级"), "预算单位级次", "无效"),
        (th_row(cat="软件"), "类别", "无效"),
        (th_row(kind="其他"), "标准类型", "无效"),
        (th_row(start="2020-13-01"), "生效日期", "格式不正确"),
        (th_row(start=None), "生效日期", "不能为空"),
        (th_row(end=D(2019, 1, 1)), "失效日期", "早于"),
    ],
)
def test_bad_threshold_row_reported_and_nothing_imported(
    w: CatWorld, row: list[Any], column: str, fragment: str
) -> None:
    before = AuditEntry.objects.count()
    data = book("限额标准", TH, [th_row(level="市级"), row])
    report = excel.import_workbook("thresholds", data, actor=w.users["reg_prov"])
    assert not report.ok
    assert [(p.row, p.column) for p in report.problems] == [(3, column)]
    assert fragment in report.problems[0].message
    _nothing_imported(before)


def test_every_bad_row_is_reported(w: CatWorld) -> None:
    data = book(
        "限额标准",
        TH,
        [th_row(region="1"), th_row(level="市级"), th_row(amount=-1, level="县级"), th_row()],
    )
    report = excel.import_workbook("thresholds", data, actor=w.users["reg_prov"])
    assert [p.row for p in report.problems] == [2, 4]


def test_duplicate_lines(w: CatWorld) -> None:
    before = AuditEntry.objects.count()
    data = book("限额标准", TH, [th_row(), th_row(amount=600000)])
    report = excel.import_workbook("thresholds", data, actor=w.users["reg_prov"])
    assert [(p.row, p.message) for p in report.problems] == [(3, "与第 2 行重复")]
    _nothing_imported(before)


def test_wrong_sheet_name(w: CatWorld) -> None:
    before = AuditEntry.objects.count()
    report = excel.import_workbook(
        "thresholds", book("Sheet1", TH, [th_row()]), actor=w.users["reg_prov"]
    )
    assert report.problems[0].row == 0 and "限额标准" in report.problems[0].message
    _nothing_imported(before)


def test_wrong_headers(w: CatWorld) -> None:
    headers = list(TH)
    headers[5] = "金额"
    report = excel.import_workbook(
        "thresholds", book("限额标准", headers, [th_row()]), actor=w.users["reg_prov"]
    )
    assert [(p.row, p.column) for p in report.problems] == [(1, "第 6 列")]
    assert not Threshold.objects.exists()


def test_not_an_excel_file(w: CatWorld) -> None:
    report = excel.import_workbook("thresholds", b"not a zip", actor=w.users["reg_prov"])
    assert report.problems[0].column == "文件"


def test_empty_sheet(w: CatWorld) -> None:
    report = excel.import_workbook("thresholds", book("限额标准", TH, []), actor=None)
    assert "没有数据行" in report.problems[0].message


def test_region_outside_permission(w: CatWorld) -> None:
    data = book("限额标准", TH, [th_row(region="330100", name="杭州市", level="市级")])
    report = excel.import_workbook("thresholds", data, actor=w.users["reg_prov"])
    assert "无权" in report.problems[0].message
    assert not Threshold.objects.exists()


def test_service_conflict_rolls_back_everything(w: CatWorld) -> None:
    services.threshold_set(
        actor=None,
        region=w.regions["province"],
        unit_level=2,
        category="A",
        kind="limit",
        amount="300000",
        effective_from=D(2025, 1, 1),
    )
    before = AuditEntry.objects.count()
    # Row 2 is fine; row 3 would insert a version before the 2025 one with no end: conflict.
    data = book("限额标准", TH, [th_row(), th_row(level="市级", start=D(2024, 1, 1))])
    report = excel.import_workbook("thresholds", data, actor=w.users["reg_prov"])
    assert [p.row for p in report.problems] == [3]
    assert Threshold.objects.count() == 1
    assert AuditEntry.objects.count() == before


def test_threshold_round_trip(w: CatWorld) -> None:
    services.threshold_set(
        actor=None,
        region=w.regions["province"],
        unit_level=1,
        category="A",
        kind="limit",
        amount="500000",
        effective_from=D(2020, 1, 1),
    )
    services.threshold_set(
        actor=None,
        region=w.regions["province"],
        unit_level=1,
        category="A",
        kind="limit",
        amount="800000.50",
        effective_from=D(2025, 1, 1),
        basis="浙财采〔2025〕",
    )
    data = excel.export_workbook("thresholds")
    before = AuditEntry.objects.count()
    report = excel.import_workbook("thresholds", data, actor=w.users["reg_prov"])
    assert report.ok and (report.unchanged, report.created, report.updated) == (2, 0, 0)
    assert AuditEntry.objects.count() == before
    ws = load_workbook(io.BytesIO(data))["限额标准"]
    assert [c.value for c in ws[1]] == list(TH)
    assert ws.cell(3, 6).value == pytest.approx(800000.5)


def test_changed_amount_updates_on_import(w: CatWorld) -> None:
    services.threshold_set(
        actor=None,
        region=w.regions["province"],
        unit_level=1,
        category="A",
        kind="limit",
        amount="500000",
        effective_from=D(2020, 1, 1),
    )
    report = excel.import_workbook(
        "thresholds", book("限额标准", TH, [th_row(amount=520000)]), actor=w.users["admin"]
    )
    assert report.ok and report.updated == 1
    assert Threshold.objects.get().amount == 520000


def test_centralized_import_and_round_trip(w: CatWorld) -> None:
    data = book(
        "集中采购目录",
        CE,
        [ce_row(), ce_row(item="A05030000", item_name="被服装具", min="500", note="校服")],
    )
    report = excel.import_workbook("centralized", data, actor=w.users["reg_prov"])
    assert report.ok and report.created == 2
    exported = excel.export_workbook("centralized", region=w.regions["province"], year=2026)
    again = excel.import_workbook("centralized", exported, actor=w.users["reg_prov"])
    assert again.ok and again.unchanged == 2


@pytest.mark.parametrize(
    ("row", "column"),
    [
        (ce_row(item="A0201"), "品目编码"),
        (ce_row(item="A09090900"), "品目编码"),
        (ce_row(year=1990), "年度"),
        (ce_row(year="二〇二六"), "年度"),
        (ce_row(min=-500), "起点金额（元）"),
        (ce_row(scope="自行采购"), "组织形式"),
        (ce_row(region="abc"), "区划代码"),
    ],
)
def test_bad_centralized_rows(w: CatWorld, row: list[Any], column: str) -> None:
    data = book("集中采购目录", CE, [ce_row(item="C21040000"), row])
    report = excel.import_workbook("centralized", data, actor=w.users["reg_prov"])
    assert [(p.row, p.column) for p in report.problems] == [(3, column)]
    assert not CentralizedCatalogEntry.objects.exists()


def test_standards_import_round_trip_and_errors(w: CatWorld) -> None:
    report = excel.import_workbook(
        "standards", book("资产配置标准", ST, [st_row()]), actor=w.users["reg_prov"]
    )
    assert report.ok and report.created == 1
    again = excel.import_workbook(
        "standards", excel.export_workbook("standards"), actor=w.users["reg_prov"]
    )
    assert again.ok and again.unchanged == 1
    bad = excel.import_workbook(
        "standards",
        book(
            "资产配置标准",
            ST,
            [st_row(item="A02010108", price=-1), st_row(item="C21040000"), st_row(years=0)],
        ),
        actor=w.users["reg_prov"],
    )
    assert [p.row for p in bad.problems] == [2, 3, 4]
    assert ConfigurationStandard.objects.count() == 1


def test_items_import_admin_only(w: CatWorld) -> None:
    data = book("品目分类目录", ("品目编码", "品目名称"), [["A02010111", "新计算机"]])
    report = excel.import_workbook("items", data, actor=w.users["reg_prov"])
    assert not report.ok
    report = excel.import_workbook("items", data, actor=w.users["admin"])
    assert report.ok and report.created == 1


def test_items_import_bad_codes_nothing(w: CatWorld) -> None:
    count = CatalogItem.objects.count()
    data = book(
        "品目分类目录",
        ("品目编码", "品目名称"),
        [["A02010112", "好"], ["D0101", "坏"], ["A09090909", "无上级"], ["A02010112", "重复"]],
    )
    report = excel.import_workbook("items", data, actor=w.users["admin"])
    assert [p.row for p in report.problems] == [3, 5]
    assert CatalogItem.objects.count() == count


def test_items_round_trip(w: CatWorld) -> None:
    report = excel.import_workbook("items", excel.export_workbook("items"), actor=None)
    assert report.ok and report.unchanged == CatalogItem.objects.count()


def test_read_official_catalogue(w: CatWorld) -> None:
    data = book(
        "目录",
        ["序号", "编码", "名称", "说明"],
        [[1, "A", "货物", ""], [2, "A02000000", "设备", ""], [3, "A0200", "坏", ""]],
    )
    rows, problems = excel.read_official_catalogue(data)
    assert rows == [("A02000000", "设备")]
    assert [p.row for p in problems] == [4]
