"""The 集中采购目录 of a region and year (法 7–8, 18; 条例 3)."""

from typing import Any

from django.db import transaction

from zhengcai.accounts.models import Region, User
from zhengcai.catalog import constants as c
from zhengcai.catalog import rules
from zhengcai.catalog.models import CatalogItem, CentralizedCatalogEntry
from zhengcai.catalog.services.base import (
    active_item,
    authorize_region,
    check_version,
    checked_amount,
    clean_text,
)
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput

# --- 集中采购目录 -------------------------------------------------------------------------


def _entry_summary(e: CentralizedCatalogEntry) -> dict[str, Any]:
    return {
        "region": e.region.code,
        "year": e.year,
        "item": e.item.code,
        "scope": e.scope,
        "min_amount": e.min_amount,
        "note": e.note,
        "version": e.version,
    }


def _year(year: Any) -> int:
    problem = rules.year_problem(year)
    if problem:
        raise InvalidInput(problem, code=c.ERR_YEAR_INVALID, detail={"field": "year"})
    return int(year)


@transaction.atomic
def centralized_entry_create(
    *,
    actor: User | None,
    region: Region,
    year: int,
    item: CatalogItem,
    scope: str,
    min_amount: Any = None,
    note: str = "",
) -> CentralizedCatalogEntry:
    """Put an item in a region's 集中采购目录 for a year (法 7–8, 18; 条例 3)."""
    authorize_region(actor, region)
    year = _year(year)
    active_item(item)
    if scope not in c.CentralizedScope.values:
        raise InvalidInput("组织形式须为集中采购机构采购或部门集中采购", code="scope_invalid")
    value = checked_amount(min_amount, label="起点金额", field="min_amount", allow_none=True)
    note = clean_text(note, max_length=300, label="说明", field="note")
    if CentralizedCatalogEntry.objects.filter(region=region, year=year, item=item).exists():
        raise Conflict(f"{region.name}{year} 年目录中已有「{item}」", code=c.ERR_DUPLICATE)
    entry = CentralizedCatalogEntry.objects.create(
        region=region, year=year, item=item, scope=scope, min_amount=value, note=note
    )
    audit_record(
        actor=actor,
        action="catalog.centralized.created",
        obj=entry,
        after=_entry_summary(entry),
    )
    return entry


ENTRY_EDITABLE = ("scope", "min_amount", "note")


@transaction.atomic
def centralized_entry_update(
    *,
    actor: User | None,
    entry: CentralizedCatalogEntry,
    expected_version: int | None,
    changes: dict[str, Any],
) -> CentralizedCatalogEntry:
    authorize_region(actor, entry.region)
    unknown = set(changes) - set(ENTRY_EDITABLE)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}", code="field_not_editable"
        )
    locked = (
        CentralizedCatalogEntry.objects.select_for_update()
        .select_related("region", "item")
        .get(pk=entry.pk)
    )
    check_version(locked.version, expected_version)
    before = _entry_summary(locked)
    if "scope" in changes:
        if changes["scope"] not in c.CentralizedScope.values:
            raise InvalidInput("组织形式须为集中采购机构采购或部门集中采购", code="scope_invalid")
        locked.scope = changes["scope"]
    if "min_amount" in changes:
        locked.min_amount = checked_amount(
            changes["min_amount"], label="起点金额", field="min_amount", allow_none=True
        )
    if "note" in changes:
        locked.note = clean_text(changes["note"], max_length=300, label="说明", field="note")
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="catalog.centralized.updated",
        obj=locked,
        before=before,
        after=_entry_summary(locked),
    )
    return locked


@transaction.atomic
def centralized_entry_delete(
    *, actor: User | None, entry: CentralizedCatalogEntry, expected_version: int | None
) -> None:
    authorize_region(actor, entry.region)
    locked = (
        CentralizedCatalogEntry.objects.select_for_update()
        .select_related("region", "item")
        .get(pk=entry.pk)
    )
    check_version(locked.version, expected_version)
    before = _entry_summary(locked)
    audit_record(actor=actor, action="catalog.centralized.deleted", obj=locked, before=before)
    locked.delete()


@transaction.atomic
def centralized_copy_year(
    *, actor: User | None, region: Region, from_year: int, to_year: int
) -> list[CentralizedCatalogEntry]:
    """Start a year's 集中采购目录 from last year's (items no longer active are left out)."""
    authorize_region(actor, region)
    from_year, to_year = _year(from_year), _year(to_year)
    if from_year == to_year:
        raise InvalidInput("源年度与目标年度不能相同", code=c.ERR_YEAR_INVALID)
    if CentralizedCatalogEntry.objects.filter(region=region, year=to_year).exists():
        raise Conflict(
            f"{region.name}{to_year} 年目录已有条目，不能复制（请先逐条删除或直接编辑）",
            code=c.ERR_TARGET_YEAR_NOT_EMPTY,
        )
    sources = list(
        CentralizedCatalogEntry.objects.select_related("item", "region")
        .filter(region=region, year=from_year, item__is_active=True)
        .order_by("item__code")
    )
    if not sources:
        raise Conflict(
            f"{region.name}{from_year} 年目录为空，无可复制的条目", code=c.ERR_SOURCE_YEAR_EMPTY
        )
    created = []
    for src in sources:
        entry = CentralizedCatalogEntry.objects.create(
            region=region,
            year=to_year,
            item=src.item,
            scope=src.scope,
            min_amount=src.min_amount,
            note=src.note,
        )
        audit_record(
            actor=actor,
            action="catalog.centralized.copied",
            obj=entry,
            after={**_entry_summary(entry), "copied_from": src.pk},
        )
        created.append(entry)
    return created
