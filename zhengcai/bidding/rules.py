"""Pure rules of bidding: deadline, bid security, opening quorum. Each cites its article."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_DOWN, Decimal

from zhengcai.bidding.constants import OpeningOutcome
from zhengcai.core.workdays import WorkCalendar

BOND_MAX_RATE = Decimal("0.02")  # 条例 33: 投标保证金不得超过采购项目预算金额的 2%
BOND_REFUND_WORKING_DAYS = 5  # 条例 33; 87号令 38: 5 个工作日内退还

# ⚠ Configuration, not law read in the official text (rules.md §4.7, Appendix B): many
# provinces reduce or waive bid security for SMEs, prison enterprises and disabled-welfare
# units (they count as small/micro). The factor multiplies the lot's required security.
BOND_FACTORS: dict[str, Decimal] = {
    "": Decimal("1"),
    "medium": Decimal("1"),
    "small": Decimal("0.5"),
    "micro": Decimal("0"),
    "prison_enterprise": Decimal("0"),
    "disabled_welfare": Decimal("0"),
}


def accepting(deadline: dt.datetime, now: dt.datetime) -> bool:
    """Envelopes are received while now < deadline: the deadline instant itself is closed
    (87号令 33: 逾期送达的投标文件应当拒收). Opening is allowed from that instant on."""
    return now < deadline


def bond_cap(budget: Decimal) -> Decimal:
    """The highest bid security a project may ask (条例 33), rounded down to the fen."""
    return (budget * BOND_MAX_RATE).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def bond_required(
    lot_amount: Decimal, budget: Decimal, *, sme_size: str = "", special: str = ""
) -> Decimal:
    """What this supplier must lodge: the lot's amount (capped at 2%), times the reduction
    factor of its declaration (the most favourable one applies)."""
    base = min(lot_amount, bond_cap(budget))
    factor = min(BOND_FACTORS.get(sme_size, Decimal("1")), BOND_FACTORS.get(special, Decimal("1")))
    return (base * factor).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def bond_refund_due(cal: WorkCalendar, event_day: dt.date) -> dt.date:
    """5 working days after the triggering event (award notice, contract, withdrawal)."""
    return cal.add_working_days(event_day, BOND_REFUND_WORKING_DAYS)


def opening_outcome(count: int, minimum: int, method: str) -> str:
    """What a window with `count` valid envelopes leads to (rules.md §2, §4.5).

    * enough → open;
    * open/invited tender with exactly 2 → do not open; the project may continue only as
      竞争性谈判 with those 2 after approval (87号令 43; 74号令 27 ¶2) → needs_method_change;
    * otherwise fewer than the minimum → do not open, terminate and procure again
      (87号令 41; 74号令 37; 214号).
    """
    if count >= minimum:
        return OpeningOutcome.OPENED
    if method in {"open_tender", "invited_tender"} and count == 2:
        return OpeningOutcome.NEEDS_METHOD_CHANGE
    return OpeningOutcome.TERMINATE


def bond_overdue(*, status: str, refund_due: dt.date | None, today: dt.date) -> bool:
    """逾期未退: still held after its refund day (条例 33; 87号令 38). The refund day itself is
    within the 5 working days; from the next day on the refund is late and, by 87号令 38,
    carries interest at the PBoC benchmark lending rate plus 20%."""
    return status == "paid" and refund_due is not None and today > refund_due


def bond_refunded_late(*, refund_due: dt.date | None, refunded_on: dt.date | None) -> bool:
    """Refunded, but after its refund day (interest owed: 87号令 38)."""
    return refund_due is not None and refunded_on is not None and refunded_on > refund_due
