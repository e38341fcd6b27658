"""The contracts' time limits at their boundaries across 国庆 2026 (Oct 1–7 off, Oct 10 a
make-up working Saturday), the 10 % caps, templates and the signed message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhengcai.contracts import rules
from zhengcai.core.workdays import WorkCalendar

CAL = WorkCalendar()
D = dt.date


def test_signing_within_30_days_of_the_notice_rolls_over_the_holiday() -> None:
    # 法 46: 30 日; 2026-10-05 is a holiday → the next working day, 10-08
    assert rules.sign_due(CAL, D(2026, 9, 5)).date == D(2026, 10, 8)
    assert rules.sign_due(CAL, D(2026, 9, 8)).date == D(2026, 10, 8)  # lands on a working day
    assert rules.sign_due(CAL, D(2026, 9, 9)).date == D(2026, 10, 9)
    assert not rules.overdue(D(2026, 10, 8), D(2026, 10, 8))
    assert rules.overdue(D(2026, 10, 8), D(2026, 10, 9))


def test_announcement_two_working_days_after_signing_across_national_day() -> None:
    # 条例 50: signed Wed 09-30 → 10-08 (1), 10-09 (2)
    due = rules.announce_due(CAL, D(2026, 9, 30)).date
    assert due == D(2026, 10, 9)
    assert not rules.overdue(due, D(2026, 10, 9)) and rules.overdue(due, D(2026, 10, 10))


def test_filing_seven_working_days_counts_the_make_up_saturday() -> None:
    # 法 47: 10-08, 10-09, 10-10 (调休), 10-12, 10-13, 10-14, 10-15
    assert rules.filing_due(CAL, D(2026, 9, 30)).date == D(2026, 10, 15)
    assert rules.filing_due(CAL, D(2026, 9, 29)).date == D(2026, 10, 14)


def test_payment_term_in_calendar_days_ending_on_a_holiday_runs_on() -> None:
    assert rules.payment_due(CAL, D(2026, 9, 1)).date == D(2026, 10, 8)
    assert rules.payment_due(CAL, D(2026, 11, 23)).date == D(2026, 12, 23)
    assert rules.payment_due(CAL, D(2026, 11, 23), 10).date == D(2026, 12, 3)


def test_performance_security_at_most_ten_percent_non_cash() -> None:
    amount = Decimal("690000.00")
    assert rules.security_cap(amount) == Decimal("69000.00")
    assert rules.security_problem(amount, Decimal("69000.00"), "guarantee") is None
    assert "条例 48" in (rules.security_problem(amount, Decimal("69000.01"), "guarantee") or "")
    assert "非现金" in (rules.security_problem(amount, Decimal("1000"), "cash") or "")
    assert rules.security_problem(amount, Decimal("0"), "none") is None


def test_supplementary_contracts_together_at_most_ten_percent() -> None:
    original = Decimal("1000000.00")
    assert rules.supplement_room(original, [Decimal("40000")]) == Decimal("60000.00")
    assert rules.supplement_problem(original, [Decimal("40000")], Decimal("60000.00")) is None
    assert "法 49" in (
        rules.supplement_problem(original, [Decimal("40000")], Decimal("60000.01")) or ""
    )
    assert rules.supplement_problem(original, [], Decimal("100000.00")) is None
    assert rules.supplement_problem(original, [], Decimal("0")) is not None


def test_acceptance_team_and_deductions() -> None:
    assert rules.acceptance_needs_experts(Decimal("1000000"), complex_=False)
    assert not rules.acceptance_needs_experts(Decimal("999999.99"), complex_=False)
    assert rules.acceptance_needs_experts(Decimal("1"), complex_=True)
    assert rules.team_problem(1, 0, needs_experts=False) is not None
    assert rules.team_problem(3, 0, needs_experts=True) is not None
    assert rules.team_problem(3, 1, needs_experts=True) is None
    assert rules.deduction_problem(Decimal("100"), Decimal("40"), Decimal("60")) is None
    assert rules.deduction_problem(Decimal("100"), Decimal("40"), Decimal("60.01")) is not None


def test_templates_render_and_refuse_unknown_placeholders() -> None:
    for _, body in rules.DEFAULT_TEMPLATES.values():
        assert rules.template_problem(body) is None
    assert "foo" in (rules.template_problem("合同 {foo}") or "")
    assert rules.template_problem("合同 {contract_no") is not None
    text = rules.render("{contract_no}/{amount}", {"contract_no": "HT-1", "amount": "5.00"})
    assert text == "HT-1/5.00"


def test_signed_message_binds_contract_and_party_and_notice_removes_secrets() -> None:
    m = rules.signing_message("u1", "supplier", "AB")
    assert m == b"zhengcai-contract/v1|u1|supplier|ab"
    assert rules.signing_message("u1", "purchaser", "ab") != m
    assert rules.redact("单价 123 元，密钥 XYZ", ["XYZ"]) == "单价 123 元，密钥 ＊＊＊"
