"""Issue 10 item 12 — bid bond refunds on every event the law names, and the late-refund
interest (条例 33; 87号令 38, 29), through the services, the API and the bond page. Each test
fails on the code before: refunds were scheduled on the award and the contract only, and no
interest was computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from zhengcai.bidding import constants as c
from zhengcai.bidding import rules, services
from zhengcai.bidding.models import BidBond
from zhengcai.bidding.tests.factories import DEADLINE, World, project, register, submit
from zhengcai.bidding.tests.test_api_rounds_bonds import call
from zhengcai.bidding.tests.test_rounds_bonds import _final_round, _talks
from zhengcai.core import clock
from zhengcai.core.models import AuditEntry
from zhengcai.tenders.models import Project

AMOUNT = Decimal("10000.00")


def _paid(w: World, p: Project, who: str) -> BidBond:
    part = register(w, p, who)
    return services.bond_record(actor=w.users[who], participation=part, amount=AMOUNT)


def test_withdrawal_before_the_deadline_schedules_the_refund(w: World) -> None:
    """87号令 38: withdrawn before the deadline → refunded within 5 working days of the
    withdrawal notice. Monday 2026-11-23 → Monday 2026-11-30."""
    p = project(w)
    bond = _paid(w, p, "s1")
    sub = submit(w, bond.participation, "s1", "500.00")
    bond.refresh_from_db()
    assert bond.refund_due is None  # a live bid keeps its bond
    services.bid_withdraw(actor=w.users["s1"], bid=sub.bid)
    bond.refresh_from_db()
    assert (bond.refund_reason, bond.refund_event_on, bond.refund_due) == (
        c.RefundReason.WITHDRAWAL,
        dt.date(2026, 11, 23),
        dt.date(2026, 11, 30),
    )
    entry = AuditEntry.objects.get(action="bidding.bond_refund_scheduled", object_id=str(bond.pk))
    assert entry.after["reason"] == "withdrawal" and "87号令 38" in entry.after["basis"]
    # a new envelope before the refund: the bond secures it again, nothing is due (audited)
    submit(w, bond.participation, "s1", "480.00")
    bond.refresh_from_db()
    assert bond.refund_due is None and bond.refund_reason == ""
    assert AuditEntry.objects.filter(
        action="bidding.bond_refund_cancelled", object_id=str(bond.pk)
    ).exists()


def test_opening_that_fails_for_too_few_suppliers_schedules_every_refund(w: World) -> None:
    """Too few envelopes at the deadline: nothing is opened, the procurement fails and the
    bonds held — also a bidder's who lodged one but never submitted — are due back."""
    p = project(w)
    b1, b2 = _paid(w, p, "s1"), _paid(w, p, "s2")
    submit(w, b1.participation, "s1", "500.00")
    exempt = services.bond_record(
        actor=w.users["s3"],
        participation=register(w, p, "s3"),
        amount=Decimal("0"),
        sme_size="micro",
    )
    clock.freeze(DEADLINE + dt.timedelta(seconds=1))  # Monday 2026-12-14
    result = services.opening_start(actor=w.users["agc_hz"], window=services.bid_window(p))
    assert result.outcome == c.OpeningOutcome.TERMINATE
    for bond in (b1, b2):
        bond.refresh_from_db()
        assert bond.refund_reason == c.RefundReason.FAILED
        assert bond.refund_due == dt.date(2026, 12, 21)
    exempt.refresh_from_db()
    assert exempt.refund_due is None  # nothing was lodged


def test_final_quotations_that_fail_schedule_the_lots_refunds(w: World) -> None:
    p, parts = _talks(w, who=("s1", "s2", "s3"))
    bonds = {
        s: services.bond_record(actor=w.users[s], participation=part, amount=AMOUNT)
        for s, part in parts.items()
    }
    rnd = _final_round(w, p)
    assert rnd.final_window is not None
    parts["s1"].refresh_from_db()
    submit(w, parts["s1"], "s1", "850.00", files={}, window=rnd.final_window)
    clock.freeze(rnd.final_window.deadline)
    result = services.opening_start(actor=w.users["agc_hz"], window=rnd.final_window)
    assert result.outcome == c.OpeningOutcome.TERMINATE
    for bond in bonds.values():
        bond.refresh_from_db()
        assert bond.refund_reason == c.RefundReason.FAILED and bond.refund_due is not None


def test_termination_schedules_refunds_with_the_documents_fee(w: World) -> None:
    """87号令 29: on termination, within 5 working days, with the documents' fee. The bidding
    service the tenders/evaluation outcomes call; an earlier refund day is never postponed."""
    p = project(w, lots=2)
    b1 = _paid(w, p, "s1")
    b2 = services.bond_record(
        actor=w.users["s2"], participation=register(w, p, "s2", lot_no=2), amount=AMOUNT
    )
    services.bond_refund_schedule(
        bond=b2, event_day=dt.date(2026, 11, 16), reason=c.RefundReason.WITHDRAWAL
    )
    done = services.bonds_schedule_for_project_end(
        project=p,
        reason=c.RefundReason.TERMINATED,
        day=dt.date(2026, 11, 20),  # Friday → Friday 2026-11-27
        actor=w.users["agc_hz"],
        document_fee=Decimal("300.00"),
    )
    assert {b.pk for b in done} == {b1.pk, b2.pk}
    b1.refresh_from_db()
    b2.refresh_from_db()
    assert (b1.refund_reason, b1.refund_due, b1.document_fee) == (
        c.RefundReason.TERMINATED,
        dt.date(2026, 11, 27),
        Decimal("300.00"),
    )
    assert (b2.refund_reason, b2.refund_due) == (c.RefundReason.WITHDRAWAL, dt.date(2026, 11, 23))
    from zhengcai.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.bonds_schedule_for_lot_end(lot=p.lots.first(), reason="award", day=clock.today())  # type: ignore[arg-type]
    assert exc.value.code == "bad_refund_reason"


def test_late_refund_interest_at_its_boundaries_through_the_api(w: World) -> None:
    """87号令 38: benchmark rate (≤1 year 4.35% since 2015-10-24) × 1.2 ÷ 360 per day late.
    Due Friday 2026-11-20; on the due day nothing is owed; each later day adds 1.45."""
    p = project(w)
    bond = _paid(w, p, "s1")
    services.bond_refund_schedule(bond=bond, event_day=dt.date(2026, 11, 13))  # → 11-20
    q = f"/bonds?project_id={p.pk}"
    for today, days, interest in (
        (dt.date(2026, 11, 20), 0, "0.00"),  # the refund day itself is in time
        (dt.date(2026, 11, 21), 1, "1.45"),  # 10,000 × 4.35% × 1.2 ÷ 360
        (dt.date(2026, 12, 20), 30, "43.50"),
    ):
        clock.freeze(dt.datetime.combine(today, dt.time(10), tzinfo=clock.SHANGHAI))
        row = call(w, "agc_hz", "get", q).json()["items"][0]
        assert (row["days_late"], row["late_interest"]) == (days, interest), row
    assert row["interest_rate"] == "5.2200" and "87号令 38" in row["interest_basis"]
    # refunded on 12-20: the interest stops there, the refund audit records it
    r = call(w, "pur_hz", "post", f"/bonds/{bond.pk}/refund")
    assert r.json()["late_interest"] == "43.50"
    entry = AuditEntry.objects.get(action="bidding.bond_refund", object_id=str(bond.pk))
    assert entry.after["late_days"] == 30 and entry.after["late_interest"] == "43.50"
    clock.freeze(dt.datetime(2027, 1, 20, 10, tzinfo=clock.SHANGHAI))
    assert call(w, "agc_hz", "get", q).json()["items"][0]["late_interest"] == "43.50"


def test_late_interest_follows_the_dated_rate_configuration(w: World, settings: object) -> None:
    """A rate entered with its effective date applies from that day on (here a 1-year LPR of
    3.00% from 2026-11-22 as a regulator might decide ⚠)."""
    settings.ZHENGCAI = {  # type: ignore[attr-defined]
        **settings.ZHENGCAI,  # type: ignore[attr-defined]
        "BOND_LENDING_RATES": [
            {
                "effective_from": "2026-11-22",
                "annual_rate": "3.00",
                "max_term_days": 365,
                "basis": "1年期 LPR（示例）",
            }
        ],
    }
    p = project(w)
    bond = _paid(w, p, "s1")
    services.bond_refund_schedule(bond=bond, event_day=dt.date(2026, 11, 13))  # → 11-20
    row = call(w, "agc_hz", "get", f"/bonds?project_id={p.pk}").json()["items"][0]
    # 11-21 at 4.35% × 1.2 = 1.45; 11-22 and 11-23 at 3.00% × 1.2 = 1.00 each
    assert (row["days_late"], row["late_interest"], row["interest_rate"]) == (3, "3.45", "3.6000")
    assert row["interest_basis"].startswith("1年期 LPR（示例）")


def test_bond_page_shows_the_interest(w: World) -> None:
    p = project(w)
    bond = _paid(w, p, "s1")
    services.bond_refund_schedule(bond=bond, event_day=dt.date(2026, 11, 13))  # → 11-20
    cl = Client()
    cl.force_login(w.users["agc_hz"])
    html = cl.get(f"/bidding/bonds/?project={p.pk}").content.decode()
    assert f'data-testid="days-late-{bond.pk}">3<' in html
    assert f'data-testid="late-interest-{bond.pk}">4.35' in html
    assert "87号令 38" in html and "÷ 360" in html


@pytest.mark.parametrize(
    ("days", "rate"),
    [(1, "4.35"), (365, "4.35"), (366, "4.75"), (1825, "4.75"), (1826, "4.90")],
)
def test_the_rate_of_the_same_period(days: int, rate: str) -> None:
    """同期: the term the whole delay falls in picks the benchmark rate (87号令 38)."""
    found = rules.lending_rate_on(dt.date(2026, 11, 23), days)
    assert found is not None and found.annual_rate == Decimal(rate)
    assert rules.lending_rate_on(dt.date(2015, 10, 23), 1) is None  # before any rate
    late = rules.bond_late_interest(AMOUNT, dt.date(2015, 10, 20), dt.date(2015, 10, 25))
    assert late.days == 5 and late.interest is None  # a day without a rate is not guessed


def test_recording_again_moves_the_bond_through_its_machine(w: World) -> None:
    """Issue 9: bond_record used update_or_create, which could silently turn a refunded bond
    back into 已缴纳; now 无需缴纳 ↔ 已缴纳 is a machine move and a refunded bond stays so."""
    from zhengcai.core.errors import DomainError

    p = project(w)
    part = register(w, p, "s1")
    bond = services.bond_record(
        actor=w.users["s1"], participation=part, amount=Decimal("0"), sme_size="micro"
    )
    assert bond.status == c.BondStatus.NOT_REQUIRED
    bond = services.bond_record(actor=w.users["s1"], participation=part, amount=AMOUNT)
    assert bond.status == c.BondStatus.PAID
    entry = AuditEntry.objects.filter(action="bidding.bond_record", object_id=str(bond.pk))
    assert entry.order_by("-seq").first().before == {"status": "not_required"}  # type: ignore[union-attr]
    services.bond_refund(actor=w.users["agc_hz"], bond=bond)
    with pytest.raises(DomainError) as exc:
        services.bond_record(actor=w.users["s1"], participation=part, amount=AMOUNT)
    assert exc.value.code == c.ERR_BAD_TRANSITION
    bond.refresh_from_db()
    assert bond.status == c.BondStatus.REFUNDED and bond.refunded_at is not None
