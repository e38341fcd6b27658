"""Writes of the catalogue. Every change checks who may make it, validates, writes the audit
entry with before/after and saves, in one transaction (design §4 rules 1–2, 9).

`actor=None` is the system itself (the `load_catalog` command); every person goes through
`catalog.access` checks: regulators edit their own region's rules, platform administrators
anything, and only administrators the national 品目分类目录.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet

from zhengcai.accounts.constants import RegionLevel
from zhengcai.accounts.models import Region, User
from zhengcai.catalog import access, rules
from zhengcai.catalog import constants as c
from zhengcai.catalog.models import (
    CatalogItem,
    CentralizedCatalogEntry,
    ConfigurationStandard,
    Threshold,
)
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PreconditionFailed

ONE_DAY = dt.timedelta(days=1)


def _authorize_region(actor: User | None, region: Region) -> None:
    if actor is not None:
        access.require_region_editor(actor, region)


def _authorize_items(actor: User | None) -> None:
    if actor is not None:
        access.require_item_editor(actor)


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise PreconditionFailed(detail={"current_version": current})


def _amount(value: Any, *, label: str, field: str, allow_none: bool = False) -> Decimal | None:
    if value is None and allow_none:
        return None
    amount = rules.parse_amount(value)
    problem = rules.amount_problem(amount, label=label)
    if problem:
        raise InvalidInput(problem, code=c.ERR_AMOUNT_INVALID, detail={"field": field})
    assert amount is not None
    return amount.quantize(Decimal("0.01"))


def _required_amount(value: Any, *, label: str, field: str) -> Decimal:
    amount = _amount(value, label=label, field=field)
    assert amount is not None
    return amount


def _dates(effective_from: Any, effective_to: Any) -> tuple[dt.date, dt.date | None]:
    if not isinstance(effective_from, dt.date):
        raise InvalidInput(
            "请填写生效日期", code=c.ERR_DATE_INVALID, detail={"field": "effective_from"}
        )
    if effective_to is not None:
        if not isinstance(effective_to, dt.date):
            raise InvalidInput(
                "失效日期格式不正确", code=c.ERR_DATE_INVALID, detail={"field": "effective_to"}
            )
        if effective_to < effective_from:
            raise InvalidInput(
                "失效日期不能早于生效日期",
                code=c.ERR_DATE_INVALID,
                detail={"field": "effective_to"},
            )
    return effective_from, effective_to


def _text(value: Any, *, max_length: int, label: str, field: str) -> str:
    text = str(value or "").strip()
    if len(text) > max_length:
        raise InvalidInput(
            f"{label}不能超过 {max_length} 字", code="too_long", detail={"field": field}
        )
    return text


# --- 品目 -------------------------------------------------------------------------------


def _item_summary(item: CatalogItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "name": item.name,
        "parent": item.parent.code if item.parent_id and item.parent else None,
        "level": item.level,
        "category": item.category,
        "is_active": item.is_active,
        "note": item.note,
        "version": item.version,
    }


def _validated_code(code: str) -> str:
    code = rules.normalize_code(code)
    problem = rules.item_code_problem(code)
    if problem:
        raise InvalidInput(problem, code=c.ERR_CODE_INVALID, detail={"field": "code"})
    return code


def _item_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("请填写品目名称", code="name_required", detail={"field": "name"})
    if len(name) > 120:
        raise InvalidInput("品目名称不能超过 120 字", code="too_long", detail={"field": "name"})
    return name


@transaction.atomic
def item_create(*, actor: User | None, code: str, name: str, note: str = "") -> CatalogItem:
    """Add a 品目; its parent is inferred from the code and must exist (rules.md §9)."""
    _authorize_items(actor)
    code = _validated_code(code)
    name = _item_name(name)
    note = _text(note, max_length=300, label="说明", field="note")
    if CatalogItem.objects.filter(code=code).exists():
        raise Conflict(f"品目编码「{code}」已存在", code=c.ERR_DUPLICATE, detail={"field": "code"})
    parent_code = rules.item_parent_code(code)
    parent = None
    if parent_code is not None:
        parent = CatalogItem.objects.filter(code=parent_code).first()
        if parent is None:
            raise InvalidInput(
                f"上级品目「{parent_code}」不存在，请先添加上级品目",
                code=c.ERR_PARENT_MISSING,
                detail={"field": "code", "parent": parent_code},
            )
    item = CatalogItem.objects.create(
        code=code,
        name=name,
        parent=parent,
        level=rules.item_level(code),
        category=rules.item_category(code),
        note=note,
        is_active=parent.is_active if parent else True,
    )
    audit_record(actor=actor, action="catalog.item.created", obj=item, after=_item_summary(item))
    return item


ITEM_EDITABLE = ("name", "note")


@transaction.atomic
def item_update(
    *,
    actor: User | None,
    item: CatalogItem,
    expected_version: int | None,
    changes: dict[str, Any],
) -> CatalogItem:
    _authorize_items(actor)
    unknown = set(changes) - set(ITEM_EDITABLE)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}", code="field_not_editable"
        )
    locked = (
        CatalogItem.objects.select_for_update(of=("self",)).select_related("parent").get(pk=item.pk)
    )
    _check_version(locked.version, expected_version)
    before = _item_summary(locked)
    if "name" in changes:
        locked.name = _item_name(changes["name"])
    if "note" in changes:
        locked.note = _text(changes["note"], max_length=300, label="说明", field="note")
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="catalog.item.updated",
        obj=locked,
        before=before,
        after=_item_summary(locked),
    )
    return locked


@transaction.atomic
def item_set_active(
    *, actor: User | None, item: CatalogItem, active: bool, expected_version: int | None = None
) -> list[CatalogItem]:
    """Deactivate an item with all items below it, or reactivate one (its parent must be
    active). Items are never deleted: plans and contracts keep referring to them."""
    _authorize_items(actor)
    locked = (
        CatalogItem.objects.select_for_update(of=("self",)).select_related("parent").get(pk=item.pk)
    )
    _check_version(locked.version, expected_version)
    if active and locked.parent is not None and not locked.parent.is_active:
        raise Conflict(
            f"上级品目「{locked.parent}」已停用，请先启用上级品目", code=c.ERR_ITEM_INACTIVE
        )
    if active:
        targets = [locked]
    else:
        prefix = locked.code[: 1 + 2 * locked.level]
        targets = list(
            CatalogItem.objects.select_for_update(of=("self",))
            .select_related("parent")
            .filter(code__startswith=prefix, is_active=True)
            .order_by("code")
        )
    changed = []
    for target in targets:
        if target.is_active == active:
            continue
        before = _item_summary(target)
        target.is_active = active
        target.version += 1
        target.save(update_fields=["is_active", "version"])
        audit_record(
            actor=actor,
            action="catalog.item.activated" if active else "catalog.item.deactivated",
            obj=target,
            before=before,
            after=_item_summary(target),
        )
        changed.append(target)
    return changed


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def items_load(*, actor: User | None, rows: list[tuple[str, str]], source: str) -> LoadResult:
    """Load many items at once (the shipped file or the official Excel): create missing codes,
    rename changed ones, leave the rest; idempotent. One audit entry records the batch.
    Every row must be valid and every parent present in the rows or the database."""
    _authorize_items(actor)
    wanted: dict[str, str] = {}
    for code, name in rows:
        code = _validated_code(code)
        wanted[code] = _item_name(name)
    existing = {i.code: i for i in CatalogItem.objects.select_for_update(of=("self",))}
    for code in wanted:
        parent = rules.item_parent_code(code)
        if parent is not None and parent not in wanted and parent not in existing:
            raise InvalidInput(
                f"品目「{code}」的上级品目「{parent}」不存在",
                code=c.ERR_PARENT_MISSING,
                detail={"code": code, "parent": parent},
            )
    created = updated = unchanged = 0
    for code in sorted(wanted, key=lambda k: (rules.item_level(k), k)):
        name = wanted[code]
        row = existing.get(code)
        if row is None:
            parent_code = rules.item_parent_code(code)
            row = CatalogItem.objects.create(
                code=code,
                name=name,
                parent=existing[parent_code] if parent_code else None,
                level=rules.item_level(code),
                category=rules.item_category(code),
            )
            existing[code] = row
            created += 1
        elif row.name != name:
            row.name = name
            row.version += 1
            row.save(update_fields=["name", "version"])
            updated += 1
        else:
            unchanged += 1
    result = LoadResult(created, updated, unchanged)
    if created or updated:
        audit_record(
            actor=actor,
            action="catalog.items.loaded",
            object_label="品目分类目录",
            after={"source": source, "created": created, "updated": updated, "rows": len(wanted)},
        )
    return result


# --- thresholds (限额标准, 公开招标数额标准) ---------------------------------------------


def _threshold_summary(t: Threshold) -> dict[str, Any]:
    return {
        "region": t.region.code,
        "unit_level": t.unit_level,
        "category": t.category,
        "kind": t.kind,
        "amount": t.amount,
        "effective_from": t.effective_from,
        "effective_to": t.effective_to,
        "basis": t.basis,
        "version": t.version,
    }


def _check_unit_level(region: Region, unit_level: Any) -> int:
    if unit_level not in RegionLevel.values:
        raise InvalidInput(
            "预算单位级次须为省级、市级或县级",
            code=c.ERR_LEVEL_INVALID,
            detail={"field": "unit_level"},
        )
    if unit_level < region.level:
        raise InvalidInput(
            f"{region.name}不能为上级预算单位（{RegionLevel(unit_level).label}）制定标准",
            code=c.ERR_LEVEL_INVALID,
            detail={"field": "unit_level"},
        )
    return int(unit_level)


def _close_previous_version(
    *,
    actor: User | None,
    key: QuerySet[Any],
    effective_from: dt.date,
    effective_to: dt.date | None,
    summary: Callable[[Any], dict[str, Any]],
    closed_action: str,
    related: tuple[str, ...],
) -> None:
    """Make room for a dated version among the rows of `key` (one rule's versions, locked):
    no second version on the same date, none overlapping a later one, and the version in
    force before it closes the day before — audited (rules.md §0 "Versioning")."""
    if key.filter(effective_from=effective_from).exists():
        raise Conflict(
            f"{effective_from} 生效的版本已存在，请修改该版本",
            code=c.ERR_DUPLICATE,
            detail={"field": "effective_from"},
        )
    later = key.filter(effective_from__gt=effective_from).order_by("effective_from").first()
    if later is not None and (effective_to is None or effective_to >= later.effective_from):
        raise Conflict(
            f"已有 {later.effective_from} 生效的更新版本，新版本须在其之前失效",
            code=c.ERR_VERSION_ORDER,
            detail={"later": later.pk},
        )
    previous = (
        key.filter(effective_from__lt=effective_from)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
        .select_related(*related)
        .order_by("-effective_from")
        .first()
    )
    if previous is None:
        return
    before = summary(previous)
    previous.effective_to = effective_from - ONE_DAY
    previous.version += 1
    previous.save(update_fields=["effective_to", "version"])
    audit_record(
        actor=actor,
        action=closed_action,
        obj=previous,
        before=before,
        after=summary(previous),
    )


@transaction.atomic
def threshold_set(
    *,
    actor: User | None,
    region: Region,
    unit_level: int,
    category: str,
    kind: str,
    amount: Any,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    basis: str = "",
) -> Threshold:
    """A new version of a threshold from `effective_from`; the version in force before it is
    closed the day before (rules.md §0: rules are keyed by jurisdiction and date)."""
    _authorize_region(actor, region)
    unit_level = _check_unit_level(region, unit_level)
    if category not in c.Category.values:
        raise InvalidInput("类别须为货物、工程或服务", code="category_invalid")
    if kind not in c.ThresholdKind.values:
        raise InvalidInput("标准类型须为采购限额标准或公开招标数额标准", code="kind_invalid")
    value = _required_amount(amount, label="金额", field="amount")
    effective_from, effective_to = _dates(effective_from, effective_to)
    basis = _text(basis, max_length=200, label="依据文件", field="basis")
    key = Threshold.objects.select_for_update().filter(
        region=region, unit_level=unit_level, category=category, kind=kind
    )
    _close_previous_version(
        actor=actor,
        key=key,
        effective_from=effective_from,
        effective_to=effective_to,
        summary=_threshold_summary,
        closed_action="catalog.threshold.closed",
        related=("region",),
    )
    row = Threshold.objects.create(
        region=region,
        unit_level=unit_level,
        category=category,
        kind=kind,
        amount=value,
        effective_from=effective_from,
        effective_to=effective_to,
        basis=basis,
    )
    audit_record(
        actor=actor, action="catalog.threshold.created", obj=row, after=_threshold_summary(row)
    )
    return row


THRESHOLD_EDITABLE = ("amount", "basis", "effective_to")


@transaction.atomic
def threshold_update(
    *,
    actor: User | None,
    threshold: Threshold,
    expected_version: int | None,
    changes: dict[str, Any],
) -> Threshold:
    """Correct a version in place (a wrongly entered amount, the basis document, its end)."""
    _authorize_region(actor, threshold.region)
    unknown = set(changes) - set(THRESHOLD_EDITABLE)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}（如需新版本请新增）",
            code="field_not_editable",
        )
    locked = Threshold.objects.select_for_update().select_related("region").get(pk=threshold.pk)
    _check_version(locked.version, expected_version)
    before = _threshold_summary(locked)
    if "amount" in changes:
        locked.amount = _required_amount(changes["amount"], label="金额", field="amount")
    if "basis" in changes:
        locked.basis = _text(changes["basis"], max_length=200, label="依据文件", field="basis")
    if "effective_to" in changes:
        _, locked.effective_to = _dates(locked.effective_from, changes["effective_to"])
        later = (
            Threshold.objects.filter(
                region=locked.region,
                unit_level=locked.unit_level,
                category=locked.category,
                kind=locked.kind,
                effective_from__gt=locked.effective_from,
            )
            .order_by("effective_from")
            .first()
        )
        if later is not None and (
            locked.effective_to is None or locked.effective_to >= later.effective_from
        ):
            raise Conflict(
                f"已有 {later.effective_from} 生效的更新版本，本版本须在其之前失效",
                code=c.ERR_VERSION_ORDER,
            )
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="catalog.threshold.updated",
        obj=locked,
        before=before,
        after=_threshold_summary(locked),
    )
    return locked


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


def _active_item(item: CatalogItem) -> CatalogItem:
    if not item.is_active:
        raise InvalidInput(
            f"品目「{item}」已停用", code=c.ERR_ITEM_INACTIVE, detail={"field": "item"}
        )
    return item


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
    _authorize_region(actor, region)
    year = _year(year)
    _active_item(item)
    if scope not in c.CentralizedScope.values:
        raise InvalidInput("组织形式须为集中采购机构采购或部门集中采购", code="scope_invalid")
    value = _amount(min_amount, label="起点金额", field="min_amount", allow_none=True)
    note = _text(note, max_length=300, label="说明", field="note")
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
    _authorize_region(actor, entry.region)
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
    _check_version(locked.version, expected_version)
    before = _entry_summary(locked)
    if "scope" in changes:
        if changes["scope"] not in c.CentralizedScope.values:
            raise InvalidInput("组织形式须为集中采购机构采购或部门集中采购", code="scope_invalid")
        locked.scope = changes["scope"]
    if "min_amount" in changes:
        locked.min_amount = _amount(
            changes["min_amount"], label="起点金额", field="min_amount", allow_none=True
        )
    if "note" in changes:
        locked.note = _text(changes["note"], max_length=300, label="说明", field="note")
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
    _authorize_region(actor, entry.region)
    locked = (
        CentralizedCatalogEntry.objects.select_for_update()
        .select_related("region", "item")
        .get(pk=entry.pk)
    )
    _check_version(locked.version, expected_version)
    before = _entry_summary(locked)
    audit_record(actor=actor, action="catalog.centralized.deleted", obj=locked, before=before)
    locked.delete()


@transaction.atomic
def centralized_copy_year(
    *, actor: User | None, region: Region, from_year: int, to_year: int
) -> list[CentralizedCatalogEntry]:
    """Start a year's 集中采购目录 from last year's (items no longer active are left out)."""
    _authorize_region(actor, region)
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


# --- 资产配置标准 -------------------------------------------------------------------------


def _standard_summary(s: ConfigurationStandard) -> dict[str, Any]:
    return {
        "region": s.region.code,
        "item": s.item.code,
        "max_unit_price": s.max_unit_price,
        "max_quantity": s.max_quantity,
        "quantity_basis": s.quantity_basis,
        "min_service_years": s.min_service_years,
        "effective_from": s.effective_from,
        "effective_to": s.effective_to,
        "basis": s.basis,
        "version": s.version,
    }


def _standard_limits(
    max_unit_price: Any, max_quantity: Any, quantity_basis: Any, min_service_years: Any
) -> tuple[Decimal | None, Decimal | None, str, int | None]:
    price = _amount(max_unit_price, label="单价上限", field="max_unit_price", allow_none=True)
    qty = None
    if max_quantity is not None:
        qty = rules.parse_amount(max_quantity)
        problem = rules.amount_problem(qty, label="数量上限")
        if problem:
            raise InvalidInput(problem, code=c.ERR_AMOUNT_INVALID, detail={"field": "max_quantity"})
    if quantity_basis not in c.QuantityBasis.values:
        raise InvalidInput("数量计算口径须为每人或每单位", code="quantity_basis_invalid")
    years = None
    if min_service_years is not None:
        if (
            not isinstance(min_service_years, int)
            or isinstance(min_service_years, bool)
            or not 1 <= min_service_years <= 50
        ):
            raise InvalidInput(
                "最低使用年限须为 1–50 的整数",
                code=c.ERR_AMOUNT_INVALID,
                detail={"field": "min_service_years"},
            )
        years = min_service_years
    if price is None and qty is None and years is None:
        raise InvalidInput(
            "单价上限、数量上限、最低使用年限至少填写一项", code=c.ERR_STANDARD_EMPTY
        )
    return price, qty, str(quantity_basis), years


@transaction.atomic
def config_standard_set(
    *,
    actor: User | None,
    region: Region,
    item: CatalogItem,
    max_unit_price: Any = None,
    max_quantity: Any = None,
    quantity_basis: str = c.QuantityBasis.PER_STAFF,
    min_service_years: int | None = None,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
    basis: str = "",
) -> ConfigurationStandard:
    """A new version of a region's 资产配置标准 for an item (goods only); the version in force
    before it is closed the day before."""
    _authorize_region(actor, region)
    _active_item(item)
    if item.category != c.Category.GOODS:
        raise InvalidInput(
            "资产配置标准仅适用于货物类品目",
            code=c.ERR_STANDARD_NOT_GOODS,
            detail={"field": "item"},
        )
    price, qty, qbasis, years = _standard_limits(
        max_unit_price, max_quantity, quantity_basis, min_service_years
    )
    effective_from, effective_to = _dates(effective_from, effective_to)
    basis = _text(basis, max_length=200, label="依据文件", field="basis")
    key = ConfigurationStandard.objects.select_for_update().filter(region=region, item=item)
    _close_previous_version(
        actor=actor,
        key=key,
        effective_from=effective_from,
        effective_to=effective_to,
        summary=_standard_summary,
        closed_action="catalog.standard.closed",
        related=("region", "item"),
    )
    row = ConfigurationStandard.objects.create(
        region=region,
        item=item,
        max_unit_price=price,
        max_quantity=qty,
        quantity_basis=qbasis,
        min_service_years=years,
        effective_from=effective_from,
        effective_to=effective_to,
        basis=basis,
    )
    audit_record(
        actor=actor, action="catalog.standard.created", obj=row, after=_standard_summary(row)
    )
    return row


STANDARD_EDITABLE = (
    "max_unit_price",
    "max_quantity",
    "quantity_basis",
    "min_service_years",
    "effective_to",
    "basis",
)


@transaction.atomic
def config_standard_update(
    *,
    actor: User | None,
    standard: ConfigurationStandard,
    expected_version: int | None,
    changes: dict[str, Any],
) -> ConfigurationStandard:
    _authorize_region(actor, standard.region)
    unknown = set(changes) - set(STANDARD_EDITABLE)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}", code="field_not_editable"
        )
    locked = (
        ConfigurationStandard.objects.select_for_update()
        .select_related("region", "item")
        .get(pk=standard.pk)
    )
    _check_version(locked.version, expected_version)
    before = _standard_summary(locked)
    price, qty, qbasis, years = _standard_limits(
        changes.get("max_unit_price", locked.max_unit_price),
        changes.get("max_quantity", locked.max_quantity),
        changes.get("quantity_basis", locked.quantity_basis),
        changes.get("min_service_years", locked.min_service_years),
    )
    locked.max_unit_price, locked.max_quantity = price, qty
    locked.quantity_basis, locked.min_service_years = qbasis, years
    if "effective_to" in changes:
        _, locked.effective_to = _dates(locked.effective_from, changes["effective_to"])
    if "basis" in changes:
        locked.basis = _text(changes["basis"], max_length=200, label="依据文件", field="basis")
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="catalog.standard.updated",
        obj=locked,
        before=before,
        after=_standard_summary(locked),
    )
    return locked


@transaction.atomic
def config_standard_delete(
    *, actor: User | None, standard: ConfigurationStandard, expected_version: int | None
) -> None:
    _authorize_region(actor, standard.region)
    locked = (
        ConfigurationStandard.objects.select_for_update()
        .select_related("region", "item")
        .get(pk=standard.pk)
    )
    _check_version(locked.version, expected_version)
    audit_record(
        actor=actor,
        action="catalog.standard.deleted",
        obj=locked,
        before=_standard_summary(locked),
    )
    locked.delete()
