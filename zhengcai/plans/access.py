"""The one way to reach budgets, plans, approvals and commissions (design §4 rule 6).

Scope: purchasers see their own organization's data; regulators and supervisors the units of
their region and below (`Region.path` prefix); agencies the commissions handed to them and the
plans behind them; platform admins everything. `action` narrows further:
- "edit": the purchasing unit itself;
- "decide": a regulator whose region contains the unit (and, for method changes, single
  source and imports, a finance department at 设区的市 level or above: 法 27, 条例 23);
- "handle": the agency a commission was handed to.
"""

from __future__ import annotations

from typing import Literal, TypeVar

from django.db.models import Model, Q, QuerySet

from zhengcai.accounts.access import require_login
from zhengcai.accounts.constants import REGIONAL_ROLES, RegionLevel, Role
from zhengcai.accounts.models import Organization, Region, User
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.plans import constants as c
from zhengcai.plans.models import (
    ApprovalRequest,
    BudgetLine,
    Commission,
    ProcurementIntention,
    ProcurementPlan,
    SplitCase,
)

Action = Literal["view", "edit", "decide", "handle", "consent"]
M = TypeVar("M", bound=Model)

AGENCY_KINDS = {"central_agency", "social_agency"}


def _own_org(user: User) -> int | None:
    return None if user.role == Role.EXPERT else user.organization_id


def _scope(user: User, qs: QuerySet[M], org_field: str) -> QuerySet[M]:
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(**{f"{org_field}__region__path__startswith": user.region.path})
    if user.role == Role.PURCHASER and _own_org(user) is not None:
        return qs.filter(**{f"{org_field}_id": _own_org(user)})
    return qs.none()


def budget_lines_visible(user: User) -> QuerySet[BudgetLine]:
    require_login(user)
    return _scope(user, BudgetLine.objects.select_related("organization__region"), "organization")


def plans_visible(user: User) -> QuerySet[ProcurementPlan]:
    require_login(user)
    qs = ProcurementPlan.objects.select_related("organization__region", "budget_line")
    if user.role == Role.AGENCY and _own_org(user) is not None:
        return qs.filter(commissions__agency_id=_own_org(user)).distinct()
    return _scope(user, qs, "organization")


def approvals_visible(user: User) -> QuerySet[ApprovalRequest]:
    require_login(user)
    qs = ApprovalRequest.objects.select_related("organization__region", "plan", "budget_line")
    if user.role == Role.AGENCY and _own_org(user) is not None:
        return qs.filter(plan__commissions__agency_id=_own_org(user)).distinct()
    if user.role == Role.PURCHASER and user.is_org_admin and _own_org(user) is not None:
        # A 主管预算单位 also sees its subordinate units' requests (it must consent to some).
        return qs.filter(
            Q(organization_id=_own_org(user)) | Q(organization__parent_id=_own_org(user))
        )
    return _scope(user, qs, "organization")


def commissions_visible(user: User) -> QuerySet[Commission]:
    require_login(user)
    qs = Commission.objects.select_related(
        "plan", "purchaser__region", "agency", "holder", "received_by"
    )
    if user.role == Role.AGENCY and _own_org(user) is not None:
        return qs.filter(agency_id=_own_org(user))
    return _scope(user, qs, "purchaser")


def split_cases_visible(user: User) -> QuerySet[SplitCase]:
    require_login(user)
    return _scope(user, SplitCase.objects.select_related("organization", "plan"), "organization")


def can_edit(user: User, org_id: int) -> bool:
    return user.role == Role.PURCHASER and _own_org(user) == org_id


def can_consent(user: User, org: Organization) -> bool:
    """The 主管预算单位's administrator consents for a subordinate unit (74号令 4)."""
    return (
        user.role == Role.PURCHASER
        and user.is_org_admin
        and org.parent_id is not None
        and _own_org(user) == org.parent_id
    )


def can_decide(user: User, org: Organization, *, kind: str | None = None) -> bool:
    if user.role != Role.REGULATOR or user.region is None:
        return False
    if not user.region.contains(org.region):
        return False
    return not (kind in c.CITY_OR_ABOVE_KINDS and user.region.level > RegionLevel.CITY)


def _check(user: User, org: Organization, action: Action, *, kind: str | None = None) -> None:
    if action == "edit" and not can_edit(user, org.pk):
        raise PermissionDenied("只有本单位采购人可以办理")
    if action == "consent" and not can_consent(user, org):
        raise PermissionDenied("只有主管预算单位的管理员可以出具同意意见")
    if action == "decide" and not can_decide(user, org, kind=kind):
        if user.role == Role.REGULATOR and kind in c.CITY_OR_ABOVE_KINDS:
            raise PermissionDenied(
                "该事项须由设区的市级以上财政部门审批（法27、条例23）", code=c.ERR_DECIDER_LEVEL
            )
        raise PermissionDenied("只有本级或上级财政部门可以审核")


def access_budget_line(*, user: User, pk: int, action: Action = "view") -> BudgetLine:
    line = budget_lines_visible(user).filter(pk=pk).first()
    if line is None:
        raise NotFound("预算不存在或您无权查看")
    _check(user, line.organization, action)
    return line


def access_plan(*, user: User, pk: int, action: Action = "view") -> ProcurementPlan:
    plan = plans_visible(user).filter(pk=pk).first()
    if plan is None:
        raise NotFound("采购计划不存在或您无权查看")
    _check(user, plan.organization, action)
    return plan


def access_intention(*, user: User, pk: int, action: Action = "view") -> ProcurementIntention:
    """An intention, reached through its plan (a published intention is public; acting on it
    is the plan's business)."""
    intention = ProcurementIntention.objects.filter(pk=pk).first()
    if intention is None:
        raise NotFound("采购意向不存在")
    access_plan(user=user, pk=intention.plan_id, action=action)
    return intention


def access_approval(*, user: User, pk: int, action: Action = "view") -> ApprovalRequest:
    req = approvals_visible(user).filter(pk=pk).first()
    if req is None:
        raise NotFound("审批申请不存在或您无权查看")
    _check(user, req.organization, action, kind=req.kind)
    return req


def access_commission(*, user: User, pk: int, action: Action = "view") -> Commission:
    com = commissions_visible(user).filter(pk=pk).first()
    if com is None:
        raise NotFound("委托不存在或您无权查看")
    if action == "handle":
        if user.role != Role.AGENCY or _own_org(user) != com.agency_id:
            raise PermissionDenied("只有受托代理机构可以办理")
    elif action != "view":
        _check(user, com.purchaser, action)
    return com


def agencies_for(org: Organization, *, central_only: bool) -> QuerySet[Organization]:
    """Agencies a unit may commission: for 政府集中采购 the 集中采购机构 of its region or above
    (法 18; 条例 12); otherwise any active agency (法 19: the unit chooses freely)."""
    qs = Organization.objects.filter(status="active").select_related("region")
    if central_only:
        paths = []
        node: Region | None = org.region
        while node is not None:
            paths.append(node.path)
            node = node.parent
        return qs.filter(kind="central_agency", region__path__in=paths)
    return qs.filter(Q(kind="central_agency") | Q(kind="social_agency"))
