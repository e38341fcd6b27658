"""Procurement plans (采购实施计划, 条例 29): drawing up, filing, approval, return, cancel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, RuleViolation
from zhengcai.methods import outcomes
from zhengcai.plans import constants as c
from zhengcai.plans import rules, selectors
from zhengcai.plans.models import BudgetLine, ProcurementPlan
from zhengcai.plans.services.base import (
    check_version,
    parse_decimal,
    require_decider,
    require_editor,
)
from zhengcai.plans.services.machines import PLAN
from zhengcai.plans.services.splits import split_check

PLAN_EDITABLE = (
    "name",
    "amount",
    "quantity",
    "expected_month",
    "requirements",
    "method",
    "single_source_ground",
    "is_urgent",
    "urgent_reason",
    "works_related",
    "original_contract_no",
    "original_supplier",
    "original_contract_amount",
    "original_contract_signed_on",
)
ORIGINAL_CONTRACT_FIELDS = (
    "original_contract_no",
    "original_supplier",
    "original_contract_amount",
    "original_contract_signed_on",
)


def _plan_summary(plan: ProcurementPlan) -> dict[str, Any]:
    return {
        "plan_no": plan.plan_no,
        "name": plan.name,
        "amount": plan.amount,
        "quantity": plan.quantity,
        "method": plan.method,
        "default_method": plan.default_method,
        "org_form": plan.org_form,
        "single_source_ground": plan.single_source_ground,
        "is_import": plan.is_import,
        "is_urgent": plan.is_urgent,
        "works_related": plan.works_related,
        "original_contract_no": plan.original_contract_no,
        "original_contract_amount": plan.original_contract_amount,
        "status": plan.status,
        "version": plan.version,
    }


def _original_contract(
    line: BudgetLine, values: dict[str, Any], *, amount: Decimal, exclude_plan: int | None
) -> dict[str, Any]:
    """The original contract a single-source addition names (法 31 ③: 需要继续从原供应商处添购，
    且添购资金总额不超过原合同采购金额百分之十), checked against the unit's earlier additions to
    the same contract. Must run inside the caller's transaction (the unit's row is locked so
    two additions filed at once both count)."""
    no = str(values.get("original_contract_no") or "").strip()[:60]
    supplier = str(values.get("original_supplier") or "").strip()[:200]
    raw_amount, raw_date = (
        values.get("original_contract_amount"),
        values.get("original_contract_signed_on"),
    )
    if not no or not supplier or raw_amount in (None, "") or raw_date in (None, ""):
        raise InvalidInput(
            "以添购为由采用单一来源的，须登记原合同编号、原供应商、原合同金额和签订日期（法31③）",
            code=c.ERR_ORIGINAL_CONTRACT,
        )
    try:
        original = parse_decimal(raw_amount, money=True)
        if original <= 0:
            raise ValueError("金额必须大于 0")
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"原合同金额无效：{exc}", code=c.ERR_AMOUNT_INVALID) from exc
    signed = raw_date
    if isinstance(signed, str):
        try:
            signed = dt.date.fromisoformat(signed)
        except ValueError as exc:
            raise InvalidInput("原合同签订日期格式应为 YYYY-MM-DD", code="date_invalid") from exc
    if not isinstance(signed, dt.date) or signed > clock.today():
        raise InvalidInput("原合同签订日期应为已签订合同的日期", code="date_invalid")
    Organization.objects.select_for_update().filter(pk=line.organization_id).first()
    earlier = selectors.earlier_additions(
        organization=line.organization, contract_no=no, exclude_plan=exclude_plan
    )
    if earlier is not None and (
        earlier.supplier != supplier or earlier.amount != original or earlier.signed_on != signed
    ):
        raise InvalidInput(
            f"原合同 {no} 已在本单位此前的添购计划中登记为：供应商「{earlier.supplier}」、"
            f"金额 {earlier.amount} 元、{earlier.signed_on} 签订；请核对后一致填写",
            code=c.ERR_ORIGINAL_CONTRACT_MISMATCH,
        )
    problem = rules.addition_problem(
        original_amount=original,
        earlier=earlier.added if earlier is not None else Decimal("0.00"),
        amount=amount,
    )
    if problem:
        raise RuleViolation(
            problem,
            code=c.ERR_ADDITION_OVER_LIMIT,
            detail={
                "original_contract_amount": str(original),
                "cap": str(rules.addition_cap(original)),
                "earlier": str(earlier.added if earlier is not None else Decimal("0.00")),
            },
        )
    return {
        "original_contract_no": no,
        "original_supplier": supplier,
        "original_contract_amount": original,
        "original_contract_signed_on": signed,
    }


def _plan_values(
    line: BudgetLine, values: dict[str, Any], *, exclude_plan: int | None
) -> dict[str, Any]:
    """Validate a plan's values against its budget line and the method rules."""
    name = str(values.get("name") or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("请填写项目名称（不超过 200 字）", code="name_required")
    try:
        amount = parse_decimal(values.get("amount"), money=True)
        if amount <= 0:
            raise ValueError("金额必须大于 0")
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"计划金额无效：{exc}", code=c.ERR_AMOUNT_INVALID) from exc
    try:
        quantity = parse_decimal(values.get("quantity") or line.quantity, money=False)
        if quantity <= 0:
            raise ValueError("数量必须大于 0")
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"数量无效：{exc}", code=c.ERR_QUANTITY_INVALID) from exc
    remaining = selectors.budget_execution(line, exclude_plan=exclude_plan).remaining
    if amount > remaining:
        raise RuleViolation(
            f"计划金额 {amount} 元超过该预算的可用余额 {remaining} 元"
            "（采购须按批准的预算执行，法6）",
            code=c.ERR_OVER_BUDGET,
            detail={"remaining": str(remaining)},
        )
    expected = values.get("expected_month")
    if isinstance(expected, str):
        try:
            expected = dt.date.fromisoformat(expected if len(expected) > 7 else expected + "-01")
        except ValueError as exc:
            raise InvalidInput("预计采购时间格式应为 YYYY-MM", code="month_invalid") from exc
    if not isinstance(expected, dt.date):
        raise InvalidInput("请填写预计采购时间（年月）", code="month_invalid")
    expected = expected.replace(day=1)
    works_related = bool(values.get("works_related"))
    det = selectors.determination_for(
        organization=line.organization,
        fiscal_year=line.fiscal_year,
        item_code=line.item_code,
        amount=amount,
        works_related=works_related,
    )
    method = str(values.get("method") or det.default_method)
    if not outcomes.is_known(method):
        raise InvalidInput(f"未知的采购方式：{method}", code="method_invalid")
    problem = rules.method_problem(method=method, determination=det)
    if problem:
        raise RuleViolation(problem, code="method_not_allowed")
    ground = str(values.get("single_source_ground") or "")
    if outcomes.needs_ground(method):
        if ground not in c.SingleSourceGround.values:
            raise InvalidInput("单一来源采购须选择法31规定的理由", code="ground_required")
    else:
        ground = ""
    original: dict[str, Any] = dict.fromkeys(ORIGINAL_CONTRACT_FIELDS)
    original["original_contract_no"] = original["original_supplier"] = ""
    if ground == c.SingleSourceGround.ADDITION:
        original = _original_contract(line, values, amount=amount, exclude_plan=exclude_plan)
    is_urgent = bool(values.get("is_urgent"))
    urgent_reason = str(values.get("urgent_reason") or "").strip()
    if is_urgent and not urgent_reason:
        raise InvalidInput("紧急采购须说明不可预见的紧急事由", code="urgent_reason_required")
    org_form = max((line.org_form, det.org_form), key=lambda f: c.ORG_FORM_RANK[f])
    reasons = list(det.reasons)
    if method != det.default_method:
        reasons.append(
            f"采购人选择{outcomes.label(method)}（默认为{outcomes.label(det.default_method)}）"
        )
    for need in rules.approvals_needed(
        method=method,
        ground=ground,
        amount=amount,
        threshold=det.open_tender_threshold,
        is_import=line.is_import,
    ):
        reasons.append("需审批：" + need.reason)
    return {
        "name": name,
        "amount": amount,
        "quantity": quantity,
        "expected_month": expected,
        "requirements": str(values.get("requirements") or "").strip(),
        "method": method,
        "default_method": det.default_method,
        "single_source_ground": ground,
        "org_form": org_form,
        "open_tender_threshold": det.open_tender_threshold,
        "works_related": works_related and det.works == rules.WORKS_RELATED,
        **original,
        "determination": {**det.as_dict(), "reasons": reasons},
        "is_urgent": is_urgent,
        "urgent_reason": urgent_reason if is_urgent else "",
    }


@transaction.atomic
def plan_create(*, actor: User, budget_line: BudgetLine, values: dict[str, Any]) -> ProcurementPlan:
    """File a 采购实施计划 from an approved budget line (条例 29)."""
    line = (
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("organization__region")
        .get(pk=budget_line.pk)
    )
    require_editor(actor, line.organization_id)
    if line.status != c.BudgetStatus.APPROVED:
        raise Conflict("只能依据已批复的预算编制采购计划", code=c.ERR_BAD_TRANSITION)
    clean = _plan_values(line, values, exclude_plan=None)
    now = clock.now()
    plan = ProcurementPlan.objects.create(
        budget_line=line,
        organization=line.organization,
        fiscal_year=line.fiscal_year,
        item_code=line.item_code,
        is_import=line.is_import,
        created_by=actor,
        created_at=now,
        updated_at=now,
        **clean,
    )
    plan.plan_no = f"JH{plan.fiscal_year}-{plan.pk:06d}"
    plan.save(update_fields=["plan_no"])
    audit_record(
        actor=actor,
        action="plan.created",
        obj=plan,
        organization=plan.organization,
        after=_plan_summary(plan),
    )
    return plan


@transaction.atomic
def plan_update(
    *, actor: User, plan: ProcurementPlan, expected_version: int | None, changes: dict[str, Any]
) -> ProcurementPlan:
    unknown = set(changes) - set(PLAN_EDITABLE)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}", code="field_not_editable"
        )
    locked = ProcurementPlan.objects.select_for_update().get(pk=plan.pk)
    require_editor(actor, locked.organization_id)
    check_version(locked, expected_version)
    if locked.status not in c.PLAN_EDITABLE_STATUSES:
        raise Conflict("只有草稿或退回的计划可以修改", code=c.ERR_NOT_EDITABLE)
    line = BudgetLine.objects.select_related("organization__region").get(pk=locked.budget_line_id)
    values = {f: getattr(locked, f) for f in PLAN_EDITABLE}
    values.update(changes)
    clean = _plan_values(line, values, exclude_plan=locked.pk)
    before = _plan_summary(locked)
    for field, value in clean.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save()
    audit_record(
        actor=actor,
        action="plan.updated",
        obj=locked,
        organization=locked.organization,
        before=before,
        after=_plan_summary(locked),
    )
    return locked


def lock_plan(plan: ProcurementPlan) -> ProcurementPlan:
    return (
        ProcurementPlan.objects.select_for_update(of=("self",))
        .select_related("organization__region", "budget_line")
        .get(pk=plan.pk)
    )


def plan_submit(
    *, actor: User, plan: ProcurementPlan, expected_version: int | None = None
) -> ProcurementPlan:
    """Submit for filing (条例 29). Runs the 化整为零 check first: a suspected split is
    recorded for supervision (committed) and the submission refused, unless the regulator
    approved a split exception for this plan."""
    finding: rules.SplitFinding | None = None
    with transaction.atomic():
        locked = lock_plan(plan)
        require_editor(actor, locked.organization_id)
        check_version(locked, expected_version)
        PLAN.check(locked, c.PlanStatus.SUBMITTED)
        # Serialize split checks of one unit (PostgreSQL): two parts filed at once both count.
        Organization.objects.select_for_update().filter(pk=locked.organization_id).first()
        case = None
        if outcomes.counts_toward_split(locked.method) and not selectors.approved_method_change(
            locked
        ):
            excused = selectors.split_exception_approved(locked)
            case = split_check(
                actor=actor,
                organization=locked.organization,
                fiscal_year=locked.fiscal_year,
                project_code=locked.budget_line.project_code,
                item_code=locked.item_code,
                amount=locked.amount,
                plan=locked,
                excused=excused,
            )
            if case is not None and not excused:
                finding = rules.SplitFinding(
                    total=case.total, threshold=case.threshold, parts=[], message=case.message
                )
        if finding is None:
            return PLAN.move(
                locked,
                to=c.PlanStatus.SUBMITTED,
                actor=actor,
                audit={"note": ""},
                submitted_at=clock.now(),
            )
    raise RuleViolation(
        finding.message,
        code=c.ERR_SPLIT,
        detail={"total": str(finding.total), "threshold": str(finding.threshold)},
    )


@transaction.atomic
def plan_approve(
    *, actor: User, plan: ProcurementPlan, note: str = "", expected_version: int | None = None
) -> ProcurementPlan:
    locked = lock_plan(plan)
    require_decider(actor, locked.organization)
    check_version(locked, expected_version)
    if locked.status == c.PlanStatus.SUBMITTED:
        missing = [n for n in selectors.plan_needs(locked) if not n.approved]
        if missing:
            raise RuleViolation(
                "须先批准以下事项：" + "；".join(n.reason for n in missing),
                code=c.ERR_APPROVAL_MISSING,
                detail=[{"kind": n.kind, "reason": n.reason} for n in missing],
            )
    return PLAN.move(
        locked,
        to=c.PlanStatus.APPROVED,
        actor=actor,
        audit={"note": note.strip()},
        decided_by=actor,
        decided_at=clock.now(),
        decision_note=note.strip(),
    )


@transaction.atomic
def plan_return(
    *, actor: User, plan: ProcurementPlan, note: str, expected_version: int | None = None
) -> ProcurementPlan:
    locked = lock_plan(plan)
    require_decider(actor, locked.organization)
    check_version(locked, expected_version)
    if not note.strip():
        raise InvalidInput("退回须填写审核意见", code="note_required")
    return PLAN.move(
        locked,
        to=c.PlanStatus.RETURNED,
        actor=actor,
        audit={"note": note.strip()},
        decided_by=actor,
        decided_at=clock.now(),
        decision_note=note.strip(),
    )


@transaction.atomic
def plan_cancel(
    *, actor: User, plan: ProcurementPlan, note: str = "", expected_version: int | None = None
) -> ProcurementPlan:
    locked = lock_plan(plan)
    require_editor(actor, locked.organization_id)
    check_version(locked, expected_version)
    return PLAN.move(locked, to=c.PlanStatus.CANCELLED, actor=actor, audit={"note": note.strip()})
