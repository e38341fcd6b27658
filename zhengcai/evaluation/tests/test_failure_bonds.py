"""Issue 10 item 12 / issue 11 item 1 — a lot that fails in evaluation (too few valid bids,
法 36) refunds every bond it holds within 5 working days of the failure (87号令 38; 条例 33)."""

from __future__ import annotations

import pytest

from zhengcai.bidding import constants as bc
from zhengcai.bidding.models import BidBond
from zhengcai.core import clock
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import services as s
from zhengcai.evaluation.tests.builders import evaluation_ready
from zhengcai.evaluation.tests.test_services import chair_of, started


@pytest.mark.django_db
def test_failed_lot_schedules_its_bonds_five_working_days_later() -> None:
    r = evaluation_ready(method="lowest_price", bidders=3)
    ev = started(r)
    bad = ev.bids.order_by("pk").first()
    for rb in ev.bids.all():
        s.check_record(actor=r.agency, reviewed_bid=rb, stage="qualification", passed=True)
        for m in ev.members.all():
            ok = rb.pk != bad.pk
            s.check_record(
                actor=m.user,
                reviewed_bid=rb,
                stage="compliance",
                passed=ok,
                reason="" if ok else "交货期不满足",
            )
    ev = s.review_close(actor=chair_of(ev), evaluation=ev)
    assert ev.status == c.EvaluationStatus.FAILED
    due = WorkCalendar.load().add_working_days(clock.today(), 5)
    bonds = list(BidBond.objects.filter(participation__lot=r.lot, status=bc.BondStatus.PAID))
    assert len(bonds) == 3
    assert {(b.refund_reason, b.refund_due) for b in bonds} == {(bc.RefundReason.FAILED, due)}
