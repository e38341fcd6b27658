"""Sealed bids → 不见面开标 in the browser (issue: 项目采购执行, bidding part).

A published open tender (made with the ORM on the demo data) → three suppliers submit sealed
bids (one in the browser with the demo signer, two with the client signer) → the clock passes
the deadline → the agency opens, answers nothing, signs → the signed record is shown, and the
supervisor watches it. Screenshots under var/screenshots/opening-*."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

import pytest

from tests.e2e.conftest import shot
from zhengcai.accounts.demo import DEMO_PASSWORD
from zhengcai.accounts.models import User
from zhengcai.bidding import client, services
from zhengcai.core import clock
from zhengcai.plans.models import Commission, ProcurementPlan

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEADLINE = dt.datetime(2026, 12, 14, 9, 30, tzinfo=clock.SHANGHAI)


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("[data-testid=login-form] button")
    page.wait_for_url("**/accounts/workbench/")


def logout(page) -> None:
    page.click("[data-testid=logout]")


def _project():  # type: ignore[no-untyped-def]
    from zhengcai.tenders.models import Lot, Project

    agency = User.objects.get(username="agency").organization
    purchaser = User.objects.get(username="purchaser").organization
    plan = ProcurementPlan.objects.order_by("pk").first()
    assert plan is not None, "the plans demo made no plan"
    now = clock.now()
    com2 = Commission.objects.create(
        plan=plan,
        purchaser=purchaser,
        agency=agency,
        handed_at=now,
        holder=agency,
        holder_since=now,
        status="accepted",
    )
    p = Project.objects.create(
        commission=com2,
        plan=plan,
        purchaser=purchaser,
        agency=agency,
        project_no="ZC-E2E-KB-001",
        name="教学用便携式计算机采购",
        method="open_tender",
        object_kind="goods",
        item_code="A02010105",
        budget=Decimal("1200000.00"),
        status="published",
        bid_deadline=DEADLINE,
        opening_at=DEADLINE,
        created_at=now,
        updated_at=now,
    )
    Lot.objects.create(
        project=p,
        number=1,
        name="便携式计算机",
        budget=Decimal("1200000.00"),
        quantity=Decimal("200"),
        unit="台",
        bid_bond_amount=Decimal("20000.00"),
    )
    return p


def _service_bid(p, username: str, price: str) -> None:  # type: ignore[no-untyped-def]
    u = User.objects.get(username=username)
    signer = client.generate("sm2" if username.endswith("2") else "ecdsa-p256")
    key = services.key_register(actor=u, public_key=signer.public_key)
    part = services.participation_register(actor=u, lot=p.lots.get())
    services.bond_record(actor=u, participation=part, amount=Decimal("20000.00"))
    window = services.bid_window(p)
    body = client.bid_payload(
        window_uid=window.uid,
        signer=signer,
        key_id=key.key_id,
        schedule={
            "total_price": price,
            "discount": "0",
            "declarations": {"sme_size": "small"},
        },
        files={"技术响应文件.pdf": f"%PDF-1.4 {username}".encode()},
    )
    services.bid_submit(
        actor=u,
        participation=part,
        window=window,
        key_id=key.key_id,
        schedule=body["schedule"],
        schedule_signature=body["schedule_signature"],
        files=[
            services.FileIn(f["name"], base64.b64decode(f["content_b64"]), f["signature"])
            for f in body["files"]
        ],
    )


def test_sealed_bids_and_opening(page, live_server, demo_data, settings, tmp_path) -> None:
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True}
    base = live_server.url
    clock.freeze(dt.datetime(2026, 12, 14, 9, 0, tzinfo=clock.SHANGHAI))
    try:
        p = _project()
        me = User.objects.get(username="supplier")
        others: list[str] = []
        seen = {me.organization_id}
        for u in User.objects.filter(role="supplier").order_by("pk"):
            if u.organization_id not in seen and len(others) < 2:
                seen.add(u.organization_id)
                others.append(u.username)
        for username, price in zip(others, ("1150000.00", "1098000.00"), strict=True):
            _service_bid(p, username, price)

        # 1. The demo supplier registers, makes a demo-signer key and submits in the browser.
        login(page, base, "supplier")
        page.goto(f"{base}/bidding/keys/")
        page.click("[data-testid=key-demo]")
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.click("[data-testid=register]")
        f = tmp_path / "投标文件.pdf"
        f.write_bytes(b"%PDF-1.4 browser bid")
        page.set_input_files("[data-testid=bid-files]", str(f))
        page.check("[data-testid=demo-sign]")
        page.fill("[data-testid=total-price]", "1120000.00")
        page.click("[data-testid=bid-submit]")
        page.wait_for_selector("[data-testid=receipt]")
        assert "已递交" in page.inner_text("[data-testid=receipt]")
        shot(page, "opening-1-supplier-receipt")
        logout(page)

        # 2. Before the deadline the agency's opening room shows nothing but the waiting note.
        login(page, base, "agency")
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        assert "1120000.00" not in page.content()
        page.wait_for_selector("[data-testid=opening-waiting]")

        # 3. The clock passes the deadline; the agency opens and signs the record.
        clock.freeze(DEADLINE + dt.timedelta(minutes=1))
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.click("[data-testid=opening-start]")
        page.wait_for_selector("[data-testid=opening-record]")
        record = page.inner_text("[data-testid=opening-record]")
        assert "1,120,000.00" in record and "1,098,000.00" in record
        shot(page, "opening-2-record-in-session")
        page.click("[data-testid=opening-sign]")
        page.wait_for_selector("[data-testid=opening-signature]")
        assert "已签署" in page.inner_text("[data-testid=opening-status]")
        shot(page, "opening-3-record-signed")
        logout(page)

        # 4. The supervisor watches the signed record.
        login(page, base, "supervisor")
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.wait_for_selector("[data-testid=opening-signature]")
        shot(page, "opening-4-supervisor-watch")
    finally:
        clock.unfreeze()
