"""Thresholds (采购限额标准, 公开招标数额标准, 依法必须招标规模标准): dated versions per region,
unit level and category."""

import datetime as dt
from typing import Any

from django.db import transaction

from zhengcai.accounts.constants import RegionLevel
from zhengcai.accounts.models import Region, User
from zhengcai.catalog import constants as c
from zhengcai.catalog.models import Threshold
from zhengcai.catalog.services.base import (
    authorize_region,
    check_version,
    clean_text,
    close_previous_version,
    parse_dates,
    required_amount,
)
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput

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
    authorize_region(actor, region)
    unit_level = _check_unit_level(region, unit_level)
    if category not in c.Category.values:
        raise InvalidInput("类别须为货物、工程或服务", code="category_invalid")
    if kind not in c.ThresholdKind.values:
        raise InvalidInput("标准类型须为采购限额标准或公开招标数额标准", code="kind_invalid")
    value = required_amount(amount, label="金额", field="amount")
    effective_from, effective_to = parse_dates(effective_from, effective_to)
    basis = clean_text(basis, max_length=200, label="依据文件", field="basis")
    key = Threshold.objects.select_for_update().filter(
        region=region, unit_level=unit_level, category=category, kind=kind
    )
    close_previous_version(
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
    authorize_region(actor, threshold.region)
    unknown = set(changes) - set(THRESHOLD_EDITABLE)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}（如需新版本请新增）",
            code="field_not_editable",
        )
    locked = Threshold.objects.select_for_update().select_related("region").get(pk=threshold.pk)
    check_version(locked.version, expected_version)
    before = _threshold_summary(locked)
    if "amount" in changes:
        locked.amount = required_amount(changes["amount"], label="金额", field="amount")
    if "basis" in changes:
        locked.basis = clean_text(changes["basis"], max_length=200, label="依据文件", field="basis")
    if "effective_to" in changes:
        _, locked.effective_to = parse_dates(locked.effective_from, changes["effective_to"])
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
