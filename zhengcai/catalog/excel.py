"""Excel (.xlsx) import and export of the catalogue, in the format officials exchange.

Every kind has one sheet with fixed headers; export writes exactly what import reads, so a
file can go out, be edited and come back. Import is all-or-nothing: every row is checked
first (wrong sheet or headers, bad codes, unknown regions, regions the importer may not edit,
negative or malformed amounts and dates, duplicate lines); if any row is bad the report lists
every problem (row, column, message in Chinese) and nothing is written. Good files are applied
through the services (audit entry per change) in one transaction.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from zhengcai.accounts.constants import RegionLevel
from zhengcai.accounts.models import Region, User
from zhengcai.catalog import access, rules, services
from zhengcai.catalog.constants import Category, CentralizedScope, QuantityBasis, ThresholdKind
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.core.errors import DomainError

MAX_ROWS = 20000
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Spec:
    sheet: str
    headers: tuple[str, ...]
    filename: str


SPECS: dict[str, Spec] = {
    "items": Spec("品目分类目录", ("品目编码", "品目名称"), "品目分类目录"),
    "thresholds": Spec(
        "限额标准",
        (
            "区划代码",
            "区划名称",
            "预算单位级次",
            "类别",
            "标准类型",
            "金额（元）",
            "生效日期",
            "失效日期",
            "依据文件",
        ),
        "限额标准",
    ),
    "centralized": Spec(
        "集中采购目录",
        (
            "区划代码",
            "区划名称",
            "年度",
            "品目编码",
            "品目名称",
            "组织形式",
            "起点金额（元）",
            "说明",
        ),
        "集中采购目录",
    ),
    "standards": Spec(
        "资产配置标准",
        (
            "区划代码",
            "区划名称",
            "品目编码",
            "品目名称",
            "单价上限（元）",
            "数量上限",
            "数量计算口径",
            "最低使用年限",
            "生效日期",
            "失效日期",
            "依据文件",
        ),
        "资产配置标准",
    ),
}
KIND_LABELS = {
    "items": "品目分类目录",
    "thresholds": "限额标准",
    "centralized": "集中采购目录",
    "standards": "资产配置标准",
}


@dataclass(frozen=True)
class RowProblem:
    row: int  # spreadsheet row number (1 = header); 0 = the file or sheet as a whole
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "problems": [
                {"row": p.row, "column": p.column, "message": p.message} for p in self.problems
            ],
        }


# --- cell parsing ---------------------------------------------------------------------------


class _Bad(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _choice(value: Any, column: str, choices: Any, what: str) -> Any:
    text = _str(value)
    for v, label in choices.choices:
        if text in (str(v), str(label)):
            return v
    labels = "、".join(str(label) for _, label in choices.choices)
    raise _Bad(column, f"{what}「{text}」无效，应为：{labels}")


def _date(value: Any, column: str, *, required: bool) -> dt.date | None:
    if value is None or _str(value) == "":
        if required:
            raise _Bad(column, "日期不能为空")
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _str(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _Bad(column, f"日期「{_str(value)}」格式不正确，应为 YYYY-MM-DD") from None


def _money(value: Any, column: str, *, required: bool, label: str) -> Decimal | None:
    if value is None or _str(value) == "":
        if required:
            raise _Bad(column, f"{label}不能为空")
        return None
    amount = rules.parse_amount(value)
    problem = rules.amount_problem(amount, label=label)
    if problem:
        raise _Bad(column, f"{problem}（{_str(value)}）")
    assert amount is not None
    return amount.quantize(Decimal("0.01"))


def _int(value: Any, column: str, *, required: bool, label: str) -> int | None:
    text = _str(value)
    if not text:
        if required:
            raise _Bad(column, f"{label}不能为空")
        return None
    try:
        number = Decimal(text)
    except ArithmeticError:
        raise _Bad(column, f"{label}「{text}」不是整数") from None
    if not number.is_finite() or number != number.to_integral_value():
        raise _Bad(column, f"{label}「{text}」不是整数")
    if number < 0:
        raise _Bad(column, f"{label}不能为负数")
    return int(number)


# --- reading ----------------------------------------------------------------------------


def _open_rows(
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
    got = [_str(h) for h in header][: len(spec.headers)]
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
        if all(_str(v) == "" for v in cells):
            continue
        body.append((n, cells))
        if len(body) > MAX_ROWS:
            report.problems.append(RowProblem(n, "", f"行数超过上限 {MAX_ROWS}"))
            return None
    if not body:
        report.problems.append(RowProblem(0, "工作表", "工作表中没有数据行"))
        return None
    return body


class _Lookups:
    def __init__(self, user: User | None) -> None:
        self.user = user
        self.regions = {r.code: r for r in Region.objects.all()}
        self.items = {i.code: i for i in CatalogItem.objects.all()}

    def region(self, value: Any) -> Region:
        code = _str(value)
        region = self.regions.get(code)
        if region is None:
            raise _Bad("区划代码", f"区划代码「{code}」不存在")
        if self.user is not None and not access.can_edit_region(self.user, region):
            raise _Bad("区划代码", f"您无权修改{region.name}（{code}）的标准")
        return region

    def item(self, value: Any) -> CatalogItem:
        code = rules.normalize_code(_str(value))
        problem = rules.item_code_problem(code)
        if problem:
            raise _Bad("品目编码", problem)
        item = self.items.get(code)
        if item is None:
            raise _Bad("品目编码", f"品目编码「{code}」不在品目分类目录中")
        if not item.is_active:
            raise _Bad("品目编码", f"品目「{item}」已停用")
        return item


def _collect(
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
        except _Bad as bad:
            report.problems.append(RowProblem(n, bad.column, bad.message))
            continue
        if key in seen:
            report.problems.append(RowProblem(n, "", f"与第 {seen[key]} 行重复"))
            continue
        seen[key] = n
        parsed.append((n, values))
    return parsed


# --- per kind: parse a row ------------------------------------------------------------------


def _parse_item(cells: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
    code = rules.normalize_code(_str(cells[0]))
    problem = rules.item_code_problem(code)
    if problem:
        raise _Bad("品目编码", problem)
    name = _str(cells[1])
    if not name:
        raise _Bad("品目名称", "品目名称不能为空")
    if len(name) > 120:
        raise _Bad("品目名称", "品目名称不能超过 120 字")
    return code, {"code": code, "name": name}


def _threshold_parser(lk: _Lookups) -> Callable[[tuple[Any, ...]], tuple[Any, dict[str, Any]]]:
    def parse(cells: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
        region = lk.region(cells[0])
        level = _choice(cells[2], "预算单位级次", RegionLevel, "预算单位级次")
        if level < region.level:
            raise _Bad("预算单位级次", f"{region.name}不能为上级预算单位制定标准")
        category = _choice(cells[3], "类别", Category, "类别")
        kind = _choice(cells[4], "标准类型", ThresholdKind, "标准类型")
        amount = _money(cells[5], "金额（元）", required=True, label="金额")
        start = _date(cells[6], "生效日期", required=True)
        end = _date(cells[7], "失效日期", required=False)
        if start and end and end < start:
            raise _Bad("失效日期", "失效日期不能早于生效日期")
        basis = _str(cells[8])
        if len(basis) > 200:
            raise _Bad("依据文件", "依据文件不能超过 200 字")
        key = (region.pk, level, category, kind, start)
        return key, {
            "region": region,
            "unit_level": level,
            "category": category,
            "kind": kind,
            "amount": amount,
            "effective_from": start,
            "effective_to": end,
            "basis": basis,
        }

    return parse


def _centralized_parser(lk: _Lookups) -> Callable[[tuple[Any, ...]], tuple[Any, dict[str, Any]]]:
    def parse(cells: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
        region = lk.region(cells[0])
        year = _int(cells[2], "年度", required=True, label="年度")
        problem = rules.year_problem(year)
        if problem:
            raise _Bad("年度", problem)
        item = lk.item(cells[3])
        scope = _choice(cells[5], "组织形式", CentralizedScope, "组织形式")
        min_amount = _money(cells[6], "起点金额（元）", required=False, label="起点金额")
        note = _str(cells[7])
        if len(note) > 300:
            raise _Bad("说明", "说明不能超过 300 字")
        return (region.pk, year, item.pk), {
            "region": region,
            "year": year,
            "item": item,
            "scope": scope,
            "min_amount": min_amount,
            "note": note,
        }

    return parse


def _standard_parser(lk: _Lookups) -> Callable[[tuple[Any, ...]], tuple[Any, dict[str, Any]]]:
    def parse(cells: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
        region = lk.region(cells[0])
        item = lk.item(cells[2])
        if item.category != Category.GOODS:
            raise _Bad("品目编码", "资产配置标准仅适用于货物类品目")
        price = _money(cells[4], "单价上限（元）", required=False, label="单价上限")
        qty = _money(cells[5], "数量上限", required=False, label="数量上限")
        basis_kind = _choice(cells[6], "数量计算口径", QuantityBasis, "数量计算口径")
        years = _int(cells[7], "最低使用年限", required=False, label="最低使用年限")
        if years is not None and not 1 <= years <= 50:
            raise _Bad("最低使用年限", "最低使用年限须为 1–50")
        if price is None and qty is None and years is None:
            raise _Bad("", "单价上限、数量上限、最低使用年限至少填写一项")
        start = _date(cells[8], "生效日期", required=True)
        end = _date(cells[9], "失效日期", required=False)
        if start and end and end < start:
            raise _Bad("失效日期", "失效日期不能早于生效日期")
        basis = _str(cells[10])
        if len(basis) > 200:
            raise _Bad("依据文件", "依据文件不能超过 200 字")
        return (region.pk, item.pk, start), {
            "region": region,
            "item": item,
            "max_unit_price": price,
            "max_quantity": qty,
            "quantity_basis": basis_kind,
            "min_service_years": years,
            "effective_from": start,
            "effective_to": end,
            "basis": basis,
        }

    return parse


# --- per kind: apply a parsed row through the services ---------------------------------------


def _apply_threshold(actor: User | None, v: dict[str, Any]) -> str:
    existing = Threshold.objects.filter(
        region=v["region"],
        unit_level=v["unit_level"],
        category=v["category"],
        kind=v["kind"],
        effective_from=v["effective_from"],
    ).first()
    if existing is None:
        services.threshold_set(actor=actor, **v)
        return "created"
    changes = {k: v[k] for k in ("amount", "basis", "effective_to") if getattr(existing, k) != v[k]}
    if not changes:
        return "unchanged"
    services.threshold_update(
        actor=actor, threshold=existing, expected_version=existing.version, changes=changes
    )
    return "updated"


def _apply_centralized(actor: User | None, v: dict[str, Any]) -> str:
    existing = CentralizedCatalogEntry.objects.filter(
        region=v["region"], year=v["year"], item=v["item"]
    ).first()
    if existing is None:
        services.centralized_entry_create(actor=actor, **v)
        return "created"
    changes = {k: v[k] for k in ("scope", "min_amount", "note") if getattr(existing, k) != v[k]}
    if not changes:
        return "unchanged"
    services.centralized_entry_update(
        actor=actor, entry=existing, expected_version=existing.version, changes=changes
    )
    return "updated"


STANDARD_FIELDS = (
    "max_unit_price",
    "max_quantity",
    "quantity_basis",
    "min_service_years",
    "effective_to",
    "basis",
)


def _apply_standard(actor: User | None, v: dict[str, Any]) -> str:
    existing = ConfigurationStandard.objects.filter(
        region=v["region"], item=v["item"], effective_from=v["effective_from"]
    ).first()
    if existing is None:
        services.config_standard_set(actor=actor, **v)
        return "created"
    changes = {k: v[k] for k in STANDARD_FIELDS if getattr(existing, k) != v[k]}
    if not changes:
        return "unchanged"
    services.config_standard_update(
        actor=actor, standard=existing, expected_version=existing.version, changes=changes
    )
    return "updated"


def import_workbook(kind: str, data: bytes, *, actor: User | None) -> ImportReport:
    """Check the whole file, then import it in one transaction, or import nothing."""
    report = ImportReport(kind=kind)
    spec = SPECS[kind]
    if kind == "items" and actor is not None and not access.can_edit_items(actor):
        report.problems.append(
            RowProblem(0, "", "品目分类目录由财政部统一制定，只有平台管理员可以导入")
        )
        return report
    body = _open_rows(data, spec, report)
    if body is None:
        return report
    report.rows = len(body)
    if kind == "items":
        parsed = _collect(body, _parse_item, report)
        if report.problems:
            return report
        return _import_items(parsed, actor, report)
    lk = _Lookups(actor)
    parser, apply = {
        "thresholds": (_threshold_parser(lk), _apply_threshold),
        "centralized": (_centralized_parser(lk), _apply_centralized),
        "standards": (_standard_parser(lk), _apply_standard),
    }[kind]
    parsed = _collect(body, parser, report)
    if report.problems:
        return report
    if kind in ("thresholds", "standards"):
        parsed.sort(key=lambda nv: nv[1]["effective_from"])
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        for n, values in parsed:
            try:
                with transaction.atomic():
                    counts[apply(actor, values)] += 1
            except DomainError as exc:
                report.problems.append(RowProblem(n, "", exc.message))
        if report.problems:
            transaction.set_rollback(True)
            report.problems.sort(key=lambda p: p.row)
            return report
    report.created, report.updated, report.unchanged = (
        counts["created"],
        counts["updated"],
        counts["unchanged"],
    )
    return report


def _import_items(
    parsed: list[tuple[int, dict[str, Any]]], actor: User | None, report: ImportReport
) -> ImportReport:
    known = set(CatalogItem.objects.values_list("code", flat=True))
    in_file = {v["code"] for _, v in parsed}
    for n, v in parsed:
        parent = rules.item_parent_code(v["code"])
        if parent is not None and parent not in in_file and parent not in known:
            report.problems.append(
                RowProblem(n, "品目编码", f"上级品目「{parent}」既不在文件中也不在目录中")
            )
    if report.problems:
        return report
    try:
        result = services.items_load(
            actor=actor, rows=[(v["code"], v["name"]) for _, v in parsed], source="excel"
        )
    except DomainError as exc:
        report.problems.append(RowProblem(0, "", exc.message))
        return report
    report.created, report.updated, report.unchanged = (
        result.created,
        result.updated,
        result.unchanged,
    )
    return report


def read_official_catalogue(data: bytes) -> tuple[list[tuple[str, str]], list[RowProblem]]:
    """The full official 品目分类目录 from any workbook: the first sheet with a header row
    holding 编码 (or 品目编码) and 名称 (or 品目名称) in its first 10 rows."""
    problems: list[RowProblem] = []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        return [], [RowProblem(0, "文件", "文件不是有效的 Excel（.xlsx）文件")]
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        for h, header in enumerate(rows[:10]):
            names = [_str(x) for x in header]
            code_col = next((i for i, x in enumerate(names) if x in ("编码", "品目编码")), None)
            name_col = next((i for i, x in enumerate(names) if x in ("名称", "品目名称")), None)
            if code_col is None or name_col is None:
                continue
            result: list[tuple[str, str]] = []
            seen: dict[str, int] = {}
            for n, row in enumerate(rows[h + 1 :], start=h + 2):
                code = rules.normalize_code(_str(row[code_col] if code_col < len(row) else ""))
                name = _str(row[name_col] if name_col < len(row) else "")
                if not code and not name:
                    continue
                if len(code) == 1 and code in Category.values:
                    continue  # the 货物 / 工程 / 服务 headings
                problem = rules.item_code_problem(code)
                if problem:
                    problems.append(RowProblem(n, "编码", problem))
                elif not name:
                    problems.append(RowProblem(n, "名称", "品目名称不能为空"))
                elif code in seen:
                    problems.append(RowProblem(n, "编码", f"与第 {seen[code]} 行重复"))
                else:
                    seen[code] = n
                    result.append((code, name[:120]))
            return result, problems
    return [], [RowProblem(0, "表头", "找不到含「编码」和「名称」列的表头")]


# --- export --------------------------------------------------------------------------------


def _rows(kind: str, *, region: Region | None, year: int | None) -> Iterable[tuple[Any, ...]]:
    if kind == "items":
        for i in CatalogItem.objects.order_by("code"):
            yield (i.code, i.name)
    elif kind == "thresholds":
        qs = Threshold.objects.select_related("region").order_by(
            "region__path", "kind", "category", "unit_level", "effective_from"
        )
        if region is not None:
            qs = qs.filter(region=region)
        for t in qs:
            yield (
                t.region.code,
                t.region.name,
                str(RegionLevel(t.unit_level).label),
                str(Category(t.category).label),
                str(ThresholdKind(t.kind).label),
                t.amount,
                t.effective_from,
                t.effective_to,
                t.basis,
            )
    elif kind == "centralized":
        cq = CentralizedCatalogEntry.objects.select_related("region", "item").order_by(
            "region__path", "year", "item__code"
        )
        if region is not None:
            cq = cq.filter(region=region)
        if year is not None:
            cq = cq.filter(year=year)
        for e in cq:
            yield (
                e.region.code,
                e.region.name,
                e.year,
                e.item.code,
                e.item.name,
                str(CentralizedScope(e.scope).label),
                e.min_amount,
                e.note,
            )
    else:
        sq = ConfigurationStandard.objects.select_related("region", "item").order_by(
            "region__path", "item__code", "effective_from"
        )
        if region is not None:
            sq = sq.filter(region=region)
        for s in sq:
            yield (
                s.region.code,
                s.region.name,
                s.item.code,
                s.item.name,
                s.max_unit_price,
                s.max_quantity,
                str(QuantityBasis(s.quantity_basis).label),
                s.min_service_years,
                s.effective_from,
                s.effective_to,
                s.basis,
            )


def export_workbook(kind: str, *, region: Region | None = None, year: int | None = None) -> bytes:
    spec = SPECS[kind]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = spec.sheet
    ws.append(list(spec.headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="EEF2F7")
    for row in _rows(kind, region=region, year=year):
        ws.append(list(row))
    for col_cells in ws.iter_cols(min_row=2):
        for cell in col_cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"
    for i, header in enumerate(spec.headers, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(12, len(header) * 2 + 4)
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export_filename(kind: str, *, region: Region | None, year: int | None) -> str:
    parts = [SPECS[kind].filename]
    if region is not None:
        parts.append(region.name)
    if year is not None:
        parts.append(str(year))
    return "_".join(parts) + ".xlsx"
