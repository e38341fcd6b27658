"""What the catalogue services share: who may write, version checks, amounts, dates and text,
active items, and closing the version in force before a new dated one."""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from zhengcai.accounts.models import Region, User
from zhengcai.catalog import access, rules
from zhengcai.catalog import constants as c
from zhengcai.catalog.models import CatalogItem
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PreconditionFailed

ONE_DAY = dt.timedelta(days=1)


def authorize_region(actor: User | None, region: Region) -> None:
    if actor is not None:
        access.require_region_editor(actor, region)


def authorize_items(actor: User | None) -> None:
    if actor is not None:
        access.require_item_editor(actor)


def check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise PreconditionFailed(detail={"current_version": current})


def checked_amount(
    value: Any, *, label: str, field: str, allow_none: bool = False
) -> Decimal | None:
    if value is None and allow_none:
        return None
    amount = rules.parse_amount(value)
    problem = rules.amount_problem(amount, label=label)
    if problem:
        raise InvalidInput(problem, code=c.ERR_AMOUNT_INVALID, detail={"field": field})
    assert amount is not None
    return amount.quantize(Decimal("0.01"))


def required_amount(value: Any, *, label: str, field: str) -> Decimal:
    amount = checked_amount(value, label=label, field=field)
    assert amount is not None
    return amount


def parse_dates(effective_from: Any, effective_to: Any) -> tuple[dt.date, dt.date | None]:
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


def clean_text(value: Any, *, max_length: int, label: str, field: str) -> str:
    text = str(value or "").strip()
    if len(text) > max_length:
        raise InvalidInput(
            f"{label}不能超过 {max_length} 字", code="too_long", detail={"field": field}
        )
    return text


def close_previous_version(
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


def active_item(item: CatalogItem) -> CatalogItem:
    if not item.is_active:
        raise InvalidInput(
            f"品目「{item}」已停用", code=c.ERR_ITEM_INACTIVE, detail={"field": "item"}
        )
    return item
