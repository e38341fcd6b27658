"""MethodConfig: periods per method on the real working-day calendar (National Day 2026)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans.constants import Method
from zhengcai.tenders import methods, rules

CAL = WorkCalendar()  # package calendar only (no overrides)
D = dt.date


def test_every_method_code_matches_plans_method() -> None:
    codes = {m.code for m in methods.ALL}
    assert codes == set(Method.values) - {Method.BELOW_LIMIT}
    for m in methods.ALL:
        assert m.evaluation_methods, m.key
        assert m.min_suppliers_to_open >= 1


@pytest.mark.parametrize(
    ("key", "published", "display", "docs", "earliest"),
    [
        # 5 WD across National Day 2026 (10-01..07 off, 10-10 Saturday worked):
        # 09-30, 10-08, 10-09, 10-10, 10-12. 20 d (法 35): 10-19.
        ("open_tender", D(2026, 9, 29), D(2026, 10, 12), D(2026, 10, 12), D(2026, 10, 19)),
        # 邀请招标: no public notice at the invitation (the 资格预审公告 came before, 87号令 14);
        # the documents and the 20 d run from the invitation (test_invited_tender).
        ("invited_tender", D(2026, 9, 29), None, D(2026, 10, 12), D(2026, 10, 19)),
        # 20 d from 09-14 ends on 10-04 (a holiday): runs to the next working day; 5 WD end
        # on Sunday 09-20, a make-up working day (调休).
        ("open_tender", D(2026, 9, 14), D(2026, 9, 20), D(2026, 9, 20), D(2026, 10, 8)),
        # 3 WD (74号令 29, 45): 09-30, 10-08, 10-09.
        ("negotiation", D(2026, 9, 29), None, None, D(2026, 10, 9)),
        ("rfq", D(2026, 9, 29), None, None, D(2026, 10, 9)),
        ("rfq:timed_onsite", D(2026, 9, 29), None, None, D(2026, 10, 9)),
        # 磋商: documents 5 WD, 10 d to the deadline (214号 10); 09-25 + 10 d = 10-05 → 10-08.
        ("consultation", D(2026, 9, 25), None, D(2026, 10, 9), D(2026, 10, 9)),
        ("single_source", D(2026, 9, 29), None, None, None),
    ],
)
def test_timeline_per_method(
    key: str, published: dt.date, display: dt.date, docs: dt.date, earliest: dt.date
) -> None:
    code, _, variant = key.partition(":")
    t = rules.timeline(CAL, methods.get(code, variant), published)
    assert (t.notice_display_until, t.documents_until, t.earliest_deadline) == (
        display,
        docs,
        earliest,
    )


@pytest.mark.parametrize(
    ("code", "deadline", "cutoff"),
    [
        ("open_tender", D(2026, 10, 19), D(2026, 10, 4)),  # 15 d (条例 31; 87号令 27)
        ("negotiation", D(2026, 10, 19), D(2026, 10, 14)),  # 3 WD (74号令 29)
        ("consultation", D(2026, 10, 19), D(2026, 10, 14)),  # 5 d (214号 10)
        ("single_source", D(2026, 10, 19), None),
    ],
)
def test_clarification_cutoff(code: str, deadline: dt.date, cutoff: dt.date | None) -> None:
    assert rules.clarification_cutoff(CAL, methods.get(code), deadline) == cutoff


def test_deadline_problem_names_the_article() -> None:
    cfg = methods.get("open_tender")
    problem = rules.deadline_problem(CAL, cfg, D(2026, 9, 29), D(2026, 10, 16))
    assert problem is not None and "法 35" in problem and "2026年10月19日" in problem
    assert rules.deadline_problem(CAL, cfg, D(2026, 9, 29), D(2026, 10, 19)) is None


def test_extension_restores_the_clarification_period() -> None:
    cfg = methods.get("open_tender")
    deadline = dt.datetime(2026, 10, 19, 9, 30)
    # A change on 10-10 leaves 9 days: the deadline moves to 10-25 (a Sunday) → 10-26.
    new = rules.extended_deadline(CAL, cfg, change_on=D(2026, 10, 10), deadline=deadline)
    assert new == dt.datetime(2026, 10, 26, 9, 30)
    assert rules.extended_deadline(CAL, cfg, change_on=D(2026, 10, 4), deadline=deadline) is None
    neg = methods.get("negotiation")
    new = rules.extended_deadline(CAL, neg, change_on=D(2026, 9, 30), deadline=deadline)
    assert new is None
    new = rules.extended_deadline(
        CAL, neg, change_on=D(2026, 9, 30), deadline=dt.datetime(2026, 10, 9, 9, 0)
    )
    assert new == dt.datetime(2026, 10, 10, 9, 0)  # 3 WD after 09-30: 10-08, 10-09, 10-10


def test_method_features_are_configuration() -> None:
    assert methods.get("open_tender").has_opening
    assert not methods.get("negotiation").has_opening
    assert methods.get("negotiation").has_final_quotations
    assert methods.get("consultation").has_negotiation_rounds
    assert methods.get("rfq").single_quote and methods.get("rfq").goods_only
    assert methods.get("rfq", "phone").notice_kind is None
    assert methods.get("rfq", "timed_onsite").onsite_quote_minutes == 30
    assert methods.get("consultation").evaluation_methods == ("comprehensive",)
    pw = methods.get("consultation").price_weight
    assert pw is not None and pw.bounds("goods") == (30, 60) and pw.bounds("services") == (10, 30)
    tender = methods.get("open_tender").price_weight
    assert tender is not None and tender.bounds("goods") == (30, None)
    with pytest.raises(KeyError):
        methods.get("open_tender", "nope")


def test_bid_bond_cap() -> None:
    from decimal import Decimal

    assert rules.bid_bond_cap(Decimal("1500000.00")) == Decimal("30000.00")
