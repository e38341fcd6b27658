"""Web pages of bidding, one view function per operation (thin: access_*, one service,
render): `pages` (project list, bid page and opening room, receipt, watch fragment, evidence),
`keys`, `bids` (register, submit, withdraw), `openings` (open, object, answer, sign),
`rounds` (page, open a round, eliminate, final quotation), `bonds` (page, refund, contract),
`prequal` (邀请招标: prequalification desk, review, draw, invitations; supplier apply)."""

from zhengcai.bidding.views.bids import register, submit, withdraw
from zhengcai.bidding.views.bonds import bond_contract_signed, bond_refund, bonds
from zhengcai.bidding.views.keys import key_create_demo, key_register, keys
from zhengcai.bidding.views.openings import (
    objection_answer,
    objection_raise,
    opening_sign,
    opening_start,
)
from zhengcai.bidding.views.pages import (
    evidence_page,
    home,
    opening_live,
    project_page,
    receipt,
)
from zhengcai.bidding.views.prequal import (
    prequal_apply,
    prequal_calls,
    prequal_close,
    prequal_desk,
    prequal_draw,
    prequal_invite,
    prequal_page,
    prequal_publish,
    prequal_review,
)
from zhengcai.bidding.views.rounds import (
    final_submit,
    participation_eliminate,
    round_open,
    rounds_page,
)

__all__ = [
    "bond_contract_signed",
    "bond_refund",
    "bonds",
    "evidence_page",
    "final_submit",
    "home",
    "key_create_demo",
    "key_register",
    "keys",
    "objection_answer",
    "objection_raise",
    "opening_live",
    "opening_sign",
    "opening_start",
    "participation_eliminate",
    "prequal_apply",
    "prequal_calls",
    "prequal_close",
    "prequal_desk",
    "prequal_draw",
    "prequal_invite",
    "prequal_page",
    "prequal_publish",
    "prequal_review",
    "project_page",
    "receipt",
    "register",
    "round_open",
    "rounds_page",
    "submit",
    "withdraw",
]
