"""The state machines of the bidding aggregates (design §4 rule 2): each declared once from its
TRANSITIONS table (`constants`), and the only way any of their statuses changes. A row is born
in its initial status (`objects.create(status=...)`); every later change is a `move` — locked,
checked against the table, saved and audited in the caller's transaction (core.transitions).

Audit actions: a move names the service's action where one existed before (for instance
`bidding.bid_withdraw`, `bidding.opening_sign`); otherwise `<action>.<to>` (for instance
`bidding.window.opened`, `bidding.bid.opened`)."""

from __future__ import annotations

from zhengcai.bidding import constants as c
from zhengcai.bidding.models import Bid, BidBond, Opening, Participation, SubmissionWindow
from zhengcai.core import transitions

WINDOW = transitions.register(
    transitions.Machine(
        SubmissionWindow,
        c.WINDOW_TRANSITIONS,
        what="递交窗口",
        action="bidding.window",
        labels=c.WindowStatus,
    )
)

PARTICIPATION = transitions.register(
    transitions.Machine(
        Participation,
        c.PARTICIPATION_TRANSITIONS,
        what="报名",
        action="bidding.participation",
        labels=c.ParticipationStatus,
    )
)

BID = transitions.register(
    transitions.Machine(
        Bid, c.BID_TRANSITIONS, what="投标文件", action="bidding.bid", labels=c.BidStatus
    )
)

BOND = transitions.register(
    transitions.Machine(
        BidBond, c.BOND_TRANSITIONS, what="投标保证金", action="bidding.bond", labels=c.BondStatus
    )
)

OPENING = transitions.register(
    transitions.Machine(
        Opening,
        c.OPENING_TRANSITIONS,
        what="开标记录",
        action="bidding.opening",
        labels=c.OpeningStatus,
    )
)
