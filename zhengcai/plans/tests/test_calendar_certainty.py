"""Issue 10 item 2 — a commission step due in a year whose holiday schedule is not confirmed is
暂定; confirming the year moves `due_at` (end of the due day) and the overdue check, audited and
told to the purchaser and the agency."""

from __future__ import annotations

import datetime as dt

from zhengcai.core import clock, deadlines
from zhengcai.core.models import AuditEntry, Message
from zhengcai.core.tests.years import confirm_2027
from zhengcai.plans import services
from zhengcai.plans.tests.factories import PlansWorld, approved_line, make_plan

SH = clock.SHANGHAI


def test_commission_due_into_2027_is_provisional_and_recomputed(w: PlansWorld) -> None:
    plan = make_plan(w, approved_line(w), is_urgent=True, urgent_reason="汛期抢险，不可预见")
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    plan = services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    clock.freeze(dt.datetime(2026, 12, 31, 10, 0, tzinfo=SH))  # Thursday
    com = services.commission_create(
        actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_social"]
    )
    days = (com.due_at.astimezone(SH).date() - dt.date(2026, 12, 31)).days
    assert deadlines.provisional_fields(com) == {"due_at"}
    old_due = com.due_at
    confirm_2027(importer=w.users["admin"], confirmer=w.users["reg_hz"])
    com.refresh_from_db()
    # 1 January 2027 is a holiday in the (test) schedule: the step ends one working day later
    assert com.due_at > old_due and com.due_at.astimezone(SH).time() == dt.time(0, 0)
    assert com.next_check == com.due_at and days > 0
    assert deadlines.provisional_fields(com) == set()
    assert AuditEntry.objects.filter(action="deadline.recomputed", object_id=str(com.pk)).exists()
    for org in ("pur_hz", "agc_social"):
        assert Message.objects.filter(organization=w.orgs[org], kind="deadline_moved").exists()
