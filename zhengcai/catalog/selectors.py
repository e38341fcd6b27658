"""Reads of the catalogue: the lookups other apps use to apply the rules."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from zhengcai.accounts.models import Region
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)


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
