"""Reads of the plans app: configuration in force, method determination, budget execution,
lists scoped by `plans.access`, the public intentions list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Model, Q, QuerySet, Sum

from zhengcai.accounts.models import Organization, Region, User
from zhengcai.catalog import selectors as catalog
from zhengcai.catalog.constants import ThresholdKind
from zhengcai.core import clock
from zhengcai.core.models import AuditEntry
from zhengcai.core.workdays import WorkCalendar
from zhengcai.methods import outcomes
from zhengcai.plans import access, rules
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

ZERO = Decimal("0.00")


def _q(value: Decimal | None) -> Decimal:
    """A sum in yuan with two places (SQLite's SUM drops the scale)."""
    return (value or ZERO).quantize(ZERO)


@dataclass(frozen=True)
class Policy:
    intention_lead_days: int = c.DEFAULT_INTENTION_LEAD_DAYS
    commission_accept_workdays: int = c.DEFAULT_COMMISSION_ACCEPT_WORKDAYS
    commission_start_workdays: int = c.DEFAULT_COMMISSION_START_WORKDAYS
    split_prefix_len: int = c.DEFAULT_SPLIT_PREFIX_LEN
    basis: str = "默认（财库〔2020〕10号等）"


def policy_for(*, region: Region, on: dt.date) -> Policy:
    """The PlanPolicy in force on `on` for `region`: the nearest region that set one wins."""
    for node in catalog.region_chain(region):
        row = (
            PlanPolicy.objects.filter(region=node, effective_from__lte=on)
            .order_by("-effective_from")
            .first()
        )
        if row is not None:
            return Policy(
                # A row entered before the minimum was enforced never shortens the period.
                intention_lead_days=max(row.intention_lead_days, c.MIN_INTENTION_LEAD_DAYS),
                commission_accept_workdays=row.commission_accept_workdays,
                commission_start_workdays=row.commission_start_workdays,
                split_prefix_len=row.split_prefix_len,
                basis=row.basis or f"{node.name} {row.effective_from}",
            )
    return Policy()


def threshold_amount(
    *, organization: Organization, item_code: str, kind: str, on: dt.date
) -> Decimal | None:
    row = catalog.threshold_for(
        region=organization.region,
        unit_level=organization.region.level,
        category=rules.category_of(item_code),
        kind=kind,
        on=on,
    )
    return row.amount if row is not None else None


def open_tender_threshold(
    *, organization: Organization, item_code: str, on: dt.date
) -> Decimal | None:
    found = threshold_amount(
        organization=organization, item_code=item_code, kind=ThresholdKind.OPEN_TENDER, on=on
    )
    if found is None and rules.category_of(item_code) in ("A", "C"):
        return c.FALLBACK_OPEN_TENDER_THRESHOLD
    return found


def works_standard(
    *, organization: Organization, item_code: str, works_related: bool, on: dt.date
) -> rules.WorksStandard | None:
    """The 依法必须招标 standard of a works purchase (none for other goods and services)."""
    if not rules.works_kind(item_code=item_code, works_related=works_related):
        return None
    found = catalog.works_tender_threshold(
        region=organization.region,
        unit_level=organization.region.level,
        category=rules.category_of(item_code),
        on=on,
    )
    if found is None:
        return None
    return rules.WorksStandard(amount=found.amount, subject=found.subject, basis=found.basis)


def determination_for(
    *,
    organization: Organization,
    fiscal_year: int,
    item_code: str,
    amount: Decimal,
    works_related: bool = False,
) -> rules.Determination:
    """From item, amount, region and year: organization form and default method."""
    on = rules.rule_date(fiscal_year=fiscal_year, today=clock.today())
    entry = catalog.centralized_entry_for(
        region=organization.region, year=fiscal_year, item_code=item_code
    )
    centralized = (
        rules.CentralizedInfo(
            scope=entry.scope, min_amount=entry.min_amount, item_code=entry.item.code
        )
        if entry is not None
        else None
    )
    return rules.determine(
        item_code=item_code,
        amount=amount,
        open_tender_threshold=open_tender_threshold(
            organization=organization, item_code=item_code, on=on
        ),
        limit_threshold=threshold_amount(
            organization=organization,
            item_code=item_code,
            kind=ThresholdKind.PROCUREMENT_LIMIT,
            on=on,
        ),
        centralized=centralized,
        works_related=works_related,
        works_standard=works_standard(
            organization=organization, item_code=item_code, works_related=works_related, on=on
        ),
    )


def standard_for(
    *, organization: Organization, item_code: str, on: dt.date
) -> rules.StandardInfo | None:
    std = catalog.configuration_standard_for(region=organization.region, item_code=item_code, on=on)
    if std is None:
        return None
    return rules.StandardInfo(
        item_code=std.item.code,
        max_unit_price=std.max_unit_price,
        max_quantity=std.max_quantity,
        quantity_basis=std.quantity_basis,
        basis=std.basis,
    )


def line_config_problems(line: BudgetLine) -> list[str]:
    """How a budget line exceeds the 资产配置标准 in force for its year (none: [])."""
    day = rules.rule_date(fiscal_year=line.fiscal_year, today=clock.today())
    standard = standard_for(organization=line.organization, item_code=line.item_code, on=day)
    return rules.config_standard_problems(
        amount=line.amount,
        quantity=line.quantity,
        standard=standard,
        headcount=line.organization.staff_count,
    )


# --- budget execution ------------------------------------------------------------------------


@dataclass(frozen=True)
class Execution:
    budgeted: Decimal
    planned: Decimal  # held by plans not cancelled (draft included)
    committed: Decimal  # approved or commissioned plans
    contracted: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budgeted - self.planned

    def rate(self, part: Decimal) -> Decimal:
        if not self.budgeted:
            return ZERO
        return (part * 100 / self.budgeted).quantize(Decimal("0.1"))


def budget_execution(line: BudgetLine, *, exclude_plan: int | None = None) -> Execution:
    plans = ProcurementPlan.objects.filter(budget_line=line)
    if exclude_plan is not None:
        plans = plans.exclude(pk=exclude_plan)
    agg = plans.aggregate(
        planned=Sum("amount", filter=Q(status__in=c.PLAN_ACTIVE_STATUSES)),
        committed=Sum("amount", filter=Q(status__in=c.PLAN_COMMITTED_STATUSES)),
        contracted=Sum("contracted_amount"),
        paid=Sum("paid_amount"),
    )
    return Execution(
        budgeted=line.amount if line.status == c.BudgetStatus.APPROVED else ZERO,
        planned=_q(agg["planned"]),
        committed=_q(agg["committed"]),
        contracted=_q(agg["contracted"]),
        paid=_q(agg["paid"]),
    )


def execution_totals(lines: QuerySet[BudgetLine]) -> Execution:
    """Budget execution over the visible approved lines (for the workbench summary)."""
    approved = lines.filter(status=c.BudgetStatus.APPROVED)
    budgeted = _q(approved.aggregate(s=Sum("amount"))["s"])
    plans = ProcurementPlan.objects.filter(budget_line__in=approved)
    agg = plans.aggregate(
        planned=Sum("amount", filter=Q(status__in=c.PLAN_ACTIVE_STATUSES)),
        committed=Sum("amount", filter=Q(status__in=c.PLAN_COMMITTED_STATUSES)),
        contracted=Sum("contracted_amount"),
        paid=Sum("paid_amount"),
    )
    return Execution(
        budgeted=budgeted,
        planned=_q(agg["planned"]),
        committed=_q(agg["committed"]),
        contracted=_q(agg["contracted"]),
        paid=_q(agg["paid"]),
    )


# --- approvals a plan needs ----------------------------------------------------------------------


@dataclass(frozen=True)
class NeedState:
    kind: str
    reason: str
    request: ApprovalRequest | None

    @property
    def approved(self) -> bool:
        return self.request is not None and self.request.status == c.ApprovalStatus.APPROVED

    @property
    def applied(self) -> bool:
        return self.request is not None and self.request.status in (
            c.APPROVAL_PENDING_STATUSES | {c.ApprovalStatus.APPROVED}
        )


def plan_needs(plan: ProcurementPlan) -> list[NeedState]:
    """Each approval the plan needs, with the latest request of that kind (if any)."""
    needs = rules.approvals_needed(
        method=plan.method,
        ground=plan.single_source_ground,
        amount=plan.amount,
        threshold=plan.open_tender_threshold,
        is_import=plan.is_import,
    )
    requests: dict[str, ApprovalRequest] = {}
    for req in ApprovalRequest.objects.filter(plan=plan).order_by("created_at", "id"):
        if req.status not in (c.ApprovalStatus.WITHDRAWN, c.ApprovalStatus.REFUSED):
            requests[req.kind] = req
        else:
            requests.setdefault(req.kind, req)
    return [NeedState(n.kind, n.reason, requests.get(n.kind)) for n in needs]


def approved_method_change(plan: ProcurementPlan) -> bool:
    return ApprovalRequest.objects.filter(
        plan=plan,
        kind__in=[c.ApprovalKind.METHOD_CHANGE, c.ApprovalKind.SINGLE_SOURCE],
        status=c.ApprovalStatus.APPROVED,
    ).exists()


def split_exception_approved(plan: ProcurementPlan) -> bool:
    return ApprovalRequest.objects.filter(
        plan=plan, kind=c.ApprovalKind.SPLIT_EXCEPTION, status=c.ApprovalStatus.APPROVED
    ).exists()


def split_group_amounts(
    *,
    organization: Organization,
    fiscal_year: int,
    project_code: str,
    prefix: str,
    exclude_plan: int | None,
) -> list[tuple[int, Decimal]]:
    """Other filed non-open plans of the same unit, year, 预算项目 and 品目 category, not
    covered by an approved method change (条例 28 exception)."""
    qs = (
        ProcurementPlan.objects.filter(
            organization=organization,
            fiscal_year=fiscal_year,
            budget_line__project_code=project_code,
            item_code__startswith=prefix,
            status__in=c.PLAN_FILED_STATUSES,
        )
        .filter(method__in=outcomes.split_codes())
        .exclude(
            pk__in=ApprovalRequest.objects.filter(
                kind__in=[c.ApprovalKind.METHOD_CHANGE, c.ApprovalKind.SINGLE_SOURCE],
                status=c.ApprovalStatus.APPROVED,
                plan__isnull=False,
            ).values("plan_id")
        )
    )
    if exclude_plan is not None:
        qs = qs.exclude(pk=exclude_plan)
    return list(qs.order_by("id").values_list("id", "amount"))


def current_intention(plan: ProcurementPlan) -> ProcurementIntention | None:
    return (
        ProcurementIntention.objects.filter(plan=plan, status=c.IntentionStatus.PUBLISHED)
        .order_by("-published_at")
        .first()
    )


def intention_earliest_start(
    plan: ProcurementPlan, intention: ProcurementIntention | None
) -> dt.date | None:
    """The first day procurement may start after the plan's intention (财库〔2020〕10号)."""
    if intention is None:
        return None
    policy = policy_for(region=plan.organization.region, on=clock.today())
    return rules.intention_earliest_start(
        WorkCalendar.load(),
        intention.published_at.astimezone(clock.SHANGHAI).date(),
        policy.intention_lead_days,
    )


def active_commission(plan: ProcurementPlan) -> Commission | None:
    return (
        Commission.objects.filter(plan=plan)
        .exclude(status=c.CommissionStatus.DECLINED)
        .select_related("agency", "holder", "received_by")
        .first()
    )


@dataclass(frozen=True)
class OriginalContract:
    """What earlier single-source additions (法 31 ③) recorded about one original contract."""

    supplier: str
    amount: Decimal | None
    signed_on: dt.date | None
    added: Decimal  # the earlier additions together


def earlier_additions(
    *, organization: Organization, contract_no: str, exclude_plan: int | None
) -> OriginalContract | None:
    """The unit's other standing plans that add to the same original contract (法 31 ③)."""
    qs = ProcurementPlan.objects.filter(
        organization=organization,
        original_contract_no=contract_no,
        single_source_ground=c.SingleSourceGround.ADDITION,
        status__in=c.PLAN_ACTIVE_STATUSES,
    )
    if exclude_plan is not None:
        qs = qs.exclude(pk=exclude_plan)
    first = qs.order_by("created_at", "id").first()
    if first is None:
        return None
    return OriginalContract(
        supplier=first.original_supplier,
        amount=first.original_contract_amount,
        signed_on=first.original_contract_signed_on,
        added=_q(qs.aggregate(s=Sum("amount"))["s"]),
    )


def agency_get(pk: int) -> Organization | None:
    """The organization a purchaser names as its agency (the commission service checks that
    it may be commissioned)."""
    return Organization.objects.filter(pk=pk).select_related("region").first()


def commission_agencies(plan: ProcurementPlan) -> QuerySet[Organization]:
    """The agencies the plan may be commissioned to (法 18–19), for the form."""
    return access.agencies_for(
        plan.organization, central_only=plan.org_form == c.OrgForm.CENTRAL
    ).order_by("kind", "region__path", "name")


# --- what hangs off one row (detail pages) -------------------------------------------------------


def budget_line_plans(line: BudgetLine) -> QuerySet[ProcurementPlan]:
    return ProcurementPlan.objects.filter(budget_line=line).order_by("-created_at", "-id")


def budget_line_approvals(line: BudgetLine) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(budget_line=line).order_by("-created_at", "-id")


def plan_approvals(plan: ProcurementPlan) -> QuerySet[ApprovalRequest]:
    return ApprovalRequest.objects.filter(plan=plan).order_by("-created_at", "-id")


def plan_commissions(plan: ProcurementPlan) -> QuerySet[Commission]:
    return (
        Commission.objects.filter(plan=plan).select_related("agency").order_by("-handed_at", "-id")
    )


def plan_split_cases(plan: ProcurementPlan) -> QuerySet[SplitCase]:
    return SplitCase.objects.filter(plan=plan).order_by("-created_at", "-id")


def approval_attachments(req: ApprovalRequest) -> QuerySet[ApprovalAttachment]:
    return ApprovalAttachment.objects.filter(request=req).order_by("uploaded_at", "id")


def approval_attachment_get(req: ApprovalRequest, pk: int) -> ApprovalAttachment | None:
    return approval_attachments(req).filter(pk=pk).first()


def approval_objections(req: ApprovalRequest) -> QuerySet[PublicityObjection]:
    return PublicityObjection.objects.filter(request=req).order_by("created_at", "id")


def timeline(obj: Model) -> QuerySet[AuditEntry]:
    """The audit trail of one row, oldest first."""
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("seq")


# --- lists ----------------------------------------------------------------------------------------


def budget_line_list(
    *, user: User, status: str | None = None, year: int | None = None, q: str | None = None
) -> QuerySet[BudgetLine]:
    qs = access.budget_lines_visible(user)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(fiscal_year=year)
    if q:
        qs = qs.filter(
            Q(project_name__icontains=q) | Q(description__icontains=q) | Q(item_code__startswith=q)
        )
    return qs


def plan_list(
    *, user: User, status: str | None = None, year: int | None = None, q: str | None = None
) -> QuerySet[ProcurementPlan]:
    qs = access.plans_visible(user)
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(fiscal_year=year)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(plan_no__icontains=q))
    return qs


def approval_list(
    *, user: User, status: str | None = None, kind: str | None = None
) -> QuerySet[ApprovalRequest]:
    qs = access.approvals_visible(user).prefetch_related("attachments", "objections")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def commission_list(
    *, user: User, status: str | None = None, overdue: bool | None = None
) -> QuerySet[Commission]:
    qs = access.commissions_visible(user)
    if status:
        qs = qs.filter(status=status)
    if overdue is not None:
        qs = qs.filter(is_overdue=overdue)
    return qs


def split_case_list(*, user: User) -> QuerySet[SplitCase]:
    return access.split_cases_visible(user)


def public_intentions(
    *, q: str | None = None, region_code: str | None = None
) -> QuerySet[ProcurementIntention]:
    """Published intentions: public, no login (财库〔2020〕10号)."""
    qs = ProcurementIntention.objects.filter(status=c.IntentionStatus.PUBLISHED).select_related(
        "organization__region"
    )
    if q:
        qs = qs.filter(Q(project_name__icontains=q) | Q(organization__name__icontains=q))
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        qs = qs.filter(organization__region__path__startswith=region.path) if region else qs.none()
    return qs


def public_single_source_notices() -> QuerySet[ApprovalRequest]:
    """Single-source notices: shown from publication (条例 38)."""
    return (
        ApprovalRequest.objects.filter(kind=c.ApprovalKind.SINGLE_SOURCE)
        .exclude(publicity_start__isnull=True)
        .select_related("organization", "plan")
        .prefetch_related("attachments", "objections")
        .order_by("-publicity_start")
    )


def public_single_source_notice_get(pk: int) -> ApprovalRequest | None:
    return public_single_source_notices().filter(pk=pk).first()


def pending_counts(*, user: User) -> dict[str, int]:
    """What waits for this person: for the workbench and list headers."""
    if user.role == "regulator":
        return {
            "budgets": budget_line_list(user=user, status=c.BudgetStatus.SUBMITTED).count(),
            "plans": plan_list(user=user, status=c.PlanStatus.SUBMITTED).count(),
            "approvals": approval_list(user=user, status=c.ApprovalStatus.SUBMITTED).count(),
        }
    if user.role == "agency":
        return {
            "commissions": commission_list(user=user, status=c.CommissionStatus.SENT).count(),
        }
    if user.role == "purchaser":
        return {
            "returned": budget_line_list(user=user, status=c.BudgetStatus.RETURNED).count()
            + plan_list(user=user, status=c.PlanStatus.RETURNED).count(),
        }
    return {}
