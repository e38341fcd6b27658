"""The rules, case by case (pure functions: no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans import rules
from zhengcai.plans.constants import Method, OrgForm

D = Decimal

OPEN = D("4000000.00")
LIMIT = D("500000.00")
CENTRAL = rules.CentralizedInfo(scope="central", min_amount=None, item_code="A02010100")
FURNITURE = rules.CentralizedInfo(scope="central", min_amount=D("200000"), item_code="A05010000")
DEPT = rules.CentralizedInfo(scope="department", min_amount=None, item_code="C18010000")


def det(item: str, amount: str, centralized: rules.CentralizedInfo | None = None, **kw: object):
    return rules.determine(
        item_code=item,
        amount=D(amount),
        open_tender_threshold=kw.get("open", OPEN),  # type: ignore[arg-type]
        limit_threshold=kw.get("limit", LIMIT),  # type: ignore[arg-type]
        centralized=centralized,
    )


# --- organization form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("centralized", "amount", "form"),
    [
        (CENTRAL, "10000.00", OrgForm.CENTRAL),  # in the catalogue: whatever the amount
        (DEPT, "10000.00", OrgForm.DEPARTMENT),
        (None, "900000.00", OrgForm.DISPERSED),
        (FURNITURE, "199999.99", OrgForm.DISPERSED),  # under the catalogue's starting amount
        (FURNITURE, "200000.00", OrgForm.CENTRAL),  # "以上" includes the number
    ],
)
def test_org_form(centralized, amount, form) -> None:
    assert rules.org_form_for(amount=D(amount), centralized=centralized)[0] == form


def test_org_form_explanation_cites_article() -> None:
    _, reason = rules.org_form_for(amount=D(1), centralized=CENTRAL)
    assert "法18" in reason and "A02010100" in reason


@pytest.mark.parametrize(
    ("chosen", "required", "ok"),
    [
        (OrgForm.CENTRAL, OrgForm.CENTRAL, True),
        (OrgForm.CENTRAL, OrgForm.DISPERSED, True),  # a unit may centralize voluntarily
        (OrgForm.DEPARTMENT, OrgForm.DISPERSED, True),
        (OrgForm.DISPERSED, OrgForm.CENTRAL, False),  # 法18: catalogue items go centrally
        (OrgForm.DEPARTMENT, OrgForm.CENTRAL, False),
        (OrgForm.DISPERSED, OrgForm.DEPARTMENT, False),
    ],
)
def test_org_form_problem(chosen, required, ok) -> None:
    problem = rules.org_form_problem(chosen=chosen, required=required)
    assert (problem is None) is ok
    if not ok:
        assert "法18" in problem


# --- default method --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item", "amount", "method", "open_required"),
    [
        ("A02010104", "4000000.00", Method.OPEN_TENDER, True),  # exactly at: 以上 includes
        ("A02010104", "3999999.99", Method.RFQ, False),
        ("C21040000", "5000000.00", Method.OPEN_TENDER, True),
        ("C21040000", "3999999.99", Method.CONSULTATION, False),
        ("C21040000", "500000.00", Method.CONSULTATION, False),  # exactly at the limit: GP
        ("C21040000", "499999.99", Method.BELOW_LIMIT, False),  # below limit, not catalogued
    ],
)
def test_default_method(item, amount, method, open_required) -> None:
    d = det(item, amount)
    assert d.default_method == method
    assert d.open_tender_required is open_required
    assert d.is_government_procurement is (method != Method.BELOW_LIMIT)


def test_catalogue_item_below_limit_is_still_government_procurement() -> None:
    d = det("A02010104", "10000.00", CENTRAL)
    assert d.is_government_procurement and d.org_form == OrgForm.CENTRAL
    assert d.default_method == Method.RFQ


def test_open_tender_reason_quotes_threshold_and_articles() -> None:
    d = det("A02010104", "4000000.00")
    text = "；".join(d.reasons)
    assert "400万元" in text and "法27" in text and "条例23" in text


def test_no_threshold_configured() -> None:
    d = det("A02010104", "99000000.00", open=None, limit=None)
    assert d.default_method == Method.RFQ and not d.open_tender_required


def test_below_limit_cannot_be_chosen_for_government_procurement() -> None:
    d = det("A02010104", "600000.00")
    assert rules.method_problem(method=Method.BELOW_LIMIT, determination=d)
    assert rules.method_problem(method=Method.RFQ, determination=d) is None


# --- method change, single source, import ------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "amount", "needed"),
    [
        (Method.OPEN_TENDER, "9000000.00", False),
        (Method.NEGOTIATION, "4000000.00", True),  # exactly at the threshold
        (Method.NEGOTIATION, "3999999.99", False),
        (Method.SINGLE_SOURCE, "4000000.01", True),
        (Method.CONSULTATION, "100000.00", False),
        (Method.INVITED_TENDER, "5000000.00", True),  # 邀请招标 above the threshold too
    ],
)
def test_method_change_needed(method, amount, needed) -> None:
    assert rules.method_change_needed(method=method, amount=D(amount), threshold=OPEN) is needed


def test_method_change_without_threshold() -> None:
    assert not rules.method_change_needed(method=Method.RFQ, amount=D(10**9), threshold=None)


@pytest.mark.parametrize(
    ("ground", "amount", "needed"),
    [
        ("only_one", "4000000.00", True),
        ("only_one", "3999999.99", False),
        ("emergency", "9000000.00", False),  # 条例38 covers ground ① only
        ("addition", "9000000.00", False),
    ],
)
def test_single_source_publicity_needed(ground, amount, needed) -> None:
    assert (
        rules.single_source_publicity_needed(
            method=Method.SINGLE_SOURCE, ground=ground, amount=D(amount), threshold=OPEN
        )
        is needed
    )


def test_approvals_needed_lists() -> None:
    kinds = lambda **kw: [  # noqa: E731
        n.kind
        for n in rules.approvals_needed(threshold=OPEN, **{"ground": "", "is_import": False, **kw})
    ]
    assert kinds(method=Method.OPEN_TENDER, amount=D(9_000_000)) == []
    assert kinds(method=Method.NEGOTIATION, amount=D(9_000_000)) == ["method_change"]
    assert kinds(method=Method.SINGLE_SOURCE, ground="only_one", amount=OPEN) == ["single_source"]
    assert kinds(method=Method.SINGLE_SOURCE, ground="emergency", amount=OPEN) == ["method_change"]
    # Imported products need approval at any amount (财库〔2007〕119号).
    assert kinds(method=Method.RFQ, amount=D(1000), is_import=True) == ["import_product"]
    assert kinds(method=Method.NEGOTIATION, amount=OPEN, is_import=True) == [
        "method_change",
        "import_product",
    ]


# --- periods ------------------------------------------------------------


def test_publicity_five_working_days_start_not_counted() -> None:
    cal = WorkCalendar()
    # Monday 2026-11-23 → the 5th working day after is Monday 2026-11-30.
    assert rules.publicity_end(cal, dt.date(2026, 11, 23)) == dt.date(2026, 11, 30)
    assert not rules.publicity_over(cal, dt.date(2026, 11, 23), dt.date(2026, 11, 30))
    assert rules.publicity_over(cal, dt.date(2026, 11, 23), dt.date(2026, 12, 1))


def test_publicity_skips_national_day_holiday() -> None:
    cal = WorkCalendar()
    end = rules.publicity_end(cal, dt.date(2026, 9, 29))
    # 9-30 is the 1st; 10-1..10-7 are holidays; then working days resume.
    assert end > dt.date(2026, 10, 7)
    assert cal.working_days_between(dt.date(2026, 9, 29), end) == 5


def test_publicity_uses_override_table() -> None:
    # An entered holiday (e.g. a year the package does not cover) lengthens the notice.
    cal = WorkCalendar({dt.date(2026, 11, 25): (False, "测试假日")})
    assert rules.publicity_end(cal, dt.date(2026, 11, 23)) == dt.date(2026, 12, 1)


def test_intention_thirty_days() -> None:
    cal = WorkCalendar()
    assert rules.intention_earliest_start(cal, dt.date(2026, 11, 23), 30) == dt.date(2026, 12, 23)
    # Ends on a holiday → runs to the next working day (rules.md §0).
    assert rules.intention_earliest_start(cal, dt.date(2026, 9, 1), 30) == dt.date(2026, 10, 8)
    # Configurable: another region may set another period.
    assert rules.intention_earliest_start(cal, dt.date(2026, 11, 23), 10) == dt.date(2026, 12, 3)


@pytest.mark.parametrize(
    ("year", "today", "expected"),
    [
        (2026, dt.date(2026, 11, 23), dt.date(2026, 11, 23)),
        (2027, dt.date(2026, 11, 23), dt.date(2027, 1, 1)),
        (2025, dt.date(2026, 11, 23), dt.date(2025, 12, 31)),
    ],
)
def test_rule_date(year, today, expected) -> None:
    assert rules.rule_date(fiscal_year=year, today=today) == expected


# --- 化整为零 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("earlier", "amount", "split"),
    [
        (["2000000"], "2000000", True),  # exactly at the threshold: 以上 includes it
        (["2000000"], "1999999.99", False),  # one fen below
        (["1500000", "1500000"], "1000000", True),  # three parts
        ([], "3999999", False),  # a single purchase is not a split
        (["4000000"], "100", False),  # a part at the threshold needs open tender itself
        (["3000000"], "1000000.01", True),
    ],
)
def test_split_finding(earlier, amount, split) -> None:
    finding = rules.split_finding(earlier=[D(x) for x in earlier], amount=D(amount), threshold=OPEN)
    assert (finding is not None) is split
    if finding:
        assert finding.total >= OPEN
        assert "法28" in finding.message and "条例28" in finding.message


def test_split_without_threshold() -> None:
    assert rules.split_finding(earlier=[D(10**9)], amount=D(10**9), threshold=None) is None


# --- 资产配置标准 ------------------------------------------------------------

PC = rules.StandardInfo("A02010104", D("6000"), D("1"), "per_staff", "浙财资〔2026〕1号")
COPIER = rules.StandardInfo("A02020100", D("30000"), D("5"), "per_unit", "")


@pytest.mark.parametrize(
    ("standard", "amount", "quantity", "headcount", "problems"),
    [
        (PC, "6000.00", "1", 60, 0),  # exactly at the standard: allowed
        (PC, "6000.01", "1", 60, 1),
        (PC, "300000", "50", 60, 0),
        (PC, "300050", "50", 60, 1),
        (PC, "360000", "60", 60, 0),  # one per staff × 60 staff: exactly at the limit
        (PC, "366000", "61", 60, 1),  # one more than the headcount allows
        (PC, "6000", "1", None, 1),  # per-staff limit without a recorded headcount: refused
        (COPIER, "150000", "5", None, 0),
        (COPIER, "180000", "6", None, 1),  # per-unit quantity above 5
        (COPIER, "186000", "6", None, 2),  # and price above
        (None, "99999999", "1", None, 0),
    ],
)
def test_config_standard(standard, amount, quantity, headcount, problems) -> None:
    found = rules.config_standard_problems(
        amount=D(amount), quantity=D(quantity), standard=standard, headcount=headcount
    )
    assert len(found) == problems


def test_per_staff_refusal_quotes_the_arithmetic() -> None:
    [text] = rules.config_standard_problems(
        amount=D("366000"), quantity=D("61"), standard=PC, headcount=60
    )
    assert "每人 1 × 编制 60 人 = 60" in text and "浙财资〔2026〕1号" in text


def test_config_standard_is_quoted() -> None:
    [text] = rules.config_standard_problems(
        amount=D("7000"), quantity=D("1"), standard=PC, headcount=10
    )
    assert "6000" in text and "浙财资〔2026〕1号" in text and "A02010104" in text


def test_wan() -> None:
    assert rules.wan(D("4000000.00")) == "400万元"
    assert rules.wan(D("1234567.80")) == "123.45678万元"
