"""Writes of the plans app: the only place a budget line, plan, intention, approval request or
commission changes status. Each change checks the TRANSITIONS table of constants.py, writes its
audit entry and saves in one transaction (design §4 rule 2)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model

from zhengcai.accounts.models import Organization, User
from zhengcai.catalog import selectors as catalog
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
from zhengcai.plans import access, excel, rules, selectors
from zhengcai.plans import constants as c
from zhengcai.plans.models import (
    ApprovalAttachment,
    ApprovalRequest,
    BudgetLine,
    Commission,
    PlanPolicy,
    ProcurementIntention,
    ProcurementPlan,
    PublicityObjection,
    SplitCase,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ZERO = Decimal("0.00")


def _end_of_day(day: dt.date) -> dt.datetime:
    """The first instant after `day` (a period that ends on `day` runs through it)."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.SHANGHAI)


def _bad_transition(labels: Any, current: str, to: str, what: str) -> Conflict:
    def label(v: str) -> str:
        return str(labels(v).label) if v in labels.values else v

    return Conflict(
        f"{what}状态不能从「{label(current)}」变为「{label(to)}」",
        code=c.ERR_BAD_TRANSITION,
        detail={"from": current, "to": to},
    )


def _check_version(obj: Model, expected_version: int | None) -> None:
    current = getattr(obj, "version", None)
    if expected_version is not None and current != expected_version:
        raise PreconditionFailed(detail={"current_version": current})


def _require_decider(actor: User, org: Organization, kind: str | None = None) -> None:
    if not access.can_decide(actor, org, kind=kind):
        if kind in c.CITY_OR_ABOVE_KINDS and actor.role == "regulator":
            raise PermissionDenied(
                "该事项须由设区的市级以上财政部门审批（法27、条例23）", code=c.ERR_DECIDER_LEVEL
            )
        raise PermissionDenied("只有本级或上级财政部门可以审核")


def _require_editor(actor: User, org_id: int) -> None:
    if not access.can_edit(actor, org_id):
        raise PermissionDenied("只有本单位采购人可以办理")


# =============================================================================================
# Budget lines
# =============================================================================================

BUDGET_FIELDS = (
    "fiscal_year",
    "project_code",
    "project_name",
    "item_code",
    "description",
    "quantity",
    "unit",
    "amount",
    "funding_source",
    "org_form",
    "is_import",
)
FIELD_LABELS = {
    "fiscal_year": "预算年度",
    "project_code": "预算项目编码",
    "project_name": "预算项目名称",
    "item_code": "品目编码",
    "description": "采购内容",
    "quantity": "数量",
    "unit": "计量单位",
    "amount": "预算金额（元）",
    "funding_source": "资金来源",
    "org_form": "组织形式",
    "is_import": "是否进口",
}


@dataclass(frozen=True)
class FieldProblem:
    field: str
    message: str
    code: str

    def as_dict(self) -> dict[str, str]:
        return {
            "field": self.field,
            "label": FIELD_LABELS.get(self.field, self.field),
            "message": self.message,
            "code": self.code,
        }


def _decimal(value: Any, *, money: bool) -> Decimal:
    if isinstance(value, float):
        value = repr(value) if money else str(value)
    if money:
        return to_yuan(value)
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except Exception as exc:
        raise ValueError(f"无法识别的数值：{value!r}") from exc
    if not d.is_finite():
        raise ValueError("必须是有限数值")
    if d != d.quantize(Decimal("0.01")):
        raise ValueError("最多保留两位小数")
    return d.quantize(Decimal("0.01"))


def validate_budget_line(
    *,
    organization: Organization,
    data: dict[str, Any],
    exclude_pk: int | None = None,
    on: dt.date | None = None,
) -> tuple[dict[str, Any], list[FieldProblem], list[str]]:
    """Check one budget line. Returns the cleaned values, the problems (every one, for the
    Excel report) and the configuration-standard problems (which an exception may excuse)."""
    problems: list[FieldProblem] = []
    clean: dict[str, Any] = {}

    def bad(field: str, message: str, code: str = "invalid") -> None:
        problems.append(FieldProblem(field, message, code))

    try:
        year = int(str(data.get("fiscal_year", "")).strip())
        if not 2000 <= year <= 2100:
            raise ValueError
        clean["fiscal_year"] = year
    except (TypeError, ValueError):
        bad("fiscal_year", "预算年度应为四位年份（如 2026）")
    for field, limit in (
        ("project_code", 40),
        ("project_name", 200),
        ("description", 300),
        ("unit", 20),
    ):
        text = str(data.get(field) or "").strip()
        if field != "unit" and not text:
            bad(field, f"请填写{FIELD_LABELS[field]}", "required")
        elif len(text) > limit:
            bad(field, f"{FIELD_LABELS[field]}不能超过 {limit} 个字符", "too_long")
        clean[field] = text
    code = str(data.get("item_code") or "").strip().upper()
    item = catalog.item_get(code) if code else None
    if not code:
        bad("item_code", "请填写品目编码", "required")
    elif item is None or not item.is_active:
        bad(
            "item_code",
            f"品目编码「{code}」不在政府采购品目分类目录中（应为 A/B/C 加 8 位数字）",
            c.ERR_ITEM_UNKNOWN,
        )
    else:
        clean["item_code"], clean["item_name"] = item.code, item.name
    try:
        quantity = _decimal(data.get("quantity"), money=False)
        if quantity <= 0:
            raise ValueError("数量必须大于 0")
        if quantity >= Decimal("10000000000"):
            raise ValueError("数量超出范围")
        clean["quantity"] = quantity
    except (ValueError, TypeError) as exc:
        bad("quantity", f"数量无效：{exc}", c.ERR_QUANTITY_INVALID)
    try:
        raw_amount = data.get("amount")
        if raw_amount is None or str(raw_amount).strip() == "":
            raise ValueError("请填写金额")
        amount = _decimal(raw_amount, money=True)
        if amount <= 0:
            raise ValueError("金额必须大于 0")
        if amount >= Decimal("100000000000000"):
            raise ValueError("金额超出范围")
        clean["amount"] = amount
    except (ValueError, TypeError) as exc:
        bad("amount", f"预算金额无效：{exc}", c.ERR_AMOUNT_INVALID)
    funding = _choice(str(data.get("funding_source") or "").strip(), c.FundingSource)
    if funding is None:
        bad(
            "funding_source",
            "资金来源应为：" + "、".join(str(x.label) for x in c.FundingSource),
        )
    else:
        clean["funding_source"] = funding
    form_raw = str(data.get("org_form") or "").strip()
    form = _choice(form_raw, c.OrgForm) if form_raw else ""
    if form is None:
        bad("org_form", "组织形式应为：政府集中采购、部门集中采购或分散采购")
    clean["is_import"] = bool(data.get("is_import"))
    config_problems: list[str] = []
    if "item_code" in clean and "amount" in clean and "fiscal_year" in clean:
        det = selectors.determination_for(
            organization=organization,
            fiscal_year=clean["fiscal_year"],
            item_code=clean["item_code"],
            amount=clean["amount"],
        )
        if not form:
            form = det.org_form
        elif form is not None:
            problem = rules.org_form_problem(chosen=form, required=det.org_form)
            if problem:
                bad("org_form", problem, c.ERR_ORG_FORM)
        if "quantity" in clean:
            day = on or rules.rule_date(fiscal_year=clean["fiscal_year"], today=clock.today())
            standard = selectors.standard_for(
                organization=organization, item_code=clean["item_code"], on=day
            )
            config_problems = rules.config_standard_problems(
                amount=clean["amount"],
                quantity=clean["quantity"],
                standard=standard,
                headcount=organization.staff_count,
            )
        duplicate = (
            BudgetLine.objects.filter(
                organization=organization,
                fiscal_year=clean["fiscal_year"],
                project_code=clean["project_code"],
                item_code=clean["item_code"],
                description=clean["description"],
            )
            .exclude(status=c.BudgetStatus.CANCELLED)
            .exclude(pk=exclude_pk or 0)
            .first()
        )
        if duplicate is not None:
            bad(
                "description",
                f"与已登记的预算重复（第 {duplicate.pk} 号：{duplicate.project_name} · "
                f"{duplicate.description}）",
                c.ERR_DUPLICATE_LINE,
            )
    if form:
        clean["org_form"] = form
    return clean, problems, config_problems


def _choice(value: str, choices: Any) -> str | None:
    """Accept a choice by value or by its Chinese label."""
    if value in choices.values:
        return value
    for v, label in choices.choices:
        if value == str(label):
            return str(v)
    return None


def _line_summary(line: BudgetLine) -> dict[str, Any]:
    return {f: getattr(line, f) for f in (*BUDGET_FIELDS, "status", "version")}


def _raise_problems(problems: list[FieldProblem]) -> None:
    first = problems[0]
    raise InvalidInput(
        "；".join(f"{FIELD_LABELS.get(p.field, p.field)}：{p.message}" for p in problems),
        code=first.code if len(problems) == 1 else "invalid_budget_line",
        detail=[p.as_dict() for p in problems],
    )


def _config_violation(config_problems: list[str]) -> RuleViolation:
    return RuleViolation(
        "超出资产配置标准："
        + "；".join(config_problems)
        + "。如确有必要，请填写理由申请例外审批。",
        code=c.ERR_CONFIG_STANDARD,
        detail={"standard": config_problems},
    )


def _new_line(
    *, actor: User, organization: Organization, clean: dict[str, Any], action: str
) -> BudgetLine:
    now = clock.now()
    line = BudgetLine.objects.create(
        organization=organization, created_by=actor, created_at=now, updated_at=now, **clean
    )
    audit_record(
        actor=actor, action=action, obj=line, organization=organization, after=_line_summary(line)
    )
    return line


@transaction.atomic
def budget_line_create(
    *,
    actor: User,
    organization: Organization,
    data: dict[str, Any],
    exception_reason: str = "",
) -> BudgetLine:
    """Enter one line. Above a 资产配置标准 it is refused, quoting the standard, unless a reason
    is given: then a config-exception request goes to the regulator with it."""
    _require_editor(actor, organization.pk)
    clean, problems, config_problems = validate_budget_line(organization=organization, data=data)
    if problems:
        _raise_problems(problems)
    if config_problems and not exception_reason.strip():
        raise _config_violation(config_problems)
    line = _new_line(
        actor=actor, organization=organization, clean=clean, action="budget_line.created"
    )
    if config_problems:
        _approval_new(
            actor=actor,
            kind=c.ApprovalKind.CONFIG_EXCEPTION,
            organization=organization,
            budget_line=line,
            reasons=exception_reason.strip(),
            extra={"standard": config_problems},
        )
    return line


@transaction.atomic
def budget_line_update(
    *, actor: User, line: BudgetLine, expected_version: int | None, changes: dict[str, Any]
) -> BudgetLine:
    unknown = set(changes) - set(BUDGET_FIELDS)
    if unknown:
        raise InvalidInput(
            f"这些字段不可修改：{', '.join(sorted(unknown))}", code="field_not_editable"
        )
    locked = (
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("organization__region")
        .get(pk=line.pk)
    )
    _require_editor(actor, locked.organization_id)
    _check_version(locked, expected_version)
    if locked.status not in c.BUDGET_EDITABLE_STATUSES:
        raise Conflict("只有草稿或退回的预算可以修改", code=c.ERR_NOT_EDITABLE)
    data = {f: getattr(locked, f) for f in BUDGET_FIELDS}
    data.update(changes)
    clean, problems, config_problems = validate_budget_line(
        organization=locked.organization, data=data, exclude_pk=locked.pk
    )
    if problems:
        _raise_problems(problems)
    if config_problems and not _config_exception_standing(locked):
        raise _config_violation(config_problems)
    before = _line_summary(locked)
    for field, value in clean.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save()
    audit_record(
        actor=actor,
        action="budget_line.updated",
        obj=locked,
        organization=locked.organization,
        before=before,
        after=_line_summary(locked),
    )
    return locked


def _config_exception_standing(line: BudgetLine, *, approved_only: bool = False) -> bool:
    statuses = {c.ApprovalStatus.APPROVED}
    if not approved_only:
        statuses |= c.APPROVAL_PENDING_STATUSES | {c.ApprovalStatus.DRAFT}
    return ApprovalRequest.objects.filter(
        budget_line=line, kind=c.ApprovalKind.CONFIG_EXCEPTION, status__in=statuses
    ).exists()


def _line_config_problems(line: BudgetLine) -> list[str]:
    day = rules.rule_date(fiscal_year=line.fiscal_year, today=clock.today())
    standard = selectors.standard_for(
        organization=line.organization, item_code=line.item_code, on=day
    )
    return rules.config_standard_problems(
        amount=line.amount,
        quantity=line.quantity,
        standard=standard,
        headcount=line.organization.staff_count,
    )


@transaction.atomic
def budget_line_transition(
    *,
    actor: User,
    line: BudgetLine,
    to_status: str,
    note: str = "",
    expected_version: int | None = None,
) -> BudgetLine:
    """The one door for a budget line's status: submit, approve, return, cancel."""
    locked = (
        BudgetLine.objects.select_for_update(of=("self",))
        .select_related("organization__region")
        .get(pk=line.pk)
    )
    _check_version(locked, expected_version)
    if to_status not in c.BUDGET_TRANSITIONS.get(locked.status, set()):
        raise _bad_transition(c.BudgetStatus, locked.status, to_status, "预算")
    note = note.strip()
    if to_status in (c.BudgetStatus.SUBMITTED, c.BudgetStatus.CANCELLED):
        _require_editor(actor, locked.organization_id)
    else:
        _require_decider(actor, locked.organization)
        if to_status == c.BudgetStatus.RETURNED and not note:
            raise InvalidInput("退回须填写审核意见", code="note_required")
    problems = _line_config_problems(locked)
    if (
        problems
        and to_status == c.BudgetStatus.SUBMITTED
        and not _config_exception_standing(locked)
    ):
        raise _config_violation(problems)
    if (
        problems
        and to_status == c.BudgetStatus.APPROVED
        and not _config_exception_standing(locked, approved_only=True)
    ):
        raise RuleViolation(
            "该预算超出资产配置标准，须先批准“超资产配置标准例外”申请：" + "；".join(problems),
            code=c.ERR_APPROVAL_MISSING,
            detail={"standard": problems},
        )
    before = locked.status
    locked.status = to_status
    if to_status in (c.BudgetStatus.APPROVED, c.BudgetStatus.RETURNED):
        locked.decided_by, locked.decided_at, locked.decision_note = actor, clock.now(), note
    locked.version += 1
    locked.updated_at = clock.now()
    locked.save()
    audit_record(
        actor=actor,
        action=f"budget_line.{to_status}",
        obj=locked,
        organization=locked.organization,
        before={"status": before},
        after={"status": to_status, "note": note, "amount": locked.amount},
    )
    return locked


# =============================================================================================
# Plans
# =============================================================================================

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
        "status": plan.status,
        "version": plan.version,
    }


def _plan_values(
    line: BudgetLine, values: dict[str, Any], *, exclude_plan: int | None
) -> dict[str, Any]:
    """Validate a plan's values against its budget line and the method rules."""
    name = str(values.get("name") or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput("请填写项目名称（不超过 200 字）", code="name_required")
    try:
        amount = _decimal(values.get("amount"), money=True)
        if amount <= 0:
            raise ValueError("金额必须大于 0")
    except (ValueError, TypeError) as exc:
        raise InvalidInput(f"计划金额无效：{exc}", code=c.ERR_AMOUNT_INVALID) from exc
    try:
        quantity = _decimal(values.get("quantity") or line.quantity, money=False)
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
    det = selectors.determination_for(
        organization=line.organization,
        fiscal_year=line.fiscal_year,
        item_code=line.item_code,
        amount=amount,
    )
    method = str(values.get("method") or det.default_method)
    if method not in c.Method.values:
        raise InvalidInput(f"未知的采购方式：{method}", code="method_invalid")
    problem = rules.method_problem(method=method, determination=det)
    if problem:
        raise RuleViolation(problem, code="method_not_allowed")
    ground = str(values.get("single_source_ground") or "")
    if method == c.Method.SINGLE_SOURCE:
        if ground not in c.SingleSourceGround.values:
            raise InvalidInput("单一来源采购须选择法31规定的理由", code="ground_required")
    else:
        ground = ""
    is_urgent = bool(values.get("is_urgent"))
    urgent_reason = str(values.get("urgent_reason") or "").strip()
    if is_urgent and not urgent_reason:
        raise InvalidInput("紧急采购须说明不可预见的紧急事由", code="urgent_reason_required")
    org_form = max((line.org_form, det.org_form), key=lambda f: c.ORG_FORM_RANK[f])
    reasons = list(det.reasons)
    if method != det.default_method:
        reasons.append(
            f"采购人选择{rules.METHOD_LABELS[str(method)]}"
            f"（默认为{rules.METHOD_LABELS[det.default_method]}）"
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
    _require_editor(actor, line.organization_id)
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
    _require_editor(actor, locked.organization_id)
    _check_version(locked, expected_version)
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


def _plan_move(
    *, actor: User | None, plan: ProcurementPlan, to_status: str, note: str = "", **extra: Any
) -> ProcurementPlan:
    """The one door for a plan's status (inside the caller's transaction, on a locked row)."""
    if to_status not in c.PLAN_TRANSITIONS.get(plan.status, set()):
        raise _bad_transition(c.PlanStatus, plan.status, to_status, "计划")
    before = plan.status
    plan.status = to_status
    plan.version += 1
    plan.updated_at = clock.now()
    plan.save()
    audit_record(
        actor=actor,
        action=f"plan.{to_status}",
        obj=plan,
        organization=plan.organization,
        before={"status": before},
        after={"status": to_status, "note": note, **extra},
    )
    return plan


def _lock_plan(plan: ProcurementPlan) -> ProcurementPlan:
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
        locked = _lock_plan(plan)
        _require_editor(actor, locked.organization_id)
        _check_version(locked, expected_version)
        if c.PlanStatus.SUBMITTED not in c.PLAN_TRANSITIONS.get(locked.status, set()):
            raise _bad_transition(c.PlanStatus, locked.status, c.PlanStatus.SUBMITTED, "计划")
        # Serialize split checks of one unit (PostgreSQL): two parts filed at once both count.
        Organization.objects.select_for_update().filter(pk=locked.organization_id).first()
        case = None
        if locked.method != c.Method.OPEN_TENDER and not selectors.approved_method_change(locked):
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
            locked.submitted_at = clock.now()
            _plan_move(actor=actor, plan=locked, to_status=c.PlanStatus.SUBMITTED)
            return locked
    raise RuleViolation(
        finding.message,
        code=c.ERR_SPLIT,
        detail={"total": str(finding.total), "threshold": str(finding.threshold)},
    )


def split_check(
    *,
    actor: User | None,
    organization: Organization,
    fiscal_year: int,
    project_code: str,
    item_code: str,
    amount: Decimal,
    plan: ProcurementPlan | None = None,
    source: str = "plan",
    excused: bool = False,
) -> SplitCase | None:
    """条例 28 check for a filing (a plan here; e-mall orders later call it with their own
    `source`). Records a SplitCase when the parts together reach the threshold; the caller
    refuses the filing unless `excused`. Must run inside the caller's transaction."""
    on = rules.rule_date(fiscal_year=fiscal_year, today=clock.today())
    policy = selectors.policy_for(region=organization.region, on=on)
    prefix = item_code[: policy.split_prefix_len]
    threshold = selectors.open_tender_threshold(
        organization=organization, item_code=item_code, on=on
    )
    others = selectors.split_group_amounts(
        organization=organization,
        fiscal_year=fiscal_year,
        project_code=project_code,
        prefix=prefix,
        exclude_plan=plan.pk if plan is not None else None,
    )
    finding = rules.split_finding(
        earlier=[a for _, a in others], amount=amount, threshold=threshold
    )
    if finding is None:
        return None
    case = SplitCase.objects.create(
        organization=organization,
        fiscal_year=fiscal_year,
        budget_project_code=project_code,
        category_prefix=prefix,
        plan=plan,
        source=source,
        amount=amount,
        total=finding.total,
        threshold=finding.threshold,
        parts=[{"plan": pk, "amount": str(a)} for pk, a in others],
        message=finding.message,
        status=c.SplitCaseStatus.EXCUSED if excused else c.SplitCaseStatus.BLOCKED,
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="split_case.recorded",
        obj=case,
        organization=organization,
        after={
            "status": case.status,
            "total": finding.total,
            "threshold": finding.threshold,
            "plan": plan.pk if plan else None,
            "source": source,
        },
    )
    return case


@transaction.atomic
def plan_approve(
    *, actor: User, plan: ProcurementPlan, note: str = "", expected_version: int | None = None
) -> ProcurementPlan:
    locked = _lock_plan(plan)
    _require_decider(actor, locked.organization)
    _check_version(locked, expected_version)
    if locked.status == c.PlanStatus.SUBMITTED:
        missing = [n for n in selectors.plan_needs(locked) if not n.approved]
        if missing:
            raise RuleViolation(
                "须先批准以下事项：" + "；".join(n.reason for n in missing),
                code=c.ERR_APPROVAL_MISSING,
                detail=[{"kind": n.kind, "reason": n.reason} for n in missing],
            )
    locked.decided_by, locked.decided_at, locked.decision_note = actor, clock.now(), note.strip()
    return _plan_move(actor=actor, plan=locked, to_status=c.PlanStatus.APPROVED, note=note.strip())


@transaction.atomic
def plan_return(
    *, actor: User, plan: ProcurementPlan, note: str, expected_version: int | None = None
) -> ProcurementPlan:
    locked = _lock_plan(plan)
    _require_decider(actor, locked.organization)
    _check_version(locked, expected_version)
    if not note.strip():
        raise InvalidInput("退回须填写审核意见", code="note_required")
    locked.decided_by, locked.decided_at, locked.decision_note = actor, clock.now(), note.strip()
    return _plan_move(actor=actor, plan=locked, to_status=c.PlanStatus.RETURNED, note=note.strip())


@transaction.atomic
def plan_cancel(
    *, actor: User, plan: ProcurementPlan, note: str = "", expected_version: int | None = None
) -> ProcurementPlan:
    locked = _lock_plan(plan)
    _require_editor(actor, locked.organization_id)
    _check_version(locked, expected_version)
    return _plan_move(actor=actor, plan=locked, to_status=c.PlanStatus.CANCELLED, note=note.strip())


@transaction.atomic
def plan_record_contracted(
    *, actor: User | None, plan: ProcurementPlan, amount: Decimal
) -> ProcurementPlan:
    """Budget execution: a contract signed under this plan (called by the contracts app)."""
    locked = _lock_plan(plan)
    if locked.status not in c.PLAN_COMMITTED_STATUSES:
        raise Conflict("只有已备案或已委托的计划可以登记合同金额", code=c.ERR_BAD_TRANSITION)
    return _add_execution(
        actor=actor,
        plan=locked,
        field="contracted_amount",
        amount=amount,
        cap=locked.amount,
        what="合同金额",
        cap_what="计划金额",
        basis="（法6）",
        action="plan.contracted_recorded",
    )


@transaction.atomic
def plan_record_paid(
    *, actor: User | None, plan: ProcurementPlan, amount: Decimal
) -> ProcurementPlan:
    """Budget execution: a payment under this plan (called by the payments app)."""
    locked = _lock_plan(plan)
    return _add_execution(
        actor=actor,
        plan=locked,
        field="paid_amount",
        amount=amount,
        cap=locked.contracted_amount,
        what="支付金额",
        cap_what="合同金额",
        basis="",
        action="plan.paid_recorded",
    )


def _add_execution(
    *,
    actor: User | None,
    plan: ProcurementPlan,
    field: str,
    amount: Decimal,
    cap: Decimal,
    what: str,
    cap_what: str,
    basis: str,
    action: str,
) -> ProcurementPlan:
    """Add to one running execution total of a locked plan, never past its cap; audited."""
    if amount <= 0:
        raise InvalidInput(f"{what}必须大于 0", code=c.ERR_AMOUNT_INVALID)
    before: Decimal = getattr(plan, field)
    total = before + amount
    if total > cap:
        raise RuleViolation(
            f"{what}累计 {total} 元超过{cap_what} {cap} 元{basis}", code=c.ERR_OVER_BUDGET
        )
    setattr(plan, field, total)
    plan.version += 1
    plan.save(update_fields=[field, "version"])
    audit_record(
        actor=actor,
        action=action,
        obj=plan,
        organization=plan.organization,
        before={field: before},
        after={field: total, "added": amount},
    )
    return plan


# =============================================================================================
# Intentions
# =============================================================================================


@transaction.atomic
def intention_publish(
    *, actor: User, plan: ProcurementPlan, values: dict[str, Any] | None = None
) -> ProcurementIntention:
    """Publish the 采购意向 of a plan on the public portal (财库〔2020〕10号 ⚠; rules.md §7)."""
    values = values or {}
    locked = _lock_plan(plan)
    _require_editor(actor, locked.organization_id)
    if locked.status not in (c.PlanStatus.SUBMITTED, c.PlanStatus.APPROVED):
        raise Conflict("计划报送或备案后才能公开采购意向", code=c.ERR_BAD_TRANSITION)
    if selectors.current_intention(locked) is not None:
        raise Conflict("该计划已公开采购意向", code="intention_exists")
    requirements = str(values.get("requirements") or locked.requirements).strip()
    if not requirements:
        raise InvalidInput("请填写采购需求概况", code="requirements_required")
    name = str(values.get("project_name") or locked.name).strip()[:200]
    expected = values.get("expected_month") or locked.expected_month
    if isinstance(expected, str):
        try:
            expected = dt.date.fromisoformat(expected if len(expected) > 7 else expected + "-01")
        except ValueError as exc:
            raise InvalidInput("预计采购时间格式应为 YYYY-MM", code="month_invalid") from exc
    intention = ProcurementIntention.objects.create(
        plan=locked,
        organization=locked.organization,
        project_name=name,
        requirements=requirements,
        budget_amount=locked.amount,
        expected_month=expected.replace(day=1),
        notes=str(values.get("notes") or "").strip()[:500],
        status=c.IntentionStatus.PUBLISHED,
        published_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="intention.published",
        obj=intention,
        organization=locked.organization,
        after={
            "plan": locked.pk,
            "project_name": name,
            "budget_amount": locked.amount,
            "expected_month": intention.expected_month,
        },
    )
    return intention


@transaction.atomic
def intention_withdraw(
    *, actor: User, intention: ProcurementIntention, reason: str
) -> ProcurementIntention:
    locked = ProcurementIntention.objects.select_for_update().get(pk=intention.pk)
    _require_editor(actor, locked.organization_id)
    to = c.IntentionStatus.WITHDRAWN
    if to not in c.INTENTION_TRANSITIONS.get(locked.status, set()):
        raise _bad_transition(c.IntentionStatus, locked.status, to, "采购意向")
    if not reason.strip():
        raise InvalidInput("请填写撤回原因", code="reason_required")
    if ProcurementPlan.objects.filter(pk=locked.plan_id, status=c.PlanStatus.COMMISSIONED).exists():
        raise Conflict("计划已委托，不能撤回采购意向", code=c.ERR_BAD_TRANSITION)
    locked.status = c.IntentionStatus.WITHDRAWN
    locked.withdrawn_at = clock.now()
    locked.version += 1
    locked.save()
    audit_record(
        actor=actor,
        action="intention.withdrawn",
        obj=locked,
        organization=locked.organization,
        before={"status": c.IntentionStatus.PUBLISHED},
        after={"status": locked.status, "reason": reason.strip()},
    )
    return locked


# =============================================================================================
# Approval requests
# =============================================================================================


def _approval_summary(req: ApprovalRequest) -> dict[str, Any]:
    return {
        "kind": req.kind,
        "status": req.status,
        "plan": req.plan_id,
        "budget_line": req.budget_line_id,
        "proposed_method": req.proposed_method,
        "single_source_ground": req.single_source_ground,
        "supplier_name": req.supplier_name,
    }


def _approval_new(
    *,
    actor: User,
    kind: str,
    organization: Organization,
    reasons: str,
    plan: ProcurementPlan | None = None,
    budget_line: BudgetLine | None = None,
    values: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
    status: str = c.ApprovalStatus.SUBMITTED,
) -> ApprovalRequest:
    values = values or {}
    now = clock.now()
    req = ApprovalRequest.objects.create(
        kind=kind,
        organization=organization,
        plan=plan,
        budget_line=budget_line,
        proposed_method=plan.method if plan is not None else "",
        single_source_ground=plan.single_source_ground if plan is not None else "",
        reasons=reasons,
        supplier_name=str(values.get("supplier_name") or "").strip()[:200],
        supplier_address=str(values.get("supplier_address") or "").strip()[:200],
        expert_opinion=str(values.get("expert_opinion") or "").strip(),
        status=status,
        submitted_at=now if status == c.ApprovalStatus.SUBMITTED else None,
        created_by=actor,
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="approval.created",
        obj=req,
        organization=organization,
        after={**_approval_summary(req), **(extra or {})},
    )
    return req


@transaction.atomic
def approval_create(
    *,
    actor: User,
    kind: str,
    reasons: str,
    plan: ProcurementPlan | None = None,
    budget_line: BudgetLine | None = None,
    values: dict[str, Any] | None = None,
) -> ApprovalRequest:
    """Open an application (draft) for a plan (method change, single source, import, split
    exception) or a budget line (configuration-standard exception)."""
    if kind not in c.ApprovalKind.values:
        raise InvalidInput(f"未知的申请类型：{kind}", code="kind_invalid")
    if not reasons.strip():
        raise InvalidInput("请填写申请理由", code="reasons_required")
    if kind in c.PLAN_KINDS:
        if plan is None:
            raise InvalidInput("该申请须关联采购计划", code="plan_required")
        target = _lock_plan(plan)
        org = target.organization
        if target.status not in (
            c.PlanStatus.DRAFT,
            c.PlanStatus.SUBMITTED,
            c.PlanStatus.RETURNED,
        ):
            raise Conflict("计划备案后不能再提出此类申请", code=c.ERR_BAD_TRANSITION)
        needs = {
            n.kind
            for n in rules.approvals_needed(
                method=target.method,
                ground=target.single_source_ground,
                amount=target.amount,
                threshold=target.open_tender_threshold,
                is_import=target.is_import,
            )
        }
        if kind != c.ApprovalKind.SPLIT_EXCEPTION and kind not in needs:
            raise Conflict(
                f"该计划无需「{c.ApprovalKind(kind).label}」审批", code="approval_not_needed"
            )
        line = None
    else:
        if budget_line is None:
            raise InvalidInput("该申请须关联采购预算", code="budget_line_required")
        line = (
            BudgetLine.objects.select_for_update(of=("self",))
            .select_related("organization__region")
            .get(pk=budget_line.pk)
        )
        org = line.organization
        target = None
        if not _line_config_problems(line):
            raise Conflict("该预算未超出资产配置标准，无需申请例外", code="approval_not_needed")
    _require_editor(actor, org.pk)
    open_same = ApprovalRequest.objects.filter(
        kind=kind,
        status__in=(
            c.APPROVAL_PENDING_STATUSES | {c.ApprovalStatus.DRAFT, c.ApprovalStatus.APPROVED}
        ),
    )
    open_same = (
        open_same.filter(plan=target) if target is not None else open_same.filter(budget_line=line)
    )
    if open_same.exists():
        raise Conflict("已有同类申请在办或已批准", code="approval_exists")
    return _approval_new(
        actor=actor,
        kind=kind,
        organization=org,
        reasons=reasons.strip(),
        plan=target,
        budget_line=line,
        values=values,
        status=c.ApprovalStatus.DRAFT,
    )


def _lock_approval(req: ApprovalRequest) -> ApprovalRequest:
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("organization__region", "plan")
        .get(pk=req.pk)
    )


def _approval_move(
    *, actor: User | None, req: ApprovalRequest, to_status: str, **after: Any
) -> ApprovalRequest:
    """The one door for an approval request's status."""
    if to_status not in c.APPROVAL_TRANSITIONS.get(req.status, set()):
        raise _bad_transition(c.ApprovalStatus, req.status, to_status, "申请")
    before = req.status
    req.status = to_status
    req.version += 1
    req.save()
    audit_record(
        actor=actor,
        action=f"approval.{to_status}",
        obj=req,
        organization=req.organization,
        before={"status": before},
        after={"status": to_status, "kind": req.kind, **after},
    )
    return req


def _needs_publicity(req: ApprovalRequest) -> bool:
    plan = req.plan
    return (
        req.kind == c.ApprovalKind.SINGLE_SOURCE
        and plan is not None
        and rules.single_source_publicity_needed(
            method=plan.method,
            ground=plan.single_source_ground,
            amount=plan.amount,
            threshold=plan.open_tender_threshold,
        )
    )


@transaction.atomic
def approval_attach(
    *, actor: User, request: ApprovalRequest, upload: UploadedFile
) -> ApprovalAttachment:
    req = _lock_approval(request)
    _require_editor(actor, req.organization_id)
    if req.status not in (c.ApprovalStatus.DRAFT, c.ApprovalStatus.PUBLICITY):
        raise Conflict("申请报送后不能再添加附件", code=c.ERR_NOT_EDITABLE)
    size = upload.size or 0
    if size <= 0 or size > MAX_ATTACHMENT_BYTES:
        raise InvalidInput("附件须为 1 字节至 10 MB 的文件", code="attachment_size")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    name = (upload.name or "附件")[-200:]
    att = ApprovalAttachment(
        request=req,
        name=name,
        size=size,
        sha256=digest.hexdigest(),
        uploaded_by=actor,
        uploaded_at=clock.now(),
    )
    att.file.save(name, upload, save=False)
    att.save()
    audit_record(
        actor=actor,
        action="approval.attachment_added",
        obj=req,
        organization=req.organization,
        after={"name": name, "size": size, "sha256": att.sha256},
    )
    return att


@transaction.atomic
def approval_submit(
    *,
    actor: User,
    request: ApprovalRequest,
    review_conclusion: str = "",
    review_note: str = "",
) -> ApprovalRequest:
    """Send to the regulator. A single-source request above the threshold on ground ① first
    goes into a public notice of 5 working days (条例 38; 74号令 38); after it ends, the request
    goes on (by the timer if nobody objected; otherwise here, with the 补充论证 conclusion,
    74号令 40)."""
    req = _lock_approval(request)
    _require_editor(actor, req.organization_id)
    if req.kind == c.ApprovalKind.IMPORT_PRODUCT and not req.expert_opinion.strip():
        raise InvalidInput(
            "采购进口产品须附专家论证意见（财库〔2007〕119号）", code="expert_opinion_required"
        )
    if req.status == c.ApprovalStatus.DRAFT and _needs_publicity(req):
        if not req.supplier_name or not req.expert_opinion.strip():
            raise InvalidInput(
                "单一来源公示须填写拟定供应商名称、地址和专家论证意见（74号令38）",
                code="publicity_fields_required",
            )
        cal = WorkCalendar.load()
        now = clock.now()
        end = rules.publicity_end(cal, now.date())
        req.publicity_start, req.publicity_end = now, end
        req.next_check = _end_of_day(end)
        return _approval_move(
            actor=actor, req=req, to_status=c.ApprovalStatus.PUBLICITY, publicity_end=end
        )
    if req.status == c.ApprovalStatus.PUBLICITY:
        assert req.publicity_end is not None
        if clock.today() <= req.publicity_end:
            raise Conflict(
                f"单一来源公示期至 {req.publicity_end:%Y年%m月%d日}，公示期满后方可报批（条例38）",
                code=c.ERR_PUBLICITY_RUNNING,
                detail={"publicity_end": req.publicity_end.isoformat()},
            )
        if req.objections.exists():
            if review_conclusion not in (c.ReviewConclusion.REJECTED, c.ReviewConclusion.UPHELD):
                raise InvalidInput(
                    "公示期内有异议，须填写补充论证结论（74号令40）", code="review_required"
                )
            if not review_note.strip():
                raise InvalidInput("请填写补充论证意见", code="review_required")
            if review_conclusion == c.ReviewConclusion.UPHELD:
                raise Conflict(
                    "补充论证认为异议成立，应撤回本申请并改用其他采购方式（74号令40）",
                    code="objection_upheld",
                )
            req.review_conclusion, req.review_note = review_conclusion, review_note.strip()
        req.next_check = None
    req.submitted_at = clock.now()
    return _approval_forward(actor=actor, req=req, review_conclusion=req.review_conclusion)


def _needs_consent(req: ApprovalRequest) -> bool:
    """A unit under a 主管预算单位 needs its consent first for a change of method (74号令 4)."""
    return (
        req.kind in c.CONSENT_KINDS
        and req.organization.parent_id is not None
        and req.consented_at is None
    )


def _approval_forward(*, actor: User | None, req: ApprovalRequest, **after: Any) -> ApprovalRequest:
    """Forward a request: to the 主管预算单位 for consent when it needs one, else to the
    finance department."""
    if _needs_consent(req):
        return _approval_move(
            actor=actor,
            req=req,
            to_status=c.ApprovalStatus.CONSENT,
            consenting_org=req.organization.parent_id,
            **after,
        )
    return _approval_move(actor=actor, req=req, to_status=c.ApprovalStatus.SUBMITTED, **after)


@transaction.atomic
def approval_consent(
    *, actor: User, request: ApprovalRequest, agree: bool, note: str = ""
) -> ApprovalRequest:
    """The 主管预算单位 agrees (the request goes on to the finance department) or does not (the
    request ends refused, with the reason) — 74号令 4; 214号 4."""
    req = _lock_approval(request)
    if not access.can_consent(actor, req.organization):
        raise PermissionDenied("只有主管预算单位的管理员可以出具同意意见")
    if req.status != c.ApprovalStatus.CONSENT:
        raise _bad_transition(
            c.ApprovalStatus,
            req.status,
            c.ApprovalStatus.SUBMITTED if agree else c.ApprovalStatus.REFUSED,
            "申请",
        )
    note = note.strip()
    if not agree and not note:
        raise InvalidInput("不同意须说明理由", code="note_required")
    req.consented_by, req.consented_at, req.consent_note = actor, clock.now(), note
    if agree:
        return _approval_move(
            actor=actor, req=req, to_status=c.ApprovalStatus.SUBMITTED, consent="agreed", note=note
        )
    req.decided_by, req.decided_at, req.decision_note = (
        actor,
        clock.now(),
        f"主管预算单位不同意：{note}",
    )
    return _approval_move(
        actor=actor, req=req, to_status=c.ApprovalStatus.REFUSED, consent="refused", note=note
    )


def approval_publicity_tick(obj: Any) -> None:
    """Timed handler (core.timed): a notice whose period ended with no objection goes to the
    regulator; with objections the purchaser must record the 补充论证 first."""
    assert isinstance(obj, ApprovalRequest)
    req = obj
    req.next_check = None
    if (
        req.status == c.ApprovalStatus.PUBLICITY
        and req.publicity_end is not None
        and clock.today() > req.publicity_end
        and not req.objections.exists()
    ):
        req.submitted_at = clock.now()
        _approval_forward(actor=None, req=req, by="publicity_end")
    else:
        req.save(update_fields=["next_check"])


@transaction.atomic
def approval_object(
    *, actor: User | None, request: ApprovalRequest, objector_name: str, content: str
) -> PublicityObjection:
    """Record an objection to a single-source notice during its period (74号令 39)."""
    req = _lock_approval(request)
    if req.status != c.ApprovalStatus.PUBLICITY or (
        req.publicity_end is not None and clock.today() > req.publicity_end
    ):
        raise Conflict("只能在公示期内提出异议", code="publicity_closed")
    name = objector_name.strip()[:200] or (
        actor.organization.name if actor is not None and actor.organization else ""
    )
    if not name or not content.strip():
        raise InvalidInput("请填写异议人和异议内容", code="objection_invalid")
    obj = PublicityObjection.objects.create(
        request=req,
        objector_name=name,
        objector_org=actor.organization if actor is not None else None,
        content=content.strip()[:5000],
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="approval.objection_recorded",
        obj=req,
        organization=req.organization,
        after={"objector": name, "objection": obj.pk},
    )
    return obj


@transaction.atomic
def approval_decide(
    *, actor: User, request: ApprovalRequest, approve: bool, note: str = ""
) -> ApprovalRequest:
    req = _lock_approval(request)
    _require_decider(actor, req.organization, kind=req.kind)
    note = note.strip()
    if not approve and not note:
        raise InvalidInput("不予批准须说明理由", code="note_required")
    req.decided_by, req.decided_at, req.decision_note = actor, clock.now(), note
    return _approval_move(
        actor=actor,
        req=req,
        to_status=c.ApprovalStatus.APPROVED if approve else c.ApprovalStatus.REFUSED,
        note=note,
    )


@transaction.atomic
def approval_withdraw(
    *, actor: User, request: ApprovalRequest, reason: str = ""
) -> ApprovalRequest:
    req = _lock_approval(request)
    _require_editor(actor, req.organization_id)
    req.next_check = None
    return _approval_move(
        actor=actor, req=req, to_status=c.ApprovalStatus.WITHDRAWN, reason=reason.strip()
    )


# =============================================================================================
# Commissions (网上委托) and business tracking
# =============================================================================================


def _commission_move(
    *, actor: User | None, com: Commission, to_status: str, **after: Any
) -> Commission:
    if to_status not in c.COMMISSION_TRANSITIONS.get(com.status, set()):
        raise _bad_transition(c.CommissionStatus, com.status, to_status, "委托")
    before = com.status
    com.status = to_status
    com.version += 1
    com.save()
    audit_record(
        actor=actor,
        action=f"commission.{to_status}",
        obj=com,
        organization=com.purchaser,
        before={"status": before},
        after={"status": to_status, **after},
    )
    return com


@transaction.atomic
def commission_create(
    *, actor: User, plan: ProcurementPlan, agency: Organization, note: str = ""
) -> Commission:
    """Hand an approved plan to an agency. Catalogue items bought centrally go to the
    集中采购机构 (法 18); others to any agency the unit chooses (法 19). Procurement may not
    start before the intention has been public for the configured period (≥30 d, 财库〔2020〕
    10号 ⚠) unless the plan records an unforeseeable urgent need."""
    locked = _lock_plan(plan)
    _require_editor(actor, locked.organization_id)
    if locked.status != c.PlanStatus.APPROVED:
        raise _bad_transition(c.PlanStatus, locked.status, c.PlanStatus.COMMISSIONED, "计划")
    allowed = access.agencies_for(
        locked.organization, central_only=locked.org_form == c.OrgForm.CENTRAL
    )
    if not allowed.filter(pk=agency.pk).exists():
        msg = (
            "政府集中采购项目须委托本级或上级集中采购机构（法18）"
            if locked.org_form == c.OrgForm.CENTRAL
            else "只能委托正常状态的集中采购机构或社会代理机构"
        )
        raise RuleViolation(msg, code=c.ERR_AGENCY_NOT_ALLOWED)
    missing = [n for n in selectors.plan_needs(locked) if not n.approved]
    if missing:
        raise RuleViolation(
            "须先批准：" + "；".join(n.reason for n in missing), code=c.ERR_APPROVAL_MISSING
        )
    cal = WorkCalendar.load()
    now = clock.now()
    policy = selectors.policy_for(region=locked.organization.region, on=now.date())
    urgent = False
    if locked.method != c.Method.BELOW_LIMIT:
        intention = selectors.current_intention(locked)
        if locked.is_urgent:
            urgent = intention is None or now.date() < rules.intention_earliest_start(
                cal,
                intention.published_at.astimezone(clock.SHANGHAI).date(),
                policy.intention_lead_days,
            )
        elif intention is None:
            raise RuleViolation(
                f"须先公开采购意向，{policy.intention_lead_days} 日后方可委托（财库〔2020〕10号）",
                code=c.ERR_INTENTION_MISSING,
            )
        else:
            earliest = rules.intention_earliest_start(
                cal,
                intention.published_at.astimezone(clock.SHANGHAI).date(),
                policy.intention_lead_days,
            )
            if now.date() < earliest:
                published = intention.published_at.astimezone(clock.SHANGHAI)
                raise RuleViolation(
                    f"采购意向于 {published:%Y年%m月%d日} 公开，"
                    f"须满 {policy.intention_lead_days} 日（{earliest:%Y年%m月%d日} 起）"
                    "方可委托启动采购"
                    "（财库〔2020〕10号）；因不可预见的紧急情况确需提前的，请在计划中登记紧急事由",
                    code=c.ERR_INTENTION_TOO_RECENT,
                    detail={"earliest": earliest.isoformat()},
                )
    due = _end_of_day(cal.add_working_days(now.date(), policy.commission_accept_workdays))
    com = Commission.objects.create(
        plan=locked,
        purchaser=locked.organization,
        agency=agency,
        note=note.strip()[:500],
        urgent_exemption=urgent,
        handed_by=actor,
        handed_at=now,
        holder=agency,
        holder_since=now,
        due_at=due,
        due_step="代理机构接收委托",
        next_check=due,
    )
    com.project_no = f"WT{locked.fiscal_year}-{com.pk:06d}"
    com.save(update_fields=["project_no"])
    audit_record(
        actor=actor,
        action="commission.sent",
        obj=com,
        organization=locked.organization,
        after={
            "plan": locked.pk,
            "agency": agency.pk,
            "agency_name": agency.name,
            "due_at": due,
            "urgent_exemption": urgent,
            "urgent_reason": locked.urgent_reason if urgent else "",
        },
    )
    _plan_move(
        actor=actor,
        plan=locked,
        to_status=c.PlanStatus.COMMISSIONED,
        commission=com.pk,
        agency=agency.pk,
    )
    return com


def _lock_commission(com: Commission) -> Commission:
    return (
        Commission.objects.select_for_update(of=("self",))
        .select_related("plan", "purchaser__region", "agency")
        .get(pk=com.pk)
    )


@transaction.atomic
def commission_accept(*, actor: User, commission: Commission) -> Commission:
    com = _lock_commission(commission)
    if actor.organization_id != com.agency_id:
        raise PermissionDenied("只有受托代理机构可以接收")
    cal = WorkCalendar.load()
    now = clock.now()
    policy = selectors.policy_for(region=com.purchaser.region, on=now.date())
    com.received_by, com.received_at = actor, now
    com.holder_since = now
    com.due_at = _end_of_day(cal.add_working_days(now.date(), policy.commission_start_workdays))
    com.due_step = "启动采购（编制采购文件、发布采购公告）"
    com.is_overdue = False
    com.next_check = com.due_at
    return _commission_move(
        actor=actor, com=com, to_status=c.CommissionStatus.ACCEPTED, due_at=com.due_at
    )


@transaction.atomic
def commission_decline(*, actor: User, commission: Commission, reason: str) -> Commission:
    com = _lock_commission(commission)
    if actor.organization_id != com.agency_id:
        raise PermissionDenied("只有受托代理机构可以退回")
    if not reason.strip():
        raise InvalidInput("请填写退回理由", code="reason_required")
    now = clock.now()
    com.decline_reason = reason.strip()[:500]
    com.holder, com.holder_since = com.purchaser, now
    com.due_at, com.due_step, com.next_check, com.is_overdue = None, "", None, False
    _commission_move(
        actor=actor, com=com, to_status=c.CommissionStatus.DECLINED, reason=com.decline_reason
    )
    plan = _lock_plan(com.plan)
    _plan_move(
        actor=actor,
        plan=plan,
        to_status=c.PlanStatus.APPROVED,
        note="代理机构退回委托：" + com.decline_reason,
    )
    return com


def commission_overdue_check(obj: Any) -> None:
    """Timed handler (core.timed): flag a commission whose current step is past its time."""
    assert isinstance(obj, Commission)
    com = obj
    com.next_check = None
    if (
        com.status in (c.CommissionStatus.SENT, c.CommissionStatus.ACCEPTED)
        and com.due_at is not None
        and com.due_at <= clock.now()
        and not com.is_overdue
    ):
        com.is_overdue = True
        com.save(update_fields=["is_overdue", "next_check"])
        audit_record(
            actor=None,
            action="commission.overdue",
            obj=com,
            organization=com.purchaser,
            after={"step": com.due_step, "due_at": com.due_at, "holder": com.holder_id},
        )
    else:
        com.save(update_fields=["next_check"])


# =============================================================================================
# Excel import of budget lines
# =============================================================================================


@dataclass
class ImportResult:
    created: list[BudgetLine]
    problems: list[excel.ImportProblem]
    rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


def budget_lines_import(
    *, actor: User, organization: Organization, fileobj: IO[bytes]
) -> ImportResult:
    """Import budget lines from the template: every row is checked like a line entered by hand
    (unknown 品目, bad amounts, duplicates within the file or with lines already entered,
    organization form, configuration standards); one bad row and nothing is imported."""
    _require_editor(actor, organization.pk)
    rows, problems = excel.read_budget_rows(fileobj)
    cleaned: list[dict[str, Any]] = []
    seen: dict[tuple[Any, ...], int] = {}
    for number, row in rows:
        clean, row_problems, config_problems = validate_budget_line(
            organization=organization, data=row
        )
        for p in row_problems:
            problems.append(
                excel.ImportProblem(number, excel.COLUMN_OF.get(p.field, ""), p.field, p.message)
            )
        for text in config_problems:
            problems.append(
                excel.ImportProblem(
                    number,
                    excel.COLUMN_OF["amount"],
                    "amount",
                    text + "（超标准的预算请逐条录入并申请例外）",
                )
            )
        key = (
            clean.get("fiscal_year"),
            clean.get("project_code"),
            clean.get("item_code"),
            clean.get("description"),
        )
        if None not in key:
            if key in seen:
                problems.append(
                    excel.ImportProblem(
                        number, "", "", f"与第 {seen[key]} 行重复（预算项目、品目与采购内容相同）"
                    )
                )
            else:
                seen[key] = number
        cleaned.append(clean)
    problems.sort(key=lambda p: (p.row, p.column))
    if problems:
        return ImportResult(created=[], problems=problems, rows=len(rows))
    with transaction.atomic():
        created = [
            _new_line(
                actor=actor, organization=organization, clean=clean, action="budget_line.imported"
            )
            for clean in cleaned
        ]
        audit_record(
            actor=actor,
            action="budget_line.import_finished",
            organization=organization,
            after={"rows": len(created), "ids": [line.pk for line in created]},
        )
    return ImportResult(created=created, problems=[], rows=len(rows))


# =============================================================================================
# Configuration
# =============================================================================================


@transaction.atomic
def plan_policy_save(*, actor: User | None, policy: PlanPolicy) -> PlanPolicy:
    """Enter or change a region's configurable periods (from the admin), audited."""
    if policy.intention_lead_days < 1 or policy.split_prefix_len not in (1, 3, 5, 7, 9):
        raise InvalidInput(
            "意向公开天数须大于 0；汇总品目位数须为 1、3、5、7 或 9", code="policy_invalid"
        )
    before = None
    if policy.pk:
        old = PlanPolicy.objects.select_for_update().get(pk=policy.pk)
        before = {
            "intention_lead_days": old.intention_lead_days,
            "commission_accept_workdays": old.commission_accept_workdays,
            "commission_start_workdays": old.commission_start_workdays,
            "split_prefix_len": old.split_prefix_len,
        }
    policy.save()
    audit_record(
        actor=actor,
        action="plan_policy.saved",
        obj=policy,
        before=before,
        after={
            "region": policy.region_id,
            "effective_from": policy.effective_from,
            "intention_lead_days": policy.intention_lead_days,
            "commission_accept_workdays": policy.commission_accept_workdays,
            "commission_start_workdays": policy.commission_start_workdays,
            "split_prefix_len": policy.split_prefix_len,
            "basis": policy.basis,
        },
    )
    return policy
