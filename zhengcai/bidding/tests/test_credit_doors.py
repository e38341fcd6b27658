"""Issue 11 item 4 — a banned supplier (法 77) cannot register (报名) or bid while the ban runs,
and can on the day after its last day. Through the services and the API."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.bidding.models import Participation
from zhengcai.bidding.tests.factories import World, project, register, submit
from zhengcai.core import clock
from zhengcai.core.errors import RuleViolation
from zhengcai.credit.tests.bans import ban_ending

TODAY = dt.date(2026, 11, 23)
NEXT_DAY = dt.datetime(2026, 11, 24, 9, 0, tzinfo=clock.SHANGHAI)


def test_banned_supplier_cannot_register_until_the_day_after_the_ban(w: World) -> None:
    p = project(w)
    ban_ending(regulator=w.users["reg_hz"], organization=w.orgs["s1"], last_day=TODAY)
    with pytest.raises(RuleViolation) as exc:
        register(w, p, "s1")
    assert exc.value.code == "credit_banned"
    assert "2026年11月23日" in exc.value.message and "第七十七条" in exc.value.message
    assert exc.value.detail["activity"] == "register"
    assert exc.value.detail["ban_until"] == "2026-11-23"
    assert not Participation.objects.filter(lot__project=p, supplier=w.orgs["s1"]).exists()
    assert register(w, p, "s2").pk  # others are not affected
    clock.freeze(NEXT_DAY)
    assert register(w, p, "s1").supplier == w.orgs["s1"]


def test_banned_supplier_cannot_bid_until_the_day_after_the_ban(w: World) -> None:
    p = project(w)
    part = register(w, p, "s3")  # registered before the decision
    ban_ending(regulator=w.users["reg_hz"], organization=w.orgs["s3"], last_day=TODAY)
    with pytest.raises(RuleViolation) as exc:
        submit(w, part, "s3", "500.00")
    assert exc.value.code == "credit_banned" and exc.value.detail["activity"] == "bid"
    assert "递交投标（响应）文件" in exc.value.message
    clock.freeze(NEXT_DAY)
    assert submit(w, part, "s3", "500.00").bid.pk


def test_the_register_api_answers_422_credit_banned(w: World) -> None:
    from django.test import Client

    p = project(w)
    ban_ending(regulator=w.users["reg_hz"], organization=w.orgs["s4"], last_day=TODAY)
    lot = p.lots.get()
    r = Client().post(
        f"/api/v1/bidding/lots/{lot.pk}/participations",
        HTTP_AUTHORIZATION=f"Bearer {w.tokens['s4']}",
        content_type="application/json",
    )
    assert r.status_code == 422 and r.json()["code"] == "credit_banned", r.content
