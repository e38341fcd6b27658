"""Issue 10 item 13 (the plans part), through the services and the API.

* 采购意向: a region may lengthen the period, never set fewer than 30 days (财库〔2020〕10号);
* 框架协议 is a method of its own (110号令 3): no 变更采购方式 approval above the threshold;
* 单一来源 on the 添购 ground (法 31 ③) names the original contract and all additions to it stay
  within 10% of its amount.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhengcai.core.errors import InvalidInput, RuleViolation
from zhengcai.plans import selectors, services
from zhengcai.plans.constants import (
    ERR_ADDITION_OVER_LIMIT,
    ERR_INTENTION_LEAD,
    ERR_ORIGINAL_CONTRACT,
    ERR_ORIGINAL_CONTRACT_MISMATCH,
)
from zhengcai.plans.models import PlanPolicy
from zhengcai.plans.tests.factories import PlansWorld, approved_line, make_plan

D = Decimal

# --- 采购意向 at least 30 days ----------------------------------------------------------------


@pytest.mark.parametrize("days", [1, 20, 29])
def test_a_region_cannot_shorten_the_intention_period(w: PlansWorld, days: int) -> None:
    with pytest.raises(InvalidInput) as err:
        services.plan_policy_save(
            actor=w.users["admin"],
            policy=PlanPolicy(
                region=w.regions["province"],
                effective_from=dt.date(2026, 6, 1),
                intention_lead_days=days,
            ),
        )
    assert err.value.code == ERR_INTENTION_LEAD and "30" in err.value.message
    assert not PlanPolicy.objects.exists()
    assert (
        selectors.policy_for(region=w.regions["xh"], on=dt.date(2026, 7, 1)).intention_lead_days
        == 30
    )


def test_thirty_days_or_more_is_accepted(w: PlansWorld) -> None:
    for days, start in ((30, dt.date(2026, 6, 1)), (60, dt.date(2026, 8, 1))):
        services.plan_policy_save(
            actor=w.users["admin"],
            policy=PlanPolicy(
                region=w.regions["province"], effective_from=start, intention_lead_days=days
            ),
        )
    assert (
        selectors.policy_for(region=w.regions["xh"], on=dt.date(2026, 9, 1)).intention_lead_days
        == 60
    )


def test_the_admin_form_refuses_fewer_than_thirty_days(w: PlansWorld) -> None:
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/plans/planpolicy/add/")
    request.user = w.users["admin"]
    form_class = admin.site._registry[PlanPolicy].get_form(request)  # the admin page's form
    form = form_class(
        data={
            "region": w.regions["province"].pk,
            "effective_from": "2026-06-01",
            "intention_lead_days": 20,
            "commission_accept_workdays": 2,
            "commission_start_workdays": 10,
            "split_prefix_len": 5,
            "basis": "",
        }
    )
    assert not form.is_valid() and "intention_lead_days" in form.errors


# --- 框架协议: no 变更采购方式 approval ------------------------------------------------------


def test_a_framework_plan_above_the_threshold_needs_no_method_change(w: PlansWorld) -> None:
    """杭州 city-level units: 公开招标数额标准 300万 for services (2026)."""
    line = approved_line(w, amount="5000000.00")
    plan = make_plan(w, line, method="framework")
    assert [n.kind for n in selectors.plan_needs(plan)] == []
    with pytest.raises(Exception) as err:
        services.approval_create(
            actor=w.users["pur_hz"], kind="method_change", reasons="框架协议", plan=plan
        )
    assert getattr(err.value, "code", "") == "approval_not_needed"
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    plan = services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    assert plan.status == "approved"
    # Another non-tender method at the same amount still needs the approval (法 27).
    other = make_plan(w, approved_line(w, amount="5000000.00"), method="consultation")
    assert [n.kind for n in selectors.plan_needs(other)] == ["method_change"]


# --- 单一来源 on the 添购 ground ------------------------------------------------------------------

CONTRACT = {
    "original_contract_no": "HT2025-0088",
    "original_supplier": "杭州某某信息技术有限公司",
    "original_contract_amount": D("5000000.00"),
    "original_contract_signed_on": dt.date(2025, 9, 1),
}


def _addition(w: PlansWorld, amount: str, **kw: Any):
    line = approved_line(w, amount=amount)
    values = {**CONTRACT, **kw}
    return make_plan(
        w, line, method="single_source", single_source_ground="addition", amount=D(amount), **values
    )


def test_an_addition_names_the_original_contract(w: PlansWorld) -> None:
    line = approved_line(w, amount="400000.00")
    with pytest.raises(InvalidInput) as err:
        make_plan(w, line, method="single_source", single_source_ground="addition")
    assert err.value.code == ERR_ORIGINAL_CONTRACT
    plan = _addition(w, "400000.00")
    assert plan.original_contract_no == "HT2025-0088"
    assert plan.original_supplier == "杭州某某信息技术有限公司"
    assert plan.original_contract_amount == D("5000000.00")
    assert plan.original_contract_signed_on == dt.date(2025, 9, 1)


def test_additions_together_stay_within_ten_percent(w: PlansWorld) -> None:
    first = _addition(w, "400000.00")
    second = _addition(w, "100000.00")  # 40万 + 10万 = 50万 = 10% of 500万: allowed
    with pytest.raises(RuleViolation) as err:
        _addition(w, "300000.00")
    assert err.value.code == ERR_ADDITION_OVER_LIMIT
    assert "10%" in err.value.message and "法31③" in err.value.message
    # A cancelled addition no longer counts.
    services.plan_cancel(actor=w.users["pur_hz"], plan=second)
    assert _addition(w, "100000.00").amount == D("100000.00")
    # Another unit's contract with the same number is another contract.
    line = approved_line(w, org="pur_xh", amount="450000.00")
    make_plan(
        w,
        line,
        org="pur_xh",
        method="single_source",
        single_source_ground="addition",
        amount=D("450000.00"),
        **CONTRACT,
    )
    assert first.pk


def test_a_single_addition_over_ten_percent_is_refused(w: PlansWorld) -> None:
    with pytest.raises(RuleViolation) as err:
        _addition(w, "500000.01")
    assert err.value.code == ERR_ADDITION_OVER_LIMIT


def test_the_original_contract_must_be_described_the_same_way(w: PlansWorld) -> None:
    _addition(w, "100000.00")
    with pytest.raises(InvalidInput) as err:
        _addition(w, "100000.00", original_contract_amount=D("9000000.00"))
    assert err.value.code == ERR_ORIGINAL_CONTRACT_MISMATCH


def test_the_addition_limit_through_the_api(w: PlansWorld) -> None:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {w.tokens['pur_hz']}"}
    line = approved_line(w, amount="600000.00")
    body = {
        "budget_line_id": line.pk,
        "name": "服务器扩容（添购）",
        "amount": "600000.00",
        "expected_month": "2026-12",
        "method": "single_source",
        "single_source_ground": "addition",
        "original_contract_no": "HT2025-0088",
        "original_supplier": "杭州某某信息技术有限公司",
        "original_contract_amount": "5000000.00",
        "original_contract_signed_on": "2025-09-01",
    }
    r = Client().post(
        "/api/v1/plans/plans", data=json.dumps(body), content_type="application/json", **headers
    )
    assert r.status_code == 422 and r.json()["code"] == ERR_ADDITION_OVER_LIMIT
    body["amount"] = "500000.00"
    r = Client().post(
        "/api/v1/plans/plans", data=json.dumps(body), content_type="application/json", **headers
    )
    assert r.status_code == 201, r.content
    assert r.json()["original_contract_no"] == "HT2025-0088"
    assert r.json()["original_contract_amount"] == "5000000.00"
