"""The one way to reach expert profiles, draws and invitations (design §4 rule 6).

- Profiles: admins all; regulators and supervisors those registered in their region subtree;
  an expert only their own. Purchasers, agencies and suppliers never browse the database.
  Only admins and regulators (of the profile's region) manage.
- Draws: the requesting agency (manage), the purchaser (view), regulators and supervisors of
  the agency's region subtree (view), admins. Experts see only their own invitations.
- Ratings (198号 21): recorded by the draw's agency and purchaser; read by whoever sees the
  draw (once names are visible) and by the rated expert, who alone may reply. Records and
  suggestions are read through the profile (regulators of the region, the expert).
- Names of drawn experts stay hidden from everyone but the expert until the evaluation starts
  (87号令 47; 198号 20); the public never sees them here.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet

from zhengcai.accounts.access import require_login
from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.experts.models import DrawInvitation, DrawRequest, ExpertProfile, ExpertRating
from zhengcai.experts.rules import rater_side

Action = Literal["view", "manage"]


def profiles_visible(user: User) -> QuerySet[ExpertProfile]:
    require_login(user)
    qs = ExpertProfile.objects.select_related("user", "user__organization", "region")
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(region__path__startswith=user.region.path)
    if user.role == Role.EXPERT:
        return qs.filter(user=user)
    return qs.none()


def can_manage_profile(user: User, profile: ExpertProfile) -> bool:
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.REGULATOR
        and user.region is not None
        and user.region.contains(profile.region)
    )


def access_profile(*, user: User, pk: int, action: Action = "view") -> ExpertProfile:
    profile = profiles_visible(user).filter(pk=pk).first()
    if profile is None:
        raise NotFound("专家不存在或您无权查看")
    if action == "manage" and not can_manage_profile(user, profile):
        raise PermissionDenied("只有专家所在地的财政部门可以管理专家")
    return profile


def own_profile(user: User) -> ExpertProfile:
    require_login(user)
    if user.role != Role.EXPERT:
        raise PermissionDenied("只有评审专家有个人专家档案")
    profile = profiles_visible(user).first()
    if profile is None:
        raise NotFound("您还没有专家档案，请联系财政部门登记", code="no_profile")
    return profile


def draws_visible(user: User) -> QuerySet[DrawRequest]:
    require_login(user)
    qs = DrawRequest.objects.select_related("agency", "purchaser", "agency__region")
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(agency__region__path__startswith=user.region.path)
    org = user.acting_organization
    if org is None:
        return qs.none()
    if user.role == Role.AGENCY:
        return qs.filter(agency=org)
    if user.role == Role.PURCHASER:
        return qs.filter(purchaser=org)
    return qs.none()


def access_draw(*, user: User, pk: int, action: Action = "view") -> DrawRequest:
    draw = draws_visible(user).filter(pk=pk).first()
    if draw is None:
        raise NotFound("抽取申请不存在或您无权查看")
    if action == "manage" and not (
        user.role == Role.ADMIN
        or (user.role == Role.AGENCY and user.acting_organization == draw.agency)
    ):
        raise PermissionDenied("只有申请抽取的代理机构可以操作")
    return draw


def access_invitation(*, user: User, pk: int) -> DrawInvitation:
    """An expert's own invitation (to read and answer it)."""
    require_login(user)
    inv = (
        DrawInvitation.objects.select_related("draw", "draw__agency", "expert__user")
        .filter(pk=pk, expert__user=user)
        .first()
    )
    if inv is None:
        raise NotFound("邀请不存在")
    return inv


def draw_names_visible(user: User, draw: DrawRequest) -> bool:
    """Whether `user` may see who was drawn: only from the evaluation start (87号令 47;
    198号 20), and only those who may see the draw at all."""
    if clock.now() < draw.evaluation_at:
        return False
    return draws_visible(user).filter(pk=draw.pk).exists()


def rating_side(user: User, draw: DrawRequest) -> str | None:
    """The side ("agency" / "purchaser") `user` rates the draw's experts for, or None."""
    org = user.acting_organization
    return rater_side(
        role=user.role,
        org_id=org.pk if org else None,
        agency_id=draw.agency_id,
        purchaser_id=draw.purchaser_id,
    )


def own_ratings(user: User) -> QuerySet[ExpertRating]:
    """The ratings of the expert `user` (to read and reply)."""
    return ExpertRating.objects.select_related("draw", "rater_org").filter(expert=own_profile(user))


def access_own_rating(*, user: User, pk: int) -> ExpertRating:
    rating = own_ratings(user).filter(pk=pk).first()
    if rating is None:
        raise NotFound("评价记录不存在")
    return rating
