"""谈判/磋商 rounds as each party sees them, with the final quotations' state."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhengcai.bidding import constants as c
from zhengcai.bidding import rules
from zhengcai.bidding.models import (
    Bid,
    NegotiationRound,
    Opening,
    Participation,
    SubmissionWindow,
)
from zhengcai.tenders.models import Lot, Project

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
