"""Evaluation rules: worked examples and properties (pure; no database)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal as D  # noqa: N817

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zhengcai.evaluation import rules as r
from zhengcai.experts.rules import committee_problems, seed_commitment
from zhengcai.methods import config as methods

SEED = "ab" * 32
AFTER_2022 = dt.date(2025, 3, 1)

# --- committee (87号令 47; 74号令 7) -------------------------------------------------------------


TENDER = methods.get("open_tender").panel
TALKS = methods.get("negotiation").panel
TWO_M = D("2000000.00")


@pytest.mark.parametrize(
    ("members", "experts", "budget", "complex_", "codes"),
    [
        (5, 4, D("3000000"), False, []),
        (5, 5, D("3000000"), False, []),
        (4, 4, D("3000000"), False, ["committee_even", "committee_too_small"]),
        (3, 3, D("3000000"), False, ["committee_too_small"]),
        (5, 3, D("3000000"), False, ["committee_expert_share"]),  # 3/5 < 2/3
        (7, 5, D("9999999.99"), False, []),  # 5/7 ≥ 2/3
        (5, 4, D("10000000.00"), False, ["committee_too_small"]),  # 1000万以上 includes it
        (5, 4, D("100"), True, ["committee_too_small"]),  # technically complex
        (7, 7, D("50000000"), False, []),
        (9, 6, D("50000000"), False, []),  # exactly 2/3
    ],
)
def test_tender_committee(
    members: int, experts: int, budget: D, complex_: bool, codes: list[str]
) -> None:
    problems = committee_problems(
        members=members,
        experts=experts,
        panel=TENDER,
        budget=budget,
        threshold=TWO_M,
        technically_complex=complex_,
    )
    assert [p.code for p in problems] == codes
    assert all(p.citation for p in problems)


def test_non_tender_panel_by_budget_against_threshold() -> None:
    """74号令 7: the budget at or above the threshold decides, not technical complexity."""
    assert committee_problems(members=3, experts=3, panel=TALKS, budget=D(1), threshold=TWO_M) == []
    complex_ = committee_problems(
        members=3, experts=3, panel=TALKS, budget=D(1), threshold=TWO_M, technically_complex=True
    )
    assert complex_ == []
    above = committee_problems(members=3, experts=3, panel=TALKS, budget=TWO_M, threshold=TWO_M)
    assert [p.code for p in above] == ["committee_too_small"]
    assert "74号令 7" in above[0].citation
    unknown = committee_problems(members=3, experts=3, panel=TALKS, budget=TWO_M, threshold=None)
    assert unknown == []


@given(budget=st.decimals(0, 10**9, places=2), threshold=st.decimals(1, 10**8, places=2))
@settings(max_examples=60, deadline=None)
def test_min_size_is_monotone_in_the_budget(budget: D, threshold: D) -> None:
    for m in ("negotiation", "rfq", "consultation", "open_tender", "single_source"):
        panel = methods.get(m).panel
        low = panel.min_size(budget=budget, threshold=threshold)
        assert panel.min_members <= low <= panel.min_size(budget=budget * 2, threshold=threshold)


def test_chair_may_not_be_purchaser_rep() -> None:
    assert r.chair_problem(chair_is_purchaser_rep=True) is not None
    assert r.chair_problem(chair_is_purchaser_rep=False) is None


# --- price score (87号令 55) ---------------------------------------------------------------------


def test_price_score_worked_example() -> None:
    # Three conforming bids, price weight 30% (goods minimum).
    evaluated = {1: D("900000.00"), 2: D("1000000.00"), 3: D("1200000.00")}
    scores = r.price_scores(evaluated, D("0.30"))
    assert scores == {1: D("30.00"), 2: D("27.00"), 3: D("22.50")}
    # The 100-point form: (900000/1000000)×100 = 90
    assert r.price_score(D("900000"), D("1000000")) == D("90.00")


def test_price_score_uses_evaluated_price_after_deduction() -> None:
    # A small firm bids 1,000,000 with a 10% deduction → evaluated 900,000 = the benchmark.
    project = r.ProjectPolicy(on=AFTER_2022, small_micro_rate=D("0.10"))
    small = r.evaluate_bid(1, D("1000000.00"), r.BidPolicyFacts(r.Firm("small")), project)
    large = r.evaluate_bid(2, D("950000.00"), r.BidPolicyFacts(r.Firm("large")), project)
    scores = r.price_scores({1: small.evaluated_price, 2: large.evaluated_price}, D("0.30"))
    assert small.evaluated_price == D("900000.00")
    assert scores[1] == D("30.00")
    assert scores[2] == D("28.42")  # 900000/950000×30 = 28.421…
    assert small.contract_price == D("1000000.00")


def test_price_score_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        r.price_score(D(0), D(1))
    with pytest.raises(ValueError):
        r.price_score(D(2), D(1))  # the benchmark is the lowest price


@pytest.mark.parametrize(
    ("kind", "weight", "method", "ok"),
    [
        ("goods", D("0.30"), "tender", True),
        ("goods", D("0.29"), "tender", False),
        ("goods", D("0.90"), "tender", True),  # 87号令 sets no upper limit
        ("services", D("0.10"), "tender", True),
        ("services", D("0.09"), "tender", False),
        ("goods", D("0.61"), "consultation", False),  # 214号 24
        ("services", D("0.30"), "consultation", True),
        ("services", D("0.31"), "consultation", False),
    ],
)
def test_price_weight(kind: str, weight: D, method: str, ok: bool) -> None:
    cfg = methods.get(method if method != "tender" else "open_tender")
    capped = cfg.price_weight is not None and cfg.price_weight.goods_max is not None
    problem = r.price_weight_problem(object_kind=kind, weight=weight, capped=capped)
    assert (problem is None) is ok


def test_weighted_total_and_average() -> None:
    total = r.weighted_total(
        {"price": D("90"), "tech": D("80"), "service": D("70")},
        {"price": D("0.3"), "tech": D("0.5"), "service": D("0.2")},
    )
    assert total == D("81.00")
    with pytest.raises(ValueError):
        r.weighted_total({"a": D(1)}, {"a": D("0.9")})
    assert r.member_average([D("81"), D("82"), D("80.5")]) == D("81.17")


prices = st.decimals(min_value=D("1.00"), max_value=D("99999999.99"), places=2)


@given(st.lists(prices, min_size=1, max_size=12), st.sampled_from([D("0.3"), D("0.6"), D(1)]))
def test_lowest_valid_price_always_gets_full_score(values: list[D], weight: D) -> None:
    scores = r.price_scores(dict(enumerate(values)), weight)
    lowest = min(values)
    for i, v in enumerate(values):
        if v == lowest:
            assert scores[i] == (weight * 100).quantize(D("0.01"))
        assert scores[i] <= (weight * 100).quantize(D("0.01"))


@given(st.lists(prices, min_size=2, max_size=12))
def test_lower_price_never_scores_less(values: list[D]) -> None:
    scores = r.price_scores(dict(enumerate(values)))
    order = sorted(range(len(values)), key=lambda i: values[i])
    for a, b in itertools.pairwise(order):
        assert scores[a] >= scores[b]


# --- deductions (46号 9; 19号) -------------------------------------------------------------------


def test_rate_bands_by_date() -> None:
    assert r.sme_rate_band(dt.date(2022, 6, 30), works=False, partial=False).hi == D("0.10")
    assert r.sme_rate_band(dt.date(2022, 7, 1), works=False, partial=False).hi == D("0.20")
    assert r.sme_rate_band(dt.date(2023, 1, 1), works=True, partial=True).lo == D("0.01")
    assert r.sme_rate_problem(D("0.08"), AFTER_2022, works=False, partial=False) is not None
    assert r.sme_rate_problem(D("0.12"), AFTER_2022, works=False, partial=False) is None
    assert r.sme_rate_problem(D("0.05"), AFTER_2022, works=False, partial=True) is None
    assert r.sme_rate_problem(D("0.05"), dt.date(2010, 1, 1), works=True, partial=False)


PROJECT = r.ProjectPolicy(on=AFTER_2022, small_micro_rate=D("0.10"), partial_rate=D("0.04"))


@pytest.mark.parametrize(
    ("facts", "rate"),
    [
        (r.BidPolicyFacts(r.Firm("micro")), D("0.10")),
        (r.BidPolicyFacts(r.Firm("medium")), D(0)),
        (r.BidPolicyFacts(r.Firm("large", prison_enterprise=True)), D("0.10")),
        (r.BidPolicyFacts(r.Firm("large", welfare_unit=True)), D("0.10")),
        # a welfare unit that is also small: one benefit, not two
        (r.BidPolicyFacts(r.Firm("small", welfare_unit=True)), D("0.10")),
        # goods partly made by a large firm: no SME benefit (46号 4)
        (r.BidPolicyFacts(r.Firm("small"), goods_all_by_sme=False), D(0)),
        # consortium of small/micro only → counts as small/micro
        (
            r.BidPolicyFacts(
                r.Firm("large"), consortium=(r.Firm("small", share=D("0.5")), r.Firm("micro"))
            ),
            D("0.10"),
        ),
        # consortium with a 30% small-firm share
        (
            r.BidPolicyFacts(
                r.Firm("large"),
                consortium=(r.Firm("large", share=D("0.7")), r.Firm("small", share=D("0.3"))),
            ),
            D("0.04"),
        ),
        # …but not when the small firm is controlled by its partner
        (
            r.BidPolicyFacts(
                r.Firm("large"),
                consortium=(
                    r.Firm("large", share=D("0.7")),
                    r.Firm("small", share=D("0.3"), controlled=True),
                ),
            ),
            D(0),
        ),
        (r.BidPolicyFacts(r.Firm("large"), subcontract_small_share=D("0.30")), D("0.04")),
        (
            r.BidPolicyFacts(
                r.Firm("large"), subcontract_small_share=D("0.5"), subcontract_controlled=True
            ),
            D(0),
        ),
    ],
)
def test_sme_deduction_rate(facts: r.BidPolicyFacts, rate: D) -> None:
    assert r.sme_deduction_rate(facts, PROJECT)[0] == rate


def test_reserved_project_gets_no_deduction() -> None:
    reserved = r.ProjectPolicy(on=AFTER_2022, reserved_for_sme=True, small_micro_rate=D("0.1"))
    bid = r.evaluate_bid(1, D("100.00"), r.BidPolicyFacts(r.Firm("small")), reserved)
    assert bid.evaluated_price == D("100.00") and bid.deductions == ()


def test_consortium_class_and_grade() -> None:
    assert r.consortium_class([r.Firm("small"), r.Firm("micro")]) == "small_micro"
    assert r.consortium_class([r.Firm("small"), r.Firm("medium")]) == "sme"
    assert r.consortium_class([r.Firm("small"), r.Firm("large")]) == "large"
    assert r.consortium_grade([1, 3, 2]) == 1  # 条例 22: the lower grade counts


def test_domestic_and_energy_preferences_stack_on_original_price() -> None:
    project = r.ProjectPolicy(
        on=dt.date(2026, 3, 1),
        small_micro_rate=D("0.10"),
        domestic_competition=True,
        energy_eco_mode="deduction",
        energy_eco_value=D("0.02"),
    )
    facts = r.BidPolicyFacts(r.Firm("small"), domestic=True, energy_eco_certified=True)
    bid = r.evaluate_bid(7, D("1000.00"), facts, project)
    assert [d.code for d in bid.deductions] == ["sme", "domestic", "energy_eco"]
    assert bid.evaluated_price == D("680.00")  # 1000 − 100 − 200 − 20
    assert bid.contract_price == D("1000.00")
    before = r.evaluate_bid(7, D("1000.00"), facts, r.ProjectPolicy(on=dt.date(2025, 12, 31)))
    assert before.evaluated_price == D("1000.00")


def test_energy_points_mode_and_mandatory_certificate() -> None:
    project = r.ProjectPolicy(on=AFTER_2022, energy_eco_mode="points", energy_eco_value=D("2"))
    bid = r.evaluate_bid(
        1, D("50.00"), r.BidPolicyFacts(r.Firm("large"), energy_eco_certified=True), project
    )
    assert bid.extra_points == D("2") and bid.evaluated_price == D("50.00")
    assert r.energy_eco_problem(mandatory=True, certified=False) is not None
    assert r.energy_eco_problem(mandatory=True, certified=True) is None


firms = st.builds(
    r.Firm,
    size=st.sampled_from(["large", "medium", "small", "micro"]),
    prison_enterprise=st.booleans(),
    welfare_unit=st.booleans(),
    share=st.decimals(min_value=D("0.01"), max_value=D(1), places=2),
    controlled=st.booleans(),
)
facts_st = st.builds(
    r.BidPolicyFacts,
    bidder=firms,
    consortium=st.lists(firms, max_size=3).map(tuple),
    subcontract_small_share=st.decimals(min_value=D(0), max_value=D(1), places=2),
    subcontract_controlled=st.booleans(),
    goods_all_by_sme=st.booleans(),
    domestic=st.booleans(),
    energy_eco_certified=st.booleans(),
)
projects = st.builds(
    r.ProjectPolicy,
    on=st.dates(min_value=dt.date(2021, 1, 1), max_value=dt.date(2027, 12, 31)),
    works=st.booleans(),
    reserved_for_sme=st.booleans(),
    small_micro_rate=st.sampled_from([D("0.10"), D("0.15"), D("0.20")]),
    partial_rate=st.sampled_from([D("0.04"), D("0.06")]),
    domestic_competition=st.booleans(),
    energy_eco_mode=st.sampled_from(["none", "deduction", "points"]),
    energy_eco_value=st.sampled_from([D("0.01"), D("0.03")]),
)


@given(prices, facts_st, projects)
@settings(max_examples=300)
def test_deduction_never_changes_the_contract_price(
    price: D, facts: r.BidPolicyFacts, project: r.ProjectPolicy
) -> None:
    bid = r.evaluate_bid(1, price, facts, project)
    assert bid.contract_price == bid.bid_price == price
    assert D(0) < bid.evaluated_price <= price
    assert bid.evaluated_price == price - sum((d.amount for d in bid.deductions), D(0))


# --- abnormally low (87号令 60; 财库〔2026〕2号 ⚠) -----------------------------------------------


def test_abnormally_low_triggers() -> None:
    prices_ = {1: D("40"), 2: D("100"), 3: D("110"), 4: D("120")}
    on = dt.date(2026, 3, 1)
    flags = r.abnormally_low_flags(prices_, ceiling=D("150"), budget=D("200"), on=on)
    # avg 92.5 → 46.25; 40 < 46.25; 40 < 50% of 100; 40 < 45% of 150 = 67.5
    assert flags == {1: ["average", "second_lowest", "ceiling"]}
    # strict "<": exactly 50% of the second-lowest is not flagged by that trigger
    edge = r.abnormally_low_flags({1: D("50"), 2: D("100")}, ceiling=None, budget=D("100"), on=on)
    assert edge == {}
    # before 2026-02-01 only the committee's own judgment applies
    assert (
        r.abnormally_low_flags(prices_, ceiling=None, budget=D(200), on=dt.date(2026, 1, 31)) == {}
    )


def test_abnormal_ratios_are_capped() -> None:
    raised = r.AbnormalLowPolicy(ceiling_ratio=D("0.65"))
    assert r.abnormal_policy_problem(raised) is None
    with pytest.raises(ValueError):
        r.abnormally_low_flags(
            {1: D(1)},
            ceiling=None,
            budget=D(2),
            on=dt.date(2026, 3, 1),
            policy=r.AbnormalLowPolicy(average_ratio=D("0.7")),
        )


# --- ranking and ties (87号令 56, 57, 68; 214号 25) ----------------------------------------------


def test_rank_lowest_price_ties_rank_equal() -> None:
    ranked = r.rank_lowest_price({1: D("90"), 2: D("80"), 3: D("90"), 4: D("100")})
    assert [(x.bidder_id, x.rank, x.tied) for x in ranked] == [
        (2, 1, False),
        (1, 2, True),
        (3, 2, True),
        (4, 4, False),
    ]


def test_rank_comprehensive_then_price_then_equal() -> None:
    entries = [
        r.ScoreEntry(1, D("88.5"), D("100")),
        r.ScoreEntry(2, D("88.5"), D("95")),
        r.ScoreEntry(3, D("90"), D("120")),
        r.ScoreEntry(4, D("88.5"), D("95")),
    ]
    ranked = r.rank_comprehensive(entries)
    assert [(x.bidder_id, x.rank) for x in ranked] == [(3, 1), (2, 2), (4, 2), (1, 4)]
    cons = r.rank_comprehensive(
        [
            r.ScoreEntry(2, D("88.5"), D("95"), D("40")),
            r.ScoreEntry(4, D("88.5"), D("95"), D("45")),
        ],
        technical_tiebreak=True,
    )
    assert [x.bidder_id for x in cons] == [4, 2]  # 214号 25: then technical merit


def test_break_ties_by_committed_lot_is_reproducible() -> None:
    ranked = r.rank_lowest_price({1: D("90"), 2: D("90"), 3: D("90"), 4: D("80")})
    order = r.break_ties(ranked, seed=SEED)
    assert order[0] == 4 and sorted(order[1:]) == [1, 2, 3]
    assert r.break_ties(ranked, seed=SEED) == order
    assert r.break_ties(list(reversed(ranked)), seed=SEED) == order


@given(st.dictionaries(st.integers(1, 1000), prices, min_size=1, max_size=15))
def test_ranking_is_a_permutation_with_sorted_prices(evaluated: dict[int, D]) -> None:
    ranked = r.rank_lowest_price(evaluated)
    assert sorted(x.bidder_id for x in ranked) == sorted(evaluated)
    ps = [evaluated[x.bidder_id] for x in ranked]
    assert ps == sorted(ps)
    assert ranked[0].rank == 1
    assert sorted(r.break_ties(ranked, seed=SEED)) == sorted(evaluated)


# --- score deviations (87号令 64) ----------------------------------------------------------------


def test_score_deviation_flags() -> None:
    scores = {
        101: {1: {"tech": D("40"), "cert": D("5")}},
        102: {1: {"tech": D("28"), "cert": D("5")}},
        103: {1: {"tech": D("35"), "cert": D("3")}},
    }
    flags = r.score_deviation_flags(scores, spread=D("10"), objective_factors=["cert"])
    assert [(f.factor, f.reason, f.low, f.high) for f in flags] == [
        ("cert", "objective", D("3"), D("5")),
        ("tech", "spread", D("28"), D("40")),
    ]
    assert r.score_deviation_flags(scores, spread=D("12")) == []  # 12 is not beyond 12


# --- seed 001: 合理定价评审抽签法 ----------------------------------------------------------------


def test_reasonable_price_lottery() -> None:
    assert r.reasonable_price(D("1000000.00"), D("0.08")) == D("920000.00")
    result = r.reasonable_price_lottery(
        reviewed_budget=D("1000000.00"), discount=D("0.08"), accepting_ids=[5, 9, 2], seed=SEED
    )
    assert result.price == D("920000.00")
    assert sorted(result.order) == [2, 5, 9] and result.winner == result.order[0]
    again = r.reasonable_price_lottery(
        reviewed_budget=D("1000000.00"), discount=D("0.08"), accepting_ids=[9, 2, 5], seed=SEED
    )
    assert again == result
    assert len(seed_commitment(SEED)) == 64
    empty = r.reasonable_price_lottery(
        reviewed_budget=D("1"), discount=D("0"), accepting_ids=[], seed=SEED
    )
    assert empty.winner is None
    with pytest.raises(ValueError):
        r.reasonable_price(D("100"), D("1"))


# --- seed 004: 全生命周期成本法 ------------------------------------------------------------------


def test_life_cycle_cost_worked_example() -> None:
    # Bidder A: cheaper to buy, dearer to run; B: the reverse. Eight years of service.
    a = r.LifeCycle(D("100000"), [D("20000")] * 8, disposal=D("5000"))
    b = r.LifeCycle(D("140000"), [D("12000")] * 8, disposal=D("-10000"))
    assert r.life_cycle_cost(a) == D("265000.00")
    assert r.life_cycle_cost(b) == D("226000.00")
    ranked = r.rank_life_cycle({1: r.life_cycle_cost(a), 2: r.life_cycle_cost(b)})
    assert ranked[0].bidder_id == 2
    # Discounted at 5%: 100 + 100/1.05 + 100/1.05² + 0 = 285.94
    pv = r.LifeCycle(D("100"), [D("100"), D("100")], discount_rate=D("0.05"))
    assert r.life_cycle_cost(pv) == D("285.94")
