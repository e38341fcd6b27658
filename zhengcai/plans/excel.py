"""Excel (.xlsx) exchange of budget lines: the template and the reader.

The reader only parses the sheet; `services.budget_lines_import` validates every row with the
same checks as a line entered by hand and imports all rows or none.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from zhengcai.plans import constants as c

SHEET = "采购预算"
MAX_ROWS = 2000
# (field, header): the columns of the sheet, in order.
COLUMNS: list[tuple[str, str]] = [
    ("fiscal_year", "预算年度"),
    ("project_code", "预算项目编码"),
    ("project_name", "预算项目名称"),
    ("item_code", "品目编码"),
    ("description", "采购内容"),
    ("quantity", "数量"),
    ("unit", "计量单位"),
    ("amount", "预算金额（元）"),
    ("funding_source", "资金来源"),
    ("org_form", "组织形式"),
    ("is_import", "是否进口"),
]
COLUMN_OF = {field: get_column_letter(i + 1) for i, (field, _) in enumerate(COLUMNS)}
YES = {"是", "y", "yes", "true", "1", "进口"}
NO = {"否", "n", "no", "false", "0", "", "国产"}


@dataclass(frozen=True)
class ImportProblem:
    row: int  # Excel row number (1 = header); 0 for the whole file
    column: str  # Excel column letter, or "" for the whole row / file
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "field": self.field,
            "message": self.message,
        }


def template_bytes(*, fiscal_year: int) -> bytes:
    """An empty workbook with the right sheet, headers and one example row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append([h for _, h in COLUMNS])
    ws.append(
        [
            fiscal_year,
            "XM-001",
            "教学设备更新",
            "A02010104",
            "台式计算机",
            50,
            "台",
            300000,
            str(c.FundingSource.GENERAL.label),
            str(c.OrgForm.CENTRAL.label),
            "否",
        ]
    )
    for i, (_, header) in enumerate(COLUMNS):
        cell = ws.cell(row=1, column=i + 1)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1D4F91")
        ws.column_dimensions[get_column_letter(i + 1)].width = max(12, len(header) * 2 + 4)
    notes = wb.create_sheet("填写说明")
    notes.append(["栏目", "说明"])
    notes.append(["品目编码", "《政府采购品目分类目录》9 位编码，如 A02010104"])
    notes.append(["资金来源", "、".join(str(x.label) for x in c.FundingSource)])
    notes.append(["组织形式", "政府集中采购、部门集中采购、分散采购；留空按集中采购目录确定"])
    notes.append(["是否进口", "是 / 否"])
    notes.append(["预算金额", "以元为单位，最多两位小数，必须大于 0"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell_text(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip()
    return value


def read_budget_rows(
    fileobj: IO[bytes],
) -> tuple[list[tuple[int, dict[str, Any]]], list[ImportProblem]]:
    """Rows as dicts keyed by field (with their Excel row numbers), or the file's problems."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        return [], [
            ImportProblem(0, "", "", f"文件不是有效的 Excel（.xlsx）文件：{type(exc).__name__}")
        ]
    try:
        if SHEET not in wb.sheetnames:
            return [], [
                ImportProblem(
                    0,
                    "",
                    "",
                    f"找不到工作表「{SHEET}」（文件中的工作表：{'、'.join(wb.sheetnames)}），"
                    "请使用下载的模板",
                )
            ]
        ws = wb[SHEET]
        rows_iter = ws.iter_rows(values_only=True)
        header = next(rows_iter, None)
        problems: list[ImportProblem] = []
        got = [(_cell_text(v) or "") for v in (header or ())]
        for i, (field, expected) in enumerate(COLUMNS):
            actual = str(got[i]) if i < len(got) else ""
            if actual != expected:
                problems.append(
                    ImportProblem(
                        1,
                        get_column_letter(i + 1),
                        field,
                        f"表头应为「{expected}」，实为「{actual or '（空）'}」",
                    )
                )
        if problems:
            return [], problems
        rows: list[tuple[int, dict[str, Any]]] = []
        for number, values in enumerate(rows_iter, start=2):
            cells = [_cell_text(v) for v in values[: len(COLUMNS)]]
            if all(v is None or v == "" for v in cells):
                continue
            if len(rows) >= MAX_ROWS:
                return [], [ImportProblem(0, "", "", f"一次最多导入 {MAX_ROWS} 行")]
            cells += [None] * (len(COLUMNS) - len(cells))
            row = {field: cells[i] for i, (field, _) in enumerate(COLUMNS)}
            flag = str(row["is_import"] if row["is_import"] is not None else "").strip().lower()
            if flag in YES:
                row["is_import"] = True
            elif flag in NO:
                row["is_import"] = False
            else:
                problems.append(
                    ImportProblem(
                        number, COLUMN_OF["is_import"], "is_import", "是否进口应填“是”或“否”"
                    )
                )
                row["is_import"] = False
            rows.append((number, row))
        if not rows and not problems:
            problems.append(ImportProblem(0, "", "", "表中没有数据行"))
        return rows, problems
    finally:
        wb.close()
