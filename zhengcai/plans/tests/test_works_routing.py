"""Works above the 必须招标 standard go to the 招标投标法 (issue 10 item 4).

法 4 and 条例 7: works, and goods and services tied to works, that are tendered follow the
招标投标法; 《必须招标的工程项目规定》(发改委令第16号) 五: they must be tendered at 施工 ≥ 400万,
重要设备、材料 ≥ 200万, 勘察、设计、监理 ≥ 100万 ("以上" includes the number). Below it, works not
tendered use 竞争性谈判 / 单一来源 (条例 25) or 竞争性磋商 (214号 3). Every test goes through the
service, the API or the page a purchaser uses.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhengcai.catalog import selectors as catalog
from zhengcai.catalog.models import Threshold
from zhengcai.core import clock
from zhengcai.core.errors import RuleViolation
from zhengcai.methods import outcomes
from zhengcai.plans import selectors, services
from zhengcai.plans.constants import BIDDING_LAW, ERR_BIDDING_LAW
from zhengcai.plans.tests.factories import PlansWorld, approved_line, make_plan

D = Decimal
HOUSE = "B01000000"  # 房屋施工
SUPERVISION = "C20020600"  # 工程监理服务
AIRCON = "A02061804"  # 空调机 (central air conditioning of a building: tied to the works)


def _plan(w: PlansWorld, item: str, amount: str, **kw: Any):
    line = approved_line(w, item_code=item, amount=amount)
    return make_plan(w, line, **kw)


def test_a_50_million_house_construction_must_be_tendered_under_the_bidding_law(
    w: PlansWorld,
) -> None:
    """Before the fix the plan was offered 竞争性谈判."""
    plan = _plan(w, HOUSE, "50000000.00")
    assert plan.method == plan.default_method == BIDDING_LAW
    assert plan.get_method_display() == "依法招标（招标投标法）"
    det = plan.determination
    assert det["bidding_law_required"] is True
    assert det["bidding_law_threshold"] == "4000000.00"
    assert any("发改委令第16号" in r and "400万元" in r for r in det["reasons"])
    # No approval path: nothing to apply for, not even above the 公开招标数额标准.
    assert selectors.plan_needs(plan) == []


@pytest.mark.parametrize("method", ["negotiation", "consultation", "single_source", "open_tender"])
def test_above_the_standard_no_government_procurement_method_can_be_chosen(
    w: PlansWorld, method: str
) -> None:
    line = approved_line(w, item_code=HOUSE, amount="50000000.00")
    with pytest.raises(RuleViolation) as err:
        make_plan(w, line, method=method, single_source_ground="only_one")
    assert err.value.code == "method_not_allowed"
    assert "招标投标法" in err.value.message and "发改委令第16号" in err.value.message


def test_the_standard_includes_the_number(w: PlansWorld) -> None:
    at = _plan(w, HOUSE, "4000000.00")
    below = _plan(w, HOUSE, "3999999.99")
    assert at.method == BIDDING_LAW
    assert below.method == "negotiation"
    assert any("未达到依法必须招标的规模标准" in r for r in below.determination["reasons"])


@pytest.mark.parametrize(
    ("method", "allowed"),
    [
        ("negotiation", True),  # 条例 25
        ("single_source", True),  # 条例 25
        ("consultation", True),  # 214号 3（五）
        (BIDDING_LAW, True),  # 法 4: a works tender, by choice, follows the 招标投标法
        ("rfq", False),
        ("open_tender", False),
        ("invited_tender", False),
        ("framework", False),
    ],
)
def test_works_below_the_standard_use_the_methods_of_article_25(
    w: PlansWorld, method: str, allowed: bool
) -> None:
    line = approved_line(w, item_code=HOUSE, amount="1500000.00")
    if allowed:
        plan = make_plan(w, line, method=method, single_source_ground="emergency")
        assert plan.method == method
    else:
        with pytest.raises(RuleViolation) as err:
            make_plan(w, line, method=method)
        assert err.value.code == "method_not_allowed" and "条例25" in err.value.message


def test_bidding_law_is_not_a_method_for_ordinary_goods_and_services(w: PlansWorld) -> None:
    line = approved_line(w, item_code="C21040000", amount="800000.00")
    with pytest.raises(RuleViolation) as err:
        make_plan(w, line, method=BIDDING_LAW)
    assert err.value.code == "method_not_allowed"


@pytest.mark.parametrize(
    ("item", "at", "below"),
    [
        (SUPERVISION, "1000000.00", "999999.99"),  # 勘察、设计、监理等服务 ≥ 100万
        (AIRCON, "2000000.00", "1999999.99"),  # 重要设备、材料等货物 ≥ 200万
    ],
)
def test_goods_and_services_tied_to_works(w: PlansWorld, item: str, at: str, below: str) -> None:
    """条例 7: tied to works they follow the works standard; the same purchase not tied to works
    stays an ordinary 政府采购 (the 公开招标数额标准 in 杭州 is 300万)."""
    tied = _plan(w, item, at, works_related=True)
    assert tied.method == BIDDING_LAW and tied.works_related
    assert _plan(w, item, below, works_related=True).method != BIDDING_LAW
    plain = _plan(w, item, at)
    assert plain.method != BIDDING_LAW and not plain.works_related
    # Tied to works and below the standard: no 政府采购 tender (a tender is 招标投标法's).
    line = approved_line(w, item_code=item, amount=below)
    with pytest.raises(RuleViolation):
        make_plan(w, line, method="open_tender", works_related=True)


def test_a_bidding_law_plan_is_filed_but_never_commissioned(w: PlansWorld) -> None:
    plan = _plan(w, HOUSE, "50000000.00")
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    plan = services.plan_approve(actor=w.users["reg_hz"], plan=plan)  # no approval missing
    services.intention_publish(actor=w.users["pur_hz"], plan=plan)
    clock.freeze(dt.datetime(2027, 1, 5, 9, 0, tzinfo=clock.SHANGHAI))
    with pytest.raises(RuleViolation) as err:
        services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_hz"])
    assert err.value.code == ERR_BIDDING_LAW
    assert "招标投标法" in err.value.message and "发改委令第16号" in err.value.message
    # And the tenders app would not take it as a 政府采购 project either.
    assert not outcomes.is_procedure(plan.method)


def test_the_standard_is_dated_configuration(w: PlansWorld) -> None:
    """The national figures apply from 2018-06-01 (16号令); a region's catalogue row of kind
    works_tender takes precedence from its own date."""
    hz = w.regions["hz"]
    assert (
        catalog.works_tender_threshold(
            region=hz, unit_level=2, category="B", on=dt.date(2018, 5, 31)
        )
        is None
    )
    found = catalog.works_tender_threshold(
        region=hz, unit_level=2, category="B", on=dt.date(2018, 6, 1)
    )
    assert found is not None and found.amount == D("4000000.00") and not found.regional
    Threshold.objects.create(
        region=w.regions["province"],
        unit_level=2,
        category="B",
        kind="works_tender",
        amount=D("3000000.00"),
        effective_from=dt.date(2026, 1, 1),
        basis="浙江省某规定（测试）",
    )
    plan = _plan(w, HOUSE, "3500000.00")
    assert plan.method == BIDDING_LAW
    assert plan.determination["bidding_law_basis"] == "浙江省某规定（测试）"


def test_the_api_routes_and_refuses(w: PlansWorld) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {w.tokens['pur_hz']}"}
    r = Client().get(
        "/api/v1/plans/determination",
        {"item_code": HOUSE, "amount": "50000000", "fiscal_year": 2026},
        **headers,
    )
    assert r.status_code == 200, r.content
    det = r.json()
    assert det["default_method"] == BIDDING_LAW and det["bidding_law_required"] is True
    assert det["works"] == "construction" and det["bidding_law_threshold"] == "4000000.00"
    line = approved_line(w, item_code=HOUSE, amount="50000000.00")
    body = {
        "budget_line_id": line.pk,
        "name": "综合楼新建工程",
        "amount": "50000000.00",
        "expected_month": "2026-12",
        "method": "negotiation",
    }
    r = Client().post(
        "/api/v1/plans/plans", data=json.dumps(body), content_type="application/json", **headers
    )
    assert r.status_code == 422 and r.json()["code"] == "method_not_allowed"
    body.pop("method")
    r = Client().post(
        "/api/v1/plans/plans", data=json.dumps(body), content_type="application/json", **headers
    )
    assert r.status_code == 201, r.content
    assert r.json()["method"] == BIDDING_LAW and r.json()["bidding_law_required"] is True


def test_the_plan_page_says_it_in_chinese_with_the_basis(w: PlansWorld) -> None:
    plan = _plan(w, HOUSE, "50000000.00")
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    c = Client()
    c.force_login(w.users["pur_hz"])
    page = c.get(f"/plans/plans/{plan.pk}/").content.decode()
    assert "依法招标（招标投标法）" in page
    assert 'data-testid="plan-bidding-law"' in page and "发改委令第16号" in page
    assert 'data-testid="commission-bidding-law"' in page
    assert 'data-testid="commission-form"' not in page
