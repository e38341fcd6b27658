"""The one way to reach bidding objects (design §4 rule 6).

* suppliers: their own participations, bids and receipts — never any plaintext before opening;
* the project's agency: the windows and, once opened, the opening record and bids;
* purchaser of the project: the opening record once started;
* supervisors/regulators of the region, platform admins: read-only watch and evidence.
Nobody reaches a bid's content before its window is opened (services.document_plaintext)."""

from __future__ import annotations

from zhengcai.accounts.access import require_login
from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import User
from zhengcai.bidding import constants as c
from zhengcai.bidding import selectors
from zhengcai.bidding.models import (
    Bid,
    BidBond,
    NegotiationRound,
    Objection,
    Opening,
    Participation,
    SubmissionWindow,
    SupplierKey,
)
from zhengcai.core.errors import InvalidInput, NotFound, PermissionDenied
from zhengcai.tenders.models import Lot, Project


def can_watch(user: User, project: Project) -> bool:
    if user.role == Role.ADMIN:
        return True
    if user.role in REGIONAL_ROLES and user.region is not None:
        return user.region.contains(project.purchaser.region)
    return False


def project_role(user: User, project: Project) -> str | None:
    """'agency' | 'purchaser' | 'supplier' | 'watch' | None."""
    if user.role == Role.AGENCY and user.organization_id == project.agency_id:
        return "agency"
    if user.role == Role.PURCHASER and user.organization_id == project.purchaser_id:
        return "purchaser"
    if user.role == Role.SUPPLIER and user.organization_id:
        return "supplier"
    if can_watch(user, project):
        return "watch"
    return None


def access_project(*, user: User, pk: int) -> tuple[Project, str]:
    require_login(user)
    project = Project.objects.select_related("purchaser__region", "agency").filter(pk=pk).first()
    role = project_role(user, project) if project else None
    if project is None or role is None:
        raise NotFound("项目不存在或您无权查看")
    return project, role


def access_lot_for_supplier(*, user: User, pk: int) -> Lot:
    require_login(user)
    if user.role != Role.SUPPLIER:
        raise PermissionDenied("只有供应商可以报名投标")
    lot = Lot.objects.select_related("project").filter(pk=pk).first()
    if lot is None:
        raise NotFound("采购包不存在")
    return lot


def access_participation(*, user: User, pk: int) -> Participation:
    require_login(user)
    part = (
        Participation.objects.select_related("project", "lot", "supplier")
        .filter(pk=pk, supplier_id=user.organization_id)
        .first()
    )
    if part is None or user.role != Role.SUPPLIER:
        raise NotFound("报名记录不存在或您无权查看")
    return part


def access_bid(*, user: User, pk: int) -> Bid:
    """A supplier's own bid (its receipt and status; never its plaintext)."""
    require_login(user)
    bid = (
        Bid.objects.select_related("participation__supplier", "participation__project", "window")
        .filter(pk=pk)
        .first()
    )
    if (
        bid is None
        or user.role != Role.SUPPLIER
        or bid.participation.supplier_id != user.organization_id
    ):
        raise NotFound("投标不存在或您无权查看")
    return bid


def access_window(*, user: User, pk: int, action: str = "view") -> SubmissionWindow:
    require_login(user)
    window = (
        SubmissionWindow.objects.select_related("project__purchaser__region").filter(pk=pk).first()
    )
    if window is None:
        raise NotFound("递交窗口不存在")
    role = project_role(user, window.project)
    if role is None:
        raise NotFound("递交窗口不存在")
    if action == "open" and role != "agency":
        raise PermissionDenied("只有本项目的代理机构可以主持开标")
    return window


def access_opening(*, user: User, pk: int) -> tuple[Opening, str]:
    """The opening record: the agency, the purchaser, watchers and the window's bidders."""
    require_login(user)
    opening = (
        Opening.objects.select_related("window__project__purchaser__region").filter(pk=pk).first()
    )
    if opening is None:
        raise NotFound("开标记录不存在")
    role = project_role(user, opening.window.project)
    if (
        role == "supplier"
        and not opening.window.bids.filter(participation__supplier_id=user.organization_id).exists()
    ):
        role = None
    if role is None:
        raise NotFound("开标记录不存在或您无权查看")
    return opening, role


def access_objection(*, user: User, pk: int) -> Objection:
    obj = Objection.objects.select_related("opening__window__project").filter(pk=pk).first()
    if obj is None:
        raise NotFound("异议不存在")
    access_opening(user=user, pk=obj.opening_id)
    return obj


def access_evidence(*, user: User, pk: int) -> Project:
    """Evidence pairs: supervisors, regulators and admins, after the bid window is opened."""
    project, role = access_project(user=user, pk=pk)
    if role != "watch":
        raise PermissionDenied("串通投标线索仅向监督人员开放")
    opened = SubmissionWindow.objects.filter(
        project=project, kind=c.WindowKind.BID, status=c.WindowStatus.OPENED
    ).exists()
    if not opened:
        raise PermissionDenied("开标后方可查看", code=c.ERR_SEALED)
    return project


def access_bond(*, user: User, pk: int) -> BidBond:
    """One bid bond among those the user may see (selectors.bonds_visible): the project's
    agency and purchaser, the supplier its own, the region's watchers, admins. Who may refund
    it is the service's check (`not_bond_officer`)."""
    require_login(user)
    bond = selectors.bonds_visible(user).filter(pk=pk).first()
    if bond is None:
        raise NotFound("保证金记录不存在")
    return bond


def access_lot_bond(*, user: User, lot_id: int, supplier_id: int) -> BidBond:
    """The bond one supplier lodged for one lot, reached the same way as `access_bond`."""
    require_login(user)
    bond = (
        selectors.bonds_visible(user)
        .filter(participation__lot_id=lot_id, participation__supplier_id=supplier_id)
        .first()
    )
    if bond is None:
        raise NotFound("保证金记录不存在")
    return bond


def access_signing_key(*, user: User, key_id: str) -> SupplierKey:
    """One of the supplier's own signing keys, by its key id (422 `unknown_key` otherwise)."""
    require_login(user)
    key = None
    if user.role == Role.SUPPLIER and user.organization_id:
        key = SupplierKey.objects.filter(
            organization_id=user.organization_id, key_id=key_id
        ).first()
    if key is None:
        raise InvalidInput("请选择签名公钥", code=c.ERR_UNKNOWN_KEY)
    return key


def access_lot_of(*, project: Project, pk: int) -> Lot:
    """A lot of a project the caller already reached through `access_project`."""
    lot = Lot.objects.select_related("project").filter(project=project, pk=pk).first()
    if lot is None:
        raise NotFound("采购包不存在")
    return lot


def access_participation_of(*, project: Project, pk: int) -> Participation:
    """A participation in a project the caller already reached through `access_project`
    (the agency acting on the talks)."""
    part = (
        Participation.objects.select_related("project", "lot", "supplier")
        .filter(project=project, pk=pk)
        .first()
    )
    if part is None:
        raise NotFound("报名记录不存在")
    return part


def access_round(*, participation: Participation, pk: int) -> NegotiationRound:
    """A round of the project of the supplier's own participation (`access_participation`)."""
    rnd = (
        NegotiationRound.objects.select_related("final_window")
        .filter(pk=pk, project_id=participation.project_id)
        .first()
    )
    if rnd is None:
        raise NotFound("谈判/磋商轮次不存在")
    return rnd
