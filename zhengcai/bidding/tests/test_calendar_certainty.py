"""Issue 10 item 2 — a bond refund due in a year whose holiday schedule is not confirmed is 暂定
(the refund goes on); confirming the year recomputes it, audited, and tells the supplier and the
agency in their inbox (条例 33; 87号令 38, 29)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhengcai.bidding import services
from zhengcai.bidding.services.bonds import bond_withdrawal_refund_cancel
from zhengcai.bidding.tests.factories import World, project, register
from zhengcai.core import clock, deadlines
from zhengcai.core.models import AuditEntry, Message
from zhengcai.core.tests.years import confirm_2027
from zhengcai.tenders import services as tender_services


def test_refund_due_into_2027_is_provisional_and_recomputed_when_2027_is_confirmed(
    w: World,
) -> None:
    p = project(w)
    bond = services.bond_record(
        actor=w.users["s1"], participation=register(w, p, "s1"), amount=Decimal("10000")
    )
    clock.freeze(dt.datetime(2026, 12, 28, 10, 0, tzinfo=clock.SHANGHAI))  # Monday
    tender_services.project_terminate(
        actor=w.users["agc_hz"], project=p, reason="因采购需求发生重大变化，终止本次采购"
    )
    bond.refresh_from_db()
    # Monday–Friday count: 2027-01-04, marked 暂定
    assert bond.refund_due == dt.date(2027, 1, 4)
    assert deadlines.provisional_fields(bond) == {"refund_due"}
    moved = confirm_2027(importer=w.users["admin"], confirmer=w.users["reg_hz"])
    bond.refresh_from_db()
    # the (test) 2027 schedule makes 1 January a holiday: one working day later
    assert bond.refund_due == dt.date(2027, 1, 5)
    assert [(m.old, m.new) for m in moved] == [(dt.date(2027, 1, 4), dt.date(2027, 1, 5))]
    assert deadlines.provisional_fields(bond) == set()
    entry = AuditEntry.objects.get(action="deadline.recomputed", object_id=str(bond.pk))
    assert entry.after["refund_due"] == "2027-01-05" and entry.after["certain"] is True
    for org in (w.orgs["s1"], w.orgs["agc_hz"]):
        msg = Message.objects.get(organization=org, kind="deadline_moved")
        assert "投标保证金退还期限" in msg.subject and "2027-01-04" in msg.body


def test_a_cancelled_refund_is_not_recomputed(w: World) -> None:
    p = project(w, deadline=dt.datetime(2027, 1, 20, 9, 30, tzinfo=clock.SHANGHAI))
    part = register(w, p, "s2")
    bond = services.bond_record(actor=w.users["s2"], participation=part, amount=Decimal("10000"))
    clock.freeze(dt.datetime(2026, 12, 28, 10, 0, tzinfo=clock.SHANGHAI))
    services.bond_withdrawal_refund(actor=w.users["s2"], participation=part)
    bond.refresh_from_db()
    assert deadlines.provisional_fields(bond) == {"refund_due"}
    bond_withdrawal_refund_cancel(actor=w.users["s2"], participation=part)
    assert deadlines.provisional_fields(bond) == set()
    confirm_2027(importer=w.users["admin"], confirmer=w.users["reg_hz"])
    bond.refresh_from_db()
    assert bond.refund_due is None
