"""Issue 11 item 4 — an agency banned from 代理政府采购业务 (法 78) cannot be commissioned by a
plan while the ban runs, and can on the day after its last day."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.core import clock
from zhengcai.core.errors import RuleViolation
from zhengcai.credit.tests.bans import ban_ending
from zhengcai.plans import services
from zhengcai.plans.models import ProcurementPlan
from zhengcai.plans.tests.factories import PlansWorld, approved_line, make_plan


def test_banned_agency_is_not_commissioned_until_the_day_after_the_ban(w: PlansWorld) -> None:
    plan = make_plan(w, approved_line(w), is_urgent=True, urgent_reason="汛期抢险，不可预见")
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    plan = services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    agency = w.orgs["agc_social"]
    ban_ending(
        regulator=w.users["reg_hz"], organization=agency, last_day=clock.today(), agency=True
    )
    with pytest.raises(RuleViolation) as exc:
        services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=agency)
    assert exc.value.code == "credit_banned" and exc.value.detail["activity"] == "agency_business"
    assert "禁止代理政府采购业务至 2026年11月23日" in exc.value.message
    assert "第七十八条" in exc.value.message
    assert ProcurementPlan.objects.get(pk=plan.pk).status == "approved"
    clock.freeze(dt.datetime(2026, 11, 24, 9, 0, tzinfo=clock.SHANGHAI))
    com = services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=agency)
    assert com.agency == agency and com.status == "sent"
