"""谈判/磋商 rounds with sealed final quotations, and bid bonds after the award and the contract:
services (rules, refusals that leave data unchanged, audit) and the web pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from zhengcai.bidding import constants as c
from zhengcai.bidding import selectors, services
from zhengcai.bidding.models import Bid, BidBond, NegotiationRound, Opening, Participation
from zhengcai.bidding.tests.factories import DEADLINE, World, project, register, submit
from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.tenders.models import Project


def _page(w: World, who: str) -> Client:
    cl = Client()
    cl.force_login(w.users[who])
    return cl


@pytest.fixture
def demo_on(settings: object) -> None:
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True}  # type: ignore[attr-defined]


def _talks(
    w: World, method: str = "negotiation", who: tuple[str, ...] = ("s1", "s2", "s3", "s4")
) -> tuple[Project, dict[str, Participation]]:
    """A 谈判/磋商 project whose responses have been opened."""
    p = project(w, method=method)
    parts = {s: register(w, p, s) for s in who}
    for s, part in parts.items():
        submit(w, part, s, "900.00")
    clock.freeze(DEADLINE + dt.timedelta(seconds=1))
    services.opening_start(actor=w.users["agc_hz"], window=services.bid_window(p))
    return p, parts


def _final_round(w: World, p: Project, hours: int = 2) -> NegotiationRound:
    return services.round_open(
        actor=w.users["agc_hz"],
        lot=p.lots.get(),
        changes="交货期由30日缩短为20日；质保由3年延长为5年",
        purchaser_rep="王采购",
        final_deadline=clock.now() + dt.timedelta(hours=hours),
    )


def _code(exc: pytest.ExceptionInfo[DomainError]) -> str:
    return exc.value.code


# --- rounds: services ---------------------------------------------------------------------


def test_round_needs_opened_responses_and_purchaser_rep(w: World) -> None:
    p = project(w, method="negotiation")
    register(w, p, "s1")
    with pytest.raises(DomainError) as exc:
        services.round_open(
            actor=w.users["agc_hz"], lot=p.lots.get(), changes="x", purchaser_rep="王采购"
        )
    assert _code(exc) == c.ERR_RESPONSES_NOT_OPENED
    p2, _ = _talks(w)
    with pytest.raises(DomainError) as exc:
        services.round_open(
            actor=w.users["agc_hz"], lot=p2.lots.get(), changes="交货期20日", purchaser_rep="  "
        )
    assert _code(exc) == c.ERR_REP_REQUIRED and exc.value.status == 422
    with pytest.raises(DomainError) as exc:  # another agency
        services.round_open(
            actor=w.users["agc_social"], lot=p2.lots.get(), changes="交货期20日", purchaser_rep="王"
        )
    assert exc.value.status == 403
    assert not NegotiationRound.objects.filter(project=p2).exists()


def test_round_records_rep_recipients_and_audit(w: World) -> None:
    p, parts = _talks(w)
    rnd = services.round_open(
        actor=w.users["agc_hz"], lot=p.lots.get(), changes="交货期20日", purchaser_rep="王采购"
    )
    assert rnd.purchaser_rep == "王采购" and rnd.final_window is None
    assert sorted(rnd.recipients) == sorted(pt.supplier_id for pt in parts.values())
    entry = AuditEntry.objects.filter(action="bidding.round_confirm", object_id=str(rnd.pk)).get()
    assert entry.after["purchaser_rep"] == "王采购"


def test_eliminate_needs_reason_and_tells_it(w: World) -> None:
    _p, parts = _talks(w)
    with pytest.raises(DomainError) as exc:
        services.participation_eliminate(
            actor=w.users["agc_hz"], participation=parts["s4"], reason=" "
        )
    assert _code(exc) == c.ERR_REASON_REQUIRED
    parts["s4"].refresh_from_db()
    assert parts["s4"].status == c.ParticipationStatus.REGISTERED
    services.participation_eliminate(
        actor=w.users["agc_hz"], participation=parts["s4"], reason="技术参数不满足实质性要求"
    )
    parts["s4"].refresh_from_db()
    assert parts["s4"].eliminated_reason == "技术参数不满足实质性要求"
    assert parts["s4"].eliminated_at == clock.now()
    with pytest.raises(DomainError) as exc:
        services.participation_eliminate(
            actor=w.users["agc_hz"], participation=parts["s4"], reason="再次"
        )
    assert _code(exc) == c.ERR_BAD_TRANSITION


def test_final_quotations_only_from_invited_remaining_suppliers(w: World) -> None:
    p, parts = _talks(w)
    services.participation_eliminate(
        actor=w.users["agc_hz"], participation=parts["s4"], reason="不满足"
    )
    rnd = _final_round(w, p)
    assert parts["s4"].supplier_id not in rnd.recipients
    with pytest.raises(DomainError) as exc:
        services.final_quote_submit(
            actor=w.users["s4"],
            rnd=rnd,
            participation=parts["s4"],
            key_id=w.keys["s4"].key_id,
            schedule={},
            schedule_signature="",
            files=[],
        )
    assert _code(exc) == c.ERR_NOT_INVITED
    # eliminated after the invitation: the round was sent, but it is out of the talks
    services.participation_eliminate(
        actor=w.users["agc_hz"], participation=parts["s3"], reason="报价明显不合理"
    )
    parts["s3"].refresh_from_db()
    with pytest.raises(DomainError) as exc:
        submit(w, parts["s3"], "s3", "800.00", files={}, window=rnd.final_window)
    assert _code(exc) == c.ERR_NOT_REGISTERED
    assert not Bid.objects.filter(window=rnd.final_window).exists()
    # a second final round while this one is pending is refused
    with pytest.raises(DomainError) as exc:
        _final_round(w, p)
    assert _code(exc) == c.ERR_FINAL_PENDING


@pytest.mark.parametrize("method", ["negotiation", "consultation"])
def test_missing_final_quotation_does_not_count(w: World, method: str) -> None:
    p, parts = _talks(w, method=method, who=("s1", "s2", "s3"))
    rnd = _final_round(w, p)
    assert rnd.final_window is not None
    for s, price in (("s1", "850.00"), ("s2", "820.00")):
        parts[s].refresh_from_db()
        submit(w, parts[s], s, price, files={}, window=rnd.final_window)
    view = selectors.negotiation_view(p, supplier_id=None, now=clock.now())
    states = {r.participation.supplier_id: r.state for r in view[0].rounds[0].recipients}
    assert states[parts["s3"].supplier_id] == "pending"
    clock.freeze(rnd.final_window.deadline)
    view = selectors.negotiation_view(p, supplier_id=None, now=clock.now())
    assert [r.participation.pk for r in view[0].rounds[0].missing] == [parts["s3"].pk]
    result = services.opening_start(actor=w.users["agc_hz"], window=rnd.final_window)
    # 2 final quotations < 3 (74号令 33; 214号 21): not opened, the prices stay sealed
    assert result.outcome == c.OpeningOutcome.TERMINATE and result.count == 2
    assert not Bid.objects.filter(window=rnd.final_window, total_price__isnull=False).exists()


# --- rounds: pages --------------------------------------------------------------------------


def test_round_pages_end_to_end(w: World, demo_on: None) -> None:
    p, parts = _talks(w)
    agency = _page(w, "agc_hz")
    base = f"/bidding/projects/{p.pk}/rounds/"
    assert agency.get(base).status_code == 200
    # refused without the purchaser rep: message, nothing stored
    r = agency.post(base + "new/", {"lot": p.lots.get().pk, "changes": "x"}, follow=True)
    assert "采购人代表确认" in r.content.decode()
    assert not NegotiationRound.objects.filter(project=p).exists()
    agency.post(f"{base}participations/{parts['s4'].pk}/eliminate/", {"reason": "资格证明文件缺失"})
    deadline = clock.now() + dt.timedelta(hours=2)
    r = agency.post(
        base + "new/",
        {
            "lot": p.lots.get().pk,
            "changes": "质保期延长为5年",
            "purchaser_rep": "王采购",
            "final_deadline": deadline.strftime("%Y-%m-%dT%H:%M:%S"),
        },
    )
    assert r.status_code == 302
    rnd = NegotiationRound.objects.get(project=p)
    assert rnd.final_window is not None and rnd.final_window.deadline == deadline
    # remaining supplier: the changes and the sealed form; eliminated one: the reason only
    s1 = _page(w, "s1")
    html = s1.get(base).content.decode()
    assert "质保期延长为5年" in html and 'data-testid="final-form"' in html
    html4 = _page(w, "s4").get(base).content.decode()
    assert "资格证明文件缺失" in html4 and "质保期延长为5年" not in html4
    key = services.key_create_demo(actor=w.users["s1"])
    r = s1.post(
        f"{base}{rnd.pk}/submit/{parts['s1'].pk}/",
        {"key_id": key.key_id, "demo_sign": "1", "total_price": "811.00", "files": []},
    )
    assert r.status_code == 302
    bid = Bid.objects.get(window=rnd.final_window, participation=parts["s1"])
    assert bid.status == c.BidStatus.SUBMITTED
    html = s1.get(base).content.decode()
    assert bid.receipt.receipt_id in html and "811.00" not in html
    for s, price in (("s2", "822.00"), ("s3", "833.00")):
        parts[s].refresh_from_db()
        submit(w, parts[s], s, price, files={}, window=rnd.final_window)
    # the agency cannot open before the deadline; after it the same opening flow runs
    open_url = f"/bidding/projects/{p.pk}/windows/{rnd.final_window.pk}/open/"
    agency.post(open_url)
    assert not Opening.objects.filter(window=rnd.final_window).exists()
    clock.freeze(deadline)
    r = agency.post(open_url)
    assert r.status_code == 302 and r["Location"].endswith(f"#window-{rnd.final_window.pk}")
    html = agency.get(base).content.decode()
    assert "811.00" in html and "822.00" in html and "833.00" in html
    opening = Opening.objects.get(window=rnd.final_window)
    r = agency.post(f"/bidding/projects/{p.pk}/openings/{opening.pk}/sign/")
    assert r["Location"].endswith(f"#window-{rnd.final_window.pk}")
    opening.refresh_from_db()
    assert opening.status == c.OpeningStatus.SIGNED and opening.record["kind"] == "final_quote"
    live = _page(w, "supv_hz").get(
        f"/bidding/projects/{p.pk}/opening/live/?window={rnd.final_window.pk}"
    )
    assert live.status_code == 200 and "811.00" in live.content.decode()


def test_round_pages_scope(w: World) -> None:
    p, _ = _talks(w, who=("s1", "s2", "s3"))
    assert _page(w, "s4").get(f"/bidding/projects/{p.pk}/rounds/").status_code == 404
    r = _page(w, "s1").post(
        f"/bidding/projects/{p.pk}/rounds/new/",
        {"lot": p.lots.get().pk, "changes": "x", "purchaser_rep": "王"},
    )
    assert r.status_code == 302 and not NegotiationRound.objects.filter(project=p).exists()
    open_tender = project(w)
    assert _page(w, "agc_hz").get(f"/bidding/projects/{open_tender.pk}/rounds/").status_code == 404
    other = services.bid_window(open_tender)
    r = _page(w, "agc_hz").post(f"/bidding/projects/{p.pk}/windows/{other.pk}/open/")
    assert not Opening.objects.filter(window=other).exists()


# --- bonds ----------------------------------------------------------------------------------


def _bonds(w: World) -> tuple[Project, dict[str, BidBond]]:
    p = project(w)
    out = {}
    for s in ("s1", "s2"):
        part = register(w, p, s)
        out[s] = services.bond_record(
            actor=w.users[s], participation=part, amount=Decimal("10000.00")
        )
    return p, out


def _award(p: Project) -> None:
    # The award itself is the evaluation/awards apps' service; here the status is given.
    Project.objects.filter(pk=p.pk).update(status="awarded")
    p.refresh_from_db()


def test_contract_signed_schedules_the_winners_refund(w: World) -> None:
    p, bonds = _bonds(w)
    lot = p.lots.get()
    with pytest.raises(DomainError) as exc:
        services.bond_contract_signed(
            actor=w.users["agc_hz"], lot=lot, supplier=w.orgs["s1"], signed_on=clock.today()
        )
    assert _code(exc) == c.ERR_NOT_AWARDED
    _award(p)
    lot = p.lots.get()
    for who, day, code in (
        ("s1", clock.today(), c.ERR_BOND_OFFICER),
        ("agc_social", clock.today(), c.ERR_BOND_OFFICER),
        ("agc_hz", clock.today() + dt.timedelta(days=1), "date_invalid"),
    ):
        with pytest.raises(DomainError) as exc:
            services.bond_contract_signed(
                actor=w.users[who], lot=lot, supplier=w.orgs["s1"], signed_on=day
            )
        assert _code(exc) == code
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].contract_signed_on is None and bonds["s1"].refund_due is None
    # signed Friday 2026-11-20 → 5 working days → Friday 2026-11-27 (条例 33; 87号令 38)
    bond = services.bond_contract_signed(
        actor=w.users["pur_hz"], lot=lot, supplier=w.orgs["s1"], signed_on=dt.date(2026, 11, 20)
    )
    assert bond.contract_signed_on == dt.date(2026, 11, 20)
    assert bond.refund_due == dt.date(2026, 11, 27)
    assert AuditEntry.objects.filter(
        action="bidding.bond_contract_signed", object_id=str(bond.pk)
    ).exists()
    with pytest.raises(DomainError) as exc:
        services.bond_contract_signed(
            actor=w.users["agc_hz"], lot=lot, supplier=w.orgs["s1"], signed_on=clock.today()
        )
    assert _code(exc) == c.ERR_ALREADY_SIGNED


def test_refund_permissions_and_overdue_flags(w: World) -> None:
    p, bonds = _bonds(w)
    services.bond_refund_schedule(bond=bonds["s1"], event_day=dt.date(2026, 11, 13))  # → 11-20
    services.bond_refund_schedule(bond=bonds["s2"], event_day=dt.date(2026, 11, 16))  # → 11-23
    today = clock.today()  # 2026-11-23
    overdue = set(
        selectors.bonds_overdue(today=today).filter(pk__in=[b.pk for b in bonds.values()])
    )
    assert overdue == {bonds["s1"]}  # the due day itself is not late
    with pytest.raises(DomainError) as exc:
        services.bond_refund(actor=w.users["s1"], bond=bonds["s1"])
    assert _code(exc) == c.ERR_BOND_OFFICER
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].status == c.BondStatus.PAID
    services.bond_refund(actor=w.users["agc_hz"], bond=bonds["s1"])
    rows = {
        r.bond.pk: r
        for r in selectors.bond_rows(BidBond.objects.filter(participation__project=p), today=today)
    }
    assert rows[bonds["s1"].pk].late and not rows[bonds["s1"].pk].overdue
    assert not rows[bonds["s2"].pk].late and not rows[bonds["s2"].pk].overdue
    with pytest.raises(DomainError) as exc:
        services.bond_refund(actor=w.users["agc_hz"], bond=bonds["s1"])
    assert _code(exc) == c.ERR_BAD_TRANSITION


def test_bond_pages(w: World) -> None:
    p, bonds = _bonds(w)
    _award(p)
    services.bond_refund_schedule(bond=bonds["s2"], event_day=dt.date(2026, 11, 13))
    agency = _page(w, "agc_hz")
    html = agency.get(f"/bidding/bonds/?project={p.pk}").content.decode()
    assert 'data-testid="overdue-flag"' in html and "2026-11-20" in html
    assert f'data-testid="contract-form-{p.lots.get().pk}"' in html
    r = agency.post(
        f"/bidding/bonds/lots/{p.lots.get().pk}/contract-signed/",
        {"project": p.pk, "supplier": w.orgs["s1"].pk, "signed_on": "2026-11-23"},
    )
    assert r.status_code == 302
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].refund_due == dt.date(2026, 11, 30)
    agency.post(f"/bidding/bonds/{bonds['s2'].pk}/refund/")
    bonds["s2"].refresh_from_db()
    assert bonds["s2"].status == c.BondStatus.REFUNDED
    # the supplier sees its own bond only, and cannot refund it
    s1 = _page(w, "s1")
    html = s1.get("/bidding/bonds/").content.decode()
    assert w.orgs["s1"].name in html and w.orgs["s2"].name not in html
    assert 'data-testid="refund-' not in html
    s1.post(f"/bidding/bonds/{bonds['s1'].pk}/refund/")
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].status == c.BondStatus.PAID
    # another agency sees nothing of this project and cannot act on it
    other = _page(w, "agc_social")
    assert w.orgs["s1"].name not in other.get("/bidding/bonds/").content.decode()
    other.post(f"/bidding/bonds/{bonds['s1'].pk}/refund/")
    bonds["s1"].refresh_from_db()
    assert bonds["s1"].status == c.BondStatus.PAID
