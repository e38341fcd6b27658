"""The one way to reach permission-scoped objects (design §4 rule 6).

`access_<entity>(user=..., pk=..., action=...)` returns the object or raises NotFound (the
user may not even know it exists) / PermissionDenied (may see it, may not do this).
Scope: platform admins see everything; regulators and supervisors see their region and the
regions below it; everyone else sees their own organization.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import QuerySet

from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import ApiToken, Organization, User
from zhengcai.core.errors import NotAuthenticated, NotFound, PermissionDenied
from zhengcai.core.models import AuditEntry

Action = Literal["view", "manage"]


def require_login(user: User | None) -> User:
    if user is None or not user.is_authenticated or not user.is_active:
        raise NotAuthenticated()
    return user


def require_role(user: User, *roles: str) -> User:
    require_login(user)
    if user.role not in roles:
        raise PermissionDenied("您的角色无权进行此操作", detail={"required": list(roles)})
    return user


def _own_org_id(user: User) -> int | None:
    """The organization whose data `user` works with. None for experts: they are individuals,
    their organization (if any) is their employer and is not used for access."""
    return None if user.role == Role.EXPERT else user.organization_id


def organizations_visible(user: User) -> QuerySet[Organization]:
    qs = Organization.objects.select_related("region")
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(region__path__startswith=user.region.path)
    own = _own_org_id(user)
    if own is None:
        return qs.none()
    return qs.filter(pk=own)


def can_manage_organization(user: User, org: Organization) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REGULATOR and user.region is not None:
        return user.region.contains(org.region)
    return user.is_org_admin and _own_org_id(user) == org.pk


def access_organization(*, user: User, pk: int, action: Action = "view") -> Organization:
    require_login(user)
    org = organizations_visible(user).filter(pk=pk).first()
    if org is None:
        raise NotFound("单位不存在或您无权查看")
    if action == "manage" and not can_manage_organization(user, org):
        raise PermissionDenied("您无权管理该单位")
    return org


def users_visible(user: User) -> QuerySet[User]:
    qs = User.objects.select_related("organization")
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(organization__region__path__startswith=user.region.path)
    own = _own_org_id(user)
    if own is None:
        return qs.filter(pk=user.pk)
    return qs.filter(organization_id=own)


def access_user(*, user: User, pk: int, action: Action = "view") -> User:
    require_login(user)
    target = users_visible(user).filter(pk=pk).first()
    if target is None:
        raise NotFound("用户不存在或您无权查看")
    if action == "manage":
        allowed = user.role == Role.ADMIN or (
            user.is_org_admin
            and _own_org_id(user) is not None
            and target.organization_id == _own_org_id(user)
        )
        if not allowed:
            raise PermissionDenied("只有单位管理员可以管理本单位用户")
    return target


def access_api_token(*, user: User, pk: int) -> ApiToken:
    require_login(user)
    token = ApiToken.objects.select_related("user__organization").filter(pk=pk, user=user).first()
    if token is None:
        raise NotFound("令牌不存在")
    return token


def audit_entries_visible(user: User) -> QuerySet[AuditEntry]:
    """Regulators and supervisors read the trail of their region; others their own unit's."""
    require_login(user)
    qs = AuditEntry.objects.select_related("organization")
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(organization__region__path__startswith=user.region.path)
    own = _own_org_id(user)
    if own is not None and user.is_org_admin:
        return qs.filter(organization_id=own)
    return qs.filter(actor=user)
