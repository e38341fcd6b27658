"""Issue 11 item 4 — a banned first candidate cannot be awarded (法 77): the purchaser is told
why, picks the next candidate with the reason (条例 43), the timed 条例 43 choice does not deem
the banned candidate, and the day after the ban's last day the award goes through."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.core import clock, timed
from zhengcai.core.errors import RuleViolation
from zhengcai.credit.tests.bans import ban_ending
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import services as s
from zhengcai.evaluation.models import Evaluation
from zhengcai.evaluation.tests.builders import PASSWORD, Ready, evaluation_ready
from zhengcai.evaluation.tests.test_services import chair_of, reviewed


def _signed(r: Ready) -> Evaluation:
    ev = reviewed(r)
    ev = s.evaluation_conclude(actor=chair_of(ev), evaluation=ev)
    for m in ev.members.all():
        s.report_sign(actor=m.user, evaluation=ev, agrees=True, password=PASSWORD)
    ev.refresh_from_db()
    assert ev.status == c.EvaluationStatus.SIGNED
    return ev


@pytest.mark.django_db
def test_banned_first_candidate_is_refused_and_the_next_is_chosen_with_the_reason() -> None:
    r = evaluation_ready(method="lowest_price", bidders=3)
    ev = _signed(r)
    ranked = list(ev.bids.order_by("order"))
    first, second = ranked[0].supplier, ranked[1].supplier
    last_day = clock.today() + dt.timedelta(days=30)
    ban_ending(regulator=r.world.users["reg_hz"], organization=first, last_day=last_day)
    with pytest.raises(RuleViolation) as exc:
        s.award_confirm(actor=r.purchaser, evaluation=ev, supplier=first)
    assert exc.value.code == "credit_banned" and exc.value.detail["activity"] == "award"
    assert f"至 {last_day:%Y年%m月%d日}" in exc.value.message
    assert "第七十七条" in exc.value.message
    assert Evaluation.objects.get(pk=ev.pk).status == c.EvaluationStatus.SIGNED
    # 条例 43: the deemed choice does not fall on the banned first candidate
    clock.freeze(ev.next_check + dt.timedelta(minutes=1))
    timed.process_due()
    assert Evaluation.objects.get(pk=ev.pk).status == c.EvaluationStatus.SIGNED
    with pytest.raises(Exception) as reason:
        s.award_confirm(actor=r.purchaser, evaluation=ev, supplier=second)
    assert getattr(reason.value, "code", "") == c.ERR_REASON_REQUIRED
    ev = s.award_confirm(
        actor=r.purchaser,
        evaluation=ev,
        supplier=second,
        reason="排名第一的候选人被禁止参加政府采购活动（法 77）",
    )
    assert ev.status == c.EvaluationStatus.AWARDED and ev.awarded_supplier == second


@pytest.mark.django_db
def test_first_candidate_is_awarded_the_day_after_the_ban_ends() -> None:
    r = evaluation_ready(method="lowest_price", bidders=3)
    ev = _signed(r)
    first = ev.bids.order_by("order").first().supplier
    ban_ending(regulator=r.world.users["reg_hz"], organization=first, last_day=clock.today())
    with pytest.raises(RuleViolation):
        s.award_confirm(actor=r.purchaser, evaluation=ev, supplier=first)
    day_after = clock.today() + dt.timedelta(days=1)
    clock.freeze(dt.datetime.combine(day_after, dt.time(9, 0), tzinfo=clock.SHANGHAI))
    ev = s.award_confirm(actor=r.purchaser, evaluation=ev, supplier=first)
    assert ev.status == c.EvaluationStatus.AWARDED and ev.awarded_supplier == first
