"""The one way to reach projects and their parts (design §4 rule 6).

Scope: the agency holding a project runs it ("manage"); the purchaser sees its own projects;
regulators and supervisors the projects of purchasers in their region and below; suppliers see
published projects only (what the public sees, plus their own downloads and questions);
platform admins everything.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet

from zhengcai.accounts.access import require_login
from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import User
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import (
    Clarification,
    ComplianceFinding,
    DocumentComment,
    DocumentTemplate,
    Lot,
    Project,
)

Action = Literal["view", "manage"]


def _own_org(user: User) -> int | None:
    return None if user.role == Role.EXPERT else user.organization_id


def projects_visible(user: User) -> QuerySet[Project]:
    require_login(user)
    qs = Project.objects.select_related("purchaser__region", "agency", "plan")
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(purchaser__region__path__startswith=user.region.path)
    own = _own_org(user)
    if user.role == Role.AGENCY and own is not None:
        return qs.filter(agency_id=own)
    if user.role == Role.PURCHASER and own is not None:
        return qs.filter(purchaser_id=own)
    if user.role == Role.SUPPLIER:
        return qs.filter(status__in=c.PROJECT_PUBLIC_STATUSES)
    return qs.none()


def can_manage(user: User, project: Project) -> bool:
    return user.role == Role.AGENCY and _own_org(user) == project.agency_id


def can_see_internals(user: User, project: Project) -> bool:
    """Compliance findings, download log, who asked: not for suppliers or the public."""
    return user.role != Role.SUPPLIER


def access_project(*, user: User, pk: int, action: Action = "view") -> Project:
    project = projects_visible(user).filter(pk=pk).first()
    if project is None:
        raise NotFound("项目不存在或您无权查看")
    if action == "manage" and not can_manage(user, project):
        raise PermissionDenied("只有受托代理机构可以办理本项目")
    return project


def access_lot(*, user: User, pk: int, action: Action = "view") -> Lot:
    lot = Lot.objects.filter(pk=pk).first()
    if lot is None:
        raise NotFound("采购包不存在或您无权查看")
    access_project(user=user, pk=lot.project_id, action=action)
    return lot


def access_finding(*, user: User, pk: int, action: Action = "view") -> ComplianceFinding:
    finding = ComplianceFinding.objects.filter(pk=pk).first()
    if finding is None:
        raise NotFound("审查问题不存在或您无权查看")
    project = access_project(user=user, pk=finding.project_id, action=action)
    if not can_see_internals(user, project):
        raise NotFound("审查问题不存在或您无权查看")
    return finding


def access_clarification(*, user: User, pk: int, action: Action = "view") -> Clarification:
    item = Clarification.objects.select_related("project").filter(pk=pk).first()
    if item is None:
        raise NotFound("澄清问题不存在或您无权查看")
    access_project(user=user, pk=item.project_id, action=action)
    if (
        user.role == Role.SUPPLIER
        and item.status != c.ClarificationStatus.ANSWERED
        and item.supplier_id != _own_org(user)
    ):
        raise NotFound("澄清问题不存在或您无权查看")
    return item


def templates_visible(user: User) -> QuerySet[DocumentTemplate]:
    require_login(user)
    qs = DocumentTemplate.objects.select_related("agency")
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.AGENCY and _own_org(user) is not None:
        return qs.filter(agency_id=_own_org(user))
    return qs.none()


def access_template(*, user: User, pk: int, action: Action = "view") -> DocumentTemplate:
    tpl = templates_visible(user).filter(pk=pk).first()
    if tpl is None:
        raise NotFound("范本不存在或您无权查看")
    if action == "manage" and (user.role != Role.AGENCY or _own_org(user) != tpl.agency_id):
        raise PermissionDenied("只有本代理机构可以维护范本")
    return tpl


def _under_comment(pk: int) -> Project | None:
    """A project whose documents are or were under public comment and not yet published."""
    return (
        Project.objects.select_related("purchaser", "agency")
        .filter(pk=pk, status=c.ProjectStatus.DOCUMENTS_READY, public_comment_until__isnull=False)
        .first()
    )


def access_project_for_comment(*, user: Any, pk: int) -> tuple[Project, bool]:
    """A project as a commenter reaches it: one the user may see (`True`), or else one whose
    documents are (or were, until publication) under public comment (`False`).
    `user` None or anonymous = the public: only the second way."""
    if isinstance(user, User) and user.is_authenticated:
        project = projects_visible(user).filter(pk=pk).first()
        if project is not None:
            return project, True
    project = _under_comment(pk)
    if project is None:
        raise NotFound("项目不存在或其采购文件未在征求意见")
    return project, False


def access_comment(*, user: User, pk: int, project: Project | None = None) -> DocumentComment:
    """A comment to answer: its project is managed by the user's agency (and, from a project
    page, belongs to that project)."""
    qs = DocumentComment.objects.select_related("project")
    if project is not None:
        qs = qs.filter(project=project)
    item = qs.filter(pk=pk).first()
    if item is None:
        raise NotFound("意见不存在")
    access_project(user=user, pk=item.project_id, action="manage")
    return item
