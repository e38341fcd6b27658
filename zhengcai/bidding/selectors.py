"""Reads of the bidding app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import combinations

from django.db.models import QuerySet

from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import Organization, User
from zhengcai.bidding import constants as c
from zhengcai.bidding import rules
from zhengcai.bidding.models import (
    Bid,
    BidBond,
    NegotiationRound,
    Opening,
    Participation,
    SubmissionWindow,
)
from zhengcai.core import clock
from zhengcai.tenders.models import Lot, Project


@dataclass
class EvidencePair:
    a: str
    b: str
    lot: int
    reasons: list[str]


SIGNALS = (
    ("ip", "上传 IP 相同（87号令 37(1)(2)）"),
    ("fingerprint", "客户端指纹（机器特征）相同（87号令 37(1)(2)）"),
    ("digest", "文件摘要相同（87号令 37(4)）"),
    ("author", "文件作者/编制人相同（87号令 37(1)）"),
    ("company", "文件所属单位属性相同（87号令 37(1)）"),
    ("payer", "保证金付款账户相同（87号令 37(6)）"),
)


def _features(bid: Bid) -> dict[str, set[str]]:
    f: dict[str, set[str]] = {k: set() for k, _ in SIGNALS}
    ev = getattr(bid, "evidence", None)
    if ev is not None:
        if ev.ip:
            f["ip"].add(ev.ip)
        if ev.fingerprint:
            f["fingerprint"].add(ev.fingerprint)
    for doc in bid.documents.all():
        if doc.kind == c.DocKind.FILE:
            meta = doc.meta or {}
            f["digest"].add(str(meta.get("sha256") or doc.digest))
            for field in ("author", "last_modified_by"):
                if meta.get(field):
                    f["author"].add(str(meta[field]).strip().lower())
            if meta.get("company"):
                f["company"].add(str(meta["company"]).strip().lower())
    bond = getattr(bid.participation, "bond", None)
    if bond is not None and bond.payer_account:
        f["payer"].add(bond.payer_account.replace(" ", ""))
    return f


def evidence_pairs(project: Project) -> list[EvidencePair]:
    """Pairs of opened bids in the same lot sharing an IP, fingerprint, file digest, author or
    bond account: reasons to review, never findings (redflags.md §5)."""
    bids = list(
        Bid.objects.filter(
            window__project=project, status__in=[c.BidStatus.OPENED, c.BidStatus.FLAGGED]
        )
        .select_related(
            "participation__supplier", "participation__lot", "participation__bond", "evidence"
        )
        .prefetch_related("documents")
        .order_by("participation__lot__number", "pk")
    )
    feats = {b.pk: _features(b) for b in bids}
    pairs = []
    for x, y in combinations(bids, 2):
        if (
            x.participation.lot_id != y.participation.lot_id
            or x.participation.supplier_id == y.participation.supplier_id
        ):
            continue
        reasons = [label for key, label in SIGNALS if feats[x.pk][key] & feats[y.pk][key]]
        if reasons:
            pairs.append(
                EvidencePair(
                    a=x.participation.supplier.name,
                    b=y.participation.supplier.name,
                    lot=x.participation.lot.number,
                    reasons=reasons,
                )
            )
    return pairs


# --- negotiation / consultation rounds -------------------------------------------------------


LIVE = [c.BidStatus.SUBMITTED, c.BidStatus.OPENED, c.BidStatus.FLAGGED]


@dataclass
class RoundRecipient:
    participation: Participation
    bid: Bid | None
    state: str  # submitted | opened | pending | missing | eliminated


@dataclass
class RoundView:
    round: NegotiationRound
    window: SubmissionWindow | None
    opening: Opening | None
    accepting: bool
    recipients: list[RoundRecipient] = field(default_factory=list)

    @property
    def missing(self) -> list[RoundRecipient]:
        return [r for r in self.recipients if r.state == "missing"]


@dataclass
class LotRounds:
    lot: Lot
    participations: list[Participation]
    rounds: list[RoundView]


def negotiation_view(
    project: Project, *, supplier_id: int | None, now: dt.datetime
) -> list[LotRounds]:
    """The rounds of each lot. For a supplier (`supplier_id`): only its own participations and
    only the rounds sent to it, with its own envelope. A recipient still in the talks without a
    final quotation at the deadline is `missing`: it does not count towards the final
    quotations the method needs (74号令 33; 214号 21) and the opening decides on the rest."""
    parts = list(
        Participation.objects.filter(project=project)
        .select_related("supplier", "lot")
        .order_by("lot__number", "registered_at")
    )
    if supplier_id is not None:
        parts = [p for p in parts if p.supplier_id == supplier_id]
    rounds = list(
        NegotiationRound.objects.filter(project=project)
        .select_related("final_window", "created_by")
        .order_by("lot__number", "number")
    )
    windows = [r.final_window_id for r in rounds if r.final_window_id]
    bids: dict[tuple[int, int], Bid] = {}
    for bid in Bid.objects.filter(window_id__in=windows, status__in=LIVE).select_related("receipt"):
        bids[(bid.window_id, bid.participation_id)] = bid
    openings = {o.window_id: o for o in Opening.objects.filter(window_id__in=windows)}
    by_supplier: dict[tuple[int, int], Participation] = {
        (p.lot_id, p.supplier_id): p for p in parts
    }
    out = []
    for lot in project.lots.order_by("number"):
        views = []
        for rnd in (r for r in rounds if r.lot_id == lot.pk):
            if supplier_id is not None and supplier_id not in rnd.recipients:
                continue
            window = rnd.final_window
            accepting = bool(
                window
                and window.status == c.WindowStatus.OPEN
                and rules.accepting(window.deadline, now)
            )
            view = RoundView(
                round=rnd,
                window=window,
                opening=openings.get(window.pk) if window else None,
                accepting=accepting,
            )
            for org_id in rnd.recipients:
                part = by_supplier.get((lot.pk, org_id))
                if part is None:
                    continue
                own: Bid | None = bids.get((window.pk, part.pk)) if window else None
                if own is not None:
                    state = "opened" if own.status != c.BidStatus.SUBMITTED else "submitted"
                elif part.status == c.ParticipationStatus.ELIMINATED:
                    state = "eliminated"
                elif window is None or accepting:
                    state = "pending"
                else:
                    state = "missing"
                view.recipients.append(RoundRecipient(part, own, state))
            views.append(view)
        out.append(
            LotRounds(
                lot=lot, participations=[p for p in parts if p.lot_id == lot.pk], rounds=views
            )
        )
    return out


# --- bid bonds -------------------------------------------------------------------------------


@dataclass
class BondRow:
    bond: BidBond
    project: Project
    lot: Lot
    supplier: Organization
    basis: str
    overdue: bool
    late: bool


def bonds_visible(user: User) -> QuerySet[BidBond]:
    """Bonds the user may see: the project's agency and purchaser, the supplier its own,
    regulators and supervisors their region, admins all."""
    qs = BidBond.objects.select_related(
        "participation__project__agency",
        "participation__project__purchaser__region",
        "participation__lot",
        "participation__supplier",
    )
    org = user.organization_id
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.AGENCY and org:
        return qs.filter(participation__project__agency_id=org)
    if user.role == Role.PURCHASER and org:
        return qs.filter(participation__project__purchaser_id=org)
    if user.role == Role.SUPPLIER and org:
        return qs.filter(participation__supplier_id=org)
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(
            participation__project__purchaser__region__path__startswith=user.region.path
        )
    return qs.none()


def bonds_overdue(*, today: dt.date) -> QuerySet[BidBond]:
    """逾期未退: paid bonds whose refund day has passed (条例 33; 87号令 38). The flag is
    computed from the clock at read time, so no stored state can go stale."""
    return BidBond.objects.filter(status=c.BondStatus.PAID, refund_due__lt=today)


def bond_rows(qs: QuerySet[BidBond], *, today: dt.date) -> list[BondRow]:
    rows = []
    for bond in qs.order_by(
        "-participation__project__created_at", "participation__lot__number", "pk"
    ):
        part = bond.participation
        if bond.contract_signed_on:
            basis = "合同签订后5个工作日内（中标、成交供应商）"
        elif bond.refund_due:
            basis = "中标（成交）通知书发出后5个工作日内"
        else:
            basis = ""
        refunded_on = (
            bond.refunded_at.astimezone(clock.SHANGHAI).date() if bond.refunded_at else None
        )
        rows.append(
            BondRow(
                bond=bond,
                project=part.project,
                lot=part.lot,
                supplier=part.supplier,
                basis=basis,
                overdue=rules.bond_overdue(
                    status=bond.status, refund_due=bond.refund_due, today=today
                ),
                late=rules.bond_refunded_late(refund_due=bond.refund_due, refunded_on=refunded_on),
            )
        )
    return rows


def bond_page(
    qs: QuerySet[BidBond],
    *,
    today: dt.date,
    overdue_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[BondRow]]:
    """One page of `bond_rows` (the API's list) and the total count; `overdue_only` keeps the
    逾期未退 ones (the same test as `bonds_overdue`). Three queries whatever the page size."""
    if overdue_only:
        qs = qs.filter(status=c.BondStatus.PAID, refund_due__lt=today)
    ordered = qs.order_by("-participation__project__created_at", "participation__lot__number", "pk")
    total = ordered.count()
    pks = list(ordered.values_list("pk", flat=True)[offset : offset + limit])
    return total, bond_rows(qs.filter(pk__in=pks), today=today)
