"""资产配置标准: dated limits on what a unit may buy of an item (goods only)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import Region, User
from zhengcai.catalog import constants as c
from zhengcai.catalog import rules
from zhengcai.catalog.models import CatalogItem, ConfigurationStandard
from zhengcai.catalog.services.base import (
    active_item,
    authorize_region,
    check_version,
    checked_amount,
    clean_text,
    close_previous_version,
    parse_dates,
)
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput

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
    price = checked_amount(
        max_unit_price, label="单价上限", field="max_unit_price", allow_none=True
    )
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
    authorize_region(actor, region)
    active_item(item)
    if item.category != c.Category.GOODS:
        raise InvalidInput(
            "资产配置标准仅适用于货物类品目",
            code=c.ERR_STANDARD_NOT_GOODS,
            detail={"field": "item"},
        )
    price, qty, qbasis, years = _standard_limits(
        max_unit_price, max_quantity, quantity_basis, min_service_years
    )
    effective_from, effective_to = parse_dates(effective_from, effective_to)
    basis = clean_text(basis, max_length=200, label="依据文件", field="basis")
    key = ConfigurationStandard.objects.select_for_update().filter(region=region, item=item)
    close_previous_version(
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
    authorize_region(actor, standard.region)
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
    check_version(locked.version, expected_version)
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
        _, locked.effective_to = parse_dates(locked.effective_from, changes["effective_to"])
    if "basis" in changes:
        locked.basis = clean_text(changes["basis"], max_length=200, label="依据文件", field="basis")
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
    authorize_region(actor, standard.region)
    locked = (
        ConfigurationStandard.objects.select_for_update()
        .select_related("region", "item")
        .get(pk=standard.pk)
    )
    check_version(locked.version, expected_version)
    audit_record(
        actor=actor,
        action="catalog.standard.deleted",
        obj=locked,
        before=_standard_summary(locked),
    )
    locked.delete()
