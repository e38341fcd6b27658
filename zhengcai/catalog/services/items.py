"""品目 (the 政府采购品目分类目录): create, rename, (de)activate, load in bulk."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.catalog import constants as c
from zhengcai.catalog import rules
from zhengcai.catalog.models import CatalogItem
from zhengcai.catalog.services.base import authorize_items, check_version, clean_text
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput

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
    authorize_items(actor)
    code = _validated_code(code)
    name = _item_name(name)
    note = clean_text(note, max_length=300, label="说明", field="note")
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
    authorize_items(actor)
    unknown = set(changes) - set(ITEM_EDITABLE)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}", code="field_not_editable"
        )
    locked = (
        CatalogItem.objects.select_for_update(of=("self",)).select_related("parent").get(pk=item.pk)
    )
    check_version(locked.version, expected_version)
    before = _item_summary(locked)
    if "name" in changes:
        locked.name = _item_name(changes["name"])
    if "note" in changes:
        locked.note = clean_text(changes["note"], max_length=300, label="说明", field="note")
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
    authorize_items(actor)
    locked = (
        CatalogItem.objects.select_for_update(of=("self",)).select_related("parent").get(pk=item.pk)
    )
    check_version(locked.version, expected_version)
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
    authorize_items(actor)
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
