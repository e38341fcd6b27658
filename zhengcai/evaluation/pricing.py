"""Evaluated prices of the valid bids (46号 9; 19号; 87号令 54–55) and, under 全生命周期成本法, the
life-cycle cost on the documents' service life and discount rate (seed 004). The bid price
itself never changes.

The SME price deduction depends on the bid's 中小企业声明函 as
`bidding.selectors.sme_declaration` judges it (财库〔2020〕46号 4): only a complete declaration
gives its supplier the SME (or 监狱企业 / 残疾人福利性单位) status; for goods every item must be
made by an SME. The partial rate for a consortium or subcontract share (46号 9) needs those
shares declared completely. A size typed
into `declarations.sme_size` alone gives nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhengcai.bidding import selectors as bidding_selectors
from zhengcai.bidding.models import Bid
from zhengcai.evaluation import rules
from zhengcai.evaluation.models import Evaluation

HUNDRED = Decimal("100")


def policy_facts(bid: Bid) -> rules.BidPolicyFacts:
    """The bidder as the SME rules see it, from its declaration (46号 4, 9)."""
    decl = bidding_selectors.sme_declaration(bid)
    if decl.complete:
        consortium = tuple(
            rules.Firm(size=m.size or "large", share=(m.share or Decimal("0")) / HUNDRED)
            for m in decl.consortium
        )
        subcontracts = decl.small_micro_share if not consortium else Decimal("0")
        bidder = rules.Firm(
            size=decl.size if decl.size else "large",
            prison_enterprise=decl.prison_enterprise,
            welfare_unit=decl.disabled_welfare,
        )
        special = decl.prison_enterprise or decl.disabled_welfare
        return rules.BidPolicyFacts(
            bidder=bidder,
            consortium=consortium,
            subcontract_small_share=subcontracts / HUNDRED,
            goods_all_by_sme=decl.goods_all_by_sme or special,
        )
    if decl.shares_complete:  # a large supplier or member: the small/micro shares only
        consortium = tuple(
            rules.Firm(size=m.size or "large", share=(m.share or Decimal("0")) / HUNDRED)
            for m in decl.consortium
        )
        return rules.BidPolicyFacts(
            bidder=rules.Firm(size="large"),
            consortium=consortium,
            subcontract_small_share=(
                Decimal("0") if consortium else decl.small_micro_share / HUNDRED
            ),
            goods_all_by_sme=decl.goods_all_by_sme,
        )
    return rules.BidPolicyFacts(bidder=rules.Firm(size="large"), goods_all_by_sme=False)


def price_facts(ev: Evaluation, *, life_cycle: bool) -> None:
    pol = ev.policy
    project_policy = rules.ProjectPolicy(
        on=dt.date.fromisoformat(pol["on"]),
        works=bool(pol["works"]),
        reserved_for_sme=bool(pol["reserved_for_sme"]),
        small_micro_rate=Decimal(pol["small_micro_rate"]),
        partial_rate=Decimal(pol["partial_rate"]),
    )
    doc = ev.project.document
    bids = ev.bids.filter(valid=True).select_related("bid__participation__project")
    for rb in bids.order_by("pk"):
        evaluated = rules.evaluate_bid(
            rb.pk, rb.opening_price, policy_facts(rb.bid), project_policy
        )
        rb.evaluated_price = evaluated.evaluated_price
        rb.extra_points = evaluated.extra_points
        rb.deductions = [
            {"code": d.code, "rate": str(d.rate), "amount": str(d.amount), "citation": d.citation}
            for d in evaluated.deductions
        ]
        if life_cycle:
            cost, problem = rules.life_cycle_from_schedule(
                (rb.bid.schedule or {}).get("life_cycle"),
                purchase=evaluated.evaluated_price,
                service_life=doc.service_life_years,
                discount_rate=doc.life_cycle_discount_rate,
            )
            rb.life_cycle_cost = cost
            if problem:  # a substantive requirement of the documents not met (87号令 63)
                rb.valid = False
                rb.reason_invalid = f"{problem}（全生命周期成本法；87号令 63）"
        rb.save(
            update_fields=[
                *("evaluated_price", "extra_points", "deductions", "life_cycle_cost"),
                *("valid", "reason_invalid"),
            ]
        )
