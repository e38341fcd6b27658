"""Who may reach an evaluation (design §4 rule 6): the project's agency staff; the committee
members (experts only after the start, and only their own evaluations); the purchaser's staff;
supervisors and regulators of the region (read-only). Suppliers reach only their own
abnormal-low request. Nobody but the agency sees the experts' names before the start."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import User
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Evaluation, Member, ReviewedBid
from zhengcai.tenders.models import Lot

STARTED = list(c.STARTED_STATUSES)


def visible_evaluations(user: User) -> QuerySet[Evaluation]:
    qs = Evaluation.objects.select_related("project", "lot", "draw")
    if not user.is_authenticated:
        return qs.none()
    org_id = user.organization_id
    if user.role == Role.AGENCY:
        return qs.filter(project__agency_id=org_id)
    if user.role == Role.PURCHASER:
        return qs.filter(
            Q(project__purchaser_id=org_id)
            | Q(members__user=user, members__kind=c.MemberKind.PURCHASER_REP)
        ).distinct()
    if user.role == Role.EXPERT:
        return qs.filter(members__user=user, status__in=STARTED).distinct()
    if user.role in REGIONAL_ROLES or user.role == Role.ADMIN:
        region = user.region
        if user.role == Role.ADMIN:
            return qs
        if region is None:
            return qs.none()
        return qs.filter(project__purchaser__region__path__startswith=region.path)
    return qs.none()


def access_evaluation(*, user: User, pk: int) -> Evaluation:
    ev = visible_evaluations(user).filter(pk=pk).first()
    if ev is None:
        raise NotFound("评审不存在或您无权查看")
    return ev


def role_in(user: User, ev: Evaluation) -> str | None:
    """One of agency / member / purchaser / supervisor, or None."""
    if user.role == Role.AGENCY and user.organization_id == ev.project.agency_id:
        return "agency"
    seated = ev.members.filter(user=user, status=c.MemberStatus.ACTIVE).exists()
    if seated and (user.role != Role.EXPERT or ev.status in c.STARTED_STATUSES):
        return "member"
    if user.role == Role.PURCHASER and user.organization_id == ev.project.purchaser_id:
        return "purchaser"
    if visible_evaluations(user).filter(pk=ev.pk).exists():
        return "supervisor"
    return None


def expert_names_visible(user: User, ev: Evaluation) -> bool:
    """Only the agency before the start (87号令 47; 198号 20)."""
    if user.role == Role.AGENCY and user.organization_id == ev.project.agency_id:
        return True
    return ev.status in c.STARTED_STATUSES


def access_own_member(*, user: User, pk: int) -> Member:
    """A member's own seat (for the 回避声明 before the start: the expert sees the project and
    the bidders, not the other members)."""
    m = (
        Member.objects.select_related("evaluation__project", "evaluation__lot")
        .filter(pk=pk, user=user)
        .first()
    )
    if m is None:
        raise NotFound("评审席位不存在")
    return m


def access_reviewed_bid(*, user: User, pk: int) -> ReviewedBid:
    """A bid under evaluation, for agency and members (write paths check more in services)."""
    rb = ReviewedBid.objects.select_related("evaluation__project", "supplier").filter(pk=pk).first()
    if rb is None:
        raise NotFound("投标不存在或您无权查看")
    access_evaluation(user=user, pk=rb.evaluation_id)
    return rb


def access_supplier_request(*, user: User, pk: int) -> ReviewedBid:
    """A supplier's own abnormal-low justification request (87号令 60)."""
    rb = (
        ReviewedBid.objects.select_related("evaluation__project", "evaluation__lot", "supplier")
        .filter(pk=pk, abnormal_low=True)
        .first()
    )
    if rb is None or user.role != Role.SUPPLIER or user.organization_id != rb.supplier_id:
        raise NotFound("报价说明请求不存在")
    return rb


def require_manager(user: User, ev: Evaluation) -> None:
    if role_in(user, ev) != "agency":
        raise PermissionDenied("只有本项目的代理机构可以进行此操作")


def access_lot_for_evaluation(*, user: User, pk: int) -> Lot:
    """A lot the user's agency runs, to form its committee; 404 otherwise."""
    lot = Lot.objects.select_related("project__purchaser", "project__agency").filter(pk=pk).first()
    if lot is None or user.role != Role.AGENCY or lot.project.agency_id != user.organization_id:
        raise NotFound()
    return lot
