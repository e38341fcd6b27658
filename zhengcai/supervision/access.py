"""Who sees the agency assessment: the platform, regulators and supervisors of their region,
and an agency its own figures. A party sees the surveys it may still submit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zhengcai.accounts import access as accounts_access
from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import Organization
from zhengcai.core.errors import NotFound
from zhengcai.tenders import access as tender_access

if TYPE_CHECKING:
    from zhengcai.accounts.models import User
    from zhengcai.tenders.models import Project

AGENCY_KINDS = (OrgKind.CENTRAL_AGENCY, OrgKind.SOCIAL_AGENCY)
ASSESSORS = {"admin", "regulator", "supervisor"}


def agencies_visible(user: User) -> QuerySet[Organization]:
    orgs = accounts_access.organizations_visible(user).filter(kind__in=AGENCY_KINDS)
    if user.role in ASSESSORS or user.role == "agency":
        return orgs
    return orgs.none()


def access_project_for_survey(*, user: User, pk: int) -> Project:
    if user.role not in ("purchaser", "supplier"):
        raise NotFound("项目不存在或您无权查看")
    return tender_access.access_project(user=user, pk=pk)
