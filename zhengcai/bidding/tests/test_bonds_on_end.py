"""Issue 10 item 12 / issue 11 item 1 — a terminated project refunds every bid bond it holds
within 5 working days of the termination (87号令 38, 29; 条例 33). Tenders is below bidding: the
termination runs `tenders.hooks.project_ended`, bidding registers the refund in apps.ready()."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhengcai.bidding import constants as c
from zhengcai.bidding import services
from zhengcai.bidding.hooks import refund_bonds_on_project_end
from zhengcai.bidding.tests.factories import World, project, register
from zhengcai.core import clock
from zhengcai.core.models import AuditEntry
from zhengcai.tenders import hooks
from zhengcai.tenders import services as tender_services


def test_bidding_registers_its_refund_hook_at_startup() -> None:
    assert refund_bonds_on_project_end in hooks._project_end


def test_termination_schedules_every_bond_five_working_days_later(w: World) -> None:
    p = project(w, lots=2)
    bonds = [
        services.bond_record(
            actor=w.users[who], participation=register(w, p, who, lot), amount=Decimal("10000")
        )
        for who, lot in (("s1", 1), ("s2", 2))
    ]
    # Friday 2026-11-27: five working days later is Friday 2026-12-04 (the weekend is skipped)
    clock.freeze(dt.datetime(2026, 11, 27, 15, 0, tzinfo=clock.SHANGHAI))
    tender_services.project_terminate(
        actor=w.users["agc_hz"], project=p, reason="因采购需求发生重大变化，终止本次采购"
    )
    for b in bonds:
        b.refresh_from_db()
        assert (b.refund_reason, b.refund_event_on, b.refund_due) == (
            c.RefundReason.TERMINATED,
            dt.date(2026, 11, 27),
            dt.date(2026, 12, 4),
        )
        entry = AuditEntry.objects.get(action="bidding.bond_refund_scheduled", object_id=str(b.pk))
        assert entry.actor_id == w.users["agc_hz"].pk and "87号令 29" in entry.after["basis"]
