"""Import: parse each row, check it, and apply good files through the services."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.db import transaction
from openpyxl import load_workbook

from zhengcai.accounts.constants import RegionLevel
from zhengcai.accounts.models import User
from zhengcai.catalog import access, rules, services
from zhengcai.catalog.constants import Category, CentralizedScope, QuantityBasis, ThresholdKind
from zhengcai.catalog.excel.cells import (
    BadCell,
    Lookups,
    cell_choice,
    cell_date,
    cell_int,
    cell_money,
    cell_str,
    collect_rows,
    open_rows,
)
from zhengcai.catalog.excel.specs import SPECS, ImportReport, RowProblem
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.core.errors import DomainError

# --- per kind: parse a row ------------------------------------------------------------------


def _parse_item(cells: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
    code = rules.normalize_code(cell_str(cells[0]))
    problem = rules.item_code_problem(code)
    if problem:
        raise BadCell("品目编码", problem)
    name = cell_str(cells[1])
    if not name:
        raise BadCell("品目名称", "品目名称不能为空")
    if len(name) > 120:
        raise BadCell("品目名称", "品目名称不能超过 120 字")
    return code, {"code": code, "name": name}


def _threshold_parser(lk: Lookups) -> Callable[[tuple[Any, ...]], tuple[Any, dict[str, Any]]]:
    def parse(cells: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
        region = lk.region(cells[0])
        level = cell_choice(cells[2], "预算单位级次", RegionLevel, "预算单位级次")
        if level < region.level:
            raise BadCell("预算单位级次", f"{region.name}不能为上级预算单位制定标准")
        category = cell_choice(cells[3], "类别", Category, "类别")
        kind = cell_choice(cells[4], "标准类型", ThresholdKind, "标准类型")
        amount = cell_money(cells[5], "金额（元）", required=True, label="金额")
        start = cell_date(cells[6], "生效日期", required=True)
        end = cell_date(cells[7], "失效日期", required=False)
        if start and end and end < start:
            raise BadCell("失效日期", "失效日期不能早于生效日期")
        basis = cell_str(cells[8])
        if len(basis) > 200:
            raise BadCell("依据文件", "依据文件不能超过 200 字")
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


def _centralized_parser(lk: Lookups) -> Callable[[tuple[Any, ...]], tuple[Any, dict[str, Any]]]:
    def parse(cells: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
        region = lk.region(cells[0])
        year = cell_int(cells[2], "年度", required=True, label="年度")
        problem = rules.year_problem(year)
        if problem:
            raise BadCell("年度", problem)
        item = lk.item(cells[3])
        scope = cell_choice(cells[5], "组织形式", CentralizedScope, "组织形式")
        min_amount = cell_money(cells[6], "起点金额（元）", required=False, label="起点金额")
        note = cell_str(cells[7])
        if len(note) > 300:
            raise BadCell("说明", "说明不能超过 300 字")
        return (region.pk, year, item.pk), {
            "region": region,
            "year": year,
            "item": item,
            "scope": scope,
            "min_amount": min_amount,
            "note": note,
        }

    return parse


def _standard_parser(lk: Lookups) -> Callable[[tuple[Any, ...]], tuple[Any, dict[str, Any]]]:
    def parse(cells: tuple[Any, ...]) -> tuple[Any, dict[str, Any]]:
        region = lk.region(cells[0])
        item = lk.item(cells[2])
        if item.category != Category.GOODS:
            raise BadCell("品目编码", "资产配置标准仅适用于货物类品目")
        price = cell_money(cells[4], "单价上限（元）", required=False, label="单价上限")
        qty = cell_money(cells[5], "数量上限", required=False, label="数量上限")
        basis_kind = cell_choice(cells[6], "数量计算口径", QuantityBasis, "数量计算口径")
        years = cell_int(cells[7], "最低使用年限", required=False, label="最低使用年限")
        if years is not None and not 1 <= years <= 50:
            raise BadCell("最低使用年限", "最低使用年限须为 1–50")
        if price is None and qty is None and years is None:
            raise BadCell("", "单价上限、数量上限、最低使用年限至少填写一项")
        start = cell_date(cells[8], "生效日期", required=True)
        end = cell_date(cells[9], "失效日期", required=False)
        if start and end and end < start:
            raise BadCell("失效日期", "失效日期不能早于生效日期")
        basis = cell_str(cells[10])
        if len(basis) > 200:
            raise BadCell("依据文件", "依据文件不能超过 200 字")
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
    body = open_rows(data, spec, report)
    if body is None:
        return report
    report.rows = len(body)
    if kind == "items":
        parsed = collect_rows(body, _parse_item, report)
        if report.problems:
            return report
        return _import_items(parsed, actor, report)
    lk = Lookups(actor)
    parser, apply = {
        "thresholds": (_threshold_parser(lk), _apply_threshold),
        "centralized": (_centralized_parser(lk), _apply_centralized),
        "standards": (_standard_parser(lk), _apply_standard),
    }[kind]
    parsed = collect_rows(body, parser, report)
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
            names = [cell_str(x) for x in header]
            code_col = next((i for i, x in enumerate(names) if x in ("编码", "品目编码")), None)
            name_col = next((i for i, x in enumerate(names) if x in ("名称", "品目名称")), None)
            if code_col is None or name_col is None:
                continue
            result: list[tuple[str, str]] = []
            seen: dict[str, int] = {}
            for n, row in enumerate(rows[h + 1 :], start=h + 2):
                code = rules.normalize_code(cell_str(row[code_col] if code_col < len(row) else ""))
                name = cell_str(row[name_col] if name_col < len(row) else "")
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
