"""Bidding API: keys, registration, sealed bids and receipts, bonds (refunds after the award
and the contract), opening, objections, 谈判/磋商 rounds with sealed final quotations, and
evidence. Handlers are thin: parse, access_*, one service, answer. One router; the topic
modules (`bids`, `openings`, `rounds`, `bonds`) add their routes to it in this order."""

from zhengcai.bidding.api import bids, bonds, openings, prequal, rounds  # noqa: F401  (routes)
from zhengcai.bidding.api.common import router

__all__ = ["router"]
