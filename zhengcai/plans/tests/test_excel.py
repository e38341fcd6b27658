"""Excel import of budget lines: every bad row reported, nothing half-imported."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook, load_workbook

from zhengcai.core.models import AuditEntry
from zhengcai.plans import excel, services
from zhengcai.plans.models import BudgetLine
from zhengcai.plans.tests.factories import PlansWorld

HEADERS = [h for _, h in excel.COLUMNS]


def workbook(rows: list[list[Any]], *, sheet: str = excel.SHEET, headers: list[str] | None = None):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(headers or HEADERS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def row(n: int, **kw: Any) -> list[Any]:
    values = {
        "fiscal_year": 2026,
        "project_code": "XM-IMP",
        "project_name": "后勤保障",
        "item_code": "C21040000",
        "description": f"物业服务{n}",
        "quantity": 1,
        "unit": "项",
        "amount": 120000.5,
        "funding_source": "一般公共预算资金",
        "org_form": "",
        "is_import": "否",
    }
    values.update(kw)
    return [values[f] for f, _ in excel.COLUMNS]


def run(w: PlansWorld, fileobj):
    return services.budget_lines_import(
        actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], fileobj=fileobj
    )


def test_template_roundtrip(w: PlansWorld) -> None:
    data = excel.template_bytes(fiscal_year=2026)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[0] == excel.SHEET
    result = run(w, io.BytesIO(data))
    assert result.ok and len(result.created) == 1
    line = result.created[0]
    assert line.org_form == "central" and line.amount == 300000


def test_good_file_imports_every_row(w: PlansWorld) -> None:
    before = BudgetLine.objects.count()
    result = run(w, workbook([row(1), row(2, amount="80000.00", org_form="分散采购"), row(3)]))
    assert result.ok, result.problems
    assert BudgetLine.objects.count() == before + 3
    assert {b.status for b in result.created} == {"draft"}
    assert result.created[0].amount == 120000.50
    assert AuditEntry.objects.filter(action="budget_line.imported").count() >= 3
    assert AuditEntry.objects.filter(action="budget_line.import_finished").exists()


def test_every_bad_row_reported_nothing_imported(w: PlansWorld) -> None:
    services.budget_line_create(
        actor=w.users["pur_hz"],
        organization=w.orgs["pur_hz"],
        data={
            "fiscal_year": 2026,
            "project_code": "XM-IMP",
            "project_name": "后勤保障",
            "item_code": "C21040000",
            "description": "已登记的内容",
            "quantity": 1,
            "unit": "项",
            "amount": "1000.00",
            "funding_source": "general",
        },
    )
    before = BudgetLine.objects.count()
    rows = [
        row(1),  # row 2: good
        row(2, item_code="A99999999"),  # row 3: unknown 品目
        row(3, amount=-500),  # row 4: negative
        row(4, amount="十万"),  # row 5: not a number
        row(1),  # row 6: duplicate of row 2
        row(5, description="已登记的内容"),  # row 7: duplicate of a line already entered
        row(6, item_code="A02010104", amount=70000, quantity=10, org_form=""),  # row 8: standard
        row(7, item_code="A02010104", amount=5000, org_form="分散采购"),  # row 9: org form
        row(8, funding_source="自筹", is_import="也许"),  # row 10: two problems
        row(9, amount=1.234),  # row 11: three decimals
    ]
    result = run(w, workbook(rows))
    assert not result.ok
    assert BudgetLine.objects.count() == before
    by_row: dict[int, list[str]] = {}
    for p in result.problems:
        by_row.setdefault(p.row, []).append(p.column + ":" + p.message)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert any("A99999999" in m and m.startswith("D:") for m in by_row[3])
    assert any(m.startswith("H:") and "大于 0" in m for m in by_row[4])
    assert any(m.startswith("H:") for m in by_row[5])
    assert any("第 2 行重复" in m for m in by_row[6])
    assert any("已登记" in m for m in by_row[7])
    assert any("资产配置标准" in m and "6000" in m for m in by_row[8])
    assert any(m.startswith("J:") and "法18" in m for m in by_row[9])
    assert len(by_row[10]) == 2
    assert any("两位小数" in m for m in by_row[11])


def test_wrong_sheet(w: PlansWorld) -> None:
    result = run(w, workbook([row(1)], sheet="Sheet1"))
    assert not result.ok and result.problems[0].row == 0
    assert "采购预算" in result.problems[0].message and "Sheet1" in result.problems[0].message


def test_wrong_headers(w: PlansWorld) -> None:
    headers = list(HEADERS)
    headers[3], headers[7] = "品目", "金额"
    result = run(w, workbook([row(1)], headers=headers))
    assert [(p.row, p.column) for p in result.problems] == [(1, "D"), (1, "H")]
    assert "品目编码" in result.problems[0].message


def test_not_an_excel_file(w: PlansWorld) -> None:
    result = run(w, io.BytesIO(b"project,amount\nx,1\n"))
    assert not result.ok and "Excel" in result.problems[0].message


def test_empty_sheet(w: PlansWorld) -> None:
    result = run(w, workbook([]))
    assert not result.ok and "没有数据行" in result.problems[0].message
