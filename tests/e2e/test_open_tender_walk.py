"""One open tender walked in the browser, from the notice to the signed opening record
(issue: 项目采购执行).

An accepted commission (plans services) → the agency makes the project, builds the documents
from a template, passes the compliance check, finalises and publishes → the notice is on the
public portal → three suppliers submit sealed bids on the bid page and get receipts: one with
its own key (public key registered in the browser, signatures made by `bidding.client` and
pasted into the form), two with the demo signer → the platform clock (shared with the live
server thread) passes the deadline → the agency opens in the opening room and signs → the
supervisor watches the signed record. Screenshots under var/screenshots/walk-*."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_shell import login
from zhengcai.accounts.models import User
from zhengcai.bidding import client, crypto
from zhengcai.core import clock
from zhengcai.plans import services as plan_services
from zhengcai.plans.models import Commission
from zhengcai.tenders.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NAME = "实验室便携式计算机采购（公开招标）"


def sign_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    login(page, base, username)
    page.wait_for_url("**/accounts/workbench/")


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("[data-testid=logout]")


def accepted_commission() -> Commission:
    purchaser = User.objects.get(username="purchaser")
    regulator = User.objects.get(username="regulator")
    agency = User.objects.get(username="agency")
    assert purchaser.organization is not None and agency.organization is not None
    year = clock.today().year
    line = plan_services.budget_line_create(
        actor=purchaser,
        organization=purchaser.organization,
        data={
            "fiscal_year": year,
            "project_code": f"{year}-XM-WALK",
            "project_name": "实验室设备项目",
            "item_code": "A02010105",
            "description": "实验室用便携式计算机",
            "quantity": Decimal(100),
            "unit": "台",
            "amount": Decimal("580000.00"),
            "funding_source": "general",
            "org_form": "central",
            "is_import": False,
        },
    )
    plan_services.budget_line_transition(actor=purchaser, line=line, to_status="submitted")
    line = plan_services.budget_line_transition(actor=regulator, line=line, to_status="approved")
    plan = plan_services.plan_create(
        actor=purchaser,
        budget_line=line,
        values={
            "name": NAME,
            "amount": line.amount,
            "quantity": line.quantity,
            "expected_month": clock.today(),
            "requirements": "100 台便携式计算机",
            "method": "open_tender",
            "is_urgent": True,
            "urgent_reason": "实验室扩建急需（不可预见）",
        },
    )
    plan = plan_services.plan_submit(actor=purchaser, plan=plan)
    plan = plan_services.plan_approve(actor=regulator, plan=plan)
    plan_services.intention_publish(actor=purchaser, plan=plan)
    com = plan_services.commission_create(actor=purchaser, plan=plan, agency=agency.organization)
    return plan_services.commission_accept(actor=agency, commission=com)


def other_suppliers(n: int) -> list[str]:
    me = User.objects.get(username="supplier")
    seen = {me.organization_id}
    out: list[str] = []
    for u in User.objects.filter(role="supplier", is_active=True).order_by("pk"):
        if u.organization_id not in seen and len(out) < n:
            seen.add(u.organization_id)
            out.append(u.username)
    assert len(out) == n
    return out


def test_open_tender_walk(page, live_server, demo_data, settings, tmp_path) -> None:
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True}
    base = live_server.url
    clock.freeze(clock.now().replace(microsecond=0))
    try:
        com = accepted_commission()

        # 1. The agency makes the project, builds and checks the documents, publishes.
        sign_in(page, base, "agency")
        page.goto(f"{base}/tenders/projects/")
        page.click(f"[data-testid=create-project-{com.pk}]")
        page.wait_for_selector("[data-testid=project-status]")
        page.select_option("[data-testid=sme-reservation]", "whole")  # 46号 7: ≤200万
        page.click("[data-testid=project-save]")
        page.select_option(
            "[data-testid=template-select]", label="货物类采购文件范本（综合评分法）"
        )
        page.click("[data-testid=build-document]")
        page.wait_for_selector("[data-testid=document-form]")
        page.fill("[data-testid=doc-requirements]", "便携式计算机100台，处理器不低于8核，内存16GB")
        page.click("[data-testid=document-save]")
        page.click("[data-testid=run-check]")
        page.wait_for_selector("[data-testid=check-clean]")
        page.click("[data-testid=finalize]")
        page.wait_for_selector("[data-testid=publish]")
        page.click("[data-testid=publish]")
        page.wait_for_selector("[data-testid=bid-deadline]")
        assert "公告发布中" in page.inner_text("[data-testid=project-status]")
        shot(page, "walk-1-agency-published")
        sign_out(page)

        p = Project.objects.get(commission=com)
        assert p.method == "open_tender" and p.bid_deadline is not None
        assert p.bid_deadline - clock.now() >= dt.timedelta(days=20)  # 法 35

        # 2. The public sees the 招标公告.
        page.goto(f"{base}/tenders/public/notices/")
        page.click(f"text={NAME}")
        page.wait_for_selector("[data-testid=notice-title]")
        assert "招标公告" in page.inner_text("[data-testid=notice-title]")
        shot(page, "walk-2-public-notice")

        # 3a. Supplier 1 registers its own public key and signs with the client (private key
        # never leaves the test), pasting the signature lines into the bid form.
        signer = client.generate("sm2")
        key_id = crypto.key_id(signer.public_key)
        sign_in(page, base, "supplier")
        page.goto(f"{base}/bidding/keys/")
        page.fill("[data-testid=key-form] textarea[name=public_key]", signer.public_key)
        page.fill("[data-testid=key-form] input[name=label]", "国密 CA 证书")
        page.click("[data-testid=key-form] button")
        page.wait_for_selector("text=公钥已登记")
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.click("[data-testid=register]")
        page.wait_for_selector("[data-testid=bid-form]")
        window_uid = page.inner_text("[data-testid=window-uid]").strip()
        tech = b"%PDF-1.4 supplier-1 technical response"
        schedule = {
            "total_price": "565000.00",
            "discount": "0",
            "declarations": {"sme_size": "small"},
            "nonce": client.new_nonce(),
        }
        _, s_sig = signer.sign_document(
            window_uid, client.SCHEDULE_NAME, client.canonical_schedule(schedule)
        )
        _, f_sig = signer.sign_document(window_uid, "技术响应文件.pdf", tech)
        lines = [
            json.dumps({"schedule": schedule, "signature": s_sig}, ensure_ascii=False),
            json.dumps({"name": "技术响应文件.pdf", "signature": f_sig}, ensure_ascii=False),
        ]
        f = tmp_path / "技术响应文件.pdf"
        f.write_bytes(tech)
        page.set_input_files("[data-testid=bid-files]", str(f))
        page.fill("[data-testid=bid-form] textarea[name=signatures]", "\n".join(lines))
        page.select_option("[data-testid=bid-form] select[name=key_id]", key_id)
        page.click("[data-testid=bid-submit]")
        page.wait_for_selector("[data-testid=receipt]")
        assert "已递交" in page.inner_text("[data-testid=receipt]")
        shot(page, "walk-3-supplier-receipt")
        sign_out(page)

        # 3b. Two more suppliers bid with the demo signer.
        for i, (username, price) in enumerate(
            zip(other_suppliers(2), ("548000.00", "559000.00"), strict=True)
        ):
            sign_in(page, base, username)
            page.goto(f"{base}/bidding/keys/")
            page.click("[data-testid=key-demo]")
            page.goto(f"{base}/bidding/projects/{p.pk}/")
            page.click("[data-testid=register]")
            g = tmp_path / f"投标文件{i}.pdf"
            g.write_bytes(f"%PDF-1.4 {username}".encode())
            page.set_input_files("[data-testid=bid-files]", str(g))
            demo_key = page.locator(
                "[data-testid=bid-form] select[name=key_id] option", has_text="演示"
            )
            page.select_option(
                "[data-testid=bid-form] select[name=key_id]",
                demo_key.last.get_attribute("value"),
            )
            page.check("[data-testid=demo-sign]")
            page.fill("[data-testid=total-price]", price)
            page.click("[data-testid=bid-submit]")
            page.wait_for_selector("[data-testid=receipt]")
            assert "已递交" in page.inner_text("[data-testid=receipt]")
            sign_out(page)

        # 4. Before the deadline the opening room shows only the waiting note.
        sign_in(page, base, "agency")
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.wait_for_selector("[data-testid=opening-waiting]")
        assert "548,000.00" not in page.content() and "548000" not in page.content()

        # 5. The platform clock passes the deadline; the agency opens and signs the record.
        clock.advance(p.bid_deadline - clock.now() + dt.timedelta(minutes=1))
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.click("[data-testid=opening-start]")
        page.wait_for_selector("[data-testid=opening-record]")
        record = page.inner_text("[data-testid=opening-record]")
        for price in ("565,000.00", "548,000.00", "559,000.00"):
            assert price in record
        page.click("[data-testid=opening-sign]")
        page.wait_for_selector("[data-testid=opening-signature]")
        assert "已签署" in page.inner_text("[data-testid=opening-status]")
        shot(page, "walk-4-record-signed")
        sign_out(page)
        p.refresh_from_db()
        assert p.status == "opened"

        # 6. The supervisor watches the signed record.
        sign_in(page, base, "supervisor")
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.wait_for_selector("[data-testid=opening-signature]")
        assert "565,000.00" in page.inner_text("[data-testid=opening-record]")
        shot(page, "walk-5-supervisor-watch")
    finally:
        clock.unfreeze()
