"""Sealed bids → 不见面开标 in the browser (issue: 项目采购执行, bidding part).

A published open tender (made with the ORM on the demo data) → three suppliers submit sealed
bids (one in the browser with the demo signer, two with the client signer) → the clock passes
the deadline → the agency opens, answers nothing, signs → the signed record is shown, and the
supervisor watches it. Screenshots under var/screenshots/opening-*."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import (
    LotSpec,
    e2e_project,
    login,
    logout,
    other_suppliers,
    sealed_response,
    shot,
)
from zhengcai.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEADLINE = dt.datetime(2026, 12, 14, 9, 30, tzinfo=clock.SHANGHAI)


def test_sealed_bids_and_opening(page, live_server, demo_data, settings, tmp_path) -> None:
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True}
    base = live_server.url
    clock.freeze(dt.datetime(2026, 12, 14, 9, 0, tzinfo=clock.SHANGHAI))
    try:
        p = e2e_project(
            no="ZC-E2E-KB-001",
            name="教学用便携式计算机采购",
            method="open_tender",
            object_kind="goods",
            item_code="A02010105",
            budget="1200000.00",
            lot=LotSpec("便携式计算机", "200", "台", "20000.00"),
            deadline=DEADLINE,
        )
        others = other_suppliers(2)
        for username, price in zip(others, ("1150000.00", "1098000.00"), strict=True):
            sealed_response(
                p,
                username,
                price,
                file_name="技术响应文件.pdf",
                algo="sm2" if username.endswith("2") else "ecdsa-p256",
            )

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
        # the 中小企业声明函 (46号 4): the item's manufacturer, sealed with the bid
        page.check("[data-testid=sme-declare]")
        page.check("[data-testid=sme-no-large]")
        page.fill("[data-testid=item0-name]", "便携式计算机")
        page.select_option("[data-testid=item0-industry]", "industry")
        page.fill("[data-testid=item0-maker]", "杭州小型电脑制造有限公司")
        page.select_option("[data-testid=item0-maker-size]", "small")
        page.fill("[data-testid=item0-employees]", "86")
        page.fill("[data-testid=item0-revenue]", "4200")
        page.fill("[data-testid=item0-assets]", "2600")
        page.click("[data-testid=bid-submit]")
        page.wait_for_selector("[data-testid=receipt]")
        assert "已递交" in page.inner_text("[data-testid=receipt]")
        assert "声明函不完整" not in page.content()
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
        from zhengcai.bidding import selectors
        from zhengcai.bidding.models import Bid

        own = Bid.objects.get(
            window__project=p, participation__supplier__users__username="supplier"
        )
        declared = selectors.sme_declaration(own)
        assert (declared.complete, declared.size) == (True, "small"), declared.reasons
        shot(page, "opening-3-record-signed")
        logout(page)

        # 4. The supervisor watches the signed record.
        login(page, base, "supervisor")
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.wait_for_selector("[data-testid=opening-signature]")
        shot(page, "opening-4-supervisor-watch")
    finally:
        clock.unfreeze()
