"""Reads of the catalogue: the lookups other apps use to apply the rules."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from zhengcai.accounts.models import Region
from zhengcai.catalog import rules
from zhengcai.catalog.constants import Category, ThresholdKind
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.core.models import AuditEntry


def item_get(code: str) -> CatalogItem | None:
    return CatalogItem.objects.filter(code=code.strip().upper()).first()


def item_ancestor_codes(code: str) -> list[str]:
    """The code itself and its ancestors, deepest first: A05010101 → A05010101, A05010100,
    A05010000, A05000000 (two digits per level, zero-padded)."""
    code = code.strip().upper()
    result = [code]
    digits = code[1:]
    for level in range(4, 1, -1):
        cut = digits[: (level - 1) * 2].ljust(8, "0")
        candidate = code[0] + cut
        if candidate not in result:
            result.append(candidate)
    return result


def region_get(code: str) -> Region | None:
    """A region by its 区划代码 (the catalogue pages and API pick regions by code)."""
    code = code.strip()
    return Region.objects.filter(code=code).first() if code else None


def regions() -> list[Region]:
    """Every region, in tree order (the region pickers)."""
    return list(Region.objects.order_by("path"))


def root_region() -> Region | None:
    """The first top-level region: the default of the public pages for a visitor."""
    return Region.objects.filter(parent__isnull=True).order_by("path").first()


def region_chain(region: Region) -> list[Region]:
    """The region and its ancestors, nearest first."""
    chain: list[Region] = []
    node: Region | None = region
    while node is not None:
        chain.append(node)
        node = node.parent
    return chain


M = TypeVar("M", bound=Model)


def _effective(qs: QuerySet[M], on: dt.date) -> QuerySet[M]:
    return qs.filter(effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )


def threshold_for(
    *, region: Region, unit_level: int, category: str, kind: str, on: dt.date
) -> Threshold | None:
    """The threshold in force on `on` for a purchasing unit of `unit_level` in `region`:
    the nearest region (self, then ancestors) that set one wins; the latest version wins."""
    for node in region_chain(region):
        row = (
            _effective(
                Threshold.objects.filter(
                    region=node, unit_level=unit_level, category=category, kind=kind
                ),
                on,
            )
            .order_by("-effective_from")
            .first()
        )
        if row is not None:
            return row
    return None


@dataclass(frozen=True)
class WorksTenderThreshold:
    """The 必须招标 standard that applies to a category of works (see ThresholdKind)."""

    category: str
    amount: Decimal
    subject: str  # 施工单项合同估算价 …
    basis: str  # the document (a regional row's basis, or 发改委令第16号)
    regional: bool  # set by a region's catalogue row rather than the national figure


def works_tender_threshold(
    *, region: Region, unit_level: int, category: str, on: dt.date
) -> WorksTenderThreshold | None:
    """The 依法必须招标 standard in force on `on` for works of `category` bought by a unit of
    `unit_level` in `region`: the nearest region's catalogue row, else the national figure
    (发改委令第16号 五)."""
    row = threshold_for(
        region=region,
        unit_level=unit_level,
        category=category,
        kind=ThresholdKind.WORKS_TENDER,
        on=on,
    )
    subject = rules.WORKS_TENDER_SUBJECTS.get(category, "")
    if row is not None:
        basis = row.basis or f"{row.region.name} {row.effective_from} 起执行"
        return WorksTenderThreshold(category, row.amount, subject, basis, True)
    national = rules.works_tender_national(category, on)
    if national is None:
        return None
    return WorksTenderThreshold(category, national[0], subject, national[1], False)


def centralized_entry_for(
    *, region: Region, year: int, item_code: str
) -> CentralizedCatalogEntry | None:
    """The 集中采购目录 entry covering the item (or an ancestor item) in the nearest region."""
    codes = item_ancestor_codes(item_code)
    for node in region_chain(region):
        rows = {
            e.item.code: e
            for e in CentralizedCatalogEntry.objects.select_related("item").filter(
                region=node, year=year, item__code__in=codes
            )
        }
        for code in codes:  # deepest item first
            if code in rows:
                return rows[code]
    return None


def configuration_standard_for(
    *, region: Region, item_code: str, on: dt.date
) -> ConfigurationStandard | None:
    codes = item_ancestor_codes(item_code)
    for node in region_chain(region):
        rows = {
            s.item.code: s
            for s in _effective(
                ConfigurationStandard.objects.select_related("item").filter(
                    region=node, item__code__in=codes
                ),
                on,
            ).order_by("effective_from")
        }
        for code in codes:
            if code in rows:
                return rows[code]
    return None


# --- lists for pages and the API ---------------------------------------------------------


def item_search(
    *,
    q: str | None = None,
    category: str | None = None,
    parent_code: str | None = None,
    roots: bool = False,
    active_only: bool = False,
) -> QuerySet[CatalogItem]:
    """Items by code prefix or name; `parent_code` lists one node's children, `roots` the
    first level."""
    qs = CatalogItem.objects.select_related("parent").order_by("code")
    if active_only:
        qs = qs.filter(is_active=True)
    if category:
        qs = qs.filter(category=category)
    if parent_code:
        qs = qs.filter(parent__code=parent_code.strip().upper())
    elif roots:
        qs = qs.filter(parent__isnull=True)
    if q:
        q = q.strip()
        qs = qs.filter(Q(code__startswith=q.upper()) | Q(name__icontains=q))
    return qs


def item_children_counts(codes: list[str]) -> dict[str, int]:
    from django.db.models import Count

    rows = (
        CatalogItem.objects.filter(parent__code__in=codes)
        .values("parent__code")
        .annotate(n=Count("id"))
    )
    return {r["parent__code"]: r["n"] for r in rows}


def threshold_list(
    *,
    region: Region | None = None,
    kind: str | None = None,
    category: str | None = None,
    unit_level: int | None = None,
    on: dt.date | None = None,
) -> QuerySet[Threshold]:
    qs = Threshold.objects.select_related("region")
    if region is not None:
        qs = qs.filter(region=region)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(category=category)
    if unit_level:
        qs = qs.filter(unit_level=unit_level)
    if on is not None:
        qs = _effective(qs, on)
    return qs.order_by("region__path", "kind", "category", "unit_level", "-effective_from")


def threshold_for_region_level(
    *, region: Region, unit_level: int, on: dt.date
) -> dict[tuple[str, str], Threshold | None]:
    """Every (kind, category) threshold that applies to units of `unit_level` in `region`."""
    return {
        (kind, cat): threshold_for(
            region=region, unit_level=unit_level, category=cat, kind=kind, on=on
        )
        for kind in ThresholdKind.values
        for cat in Category.values
    }


def centralized_list(
    *, region: Region | None = None, year: int | None = None
) -> QuerySet[CentralizedCatalogEntry]:
    qs = CentralizedCatalogEntry.objects.select_related("region", "item")
    if region is not None:
        qs = qs.filter(region=region)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("region__path", "year", "item__code")


def public_overview(
    *, region: Region | None, year: int, on: dt.date
) -> tuple[list[dict[str, Any]], list[CentralizedCatalogEntry]]:
    """What the public page shows for a region: for every unit level from the region up, the
    thresholds in force on `on`; and the year's 集中采购目录 entries of the region's chain."""
    if region is None:
        return [], []
    chain = region_chain(region)
    rows: list[dict[str, Any]] = [
        {
            "level": level,
            "applies": threshold_for_region_level(region=region, unit_level=level, on=on),
            "works": {
                cat: works_tender_threshold(region=region, unit_level=level, category=cat, on=on)
                for cat in Category.values
            },
        }
        for level in sorted({r.level for r in chain} | {region.level})
    ]
    entries = list(centralized_list(year=year).filter(region__in=chain).order_by("item__code"))
    return rows, entries


def item_ancestors(item: CatalogItem) -> list[CatalogItem]:
    """The item's parents, top level first."""
    ancestors: list[CatalogItem] = []
    node = item.parent
    while node is not None:
        ancestors.insert(0, node)
        node = node.parent
    return ancestors


def item_children(item: CatalogItem) -> QuerySet[CatalogItem]:
    return CatalogItem.objects.filter(parent=item).order_by("code")


def centralized_years(*, region: Region) -> list[int]:
    return sorted(
        set(CentralizedCatalogEntry.objects.filter(region=region).values_list("year", flat=True)),
        reverse=True,
    )


def config_standard_list(
    *, region: Region | None = None, on: dt.date | None = None
) -> QuerySet[ConfigurationStandard]:
    qs = ConfigurationStandard.objects.select_related("region", "item")
    if region is not None:
        qs = qs.filter(region=region)
    if on is not None:
        qs = _effective(qs, on)
    return qs.order_by("region__path", "item__code", "-effective_from")


def history(obj: Model) -> QuerySet[AuditEntry]:
    """The audit trail of one catalogue row, newest first (its history, design §4 rule 9)."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("-seq")
