"""Reads of the bidding app, one topic module each: `pages` (what the pages list and show),
`evidence` (bid-rigging signals), `rounds` (谈判/磋商 rounds), `bonds` (bid security),
`declarations` (the 中小企业声明函). Callers import the names from here."""

from zhengcai.bidding.selectors.bonds import (
    BondGroup,
    BondRow,
    bond_groups,
    bond_page,
    bond_row,
    bond_rows,
    bonds_overdue,
    bonds_visible,
)
from zhengcai.bidding.selectors.declarations import sme_declaration
from zhengcai.bidding.selectors.evidence import SIGNALS, EvidencePair, evidence_pairs
from zhengcai.bidding.selectors.pages import (
    SupplierBidPage,
    bid_window_of,
    final_windows,
    opened_bids,
    participated_project_ids,
    projects_for,
    responses_opened,
    signing_keys,
    supplier_bid_page,
    took_part,
    window_opening,
)
from zhengcai.bidding.selectors.rounds import (
    LotRounds,
    RoundRecipient,
    RoundView,
    negotiation_view,
)

__all__ = [
    "SIGNALS",
    "BondGroup",
    "BondRow",
    "EvidencePair",
    "LotRounds",
    "RoundRecipient",
    "RoundView",
    "SupplierBidPage",
    "bid_window_of",
    "bond_groups",
    "bond_page",
    "bond_row",
    "bond_rows",
    "bonds_overdue",
    "bonds_visible",
    "evidence_pairs",
    "final_windows",
    "negotiation_view",
    "opened_bids",
    "participated_project_ids",
    "projects_for",
    "responses_opened",
    "signing_keys",
    "sme_declaration",
    "supplier_bid_page",
    "took_part",
    "window_opening",
]
