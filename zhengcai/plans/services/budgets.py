"""Budget lines (政府采购预算): validation, entry, correction and their status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import Organization, User
from zhengcai.catalog import selectors as catalog
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, RuleViolation
from zhengcai.plans import constants as c
from zhengcai.plans import rules, selectors
from zhengcai.plans.models import ApprovalRequest, BudgetLine
from zhengcai.plans.services.base import (
    check_version,
    parse_choice,
    parse_decimal,
    require_decider,
    require_editor,
)
from zhengcai.plans.services.machines import BUDGET
from zhengcai.plans.services.requests import approval_new

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
        quantity = parse_decimal(data.get("quantity"), money=False)
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
        amount = parse_decimal(raw_amount, money=True)
        if amount <= 0:
            raise ValueError("金额必须大于 0")
        if amount >= Decimal("100000000000000"):
            raise ValueError("金额超出范围")
        clean["amount"] = amount
    except (ValueError, TypeError) as exc:
        bad("amount", f"预算金额无效：{exc}", c.ERR_AMOUNT_INVALID)
    funding = parse_choice(str(data.get("funding_source") or "").strip(), c.FundingSource)
    if funding is None:
        bad(
            "funding_source",
            "资金来源应为：" + "、".join(str(x.label) for x in c.FundingSource),
        )
    else:
        clean["funding_source"] = funding
    form_raw = str(data.get("org_form") or "").strip()
    form = parse_choice(form_raw, c.OrgForm) if form_raw else ""
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


def new_line(
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
    require_editor(actor, organization.pk)
    clean, problems, config_problems = validate_budget_line(organization=organization, data=data)
    if problems:
        _raise_problems(problems)
    if config_problems and not exception_reason.strip():
        raise _config_violation(config_problems)
    line = new_line(
        actor=actor, organization=organization, clean=clean, action="budget_line.created"
    )
    if config_problems:
        approval_new(
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
    require_editor(actor, locked.organization_id)
    check_version(locked, expected_version)
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
    check_version(locked, expected_version)
    BUDGET.check(locked, to_status)
    note = note.strip()
    if to_status in (c.BudgetStatus.SUBMITTED, c.BudgetStatus.CANCELLED):
        require_editor(actor, locked.organization_id)
    else:
        require_decider(actor, locked.organization)
        if to_status == c.BudgetStatus.RETURNED and not note:
            raise InvalidInput("退回须填写审核意见", code="note_required")
    problems = selectors.line_config_problems(locked)
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
    decision: dict[str, Any] = {}
    if to_status in (c.BudgetStatus.APPROVED, c.BudgetStatus.RETURNED):
        decision = {"decided_by": actor, "decided_at": clock.now(), "decision_note": note}
    return BUDGET.move(
        locked,
        to=to_status,
        actor=actor,
        expected_version=expected_version,
        audit={"note": note, "amount": locked.amount},
        **decision,
    )
