"""Reading a workbook: cell parsing, the sheet's rows, lookups, row collection."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook

from zhengcai.accounts.models import Region, User
from zhengcai.catalog import access, rules
from zhengcai.catalog.excel.specs import MAX_ROWS, ImportReport, RowProblem, Spec
from zhengcai.catalog.models import CatalogItem

# --- cell parsing ---------------------------------------------------------------------------


class BadCell(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def cell_str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def cell_choice(value: Any, column: str, choices: Any, what: str) -> Any:
    text = cell_str(value)
    for v, label in choices.choices:
        if text in (str(v), str(label)):
            return v
    labels = "、".join(str(label) for _, label in choices.choices)
    raise BadCell(column, f"{what}「{text}」无效，应为：{labels}")


def cell_date(value: Any, column: str, *, required: bool) -> dt.date | None:
    if value is None or cell_str(value) == "":
        if required:
            raise BadCell(column, "日期不能为空")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_str(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadCell(column, f"日期「{cell_str(value)}」格式不正确，应为 YYYY-MM-DD") from None


def cell_money(value: Any, column: str, *, required: bool, label: str) -> Decimal | None:
    if value is None or cell_str(value) == "":
        if required:
            raise BadCell(column, f"{label}不能为空")
        return None
    amount = rules.parse_amount(value)
    problem = rules.amount_problem(amount, label=label)
    if problem:
        raise BadCell(column, f"{problem}（{cell_str(value)}）")
    assert amount is not None
    return amount.quantize(Decimal("0.01"))


def cell_int(value: Any, column: str, *, required: bool, label: str) -> int | None:
    text = cell_str(value)
    if not text:
        if required:
            raise BadCell(column, f"{label}不能为空")
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise BadCell(column, f"{label}「{text}」不是整数") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise BadCell(column, f"{label}「{text}」不是整数")
    if number < 0:
        raise BadCell(column, f"{label}不能为负数")
    return int(number)


# --- reading ----------------------------------------------------------------------------


def open_rows(
    data: bytes, spec: Spec, report: ImportReport
) -> list[tuple[int, tuple[Any, ...]]] | None:
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not xlsx
        report.problems.append(RowProblem(0, "文件", "文件不是有效的 Excel（.xlsx）文件"))
        return None
    if spec.sheet not in wb.sheetnames:
        report.problems.append(
            RowProblem(
                0,
                "工作表",
                f"找不到名为「{spec.sheet}」的工作表（文件中的工作表：{'、'.join(wb.sheetnames)}）",
            )
        )
        return None
    ws = wb[spec.sheet]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    got = [cell_str(h) for h in header][: len(spec.headers)]
    got += [""] * (len(spec.headers) - len(got))
    for i, (want, have) in enumerate(zip(spec.headers, got, strict=True)):
        if want != have:
            report.problems.append(
                RowProblem(1, f"第 {i + 1} 列", f"表头应为「{want}」，实为「{have or '（空）'}」")
            )
    if report.problems:
        return None
    body: list[tuple[int, tuple[Any, ...]]] = []
    for n, values in enumerate(rows, start=2):
        cells = tuple(values[: len(spec.headers)]) + (None,) * (
            len(spec.headers) - len(values[: len(spec.headers)])
        )
        if all(cell_str(v) == "" for v in cells):
            continue
        body.append((n, cells))
        if len(body) > MAX_ROWS:
            report.problems.append(RowProblem(n, "", f"行数超过上限 {MAX_ROWS}"))
            return None
    if not body:
        report.problems.append(RowProblem(0, "工作表", "工作表中没有数据行"))
        return None
    return body


class Lookups:
    def __init__(self, user: User | None) -> None:
        self.user = user
        self.regions = {r.code: r for r in Region.objects.all()}
        self.items = {i.code: i for i in CatalogItem.objects.all()}

    def region(self, value: Any) -> Region:
        code = cell_str(value)
        region = self.regions.get(code)
        if region is None:
            raise BadCell("区划代码", f"区划代码「{code}」不存在")
        if self.user is not None and not access.can_edit_region(self.user, region):
            raise BadCell("区划代码", f"您无权修改{region.name}（{code}）的标准")
        return region

    def item(self, value: Any) -> CatalogItem:
        code = rules.normalize_code(cell_str(value))
        problem = rules.item_code_problem(code)
        if problem:
            raise BadCell("品目编码", problem)
        item = self.items.get(code)
        if item is None:
            raise BadCell("品目编码", f"品目编码「{code}」不在品目分类目录中")
        if not item.is_active:
            raise BadCell("品目编码", f"品目「{item}」已停用")
        return item


def collect_rows(
    body: list[tuple[int, tuple[Any, ...]]],
    parse: Callable[[tuple[Any, ...]], tuple[Any, dict[str, Any]]],
    report: ImportReport,
) -> list[tuple[int, dict[str, Any]]]:
    """Parse every row; record each row's first problem and duplicate keys."""
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[Any, int] = {}
    for n, cells in body:
        try:
            key, values = parse(cells)
        except BadCell as bad:
            report.problems.append(RowProblem(n, bad.column, bad.message))
            continue
        if key in seen:
            report.problems.append(RowProblem(n, "", f"与第 {seen[key]} 行重复"))
            continue
        seen[key] = n
        parsed.append((n, values))
    return parsed
