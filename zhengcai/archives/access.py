"""Who sees an archive: the platform, the regulators and supervisors of the region, the
project's purchaser and agency (87号令 76). Suppliers and experts do not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from zhengcai.archives.models import Archive
from zhengcai.core.errors import NotFound
from zhengcai.tenders import access as tender_access

if TYPE_CHECKING:
    from zhengcai.accounts.models import User
    from zhengcai.tenders.models import Project

ARCHIVE_ROLES = {"admin", "regulator", "supervisor", "purchaser", "agency"}


def archives_visible(user: User) -> QuerySet[Archive]:
    projects = tender_access.projects_visible(user)
    qs = Archive.objects.select_related("project", "project__agency", "project__purchaser")
    if user.role not in ARCHIVE_ROLES:
        return qs.none()
    return qs.filter(project__in=projects.values("pk"))


def access_archive(*, user: User, pk: int) -> Archive:
    archive = archives_visible(user).filter(pk=pk).first()
    if archive is None:
        raise NotFound("档案不存在或您无权查看")
    return archive


def access_project_for_archive(*, user: User, pk: int) -> object:
    """The project whose archive the user would seal (the service checks the agency)."""
    if user.role not in ARCHIVE_ROLES:
        raise NotFound("项目不存在或您无权查看")
    return tender_access.access_project(user=user, pk=pk)


def projects_to_archive(user: User) -> list[Project]:
    """The agency's ended projects without a sealed archive yet (the desk lists them)."""
    from zhengcai.archives.constants import ArchiveStatus
    from zhengcai.archives.services import CLOSED, closed_among

    if user.role != "agency" or user.organization_id is None:
        return []
    sealed = Archive.objects.filter(status=ArchiveStatus.SEALED).values("project_id")
    candidates = list(
        tender_access.projects_visible(user)
        .filter(agency_id=user.organization_id, status__in=CLOSED)
        .exclude(pk__in=sealed)
        .order_by("-pk")[:50]
    )
    return closed_among(candidates)  # two queries in all, however many candidates
