"""Writes of the bidding app, one topic module per aggregate (design §4 rules 2 and 8):

* `keys` — supplier signing keys and the demo signer;
* `windows` — submission windows, their opening keys and the opening custodian;
* `participation` — registration, and exclusion from the talks;
* `bonds` — bid security: recording, refund scheduling, refund;
* `submission` — sealed envelopes and their withdrawal;
* `opening` — the opening, objections, the signed record;
* `rounds` — 谈判/磋商 rounds and final quotations.

Every status changes through the aggregate's machine in `machines` (core.transitions): locked,
checked against the TRANSITIONS table, saved and audited in one transaction. The names below
are the app's public services; callers import them from here."""

from zhengcai.bidding.services.bonds import (
    bond_contract_signed,
    bond_record,
    bond_refund,
    bond_refund_schedule,
    bond_withdrawal_refund,
    bonds_schedule_for_lot_end,
    bonds_schedule_for_project_end,
)
from zhengcai.bidding.services.common import supplier_org
from zhengcai.bidding.services.keys import (
    demo_signer,
    demo_signer_enabled,
    key_create_demo,
    key_register,
)
from zhengcai.bidding.services.machines import BID, BOND, OPENING, PARTICIPATION, WINDOW
from zhengcai.bidding.services.opening import (
    OpeningResult,
    document_plaintext,
    objection_answer,
    objection_raise,
    opening_sign,
    opening_start,
)
from zhengcai.bidding.services.participation import (
    participation_eliminate,
    participation_register,
)
from zhengcai.bidding.services.prequal import (
    APPLICATION,
    DrawCheck,
    application_review,
    application_submit,
    draw_verify,
    invitation_problem,
    invitations_send,
    prequal_review_close,
    supplier_draw,
)
from zhengcai.bidding.services.rounds import final_quote_submit, round_create, round_open
from zhengcai.bidding.services.submission import (
    EvidenceIn,
    FileIn,
    Submitted,
    bid_submit,
    bid_withdraw,
)
from zhengcai.bidding.services.windows import (
    CUSTODIAN,
    Custodian,
    bid_window,
    opening_private_key,
)

__all__ = [
    "APPLICATION",
    "BID",
    "BOND",
    "CUSTODIAN",
    "OPENING",
    "PARTICIPATION",
    "WINDOW",
    "Custodian",
    "DrawCheck",
    "EvidenceIn",
    "FileIn",
    "OpeningResult",
    "Submitted",
    "application_review",
    "application_submit",
    "bid_submit",
    "bid_window",
    "bid_withdraw",
    "bond_contract_signed",
    "bond_record",
    "bond_refund",
    "bond_refund_schedule",
    "bond_withdrawal_refund",
    "bonds_schedule_for_lot_end",
    "bonds_schedule_for_project_end",
    "demo_signer",
    "demo_signer_enabled",
    "document_plaintext",
    "draw_verify",
    "final_quote_submit",
    "invitation_problem",
    "invitations_send",
    "key_create_demo",
    "key_register",
    "objection_answer",
    "objection_raise",
    "opening_private_key",
    "opening_sign",
    "opening_start",
    "participation_eliminate",
    "participation_register",
    "prequal_review_close",
    "round_create",
    "round_open",
    "supplier_draw",
    "supplier_org",
]
