"""Who reaches which penalty (design §4 rule 6).

- Admins: all. Regulators and supervisors: decisions of finance departments in their region
  subtree. Regulators manage their own department's decisions.
- The sanctioned organization (or expert) sees its own decisions, in force or not.
- Everyone (the public) sees decisions in force (credit.selectors.public_penalties)."""

from __future__ import annotations

from typing import Literal

from django.db.models import Q, QuerySet

from zhengcai.accounts.access import require_login
from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import User
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.credit import selectors
from zhengcai.credit.models import Penalty

Action = Literal["view", "manage"]


def penalties_visible(user: User) -> QuerySet[Penalty]:
    require_login(user)
    qs = selectors.penalties_visible()
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(authority__region__path__startswith=user.region.path)
    own = Q(person=user)
    if user.organization_id is not None and user.role != Role.EXPERT:
        own |= Q(organization_id=user.organization_id)
    return qs.filter(own).exclude(status="draft")


def access_penalty(*, user: User, pk: int, action: Action = "view") -> Penalty:
    p = penalties_visible(user).filter(pk=pk).first()
    if p is None:
        raise NotFound("处罚记录不存在或您无权查看")
    if action == "manage" and (
        user.role != Role.REGULATOR or p.authority_id != user.organization_id
    ):
        raise PermissionDenied("只有作出处罚的财政部门可以办理")
    return p
