"""Writes of the tenders app: the only place a project, document, finding, notice or
clarification changes. Each change checks its TRANSITIONS table, writes its audit entry and
saves in one transaction (design §4 rule 2).

Where the bidding app plugs in:
- `register_deadline_hook(fn)` in its AppConfig.ready(): `fn(project)` runs inside the
  transaction of `project_deadline_reached`, after the project moved to `bidding_closed`
  (the deadline is reached by the timed handler `project_deadline_tick`, driven by
  `Project.next_check`).
- `project_transition(actor=…, project=…, to_status=…)` moves the post-deadline statuses
  (opened, evaluating, failed …) through PROJECT_TRANSITIONS.
- `selectors.project_document_holders(project)`: the suppliers who obtained the documents.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
)
from zhengcai.core.money import to_yuan
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans.constants import CommissionStatus
from zhengcai.plans.models import Commission
from zhengcai.tenders import access, methods, rules
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import (
    Clarification,
    ComplianceFinding,
    DocumentComment,
    DocumentDownload,
    DocumentTemplate,
    Lot,
    Notice,
    ProcurementDocument,
    Project,
    PublicationEvent,
    PublicationHead,
)

ZERO = Decimal("0.00")
DeadlineHook = Callable[[Project], None]
_deadline_hooks: list[DeadlineHook] = []


def register_deadline_hook(hook: DeadlineHook) -> None:
    """Called by other apps (bidding) at startup; hooks run in the deadline transaction."""
    if hook not in _deadline_hooks:
        _deadline_hooks.append(hook)


# =============================================================================================
# helpers
# =============================================================================================


def _bad_transition(labels: Any, current: str, to: str, what: str) -> Conflict:
    def label(v: str) -> str:
        return str(labels(v).label) if v in labels.values else v

    return Conflict(
        f"{what}状态不能从「{label(current)}」变为「{label(to)}」",
        code=c.ERR_BAD_TRANSITION,
        detail={"from": current, "to": to},
    )


def _check_version(obj: Any, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise PreconditionFailed(detail={"current_version": obj.version})


def _require_manager(actor: User, project: Project) -> None:
    if not access.can_manage(actor, project):
        raise PermissionDenied("只有受托代理机构可以办理本项目")


def _lock(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("purchaser__region", "agency", "plan")
        .get(pk=project.pk)
    )


def _require_editable(project: Project) -> None:
    if project.status not in c.PROJECT_EDITABLE_STATUSES:
        raise Conflict(
            "项目已发布，须通过更正公告修改",
            code=c.ERR_NOT_EDITABLE,
            detail={"status": project.status},
        )


def _money(value: Any, what: str) -> Decimal:
    try:
        amount = to_yuan(value)
    except ValueError as exc:
        raise InvalidInput(f"{what}：{exc}", code="amount_invalid") from exc
    if amount < 0:
        raise InvalidInput(f"{what}不能为负数", code="amount_invalid")
    return amount


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{what}不是有效数字", code="number_invalid") from exc
    if not number.is_finite() or number < 0:
        raise InvalidInput(f"{what}不是有效数字", code="number_invalid")
    return number


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.SHANGHAI)


def _publish_event(kind: str, obj: Any, payload: dict[str, Any]) -> PublicationEvent:
    """Append to the public feed outbox in the caller's transaction; the head row lock makes
    the sequence gap-free in commit order (design §4 rule 11)."""
    head, _ = PublicationHead.objects.select_for_update().get_or_create(id=1)
    head.seq += 1
    head.save(update_fields=["seq"])
    return PublicationEvent.objects.create(
        seq=head.seq,
        kind=kind,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        payload=payload,
        created_at=clock.now(),
    )


def _move(*, actor: User | None, project: Project, to_status: str, **after: Any) -> Project:
    if to_status not in c.PROJECT_TRANSITIONS.get(project.status, set()):
        raise _bad_transition(c.ProjectStatus, project.status, to_status, "项目")
    before = project.status
    project.status = to_status
    project.version += 1
    project.updated_at = clock.now()
    project.save()
    audit_record(
        actor=actor,
        action=f"project.{to_status}",
        obj=project,
        organization=project.agency,
        before={"status": before},
        after={"status": to_status, **after},
    )
    return project


# =============================================================================================
# Projects and lots
# =============================================================================================


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
    _document_dirty(locked)
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
    _document_dirty(locked)
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
    _document_dirty(locked)
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
    _document_dirty(locked)
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
    _document_dirty(locked)


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
    if to_status not in c.LOT_TRANSITIONS.get(locked.status, set()):
        raise _bad_transition(c.LotStatus, locked.status, to_status, "采购包")
    before = locked.status
    locked.status = to_status
    locked.version += 1
    locked.save(update_fields=["status", "version"])
    audit_record(
        actor=actor,
        action=f"lot.{to_status}",
        obj=locked,
        organization=locked.project.agency,
        before={"status": before},
        after={"status": to_status, **after},
    )
    return locked


# =============================================================================================
# Templates and documents
# =============================================================================================

TEMPLATE_FIELDS = (
    "name",
    "method",
    "object_kind",
    "requirements",
    "qualifications",
    "evaluation_method",
    "factors",
    "contract_terms",
    "bid_bond_percent",
)


def _factors(raw: Any) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise InvalidInput("评分因素须为列表", code=c.ERR_FACTORS_INVALID)
    out = []
    for item in raw:
        if not isinstance(item, dict):
            raise InvalidInput("评分因素格式错误", code=c.ERR_FACTORS_INVALID)
        try:
            parsed = rules.parse_factors([item])[0]
        except (InvalidOperation, ValueError) as exc:
            raise InvalidInput("评分因素分值无效", code=c.ERR_FACTORS_INVALID) from exc
        out.append(
            {
                "name": parsed.name,
                "points": str(parsed.points),
                "objective": parsed.objective,
                "is_price": parsed.is_price,
                "criteria": parsed.criteria,
            }
        )
    return out


def _bond_percent(value: Any) -> Decimal:
    pct = _decimal(value, "投标保证金比例")
    if pct > c.BID_BOND_MAX_RATE_PERCENT:
        raise RuleViolation(
            "投标保证金不得超过采购项目预算金额的2%（条例 33）", code=c.ERR_BOND_TOO_HIGH
        )
    return pct


@transaction.atomic
def template_save(
    *,
    actor: User,
    values: dict[str, Any],
    template: DocumentTemplate | None = None,
    expected_version: int | None = None,
) -> DocumentTemplate:
    if actor.role != Role.AGENCY or actor.organization is None:
        raise PermissionDenied("只有代理机构可以维护范本")
    now = clock.now()
    if template is None:
        tpl = DocumentTemplate(agency=actor.organization, created_by=actor, created_at=now)
        tpl.evaluation_method = c.EvaluationMethod.COMPREHENSIVE
    else:
        tpl = DocumentTemplate.objects.select_for_update().get(pk=template.pk)
        if tpl.agency_id != actor.organization_id:
            raise PermissionDenied("只有本代理机构可以维护范本")
        _check_version(tpl, expected_version)
        tpl.version += 1
    for key in TEMPLATE_FIELDS:
        if key not in values:
            continue
        value = values[key]
        if key == "factors":
            value = _factors(value)
        elif key == "bid_bond_percent":
            value = _bond_percent(value)
        elif key == "evaluation_method" and value not in c.EvaluationMethod.values:
            raise InvalidInput("评审方法无效", code="choice_invalid")
        elif isinstance(value, str):
            value = value.strip()
        setattr(tpl, key, value)
    if not tpl.name:
        raise InvalidInput("请填写范本名称", code="name_required")
    tpl.updated_at = now
    tpl.save()
    audit_record(
        actor=actor,
        action="template.saved",
        obj=tpl,
        organization=tpl.agency,
        after={k: values[k] for k in TEMPLATE_FIELDS if k in values and k != "factors"},
    )
    return tpl


def _document_dirty(project: Project) -> None:
    """Any change to the project or its lots sends a final document back to draft (and so
    back through the compliance check)."""
    doc = ProcurementDocument.objects.filter(project=project).first()
    if doc is None:
        return
    doc.version += 1
    if doc.status == c.DocumentStatus.FINAL:
        doc.status = c.DocumentStatus.DRAFT
        if project.status == c.ProjectStatus.DOCUMENTS_READY:
            project.status = c.ProjectStatus.DRAFT
            project.save(update_fields=["status"])
    doc.save(update_fields=["version", "status"])


def _evaluation_method_refused(cfg: methods.MethodConfig, object_kind: str) -> RuleViolation:
    return RuleViolation(
        f"{cfg.name}不适用该评审方法（{cfg.citation}）",
        code=c.ERR_EVALUATION_METHOD,
        detail={"allowed": list(cfg.evaluation_methods_for(object_kind))},
    )


@transaction.atomic
def document_build(
    *,
    actor: User,
    project: Project,
    template: DocumentTemplate,
    evaluation_method: str | None = None,
) -> ProcurementDocument:
    """Start (or restart) the documents from one of the agency's templates.

    The evaluation method is `evaluation_method` if given, else the template's. One the
    procurement method does not allow is refused (422 `evaluation_method_not_allowed`, with
    the allowed ones) — except a template's method under a procurement method the law gives
    only one evaluation method (谈判/询价: 最低报价 74号令 35, 49; 磋商: 综合评分 214号 23;
    单一来源: 协商): that one applies, and the audit entry says so."""
    locked = _lock(project)
    _require_manager(actor, locked)
    _require_editable(locked)
    if template.agency_id != locked.agency_id:
        raise PermissionDenied("只能使用本代理机构的范本")
    cfg = locked.method_config
    allowed = cfg.evaluation_methods_for(locked.object_kind)
    prescribed = ""
    if evaluation_method is not None:
        if not cfg.allows(evaluation_method, locked.object_kind):
            raise _evaluation_method_refused(cfg, locked.object_kind)
    elif cfg.allows(template.evaluation_method, locked.object_kind):
        evaluation_method = template.evaluation_method
    elif len(allowed) == 1:
        evaluation_method = prescribed = allowed[0]
    else:
        raise _evaluation_method_refused(cfg, locked.object_kind)
    requirements = template.requirements or locked.plan.requirements
    doc, created = ProcurementDocument.objects.get_or_create(
        project=locked,
        defaults={"evaluation_method": evaluation_method, "updated_at": clock.now()},
    )
    doc.template = template
    doc.requirements = requirements
    doc.qualifications = template.qualifications
    doc.evaluation_method = evaluation_method
    doc.factors = list(template.factors) if evaluation_method == "comprehensive" else []
    doc.contract_terms = template.contract_terms
    doc.bid_bond_percent = min(template.bid_bond_percent, Decimal(c.BID_BOND_MAX_RATE_PERCENT))
    _clear_terms(locked, doc)
    doc.status = c.DocumentStatus.DRAFT
    if not created:
        doc.version += 1
    doc.updated_by, doc.updated_at = actor, clock.now()
    doc.save()
    _apply_bond(locked, doc)
    if locked.status == c.ProjectStatus.DOCUMENTS_READY:
        _move(actor=actor, project=locked, to_status=c.ProjectStatus.DRAFT, reason="重新编制")
    audit_record(
        actor=actor,
        action="document.built",
        obj=doc,
        organization=locked.agency,
        after={
            "template": template.pk,
            "version": doc.version,
            "evaluation_method": evaluation_method,
            **({"prescribed_by": cfg.citation} if prescribed else {}),
        },
    )
    return doc


def _apply_bond(project: Project, doc: ProcurementDocument) -> None:
    """Bid bond per lot = lot budget × percent, never above 2% (条例 33)."""
    for lot in project.lots.all():
        amount = (lot.budget * doc.bid_bond_percent / 100).quantize(Decimal("0.01"))
        amount = min(amount, rules.bid_bond_cap(lot.budget))
        if lot.bid_bond_amount != amount:
            lot.bid_bond_amount = amount
            lot.save(update_fields=["bid_bond_amount"])


DOCUMENT_FIELDS = {
    "requirements",
    "qualifications",
    "evaluation_method",
    "factors",
    "contract_terms",
    "bid_bond_percent",
    *c.LOTTERY_TERMS,
    *c.LIFE_CYCLE_TERMS,
}
TERM_FIELDS = frozenset(c.LOTTERY_TERMS + c.LIFE_CYCLE_TERMS)


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _rate(value: Any, what: str, *, zero_ok: bool) -> Decimal:
    """A rate written as a fraction (0.15 = 15%); 0 < r < 1 (or 0 ≤ r < 1)."""
    try:
        rate = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{what}不是有效数字", code=c.ERR_METHOD_TERMS_INVALID) from exc
    low_ok = rate >= 0 if zero_ok else rate > 0
    if not rate.is_finite() or not low_ok or rate >= 1 or rate != rate.quantize(Decimal("0.0001")):
        bound = "0 ≤" if zero_ok else "0 <"
        raise InvalidInput(
            f"{what}应为小数（{bound} {what} < 1，最多4位小数，如 0.15 表示15%）",
            code=c.ERR_METHOD_TERMS_INVALID,
        )
    return rate


def _service_life(value: Any) -> int:
    try:
        years = int(str(value).strip())
    except ValueError as exc:
        raise InvalidInput("使用寿命须为整数年", code=c.ERR_METHOD_TERMS_INVALID) from exc
    if not 1 <= years <= c.MAX_SERVICE_LIFE_YEARS:
        raise InvalidInput(
            f"使用寿命应在1至{c.MAX_SERVICE_LIFE_YEARS}年之间", code=c.ERR_METHOD_TERMS_INVALID
        )
    return years


def _reviewed_budgets(project: Project, raw: Any) -> dict[int, Decimal | None]:
    """`[{"lot_id": …, "reviewed_budget": …}]` (or `{lot_id: amount}`) → {lot pk: amount};
    each ≤ the lot's budget (the reasonable price is drawn from it, seed 001)."""
    items = list(raw.items()) if isinstance(raw, dict) else None
    if items is None and isinstance(raw, list):
        try:
            items = [(x["lot_id"], x.get("reviewed_budget")) for x in raw]
        except (KeyError, TypeError, AttributeError) as exc:
            raise InvalidInput("审核后的预算格式错误", code=c.ERR_METHOD_TERMS_INVALID) from exc
    if items is None:
        raise InvalidInput("审核后的预算格式错误", code=c.ERR_METHOD_TERMS_INVALID)
    lots = {lot.pk: lot for lot in project.lots.all()}
    out: dict[int, Decimal | None] = {}
    for key, value in items:
        try:
            lot = lots[int(key)]
        except (KeyError, ValueError, TypeError) as exc:
            raise InvalidInput(
                "采购包不属于本项目", code=c.ERR_METHOD_TERMS_INVALID, detail={"lot_id": key}
            ) from exc
        if _empty(value):
            out[lot.pk] = None
            continue
        amount = _money(value, "审核后的预算")
        if amount <= 0:
            raise InvalidInput("审核后的预算必须大于0", code=c.ERR_METHOD_TERMS_INVALID)
        if amount > lot.budget:
            raise RuleViolation(
                f"第{lot.number}包审核后的预算不得超过预算金额 {lot.budget} 元",
                code=c.ERR_REVIEWED_BUDGET,
                detail={"lot": lot.number},
            )
        out[lot.pk] = amount
    return out


def _set_reviewed_budgets(project: Project, budgets: dict[int, Decimal | None]) -> None:
    for lot in project.lots.all():
        if lot.pk in budgets and lot.reviewed_budget != budgets[lot.pk]:
            lot.reviewed_budget = budgets[lot.pk]
            lot.save(update_fields=["reviewed_budget"])


def _clear_terms(project: Project, doc: ProcurementDocument) -> None:
    """Drop the terms of evaluation methods other than the document's."""
    keep = c.METHOD_TERMS.get(doc.evaluation_method, ())
    if "lottery_discount" not in keep:
        doc.lottery_discount = None
        project.lots.exclude(reviewed_budget=None).update(reviewed_budget=None)
    if "service_life_years" not in keep:
        doc.service_life_years = None
        doc.life_cycle_costs = ""
        doc.life_cycle_discount_rate = None


def method_terms_missing(project: Project, doc: ProcurementDocument) -> list[str]:
    """What the documents must still publish for their evaluation method (empty = complete)."""
    missing: list[str] = []
    if doc.evaluation_method == c.EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        if doc.lottery_discount is None:
            missing.append("下浮率")
        for lot in project.lots.all():
            if lot.reviewed_budget is None:
                missing.append(f"第{lot.number}包审核后的预算")
    elif doc.evaluation_method == c.EvaluationMethod.LIFE_CYCLE_COST:
        if doc.service_life_years is None:
            missing.append("使用寿命")
        if not doc.life_cycle_costs.strip():
            missing.append("须报价的运行与处置成本")
    return missing


def _apply_terms(
    doc: ProcurementDocument, project: Project, values: dict[str, Any], before: dict[str, Any]
) -> None:
    """The terms of 合理定价评审抽签法 / 全生命周期成本法: each validated; refused under another
    evaluation method (422 `method_terms_not_applicable`); the other method's cleared."""
    keep = c.METHOD_TERMS.get(doc.evaluation_method, ())
    for key in TERM_FIELDS & set(values):
        value = values[key]
        blank = _empty(value) or (key == "reviewed_budgets" and not value)
        if key not in keep and not blank:
            if key == "reviewed_budgets" and all(
                _empty(v) for v in _reviewed_budgets(project, value).values()
            ):
                continue
            raise InvalidInput(
                f"{doc.get_evaluation_method_display()}不填写该项（{key}）",
                code=c.ERR_METHOD_TERMS_NOT_APPLICABLE,
                detail={"field": key, "evaluation_method": doc.evaluation_method},
            )
    _clear_terms(project, doc)
    if "lottery_discount" in keep:
        if "lottery_discount" in values:
            value = values["lottery_discount"]
            doc.lottery_discount = None if _empty(value) else _rate(value, "下浮率", zero_ok=False)
        if "reviewed_budgets" in values:
            budgets = _reviewed_budgets(project, values["reviewed_budgets"] or [])
            before["reviewed_budgets"] = {
                str(lot.pk): str(lot.reviewed_budget) for lot in project.lots.all()
            }
            _set_reviewed_budgets(project, budgets)
    if "service_life_years" in keep:
        if "service_life_years" in values:
            value = values["service_life_years"]
            doc.service_life_years = None if _empty(value) else _service_life(value)
        if "life_cycle_costs" in values:
            text = "" if _empty(values["life_cycle_costs"]) else str(values["life_cycle_costs"])
            doc.life_cycle_costs = text.strip()[:4000]
        if "life_cycle_discount_rate" in values:
            value = values["life_cycle_discount_rate"]
            doc.life_cycle_discount_rate = (
                None if _empty(value) else _rate(value, "折现率", zero_ok=True)
            )


def _apply_document_values(
    doc: ProcurementDocument, project: Project, values: dict[str, Any]
) -> dict[str, Any]:
    unknown = set(values) - DOCUMENT_FIELDS
    if unknown:
        raise InvalidInput("不可修改的字段", code="unknown_field", detail=sorted(unknown))
    cfg = project.method_config
    before = {k: getattr(doc, k) for k in values if k not in ("reviewed_budgets",)}
    for key, value in values.items():
        if key in TERM_FIELDS:
            continue
        if key == "factors":
            value = _factors(value)
        elif key == "bid_bond_percent":
            value = _bond_percent(value)
        elif key == "evaluation_method":
            if not cfg.allows(str(value), project.object_kind):
                raise _evaluation_method_refused(cfg, project.object_kind)
        elif isinstance(value, str):
            value = value.strip()
        setattr(doc, key, value)
    _apply_terms(doc, project, values, before)
    if doc.evaluation_method == c.EvaluationMethod.COMPREHENSIVE:
        problems = rules.factor_problems(rules.parse_factors(doc.factors))
        if problems:
            raise InvalidInput("；".join(problems), code=c.ERR_FACTORS_INVALID)
    return before


@transaction.atomic
def document_update(
    *,
    actor: User,
    project: Project,
    values: dict[str, Any],
    expected_version: int | None = None,
) -> ProcurementDocument:
    locked = _lock(project)
    _require_manager(actor, locked)
    _require_editable(locked)
    doc = ProcurementDocument.objects.select_for_update().filter(project=locked).first()
    if doc is None:
        raise Conflict("请先从范本生成采购文件", code=c.ERR_NO_DOCUMENT)
    _check_version(doc, expected_version)
    before = _apply_document_values(doc, locked, values)
    doc.version += 1
    doc.status = c.DocumentStatus.DRAFT
    doc.updated_by, doc.updated_at = actor, clock.now()
    doc.save()
    _apply_bond(locked, doc)
    if locked.status == c.ProjectStatus.DOCUMENTS_READY:
        _move(actor=actor, project=locked, to_status=c.ProjectStatus.DRAFT, reason="修改采购文件")
    audit_record(
        actor=actor,
        action="document.updated",
        obj=doc,
        organization=locked.agency,
        before={k: v for k, v in before.items() if k != "factors"},
        after={"version": doc.version, "fields": sorted(values)},
    )
    return doc


def _facts(project: Project, doc: ProcurementDocument) -> rules.DocumentFacts:
    return rules.DocumentFacts(
        requirements=doc.requirements,
        qualifications=doc.qualifications,
        factors=rules.parse_factors(doc.factors),
        evaluation_method=doc.evaluation_method,
        object_kind=project.object_kind,
        config=project.method_config,
        budget=project.budget,
        sme_reservation=project.sme_reservation,
        sme_reserved_percent=project.sme_reserved_percent,
        lot_requirements=[(lot.number, lot.requirements) for lot in project.lots.all()],
        contract_terms=doc.contract_terms,
    )


def _sync_findings(
    *, actor: User, project: Project, doc: ProcurementDocument
) -> list[ComplianceFinding]:
    now = clock.now()
    found = {f.fingerprint: f for f in rules.check_document(_facts(project, doc))}
    existing = list(doc.findings.select_for_update())
    standing = {f.fingerprint: f for f in existing if f.status != c.FindingStatus.FIXED}
    for finding in existing:
        if finding.status == c.FindingStatus.OPEN and finding.fingerprint not in found:
            finding.status = c.FindingStatus.FIXED
            finding.resolved_by, finding.resolved_at = actor, now
            finding.save(update_fields=["status", "resolved_by", "resolved_at"])
            audit_record(
                actor=actor,
                action="finding.fixed",
                obj=finding,
                organization=project.agency,
                after={"rule": finding.rule, "article": finding.article},
            )
    created = []
    for fp, f in found.items():
        if fp in standing:
            continue
        row = ComplianceFinding.objects.create(
            document=doc,
            project=project,
            rule=f.rule,
            article=f.article,
            section=f.section,
            excerpt=f.excerpt,
            message=f.message,
            fingerprint=fp,
            found_at=now,
            found_version=doc.version,
        )
        created.append(row)
    return created


@transaction.atomic
def compliance_check(*, actor: User, project: Project) -> list[ComplianceFinding]:
    """采购文件合规审查: record every finding; those gone since the last run are fixed.
    Returns the findings still standing (open or justified)."""
    locked = _lock(project)
    _require_manager(actor, locked)
    doc = ProcurementDocument.objects.select_for_update().filter(project=locked).first()
    if doc is None:
        raise Conflict("请先从范本生成采购文件", code=c.ERR_NO_DOCUMENT)
    created = _sync_findings(actor=actor, project=locked, doc=doc)
    doc.checked_at, doc.checked_version = clock.now(), doc.version
    doc.save(update_fields=["checked_at", "checked_version"])
    standing = list(doc.findings.exclude(status=c.FindingStatus.FIXED))
    audit_record(
        actor=actor,
        action="document.checked",
        obj=doc,
        organization=locked.agency,
        after={
            "version": doc.version,
            "new": [f"{f.rule}:{f.article}" for f in created],
            "open": sum(1 for f in standing if f.status == c.FindingStatus.OPEN),
        },
    )
    return standing


@transaction.atomic
def finding_justify(
    *, actor: User, finding: ComplianceFinding, justification: str
) -> ComplianceFinding:
    """Keep a flagged clause with a written justification, stored for supervision."""
    row = ComplianceFinding.objects.select_for_update().select_related("project").get(pk=finding.pk)
    _require_manager(actor, row.project)
    text = justification.strip()
    if len(text) < 10:
        raise InvalidInput(
            "请书面说明保留该条款的理由（不少于10个字）", code=c.ERR_JUSTIFICATION_REQUIRED
        )
    if c.FindingStatus.JUSTIFIED not in c.FINDING_TRANSITIONS[row.status]:
        raise _bad_transition(c.FindingStatus, row.status, c.FindingStatus.JUSTIFIED, "审查问题")
    row.status = c.FindingStatus.JUSTIFIED
    row.justification = text[:4000]
    row.resolved_by, row.resolved_at = actor, clock.now()
    row.save(update_fields=["status", "justification", "resolved_by", "resolved_at"])
    audit_record(
        actor=actor,
        action="finding.justified",
        obj=row,
        organization=row.project.agency,
        after={"rule": row.rule, "article": row.article, "justification": row.justification},
    )
    return row


def render_document_html(project: Project, doc: ProcurementDocument) -> str:
    factors = rules.parse_factors(doc.factors)
    return render_to_string(
        "tenders/document_print.html",
        {
            "project": project,
            "doc": doc,
            "lots": list(project.lots.all()),
            "factors": factors,
            "total_points": sum((f.points for f in factors), Decimal(0)),
            "price_percent": rules.price_weight_percent(factors),
            "cfg": project.method_config,
            "lottery": lottery_rows(project, doc),
        },
    )


def lottery_rows(project: Project, doc: ProcurementDocument) -> list[dict[str, Any]]:
    if doc.evaluation_method != c.EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        return []
    d = doc.lottery_discount
    return [
        {
            "lot": lot,
            "reasonable_price": rules.reasonable_price(lot.reviewed_budget, d)
            if lot.reviewed_budget is not None and d is not None
            else None,
        }
        for lot in project.lots.all()
    ]


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def _render(project: Project, doc: ProcurementDocument) -> None:
    html = render_document_html(project, doc)
    pdf = render_pdf(html)
    doc.html = html
    if doc.pdf:
        doc.pdf.delete(save=False)
    doc.pdf.save(f"{project.project_no}-v{doc.version}.pdf", ContentFile(pdf), save=False)
    doc.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    doc.pdf_size = len(pdf)
    doc.rendered_version = doc.version


def _require_clean(doc: ProcurementDocument) -> None:
    if doc.checked_version != doc.version:
        raise Conflict("采购文件修改后须重新进行合规审查", code=c.ERR_NOT_CHECKED)
    open_count = doc.findings.filter(status=c.FindingStatus.OPEN).count()
    if open_count:
        raise RuleViolation(
            f"合规审查还有 {open_count} 个问题未修改或书面说明理由",
            code=c.ERR_FINDINGS_OPEN,
            detail={"open": open_count},
        )


@transaction.atomic
def document_finalize(*, actor: User, project: Project) -> ProcurementDocument:
    """Freeze the documents: the check is current and clean; render HTML and PDF."""
    locked = _lock(project)
    _require_manager(actor, locked)
    doc = ProcurementDocument.objects.select_for_update().filter(project=locked).first()
    if doc is None:
        raise Conflict("请先从范本生成采购文件", code=c.ERR_NO_DOCUMENT)
    if not locked.lots.exists():
        raise Conflict("项目至少须有一个采购包", code=c.ERR_NO_LOTS)
    _check_lots(locked)
    missing = method_terms_missing(locked, doc)
    if missing:  # seed 001: the discount is published; seed 004: the service life and costs
        raise RuleViolation(
            f"{doc.get_evaluation_method_display()}须在采购文件中载明：{'、'.join(missing)}",
            code=c.ERR_METHOD_TERMS_MISSING,
            detail={"missing": missing},
        )
    _require_clean(doc)
    if doc.status not in (c.DocumentStatus.DRAFT,) or locked.status != c.ProjectStatus.DRAFT:
        raise _bad_transition(
            c.ProjectStatus, locked.status, c.ProjectStatus.DOCUMENTS_READY, "项目"
        )
    _render(locked, doc)
    doc.status = c.DocumentStatus.FINAL
    doc.updated_by, doc.updated_at = actor, clock.now()
    doc.save()
    _move(
        actor=actor,
        project=locked,
        to_status=c.ProjectStatus.DOCUMENTS_READY,
        document_version=doc.version,
        sha256=doc.pdf_sha256,
    )
    return doc


@transaction.atomic
def public_comment_open(*, actor: User, project: Project, until: dt.date) -> Project:
    """Optional public comment on the documents of a large project before publication
    (platform practice ⚠): the documents are shown on the portal until `until`."""
    locked = _lock(project)
    _require_manager(actor, locked)
    if locked.status != c.ProjectStatus.DOCUMENTS_READY:
        raise Conflict("采购文件定稿后方可征求意见", code=c.ERR_BAD_TRANSITION)
    if until <= clock.today():
        raise InvalidInput("征求意见截止日须晚于今天", code="date_invalid")
    locked.public_comment_until = until
    locked.version += 1
    locked.save(update_fields=["public_comment_until", "version"])
    audit_record(
        actor=actor,
        action="project.comment_opened",
        obj=locked,
        organization=locked.agency,
        after={"until": until},
    )
    return locked


def comment_period_open(project: Project) -> bool:
    """The documents are under public comment: finalized, not yet published, and today is on
    or before the last day of the period (the last day counts in full, by the server clock)."""
    return (
        project.status == c.ProjectStatus.DOCUMENTS_READY
        and project.public_comment_until is not None
        and clock.today() <= project.public_comment_until
    )


@transaction.atomic
def comment_submit(*, actor: User, project: Project, text: str) -> DocumentComment:
    """A supplier's comment on the documents while the comment period runs (platform
    practice ⚠); refused from the day after the period's last day."""
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以对采购文件提出意见")
    locked = _lock(project)
    if locked.public_comment_until is None or locked.status != c.ProjectStatus.DOCUMENTS_READY:
        raise Conflict("该项目的采购文件未在征求意见", code=c.ERR_COMMENT_NOT_OPEN)
    if not comment_period_open(locked):
        raise RuleViolation(
            f"征求意见已于 {locked.public_comment_until:%Y-%m-%d} 截止",
            code=c.ERR_COMMENT_CLOSED,
            detail={"until": locked.public_comment_until.isoformat()},
            status=409,
        )
    body = text.strip()
    if not body:
        raise InvalidInput("请填写意见", code="comment_required")
    item = DocumentComment.objects.create(
        project=locked,
        organization=actor.organization,
        submitted_by=actor,
        text=body[:4000],
        submitted_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="comment.submitted",
        obj=item,
        organization=actor.organization,
        after={"project": locked.pk},
    )
    return item


@transaction.atomic
def comment_answer(*, actor: User, comment: DocumentComment, answer: str) -> DocumentComment:
    """The agency answers a comment (also after the period ended); the answer is public,
    without the commenter's name."""
    item = DocumentComment.objects.select_for_update().get(pk=comment.pk)
    project = _lock(item.project)
    _require_manager(actor, project)
    if c.CommentStatus.ANSWERED not in c.COMMENT_TRANSITIONS[item.status]:
        raise _bad_transition(c.CommentStatus, item.status, c.CommentStatus.ANSWERED, "意见")
    body = answer.strip()
    if not body:
        raise InvalidInput("请填写答复", code="answer_required")
    item.answer = body[:4000]
    item.status = c.CommentStatus.ANSWERED
    item.answered_by = actor
    item.answered_at = clock.now()
    item.save(update_fields=["answer", "status", "answered_by", "answered_at"])
    audit_record(
        actor=actor,
        action="comment.answered",
        obj=item,
        organization=project.agency,
        after={"answer": item.answer},
    )
    return item


# =============================================================================================
# Notices
# =============================================================================================


def _evaluation_notice_fields(project: Project, lots: list[Lot]) -> dict[str, Any]:
    """The evaluation method and, for 合理定价评审抽签法 / 全生命周期成本法, the terms the
    documents publish (seed 001: the reasonable price is made known to every bidder)."""
    doc = ProcurementDocument.objects.filter(project=project).first()
    if doc is None:
        return {}
    out: dict[str, Any] = {
        "method": doc.evaluation_method,
        "method_name": str(doc.get_evaluation_method_display()),
    }
    if doc.evaluation_method == c.EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        d = doc.lottery_discount
        out["lottery_discount"] = str(d) if d is not None else ""
        out["lots"] = [
            {
                "number": lot.number,
                "reviewed_budget": str(lot.reviewed_budget or ""),
                "reasonable_price": str(rules.reasonable_price(lot.reviewed_budget, d))
                if lot.reviewed_budget is not None and d is not None
                else "",
            }
            for lot in lots
        ]
    elif doc.evaluation_method == c.EvaluationMethod.LIFE_CYCLE_COST:
        rate = doc.life_cycle_discount_rate
        out["service_life_years"] = doc.service_life_years
        out["life_cycle_costs"] = doc.life_cycle_costs
        out["life_cycle_discount_rate"] = str(rate) if rate is not None else ""
    return out


def notice_fields(project: Project) -> dict[str, Any]:
    """The required fields of a 招标公告 (87号令 13; 条例 30; 格式规范 ⚠), rules.md §7."""
    cfg = project.method_config
    lots = list(project.lots.all())
    return {
        "project_no": project.project_no,
        "project_name": project.name,
        "method": cfg.name,
        "purchaser": {
            "name": project.purchaser.name,
            "address": project.purchaser.address,
            "contact": project.purchaser.contact_name,
            "phone": project.purchaser.contact_phone,
        },
        "agency": {
            "name": project.agency.name,
            "address": project.agency.address,
            "contact": project.contact_name or project.agency.contact_name,
            "phone": project.contact_phone or project.agency.contact_phone,
        },
        "budget": str(project.budget),
        "evaluation": _evaluation_notice_fields(project, lots),
        "lots": [
            {
                "number": lot.number,
                "name": lot.name,
                "budget": str(lot.budget),
                "ceiling_price": str(lot.ceiling_price) if lot.ceiling_price is not None else "",
                "quantity": str(lot.quantity),
                "unit": lot.unit,
                "requirements": lot.requirements,
                "sme_reserved": lot.sme_reserved,
                "bid_bond": str(lot.bid_bond_amount),
            }
            for lot in lots
        ],
        "requirements": project.document.requirements if hasattr(project, "document") else "",
        "qualifications": project.document.qualifications if hasattr(project, "document") else "",
        "sme_reservation": project.get_sme_reservation_display(),
        "sme_reserved_percent": str(project.sme_reserved_percent),
        "accepts_consortium": project.accepts_consortium,
        "contract_period": project.contract_period,
        "documents": {
            "how": "登录本平台在线获取（免费）",
            "from": project.documents_from.isoformat() if project.documents_from else "",
            "until": project.documents_until.isoformat() if project.documents_until else "",
            "price": "0",
        },
        "display_until": project.notice_display_until.isoformat()
        if project.notice_display_until
        else "",
        "bid_deadline": project.bid_deadline.isoformat() if project.bid_deadline else "",
        "opening_at": project.opening_at.isoformat() if project.opening_at else "",
        "opening_place": project.opening_place,
        "clarification_cutoff": project.clarification_cutoff.isoformat()
        if project.clarification_cutoff
        else "",
        "min_suppliers": {
            "to_open": rules.min_suppliers_to_open(cfg, project.two_supplier_basis),
            "to_continue": rules.min_suppliers_to_continue(cfg, project.two_supplier_basis),
            "two_supplier_basis": project.get_two_supplier_basis_display()
            if rules.two_supplier_allowed(cfg, project.two_supplier_basis)
            else "",
            "article": rules.two_supplier_article(project.two_supplier_basis)
            if rules.two_supplier_allowed(cfg, project.two_supplier_basis)
            else "",
            "note": cfg.min_suppliers_note,
        },
    }


def _notice(
    *,
    actor: User | None,
    project: Project,
    kind: str,
    title: str,
    fields: dict[str, Any],
    body: str = "",
    corrects: Notice | None = None,
    display_until: dt.date | None = None,
) -> Notice:
    notice = Notice.objects.create(
        project=project,
        kind=kind,
        title=title[:300],
        fields=fields,
        body=body,
        corrects=corrects,
        published_at=clock.now(),
        display_until=display_until,
        published_by=actor,
    )
    _publish_event(
        f"notice.{kind}",
        notice,
        {"project_no": project.project_no, "title": notice.title, "kind": kind},
    )
    audit_record(
        actor=actor,
        action=f"notice.{kind}",
        obj=notice,
        organization=project.agency,
        after={"project": project.pk, "title": notice.title},
    )
    return notice


@transaction.atomic
def project_publish(
    *,
    actor: User,
    project: Project,
    bid_deadline: dt.datetime,
    opening_place: str = "",
    expected_version: int | None = None,
) -> Project:
    """Publish the notice and open the documents. The deadline must leave the statutory
    period (法 35; 74号令 29, 45; 214号 10); notice display and document availability are
    computed with the working-day calendar (87号令 16; 条例 31)."""
    locked = _lock(project)
    _require_manager(actor, locked)
    _check_version(locked, expected_version)
    if locked.status != c.ProjectStatus.DOCUMENTS_READY:
        raise _bad_transition(c.ProjectStatus, locked.status, c.ProjectStatus.PUBLISHED, "项目")
    doc = ProcurementDocument.objects.select_for_update().get(project=locked)
    _require_clean(doc)
    if doc.status != c.DocumentStatus.FINAL or doc.rendered_version != doc.version:
        raise Conflict("采购文件须先定稿", code=c.ERR_NO_DOCUMENT)
    if comment_period_open(locked):
        raise Conflict(
            f"采购文件征求意见期至 {locked.public_comment_until:%Y-%m-%d}，期满后方可发布公告",
            code=c.ERR_COMMENT_PERIOD_RUNNING,
            detail={"until": f"{locked.public_comment_until:%Y-%m-%d}"},
        )
    if bid_deadline.tzinfo is None:
        raise InvalidInput("截止时间须带时区", code="datetime_invalid")
    deadline = bid_deadline.astimezone(clock.SHANGHAI)
    cfg = locked.method_config
    cal = WorkCalendar.load()
    now = clock.now()
    today = now.date()
    if deadline <= now:
        raise InvalidInput("截止时间须晚于当前时间", code="datetime_invalid")
    problem = rules.deadline_problem(cal, cfg, today, deadline.date())
    if problem:
        t = rules.timeline(cal, cfg, today)
        raise RuleViolation(
            problem,
            code=c.ERR_PERIOD_TOO_SHORT,
            detail={"earliest": t.earliest_deadline.isoformat() if t.earliest_deadline else None},
        )
    t = rules.timeline(cal, cfg, today)
    if cfg.has_opening and not (opening_place.strip() or locked.opening_place):
        raise InvalidInput("请填写开标地点", code="opening_place_required")
    locked.notice_published_at = now
    locked.notice_display_until = t.notice_display_until
    locked.documents_from = now
    docs_until = t.documents_until or deadline.date()
    locked.documents_until = min(max(docs_until, today), deadline.date())
    locked.bid_deadline = deadline
    locked.opening_at = deadline if cfg.has_opening else None
    if opening_place.strip():
        locked.opening_place = opening_place.strip()[:200]
    locked.clarification_cutoff = rules.clarification_cutoff(cal, cfg, deadline.date())
    locked.next_check = deadline
    _move(
        actor=actor,
        project=locked,
        to_status=c.ProjectStatus.PUBLISHED,
        bid_deadline=deadline,
        method=cfg.key,
    )
    if cfg.notice_kind is not None:
        kind = c.NoticeKind(cfg.notice_kind)
        _notice(
            actor=actor,
            project=locked,
            kind=kind,
            title=f"{locked.purchaser.name}{locked.name}{kind.label}",
            fields=notice_fields(locked),
            display_until=locked.notice_display_until,
        )
    return locked


def _apply_deadline_change(
    *,
    project: Project,
    cal: WorkCalendar,
    new_deadline: dt.datetime | None,
    documents_changed: bool,
) -> tuple[dt.datetime, bool]:
    """The deadline after a correction; `True` when the law extended it automatically."""
    cfg = project.method_config
    assert project.bid_deadline is not None
    deadline = (new_deadline or project.bid_deadline).astimezone(clock.SHANGHAI)
    today = clock.today()
    if deadline <= clock.now():
        raise InvalidInput("截止时间须晚于当前时间", code="datetime_invalid")
    first_issue = (project.documents_from or clock.now()).astimezone(clock.SHANGHAI).date()
    problem = rules.deadline_problem(cal, cfg, first_issue, deadline.date())
    if problem:
        raise RuleViolation(problem, code=c.ERR_PERIOD_TOO_SHORT)
    extended = False
    if documents_changed:
        later = rules.extended_deadline(cal, cfg, change_on=today, deadline=deadline)
        if later is not None and later > deadline:
            deadline, extended = later, True
    return deadline, extended


@transaction.atomic
def project_correct(
    *,
    actor: User,
    project: Project,
    changes: str,
    new_deadline: dt.datetime | None = None,
    document_values: dict[str, Any] | None = None,
    expected_version: int | None = None,
    _title: str = "",
) -> Notice:
    """更正公告 (87号令 27). A change to the documents later than the clarification cut-off
    extends the deadline so the statutory period runs again (条例 31; 74号令 29; 214号 10)."""
    locked = _lock(project)
    _require_manager(actor, locked)
    _check_version(locked, expected_version)
    if locked.status != c.ProjectStatus.PUBLISHED:
        raise Conflict("只有发布中的项目可以更正", code=c.ERR_NOT_OPEN)
    if not changes.strip():
        raise InvalidInput("请填写更正内容", code=c.ERR_REASON_REQUIRED)
    cal = WorkCalendar.load()
    documents_changed = bool(document_values)
    doc = ProcurementDocument.objects.select_for_update().get(project=locked)
    if document_values:
        _apply_document_values(doc, locked, document_values)
        doc.version += 1
        doc.updated_by, doc.updated_at = actor, clock.now()
        _sync_findings(actor=actor, project=locked, doc=doc)
        doc.checked_at, doc.checked_version = clock.now(), doc.version
        _require_clean(doc)
        _render(locked, doc)
        doc.save()
        _apply_bond(locked, doc)
    return _correct(
        actor=actor,
        project=locked,
        cal=cal,
        changes=changes.strip(),
        new_deadline=new_deadline,
        documents_changed=documents_changed,
        title=_title,
    )


def _correct(
    *,
    actor: User,
    project: Project,
    cal: WorkCalendar,
    changes: str,
    new_deadline: dt.datetime | None,
    documents_changed: bool,
    title: str = "",
) -> Notice:
    cfg = project.method_config
    old_deadline = project.bid_deadline
    deadline, extended = _apply_deadline_change(
        project=project, cal=cal, new_deadline=new_deadline, documents_changed=documents_changed
    )
    project.bid_deadline = deadline
    if cfg.has_opening:
        project.opening_at = deadline
    project.clarification_cutoff = rules.clarification_cutoff(cal, cfg, deadline.date())
    if project.documents_until is not None and project.documents_until > deadline.date():
        project.documents_until = deadline.date()
    project.next_check = deadline
    project.version += 1
    project.updated_at = clock.now()
    project.save()
    original = project.notices.exclude(
        kind__in=[c.NoticeKind.CORRECTION, c.NoticeKind.TERMINATION]
    ).first()
    fields = {
        "project_no": project.project_no,
        "project_name": project.name,
        "original_notice": original.title if original else "",
        "original_published_at": original.published_at.isoformat() if original else "",
        "changes": changes,
        "old_deadline": old_deadline.isoformat() if old_deadline else "",
        "bid_deadline": deadline.isoformat(),
        "opening_at": project.opening_at.isoformat() if project.opening_at else "",
        "extended_by_law": extended,
        "contact": {
            "purchaser": project.purchaser.name,
            "agency": project.agency.name,
            "name": project.contact_name,
            "phone": project.contact_phone,
        },
    }
    body = changes
    if extended and cfg.clarification_cutoff is not None:
        p = cfg.clarification_cutoff
        body += (
            f"\n因本次更正距投标（响应）截止不足{p.label}（{p.citation}），"
            f"截止时间顺延至 {deadline:%Y年%m月%d日 %H:%M}。"
        )
    notice = _notice(
        actor=actor,
        project=project,
        kind=c.NoticeKind.CORRECTION,
        title=title or f"{project.name}更正公告",
        fields=fields,
        body=body,
        corrects=original,
    )
    audit_record(
        actor=actor,
        action="project.corrected",
        obj=project,
        organization=project.agency,
        before={"bid_deadline": old_deadline},
        after={"bid_deadline": deadline, "extended_by_law": extended, "notice": notice.pk},
    )
    return notice


@transaction.atomic
def project_terminate(*, actor: User, project: Project, reason: str) -> Project:
    """终止公告 (87号令 29; 74号令 37): reason, project, contacts."""
    locked = _lock(project)
    _require_manager(actor, locked)
    if not reason.strip():
        raise InvalidInput("请填写终止原因", code=c.ERR_REASON_REQUIRED)
    was_public = locked.status in c.PROJECT_PUBLIC_STATUSES
    locked.termination_reason = reason.strip()[:500]
    locked.next_check = None
    _move(actor=actor, project=locked, to_status=c.ProjectStatus.TERMINATED, reason=reason)
    if was_public:
        _notice(
            actor=actor,
            project=locked,
            kind=c.NoticeKind.TERMINATION,
            title=f"{locked.name}终止公告",
            fields={
                "project_no": locked.project_no,
                "project_name": locked.name,
                "reason": locked.termination_reason,
                "contact": {
                    "purchaser": locked.purchaser.name,
                    "agency": locked.agency.name,
                    "name": locked.contact_name,
                    "phone": locked.contact_phone,
                },
            },
            body=locked.termination_reason,
        )
    return locked


# =============================================================================================
# Deadline (timed)
# =============================================================================================


def project_deadline_reached(project: Project) -> Project:
    """The bid deadline has passed: no more downloads, questions or bids; the bidding app's
    hooks run (open the bids, or record too few). Runs inside the caller's transaction."""
    if project.status != c.ProjectStatus.PUBLISHED:
        return project
    assert project.bid_deadline is not None
    if project.bid_deadline > clock.now():
        raise Conflict("尚未到投标截止时间", code=c.ERR_BAD_TRANSITION)
    project.next_check = None
    _move(actor=None, project=project, to_status=c.ProjectStatus.BIDDING_CLOSED)
    for hook in list(_deadline_hooks):
        hook(project)
    return project


def project_deadline_tick(obj: Any) -> None:
    """Timed handler (core.timed) for `Project.next_check`."""
    assert isinstance(obj, Project)
    if (
        obj.status == c.ProjectStatus.PUBLISHED
        and obj.bid_deadline
        and obj.bid_deadline <= clock.now()
    ):
        project_deadline_reached(obj)
        return
    obj.next_check = (
        obj.bid_deadline if obj.status == c.ProjectStatus.PUBLISHED and obj.bid_deadline else None
    )
    obj.save(update_fields=["next_check"])


# =============================================================================================
# Suppliers: downloads and clarifications
# =============================================================================================


def _require_open(project: Project) -> None:
    now = clock.now()
    if project.status != c.ProjectStatus.PUBLISHED or (
        project.bid_deadline is not None and project.bid_deadline <= now
    ):
        raise Conflict("项目不在文件获取或答疑期间", code=c.ERR_NOT_OPEN)


@transaction.atomic
def document_download(*, actor: User, project: Project, ip: str | None = None) -> DocumentDownload:
    """A supplier obtains the documents; each download is logged (who, when, IP, digest)."""
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以获取采购文件")
    _require_open(project)
    if project.documents_until is not None and clock.today() > project.documents_until:
        raise Conflict("采购文件获取期已结束", code=c.ERR_NOT_OPEN)
    doc = ProcurementDocument.objects.get(project=project)
    row = DocumentDownload.objects.create(
        project=project,
        supplier=actor.organization,
        user=actor,
        downloaded_at=clock.now(),
        ip=ip or None,
        sha256=doc.pdf_sha256,
        document_version=doc.version,
    )
    audit_record(
        actor=actor,
        action="document.downloaded",
        obj=row,
        organization=actor.organization,
        ip=ip,
        after={"project": project.pk, "sha256": doc.pdf_sha256, "version": doc.version},
    )
    return row


@transaction.atomic
def clarification_ask(*, actor: User, project: Project, question: str) -> Clarification:
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以提出问题")
    _require_open(project)
    text = question.strip()
    if not text:
        raise InvalidInput("请填写问题", code="question_required")
    item = Clarification.objects.create(
        project=project,
        supplier=actor.organization,
        asked_by=actor,
        question=text[:4000],
        asked_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="clarification.asked",
        obj=item,
        organization=actor.organization,
        after={"project": project.pk},
    )
    return item


@transaction.atomic
def clarification_answer(
    *,
    actor: User,
    clarification: Clarification,
    answer: str,
    changes_documents: bool = False,
    document_values: dict[str, Any] | None = None,
) -> Clarification:
    """Answer and publish to every participant (without naming who asked) as a 澄清公告.
    An answer that changes the documents after the cut-off extends the deadline
    (条例 31; 87号令 27; 74号令 29, 45; 214号 10)."""
    item = Clarification.objects.select_for_update().get(pk=clarification.pk)
    project = _lock(item.project)
    _require_manager(actor, project)
    if c.ClarificationStatus.ANSWERED not in c.CLARIFICATION_TRANSITIONS[item.status]:
        raise _bad_transition(
            c.ClarificationStatus, item.status, c.ClarificationStatus.ANSWERED, "问题"
        )
    if project.status != c.ProjectStatus.PUBLISHED:
        raise Conflict("项目已截止，不能再澄清", code=c.ERR_CLARIFICATION_CLOSED)
    text = answer.strip()
    if not text:
        raise InvalidInput("请填写答复", code="answer_required")
    changes = f"问题：{item.question}\n答复：{text}"
    changed = changes_documents or bool(document_values)
    if document_values:
        notice = project_correct(
            actor=actor,
            project=project,
            changes=changes,
            document_values=document_values,
            _title=f"{project.name}澄清公告",
        )
    else:
        notice = _correct(
            actor=actor,
            project=project,
            cal=WorkCalendar.load(),
            changes=changes,
            new_deadline=None,
            documents_changed=changed,
            title=f"{project.name}澄清公告",
        )
    item.answer = text[:4000]
    item.changes_documents = changed
    item.status = c.ClarificationStatus.ANSWERED
    item.answered_by, item.answered_at = actor, clock.now()
    item.notice = notice
    item.save()
    audit_record(
        actor=actor,
        action="clarification.answered",
        obj=item,
        organization=project.agency,
        after={"notice": notice.pk, "changes_documents": changed},
    )
    return item
