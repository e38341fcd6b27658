"""Reads of the 资格预审 call (邀请招标): what other modules of tenders and the bidding app ask."""

from __future__ import annotations

from collections.abc import Callable

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, User
from zhengcai.core.errors import Conflict, DomainError, NotFound
from zhengcai.tenders import access
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import Project
from zhengcai.tenders.prequal_models import Prequalification


def prequal_of(project: Project) -> Prequalification | None:
    return Prequalification.objects.filter(project=project).first()


def invites_only(project: Project) -> bool:
    """The method invites its suppliers (邀请招标, 法 34): only the invited may take part."""
    return project.method_config.prequalification is not None


def invitation_sent(project: Project) -> bool:
    """The 投标邀请书 went out (87号令 14): the bidding period may start."""
    return Prequalification.objects.filter(project=project, status=c.PrequalStatus.INVITED).exists()


def require_invitation(project: Project) -> None:
    """`project_publish` of a method that invites: only once the 投标邀请书 went out — the
    bidding period (法 35: 20 d) runs from them, never from a public notice (法 34; 87号令 14)."""
    if invites_only(project) and not invitation_sent(project):
        raise Conflict(
            "邀请招标须先经资格预审、随机抽取并发出投标邀请书（法 34；87号令 14）",
            code=c.ERR_INVITATION_REQUIRED,
        )


# Who may take part in a project that invites: the bidding app, which holds the invitations,
# registers its check in its AppConfig.ready() (`bidding.services.invitation_problem`).
AdmissionGate = Callable[[Project, Organization], DomainError | None]
_admission_gates: list[AdmissionGate] = []


def register_admission_gate(gate: AdmissionGate) -> None:
    if gate not in _admission_gates:
        _admission_gates.append(gate)


def require_admitted(project: Project, supplier: Organization) -> None:
    """Raise the first refusal of a registered gate (e.g. not invited to a 邀请招标)."""
    for gate in _admission_gates:
        refusal = gate(project, supplier)
        if refusal is not None:
            raise refusal


def prequal_public(pq: Prequalification) -> bool:
    """A published 资格预审公告 is public (87号令 16; rules.md §7)."""
    return pq.notice_id is not None


def access_prequal(*, user: User, pk: int, action: access.Action = "view") -> Prequalification:
    """The call by its id: the agency manages it; the purchaser, regulators and supervisors of
    the project see it; suppliers see calls whose notice is published."""
    pq = (
        Prequalification.objects.select_related("project__purchaser", "project__agency")
        .filter(pk=pk)
        .first()
    )
    if pq is None:
        raise NotFound("资格预审不存在")
    if user.role == Role.SUPPLIER and action == "view":
        if not prequal_public(pq):
            raise NotFound("资格预审不存在")
        return pq
    access.access_project(user=user, pk=pq.project_id, action=action)
    return pq


def prequal_for_project(*, user: User, project_pk: int) -> Prequalification | None:
    project = access.access_project(user=user, pk=project_pk)
    return prequal_of(project)


def prequals_open_to_suppliers() -> list[Prequalification]:
    """Calls accepting applications, newest first (the supplier's list)."""
    return list(
        Prequalification.objects.select_related("project__purchaser", "project__agency")
        .filter(status=c.PrequalStatus.OPEN, notice__isnull=False)
        .order_by("-published_at", "-id")
    )
