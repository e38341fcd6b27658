"""Projects and lots: created from an accepted commission, edited before publication (法 26–29;
87号令 10–12), the 两家供应商 exception, lot changes, project / lot transitions."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    RuleViolation,
)
from zhengcai.plans.constants import CommissionStatus
from zhengcai.plans.models import Commission
from zhengcai.tenders import constants as c
from zhengcai.tenders import (
    machines,
    methods,
    rules,
)
from zhengcai.tenders.models import (
    Lot,
    Project,
)
from zhengcai.tenders.services.common import (
    ZERO,
    _check_version,
    _decimal,
    _document_dirty,
    _lock,
    _money,
    _move,
    _require_editable,
    _require_manager,
)


def object_kind_for(item_code: str) -> str:
    return {"A": c.ObjectKind.GOODS, "B": c.ObjectKind.WORKS}.get(
        item_code[:1], c.ObjectKind.SERVICES
    )


@transaction.atomic
def project_create_from_commission(
    *, actor: User, commission: Commission, name: str = "", method_variant: str = ""
) -> Project:
    """Grow the project from a commission the agency accepted; one lot holds the whole plan
    until the agency divides it."""
    com = (
        Commission.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=commission.pk)
    )
    if actor.role != Role.AGENCY or actor.organization_id != com.agency_id:
        raise PermissionDenied("只有受托代理机构可以立项")
    if com.status != CommissionStatus.ACCEPTED:
        raise Conflict("委托须先由代理机构接收", code=c.ERR_COMMISSION_NOT_ACCEPTED)
    if Project.objects.filter(commission=com).exists():
        raise Conflict("该委托已立项", code=c.ERR_PROJECT_EXISTS)
    plan = com.plan
    if not methods.supported(plan.method, method_variant):
        raise RuleViolation(
            "该采购方式不在项目采购中办理", code=c.ERR_METHOD_UNSUPPORTED, detail=plan.method
        )
    cfg = methods.get(plan.method, method_variant)
    kind = object_kind_for(plan.item_code)
    if cfg.goods_only and kind != c.ObjectKind.GOODS:
        raise RuleViolation("询价只适用于货物（74号令 3）", code=c.ERR_METHOD_UNSUPPORTED)
    now = clock.now()
    project = Project.objects.create(
        commission=com,
        plan=plan,
        purchaser=com.purchaser,
        agency=com.agency,
        project_no=(com.project_no or f"WT{plan.fiscal_year}-{com.pk:06d}").replace("WT", "ZC", 1),
        name=(name.strip() or plan.name)[:200],
        method=plan.method,
        method_variant=method_variant,
        object_kind=kind,
        item_code=plan.item_code,
        budget=plan.amount,
        contact_name=actor.get_full_name()[:60],
        contact_phone=(com.agency.contact_phone or "")[:30],
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    Lot.objects.create(
        project=project,
        number=1,
        name=project.name[:200],
        budget=plan.amount,
        quantity=plan.quantity,
        requirements=plan.requirements,
    )
    audit_record(
        actor=actor,
        action="project.created",
        obj=project,
        organization=project.agency,
        after={"commission": com.pk, "method": cfg.key, "budget": project.budget},
    )
    return project


PROJECT_FIELDS = {
    "name",
    "contact_name",
    "contact_phone",
    "accepts_consortium",
    "contract_period",
    "sme_reservation",
    "sme_reserved_percent",
    "opening_place",
    "method_variant",
}


@transaction.atomic
def project_update(
    *, actor: User, project: Project, values: dict[str, Any], expected_version: int | None = None
) -> Project:
    locked = _lock(project)
    _require_manager(actor, locked)
    _check_version(locked, expected_version)
    _require_editable(locked)
    unknown = set(values) - PROJECT_FIELDS
    if unknown:
        raise InvalidInput("不可修改的字段", code="unknown_field", detail=sorted(unknown))
    before = {k: getattr(locked, k) for k in values}
    for key, value in values.items():
        if key == "sme_reserved_percent":
            value = _decimal(value, "预留份额")
            if value > 100:
                raise InvalidInput("预留份额不能超过100%", code="number_invalid")
        if key == "sme_reservation" and value not in c.SmeReservation.values:
            raise InvalidInput("中小企业预留方式无效", code="choice_invalid")
        if key == "method_variant" and not methods.supported(locked.method, value):
            raise InvalidInput("该方式没有此变体", code=c.ERR_METHOD_UNSUPPORTED)
        if isinstance(value, str):
            value = value.strip()
            if key == "name" and not value:
                raise InvalidInput("项目名称不能为空", code="name_required")
        setattr(locked, key, value)
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save()
    _document_dirty(locked, actor)
    audit_record(
        actor=actor,
        action="project.updated",
        obj=locked,
        organization=locked.agency,
        before=before,
        after=values,
    )
    return locked


@transaction.atomic
def project_two_supplier_set(
    *,
    actor: User,
    project: Project,
    basis: str,
    justification: str = "",
    expected_version: int | None = None,
) -> Project:
    """Record (or clear) the lawful ground on which a 竞争性磋商 may stand with 2 suppliers
    instead of 3: 市场竞争不充分的科研项目 / 需要扶持的科技成果转化项目 (214号 3（四）, 21 ¶3,
    34（三）) or 政府购买服务项目 including PPP (214号 3（一）; 财库〔2015〕124号). Only the agency,
    only before publication, only for 竞争性磋商; a basis needs a written justification. The
    documents go back through the compliance check (the minimum is a term of the procedure)."""
    locked = _lock(project)
    _require_manager(actor, locked)
    _check_version(locked, expected_version)
    if locked.status not in c.PROJECT_EDITABLE_STATUSES:
        raise Conflict(
            "采购公告发布后不能再设定或变更2家供应商例外情形",
            code=c.ERR_NOT_EDITABLE,
            detail={"status": locked.status},
        )
    cfg = locked.method_config
    if not cfg.two_supplier_bases:
        raise RuleViolation(
            f"{cfg.name}不适用2家供应商的例外；仅竞争性磋商的科研项目、科技成果转化项目"
            "（214号 21）和政府购买服务项目（财库〔2015〕124号）可以2家继续",
            code=c.ERR_TWO_SUPPLIER_METHOD,
            detail={"method": cfg.key},
        )
    if basis not in c.TwoSupplierBasis.values:
        raise InvalidInput("例外情形无效", code="choice_invalid", detail={"basis": basis})
    text = justification.strip()
    if basis == c.TwoSupplierBasis.NONE:
        text = ""
    else:
        if not rules.two_supplier_allowed(cfg, basis):  # a method with only some grounds
            raise RuleViolation(
                f"{cfg.name}不适用该例外情形",
                code=c.ERR_TWO_SUPPLIER_METHOD,
                detail={"method": cfg.key, "basis": basis},
            )
        if basis == c.TwoSupplierBasis.PUBLIC_SERVICE and locked.object_kind == c.ObjectKind.GOODS:
            raise RuleViolation(
                "货物采购不属于政府购买服务项目（财库〔2015〕124号）",
                code=c.ERR_TWO_SUPPLIER_KIND,
                detail={"object_kind": locked.object_kind},
            )
        if len(text) < 10:
            raise InvalidInput(
                "请书面说明符合该例外情形的理由（不少于10个字）",
                code=c.ERR_JUSTIFICATION_REQUIRED,
            )
    before = {
        "two_supplier_basis": locked.two_supplier_basis,
        "two_supplier_justification": locked.two_supplier_justification,
    }
    if before == {"two_supplier_basis": basis, "two_supplier_justification": text[:4000]}:
        return locked
    locked.two_supplier_basis = basis
    locked.two_supplier_justification = text[:4000]
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save(
        update_fields=["two_supplier_basis", "two_supplier_justification", "version", "updated_at"]
    )
    _document_dirty(locked, actor)
    audit_record(
        actor=actor,
        action="project.two_supplier_basis",
        obj=locked,
        organization=locked.agency,
        before=before,
        after={
            "two_supplier_basis": basis,
            "two_supplier_justification": locked.two_supplier_justification,
            "article": rules.two_supplier_article(basis),
            "min_to_open": rules.min_suppliers_to_open(cfg, basis),
            "min_to_continue": rules.min_suppliers_to_continue(cfg, basis),
            "note": str(c.TwoSupplierBasis(basis).label),
        },
    )
    return locked


def _lot_values(values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "name" in values:
        out["name"] = str(values["name"]).strip()[:200]
        if not out["name"]:
            raise InvalidInput("包名称不能为空", code="name_required")
    if "budget" in values:
        out["budget"] = _money(values["budget"], "预算金额")
        if out["budget"] <= 0:
            raise InvalidInput("预算金额必须大于0", code="amount_invalid")
    if "ceiling_price" in values:
        cp = values["ceiling_price"]
        out["ceiling_price"] = None if cp in (None, "") else _money(cp, "最高限价")
    if "quantity" in values:
        out["quantity"] = _decimal(values["quantity"], "数量")
    for key in ("unit", "requirements"):
        if key in values:
            out[key] = str(values[key]).strip()
    if "sme_reserved" in values:
        out["sme_reserved"] = bool(values["sme_reserved"])
    return out


def _check_lots(project: Project) -> None:
    lots = list(project.lots.all())
    total = sum((lot.budget for lot in lots), ZERO)
    if total > project.budget:
        raise RuleViolation(
            f"各包预算合计 {total} 元超过项目预算 {project.budget} 元",
            code=c.ERR_LOTS_OVER_BUDGET,
        )
    for lot in lots:
        if lot.ceiling_price is not None and lot.ceiling_price > lot.budget:
            raise RuleViolation(
                f"第{lot.number}包最高限价不得超过预算金额（87号令 12）",
                code=c.ERR_CEILING_OVER_BUDGET,
            )
        if lot.reviewed_budget is not None and lot.reviewed_budget > lot.budget:
            raise RuleViolation(
                f"第{lot.number}包审核后的预算不得超过预算金额 {lot.budget} 元",
                code=c.ERR_REVIEWED_BUDGET,
                detail={"lot": lot.number},
            )


@transaction.atomic
def lot_add(*, actor: User, project: Project, values: dict[str, Any]) -> Lot:
    locked = _lock(project)
    _require_manager(actor, locked)
    _require_editable(locked)
    data = _lot_values(values)
    for key in ("name", "budget"):
        if key not in data:
            raise InvalidInput("请填写包名称和预算金额", code=f"{key}_required")
    number = (locked.lots.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    lot = Lot.objects.create(
        project=locked, number=number, quantity=data.pop("quantity", 1), **data
    )
    _check_lots(locked)
    _document_dirty(locked, actor)
    audit_record(
        actor=actor,
        action="lot.added",
        obj=lot,
        organization=locked.agency,
        after={"project": locked.pk, **data},
    )
    return lot


@transaction.atomic
def lot_update(
    *, actor: User, lot: Lot, values: dict[str, Any], expected_version: int | None = None
) -> Lot:
    locked = _lock(lot.project)
    _require_manager(actor, locked)
    _require_editable(locked)
    row = Lot.objects.select_for_update().get(pk=lot.pk)
    _check_version(row, expected_version)
    data = _lot_values(values)
    before = {k: getattr(row, k) for k in data}
    for key, value in data.items():
        setattr(row, key, value)
    row.version += 1
    row.save()
    _check_lots(locked)
    _document_dirty(locked, actor)
    audit_record(
        actor=actor, action="lot.updated", obj=row, organization=locked.agency, before=before,
        after=data,
    )  # fmt: skip
    return row


@transaction.atomic
def lot_remove(*, actor: User, lot: Lot) -> None:
    locked = _lock(lot.project)
    _require_manager(actor, locked)
    _require_editable(locked)
    if locked.lots.count() <= 1:
        raise Conflict("项目至少保留一个采购包", code=c.ERR_NO_LOTS)
    audit_record(
        actor=actor,
        action="lot.removed",
        obj=lot,
        organization=locked.agency,
        before={"number": lot.number, "name": lot.name, "budget": lot.budget},
    )
    lot.delete()
    _document_dirty(locked, actor)


@transaction.atomic
def project_transition(
    *, actor: User | None, project: Project, to_status: str, **after: Any
) -> Project:
    """The one door for the statuses after the deadline (bidding, evaluation, awards)."""
    return _move(actor=actor, project=_lock(project), to_status=to_status, **after)


@transaction.atomic
def lot_transition(*, actor: User | None, lot: Lot, to_status: str, **after: Any) -> Lot:
    """The one door for a lot's outcome after the deadline (LOT_TRANSITIONS: failed, awarded,
    terminated), called by evaluation and awards; audited in the caller's transaction."""
    locked = Lot.objects.select_for_update().select_related("project__agency").get(pk=lot.pk)
    return machines.LOT.move(locked, to=to_status, actor=actor, audit=after)
