"""The evaluation methods beyond 综合评分法 / 最低评标价法 under 公开招标, end to end through the
services (builders.evaluation_ready): 全生命周期成本法, 合理定价评审抽签法 (seed 001),
竞争性磋商 with a 3-expert panel on the final quotations (214号 25), 竞争性谈判 (最低报价)."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import pytest

from zhengcai.bidding.constants import WindowKind
from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import rules
from zhengcai.evaluation import services as s
from zhengcai.evaluation.models import Evaluation
from zhengcai.evaluation.tests.builders import (
    PASSWORD,
    Ready,
    chair,
    declared,
    evaluation_ready,
    review_all,
)
from zhengcai.tenders.constants import LotStatus

pytestmark = pytest.mark.django_db


def start(r: Ready, **open_kw: Any) -> Evaluation:
    ev = declared(r, **open_kw)
    clock.freeze(r.evaluation_at)
    return s.evaluation_start(actor=r.agency, evaluation=ev)


def reviewed(r: Ready, **open_kw: Any) -> Evaluation:
    ev = start(r, **open_kw)
    review_all(r, ev)
    return s.review_close(actor=chair(ev), evaluation=ev)


def sign_all(ev: Evaluation) -> Evaluation:
    for m in ev.members.filter(status="active"):
        s.report_sign(actor=m.user, evaluation=ev, agrees=True, password=PASSWORD)
    ev.refresh_from_db()
    return ev


def ordered(ev: Evaluation) -> list[int]:
    return list(ev.bids.filter(valid=True).order_by("order").values_list("pk", flat=True))


# --- 全生命周期成本法 --------------------------------------------------------------------------


def test_life_cycle_cost_ranks_by_the_bid_schedule_costs() -> None:
    running = ["60000", "30000", "20000"]
    r = evaluation_ready(
        method="life_cycle_cost",
        prices=["700000.00", "720000.00", "740000.00"],
        sizes=["", "", ""],
        schedules=[
            # the bidder's own discount rate is ignored: the documents publish 5% (builders)
            {"life_cycle": {"annual_running": [x] * 5, "disposal": "5000", "discount_rate": "0.5"}}
            for x in running
        ],
    )
    ev = reviewed(r)
    assert ev.method == "life_cycle_cost"
    # no subjective factors: straight to CONCLUDING
    assert ev.status == c.EvaluationStatus.CONCLUDING
    bids = list(ev.bids.order_by("pk"))
    expected = {
        rb.pk: rules.life_cycle_cost(
            rules.LifeCycle(
                purchase=rb.opening_price,
                annual_running=[Decimal(x)] * 5,
                disposal=Decimal("5000"),
                discount_rate=Decimal("0.05"),
            )
        )
        for rb, x in zip(bids, running, strict=True)
    }
    assert {rb.pk: rb.life_cycle_cost for rb in bids} == expected
    ev = s.evaluation_conclude(actor=chair(ev), evaluation=ev)
    want = [r.bidder_id for r in rules.rank_life_cycle(expected)]
    assert ordered(ev) == want
    # the cheapest to buy is the dearest over its life: the ranking is not the price order
    assert want == [bids[2].pk, bids[1].pk, bids[0].pk]
    assert s.candidates(ev)[0].supplier_id == r.supplier_orgs[2].pk


def test_life_cycle_bid_without_the_required_cost_schedule_does_not_conform() -> None:
    """The documents require 5 years of running costs (seed 004): a bid with none, or with 3,
    is invalid (87号令 63) — not scored on its purchase price alone, and counted before the
    minimum of conforming bids is checked."""
    r = evaluation_ready(
        method="life_cycle_cost",
        prices=["700000.00", "720000.00", "740000.00"],
        sizes=["", "", ""],
        schedules=[
            {"life_cycle": {"annual_running": ["1000"] * 5, "disposal": "0"}},
            {"life_cycle": {"annual_running": ["1000"] * 3, "disposal": "0"}},
            {},
        ],
    )
    ev = reviewed(r)
    bids = list(ev.bids.order_by("pk"))
    assert bids[0].valid and bids[0].life_cycle_cost is not None
    assert not bids[1].valid and "使用寿命逐年报价 5 年（现为 3 年）" in bids[1].reason_invalid
    assert not bids[2].valid and "未按采购文件提交全生命周期成本报价表" in bids[2].reason_invalid
    assert bids[2].life_cycle_cost is None
    # one conforming bid is left: fewer than the minimum, the lot fails (法 36)
    assert ev.status == c.EvaluationStatus.FAILED


# --- 合理定价评审抽签法 (seed 001) -------------------------------------------------------------


def test_reasonable_price_lottery_with_the_committed_seed(settings: Any) -> None:
    # a local rule for works, enabled for the test province (methods.local; 87号令 53)
    row = {
        "region_code": "330000",
        "evaluation_method": "reasonable_price_lottery",
        "basis": "测试：工程类合理定价评审抽签法",
        "effective_from": "2026-01-01",
    }
    settings.ZHENGCAI = {**settings.ZHENGCAI, "LOCAL_EVALUATION_RULES": [row]}
    r = evaluation_ready(
        method="reasonable_price_lottery",
        bidders=4,
        sizes=["", "", "", ""],
        schedules=[
            {"accept_reasonable_price": True},
            {"accept_reasonable_price": True},
            {"accept_reasonable_price": True},
            {},
        ],
    )
    # the published discount is required and must be a rate in [0, 1)
    for bad in (None, "1.2", "x"):
        before = AuditEntry.objects.count()
        with pytest.raises(DomainError) as info:
            s.evaluation_open(actor=r.agency, lot=r.lot, draw=r.draw, lottery_discount=bad)
        assert info.value.code == c.ERR_LOTTERY_TERMS
        assert AuditEntry.objects.count() == before and not Evaluation.objects.exists()
    ev = reviewed(r, lottery_discount="0.08")
    assert ev.policy["reasonable_price"] == "736000.00"  # 800000 × (1 − 8%)
    assert ev.status == c.EvaluationStatus.CONCLUDING
    bids = list(ev.bids.order_by("pk"))
    refused = bids[3]
    assert not refused.valid and "合理价" in refused.reason_invalid
    committed = ev.seed_hash
    ev = s.evaluation_conclude(actor=chair(ev), evaluation=ev)
    seed = ev.revealed_seed
    assert seed is not None and hashlib.sha256(seed.encode()).hexdigest() == committed
    # anyone re-runs the lottery from the revealed seed and gets the same order and winner
    rerun = rules.reasonable_price_lottery(
        reviewed_budget=Decimal("800000.00"),
        discount=Decimal("0.08"),
        accepting_ids=[rb.pk for rb in bids[:3]],
        seed=seed,
    )
    assert ordered(ev) == list(rerun.order)
    winner = ev.bids.get(order=1)
    assert winner.pk == rerun.winner and winner.evaluated_price == Decimal("736000.00")
    # the lottery depends on the seed: a different seed gives a different order for some seed
    others = {
        rules.reasonable_price_lottery(
            reviewed_budget=Decimal("800000.00"),
            discount=Decimal("0.08"),
            accepting_ids=[rb.pk for rb in bids[:3]],
            seed=f"{i:064x}",
        ).order
        for i in range(12)
    }
    assert len(others) > 1
    ev = sign_all(ev)
    s.award_confirm(actor=r.purchaser, evaluation=ev, supplier=winner.supplier)
    r.lot.refresh_from_db()
    assert r.lot.status == LotStatus.AWARDED


# --- 竞争性磋商: 3-expert panel, final quotations, 214号 25 order ------------------------------


def test_consultation_panel_scores_the_final_quotations() -> None:
    r = evaluation_ready(
        project_method="consultation",
        method="comprehensive",
        sizes=["", "", ""],
        prices=["780000.00", "770000.00", "760000.00"],
        final_prices=["735000.00", "735000.00", "720000.00"],
    )
    assert r.window.kind == WindowKind.FINAL_QUOTE
    ev = start(r)
    assert ev.procedure == "non_tender" and ev.window_id == r.window.pk
    assert ev.members.count() == 3  # 74号令 7; 214号 14: odd, at least 3
    bids = list(ev.bids.order_by("pk"))
    assert [rb.opening_price for rb in bids] == [Decimal(x) for x in r.extra["final_prices"]]
    assert {rb.bid.window_id for rb in bids} == {r.window.pk}
    # non-tender: the panel itself does the qualification review
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError):
        s.check_record(actor=r.agency, reviewed_bid=bids[0], stage="qualification", passed=True)
    assert AuditEntry.objects.count() == before
    review_all(r, ev)
    ev = s.review_close(actor=chair(ev), evaluation=ev)
    assert ev.status == c.EvaluationStatus.SCORING
    # A and B: equal final quote and equal total, A better on 技术方案 → A first (214号 25)
    sheets = [{"技术方案": "30", "售后服务": "10"}, {"技术方案": "25", "售后服务": "15"}]
    sheets.append({"技术方案": "20", "售后服务": "10"})
    for m in ev.members.all():
        for rb, sheet in zip(bids, sheets, strict=True):
            s.score_submit(actor=m.user, reviewed_bid=rb, scores=sheet)
    ev = s.scoring_close(actor=chair(ev), evaluation=ev)
    ev = s.evaluation_conclude(actor=chair(ev), evaluation=ev)
    rows = {rb.pk: rb for rb in ev.bids.all()}
    a, b, low = (rows[rb.pk] for rb in bids)
    assert a.total_score == b.total_score and a.opening_price == b.opening_price
    assert a.technical_score == Decimal("30.00") and b.technical_score == Decimal("25.00")
    assert low.price_score == Decimal("40.00")  # 214号 24: lowest final quote is the base
    assert ordered(ev) == [a.pk, b.pk, low.pk]
    assert not a.tied and not b.tied and (a.rank, b.rank) == (1, 2)


# --- 竞争性谈判: lowest final quotation ------------------------------------------------------


def test_negotiation_lowest_final_quotation_wins() -> None:
    r = evaluation_ready(
        project_method="negotiation",
        method="lowest_quote",
        sizes=["", "", ""],
        prices=["760000.00", "742000.00", "735000.00"],
        final_prices=["700000.00", "690000.00", "710000.00"],
    )
    ev = reviewed(r)
    assert ev.method == "lowest_quote" and ev.procedure == "non_tender"
    assert ev.status == c.EvaluationStatus.CONCLUDING
    ev = s.evaluation_conclude(actor=chair(ev), evaluation=ev)
    bids = list(ev.bids.order_by("pk"))
    # the first responses ranked the third supplier first; the final quotations decide
    assert ordered(ev) == [bids[1].pk, bids[0].pk, bids[2].pk]
    ev = sign_all(ev)
    assert ev.status == c.EvaluationStatus.SIGNED
    s.award_confirm(actor=r.purchaser, evaluation=ev, supplier=bids[1].supplier)
    r.lot.refresh_from_db()
    assert r.lot.status == LotStatus.AWARDED
    # the tenders lot door refuses a second outcome and leaves the lot unchanged
    from zhengcai.tenders import services as tenders

    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        tenders.lot_transition(actor=r.agency, lot=r.lot, to_status=LotStatus.FAILED)
    assert info.value.code == "bad_transition" and AuditEntry.objects.count() == before
    r.lot.refresh_from_db()
    assert r.lot.status == LotStatus.AWARDED
    assert AuditEntry.objects.filter(action="lot.awarded", object_id=str(r.lot.pk)).count() == 1


def test_consultation_with_two_suppliers_on_a_recorded_basis_goes_on() -> None:
    """竞争性磋商 on a two-supplier basis (214号 21 ¶3): a panel of three evaluates two final
    quotations; the minimum comes from tenders.rules.min_suppliers_to_continue."""
    from zhengcai.evaluation.tests.builders import chair, declared, review_all

    r = evaluation_ready(project_method="consultation", bidders=2, two_supplier_basis="research")
    assert r.project.two_supplier_basis == "research"
    ev = declared(r)
    assert ev.members.count() == 3 and ev.bids.count() == 2
    clock.freeze(r.evaluation_at)
    ev = s.evaluation_start(actor=r.agency, evaluation=ev)
    review_all(r, ev)
    ev = s.review_close(actor=chair(ev), evaluation=ev)
    assert ev.status == c.EvaluationStatus.SCORING, ev.outcome
