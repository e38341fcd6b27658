"""Who reaches which award and challenge (design §4 rule 6).

- Awards: the project's agency and purchaser, the winner, admins, regulators/supervisors of
  the purchaser's region subtree; the agency manages (publishes the notice).
- Challenges: the challenger; the project's agency and purchaser (they answer, 法 54);
  admins and the regional roles see them."""

from __future__ import annotations

from typing import Literal

from zhengcai.accounts.access import require_login
from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import User
from zhengcai.awards import selectors
from zhengcai.awards.models import Award, Challenge, Complaint, Inquiry
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.tenders.models import Lot, Project

Action = Literal["view", "manage"]


def _regional(user: User, project: Project) -> bool:
    return (
        user.role in REGIONAL_ROLES
        and user.region is not None
        and project.purchaser.region.path.startswith(user.region.path)
    )


def access_award(*, user: User, pk: int, action: Action = "view") -> Award:
    require_login(user)
    award = selectors.award_get(pk)
    if award is None:
        raise NotFound("中标（成交）结果不存在或您无权查看")
    p, org = award.project, user.organization_id
    sees = (
        user.role == Role.ADMIN
        or _regional(user, p)
        or org in (p.agency_id, p.purchaser_id, award.supplier_id)
    )
    if not sees:
        raise NotFound("中标（成交）结果不存在或您无权查看")
    if action == "manage" and not (user.role == Role.AGENCY and org == p.agency_id):
        raise PermissionDenied("只有本项目的采购代理机构可以办理")
    return award


def access_challenge(*, user: User, pk: int, action: Action = "view") -> Challenge:
    """`manage`: answer it (the purchaser or the agency of the project)."""
    require_login(user)
    ch = selectors.challenge_get(pk)
    if ch is None:
        raise NotFound("质疑不存在或您无权查看")
    p, org = ch.project, user.organization_id
    answerer = org is not None and org in (p.agency_id, p.purchaser_id)
    sees = user.role == Role.ADMIN or _regional(user, p) or answerer or org == ch.supplier_id
    if not sees:
        raise NotFound("质疑不存在或您无权查看")
    if action == "manage" and not answerer:
        raise PermissionDenied("只有本项目的采购人或采购代理机构可以答复质疑")
    return ch


def access_lot(*, user: User, pk: int) -> Lot:
    """A lot a logged-in user names (standing to challenge is the service's rule)."""
    require_login(user)
    lot = selectors.lot_get(pk)
    if lot is None:
        raise NotFound("采购包不存在")
    return lot


def challenges_visible(user: User) -> list[Challenge]:
    require_login(user)
    if user.role == Role.SUPPLIER:
        return list(selectors.challenges_of_supplier(user.organization_id)[:200])
    return list(selectors.challenges_for_answerer(user.organization_id)[:200])


def inquiries_visible(user: User) -> list[Inquiry]:
    require_login(user)
    qs = selectors.inquiries_visible(user.organization_id, supplier=user.role == Role.SUPPLIER)
    return list(qs.order_by("-asked_at", "-pk")[:200])


def access_inquiry(*, user: User, pk: int, action: Action = "view") -> Inquiry:
    """`manage`: answer it (the purchaser or the agency of the project, 条例 52)."""
    require_login(user)
    q = selectors.inquiry_get(pk)
    org = user.organization_id
    if q is None:
        raise NotFound("询问不存在或您无权查看")
    answerer = org is not None and org in (q.project.agency_id, q.project.purchaser_id)
    if not (answerer or org == q.supplier_id or user.role == Role.ADMIN):
        raise NotFound("询问不存在或您无权查看")
    if action == "manage" and not answerer:
        raise PermissionDenied("只有本项目的采购人或采购代理机构可以答复询问")
    return q


def access_complaint(*, user: User, pk: int, action: Action = "view") -> Complaint:
    """Parties only: the complainant, the respondents and the regulator (94号令 6) — another
    supplier does not see it. `manage`: the regulator's actions."""
    require_login(user)
    x = selectors.complaints_visible(user.organization_id).filter(pk=pk).first()
    if x is None:
        raise NotFound("投诉不存在或您无权查看")
    if action == "manage" and user.organization_id != x.regulator_id:
        raise PermissionDenied("只有有管辖权的财政部门可以处理该投诉")
    return x


def complaints_visible(user: User) -> list[Complaint]:
    require_login(user)
    return list(selectors.complaints_visible(user.organization_id)[:200])
