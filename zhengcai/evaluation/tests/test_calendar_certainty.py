"""Issue 10 item 2 — a report signed at the end of 2026: the purchaser's 5-working-day decision
period (条例 43) runs into 2027, whose schedule is not confirmed, so `award_due` is 暂定 (the work
goes on); confirming 2027 recomputes it, moves the deemed-choice check, audits and tells the
agency and the purchaser."""

from __future__ import annotations

import datetime as dt

import pytest

from zhengcai.core import clock, deadlines
from zhengcai.core.models import AuditEntry, Message
from zhengcai.core.tests.years import confirm_2027
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import services as s
from zhengcai.evaluation.models import Evaluation
from zhengcai.evaluation.tests.builders import PASSWORD, evaluation_ready
from zhengcai.evaluation.tests.test_services import chair_of, reviewed

SH = clock.SHANGHAI


@pytest.mark.django_db
def test_award_due_into_2027_is_provisional_and_recomputed_when_2027_is_confirmed() -> None:
    r = evaluation_ready(method="lowest_price", bidders=3)
    ev = reviewed(r)
    ev = s.evaluation_conclude(actor=chair_of(ev), evaluation=ev)
    clock.freeze(dt.datetime(2026, 12, 28, 10, 0, tzinfo=SH))  # Monday
    for m in ev.members.all():
        s.report_sign(actor=m.user, evaluation=ev, agrees=True, password=PASSWORD)
    ev = Evaluation.objects.get(pk=ev.pk)
    assert ev.status == c.EvaluationStatus.SIGNED
    assert ev.report_due == dt.date(2026, 12, 30)  # inside 2026: certain
    assert ev.award_due == dt.date(2027, 1, 4)  # Monday–Friday count: 暂定
    assert deadlines.provisional_fields(ev) == {"award_due"}
    confirm_2027(importer=r.world.users["admin"], confirmer=r.world.users["reg_hz"])
    ev = Evaluation.objects.get(pk=ev.pk)
    assert ev.award_due == dt.date(2027, 1, 5)  # 1 January 2027 is a holiday (test schedule)
    assert ev.next_check == dt.datetime(2027, 1, 6, 0, 0, tzinfo=SH)
    assert deadlines.provisional_fields(ev) == set()
    entry = AuditEntry.objects.get(action="deadline.recomputed", object_id=str(ev.pk))
    assert entry.after["award_due"] == "2027-01-05"
    for org in (r.project.agency, r.project.purchaser):
        msg = Message.objects.get(organization=org, kind="deadline_moved")
        assert "确定中标" in msg.subject and "条例 43" in msg.body
