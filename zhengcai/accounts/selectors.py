"""Reads of the accounts app."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from zhengcai.accounts.access import audit_entries_visible, organizations_visible, users_visible
from zhengcai.accounts.models import ApiToken, Organization, Region, User
from zhengcai.core.models import AuditEntry


def region_list(*, parent_code: str | None = None) -> QuerySet[Region]:
    qs = Region.objects.all()
    if parent_code:
        qs = qs.filter(parent__code=parent_code)
    return qs


def region_get(code: str) -> Region | None:
    """A region by its 区划代码."""
    return Region.objects.filter(code=code.strip()).first() if code.strip() else None


def pending_login_user(pk: int) -> User | None:
    """The person whose second factor the login page waits for (pk kept in the session)."""
    return User.objects.select_related("organization").filter(pk=pk).first()


def organization_users(*, user: User, org: Organization) -> QuerySet[User]:
    """The people of an organization that `user` may see."""
    return users_visible(user).filter(organization=org).order_by("username")


def audit_list(*, user: User, action: str = "") -> QuerySet[AuditEntry]:
    """The audit entries `user` may read, newest first, optionally by action prefix."""
    qs = audit_entries_visible(user).order_by("-seq")
    return qs.filter(action__startswith=action) if action else qs


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def organization_list(
    *, user: User, kind: str | None = None, region_code: str | None = None, q: str | None = None
) -> QuerySet[Organization]:
    qs = organizations_visible(user)
    if kind:
        qs = qs.filter(kind=kind)
    if region_code:
        region = Region.objects.filter(code=region_code).first()
        qs = qs.filter(region__path__startswith=region.path) if region else qs.none()
    if q:
        qs = qs.filter(name__icontains=q)
    return qs


def organization_counts_by_kind(*, user: User) -> dict[str, int]:
    rows = organizations_visible(user).values("kind").annotate(n=Count("id"))
    return {r["kind"]: r["n"] for r in rows}


def organization_counts_by_city(*, user: User) -> list[tuple[str, dict[str, int]]]:
    """Organizations per city (a county's units count under its city) and kind, for charts."""
    result: dict[str, dict[str, int]] = {}
    rows = organizations_visible(user).values_list("region__path", "kind").annotate(n=Count("id"))
    names = dict(Region.objects.filter(level__lte=2).values_list("code", "name"))
    for path, kind, n in rows:
        parts = path.strip("/").split("/")
        key = names.get(parts[1], parts[1]) if len(parts) > 1 else names.get(parts[0], parts[0])
        result.setdefault(key, {})
        result[key][kind] = result[key].get(kind, 0) + n
    return sorted(result.items())


def public_platform_counts() -> dict[str, int]:
    """Counts the public portal shows: active organizations by kind, and experts."""
    from zhengcai.accounts.constants import OrgStatus, Role

    rows = (
        Organization.objects.filter(status=OrgStatus.ACTIVE).values("kind").annotate(n=Count("id"))
    )
    counts = {r["kind"]: r["n"] for r in rows}
    counts["experts"] = User.objects.filter(role=Role.EXPERT, is_active=True).count()
    return counts
