"""Reads of 邀请招标 on the suppliers' side: the agency's desk (applications, the draw, the
invitations), a supplier's own application and invitation, and the access to them."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.bidding.models import PrequalApplication, SupplierDraw, TenderInvitation
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.tenders import prequal_selectors
from zhengcai.tenders.access import can_manage
from zhengcai.tenders.models import Prequalification, Project


@dataclass
class Desk:
    """What the agency sees of a call."""

    prequal: Prequalification
    applications: list[PrequalApplication]
    draw: SupplierDraw | None
    invitations: list[TenderInvitation] = field(default_factory=list)


@dataclass
class SupplierView:
    prequal: Prequalification
    application: PrequalApplication | None
    invitation: TenderInvitation | None


def draw_of(pq: Prequalification) -> SupplierDraw | None:
    return SupplierDraw.objects.filter(prequal=pq).first()


def desk(pq: Prequalification) -> Desk:
    apps = list(
        PrequalApplication.objects.filter(prequal=pq).select_related("supplier").order_by("id")
    )
    invitations = list(
        TenderInvitation.objects.filter(project_id=pq.project_id)
        .select_related("supplier")
        .order_by("id")
    )
    return Desk(pq, apps, draw_of(pq), invitations)


def supplier_view(user: User, pq: Prequalification) -> SupplierView:
    org = user.organization_id
    return SupplierView(
        pq,
        PrequalApplication.objects.filter(prequal=pq, supplier_id=org).first(),
        TenderInvitation.objects.filter(
            project_id=pq.project_id, supplier_id=org, sent_at__isnull=False
        ).first(),
    )


def supplier_invitations(user: User) -> list[TenderInvitation]:
    """The 投标邀请书 a supplier received, newest first."""
    return list(
        TenderInvitation.objects.filter(supplier_id=user.organization_id, sent_at__isnull=False)
        .select_related("project")
        .order_by("-sent_at", "-id")
    )


def access_prequal(*, user: User, pk: int, action: str = "view") -> Prequalification:
    return prequal_selectors.access_prequal(
        user=user, pk=pk, action="manage" if action == "manage" else "view"
    )


def access_application(*, user: User, pk: int) -> PrequalApplication:
    """The agency of the project reviews an application."""
    app = PrequalApplication.objects.select_related("prequal__project").filter(pk=pk).first()
    if app is None:
        raise NotFound("资格预审申请不存在")
    if user.role != Role.AGENCY or not can_manage(user, app.prequal.project):
        raise PermissionDenied("只有本项目的代理机构可以审查资格预审申请")
    return app


def project_prequal(*, user: User, project: Project) -> Prequalification | None:
    return prequal_selectors.prequal_of(project)


def require_draw(pq: Prequalification) -> SupplierDraw:
    draw = draw_of(pq)
    if draw is None:
        raise NotFound("尚未抽取")
    return draw


def open_calls() -> list[Prequalification]:
    return prequal_selectors.prequals_open_to_suppliers()
