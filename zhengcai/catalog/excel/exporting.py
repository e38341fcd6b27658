"""Export: exactly what import reads."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from zhengcai.accounts.constants import RegionLevel
from zhengcai.accounts.models import Region
from zhengcai.catalog.constants import Category, CentralizedScope, QuantityBasis, ThresholdKind
from zhengcai.catalog.excel.specs import SPECS
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)

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
