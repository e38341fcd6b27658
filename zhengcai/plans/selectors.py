"""Reads of the plans app: configuration in force, method determination, budget execution,
lists scoped by `plans.access`, the public intentions list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from zhengcai.accounts.models import Organization, Region, User
from zhengcai.catalog import selectors as catalog
from zhengcai.catalog.constants import ThresholdKind
from zhengcai.core import clock
from zhengcai.plans import access, rules
from zhengcai.plans import constants as c
from zhengcai.plans.models import (
    ApprovalRequest,
    BudgetLine,
    Commission,
    PlanPolicy,
    ProcurementIntention,
    ProcurementPlan,
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
                intention_lead_days=row.intention_lead_days,
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


def determination_for(
    *, organization: Organization, fiscal_year: int, item_code: str, amount: Decimal
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
        .exclude(method=c.Method.OPEN_TENDER)
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


def active_commission(plan: ProcurementPlan) -> Commission | None:
    return (
        Commission.objects.filter(plan=plan)
        .exclude(status=c.CommissionStatus.DECLINED)
        .select_related("agency", "holder", "received_by")
        .first()
    )


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
    qs = access.approvals_visible(user)
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
        .order_by("-publicity_start")
    )


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
