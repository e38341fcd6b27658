"""Reads behind the bidding pages: the project list, a project's bid page, keys, openings."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.bidding import constants as c
from zhengcai.bidding.models import Bid, Opening, Participation, SubmissionWindow, SupplierKey
from zhengcai.tenders.constants import ProjectStatus
from zhengcai.tenders.models import Lot, Project

# Statuses in which a supplier sees a project on the bidding home page.
SUPPLIER_VISIBLE = (
    ProjectStatus.PUBLISHED,
    ProjectStatus.BIDDING_CLOSED,
    ProjectStatus.OPENED,
    ProjectStatus.EVALUATING,
)
LIVE = (c.BidStatus.SUBMITTED, c.BidStatus.OPENED, c.BidStatus.FLAGGED)


def projects_for(user: User, *, limit: int = 50) -> list[Project]:
    """Projects with a bid deadline the user may see on the bidding home page, latest
    deadline first: the agency's and the purchaser's own, the published ones for suppliers,
    the region's for supervisors and regulators, all for admins."""
    qs = Project.objects.select_related("purchaser__region", "agency").exclude(bid_deadline=None)
    if user.role == Role.AGENCY:
        qs = qs.filter(agency_id=user.organization_id)
    elif user.role == Role.PURCHASER:
        qs = qs.filter(purchaser_id=user.organization_id)
    elif user.role == Role.SUPPLIER:
        qs = qs.filter(status__in=SUPPLIER_VISIBLE)
    elif user.role in {Role.SUPERVISOR, Role.REGULATOR} and user.region is not None:
        qs = qs.filter(purchaser__region__path__startswith=user.region.path)
    elif user.role != Role.ADMIN:
        qs = qs.none()
    return list(qs.order_by("-bid_deadline", "pk")[:limit])


def participated_project_ids(user: User) -> set[int]:
    if user.role != Role.SUPPLIER or not user.organization_id:
        return set()
    return set(
        Participation.objects.filter(supplier_id=user.organization_id).values_list(
            "project_id", flat=True
        )
    )


def took_part(user: User, project_id: int) -> bool:
    """Whether the supplier user's organization took part in the project: one EXISTS query
    (not the set of every project it took part in)."""
    if user.role != Role.SUPPLIER or not user.organization_id:
        return False
    return Participation.objects.filter(
        supplier_id=user.organization_id, project_id=project_id
    ).exists()


def window_opening(window: SubmissionWindow) -> Opening | None:
    return Opening.objects.filter(window=window).first()


def final_windows(project: Project) -> list[SubmissionWindow]:
    return list(
        SubmissionWindow.objects.filter(project=project, kind=c.WindowKind.FINAL_QUOTE).order_by(
            "round_no"
        )
    )


def bid_window_of(project: Project) -> SubmissionWindow | None:
    """The project's bid window if it exists (read only: `services.bid_window` makes it)."""
    return SubmissionWindow.objects.filter(project=project, kind=c.WindowKind.BID).first()


def responses_opened(project: Project) -> bool:
    window = bid_window_of(project)
    return bool(window and window.status == c.WindowStatus.OPENED)


def signing_keys(user: User, *, active_only: bool = False) -> QuerySet[SupplierKey]:
    """The user's organization's signing keys (none for anyone but a supplier)."""
    if user.role != Role.SUPPLIER or not user.organization_id:
        return SupplierKey.objects.none()
    qs = SupplierKey.objects.filter(organization_id=user.organization_id)
    return qs.filter(is_active=True) if active_only else qs


@dataclass
class SupplierBidPage:
    """What a supplier's bid page shows: its participations with their live envelope in the
    bid window (the receipt, never the content), and the lots it may still register for."""

    parts: list[tuple[Participation, Bid | None]]
    free_lots: list[Lot]


def supplier_bid_page(project: Project, user: User, window: SubmissionWindow) -> SupplierBidPage:
    parts = list(
        Participation.objects.filter(project=project, supplier_id=user.organization_id or 0)
        .select_related("lot")
        .order_by("lot__number")
    )
    live = {
        b.participation_id: b
        for b in Bid.objects.filter(
            participation__in=parts, window=window, status__in=LIVE
        ).select_related("receipt")
    }
    taken = [p.lot_id for p in parts]
    free = list(Lot.objects.filter(project=project).exclude(pk__in=taken).order_by("number"))
    return SupplierBidPage(parts=[(p, live.get(p.pk)) for p in parts], free_lots=free)


def opened_bids(project: Project) -> list[Bid]:
    """The opened bids of a project with their upload evidence and documents (after the
    opening only: nothing else has a status of 已开启)."""
    return list(
        Bid.objects.filter(
            window__project=project, status__in=[c.BidStatus.OPENED, c.BidStatus.FLAGGED]
        )
        .select_related("participation__supplier", "participation__lot", "evidence")
        .prefetch_related("documents")
        .order_by("participation__lot__number", "pk")
    )
