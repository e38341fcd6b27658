"""竞争性磋商 in the browser: responses opened → the agency eliminates one supplier with its
reason and sends a round of requirement changes with a final-quotation deadline → two suppliers
submit sealed final quotations in the browser (the same signing form as bids) → the eliminated
supplier sees why → after the deadline the agency opens the final quotations and signs the
record. Then the public comment page of another project, and the bond page after the award.
Screenshots under var/screenshots/rounds-*, comments-*, bonds-*."""

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
from zhengcai.accounts.models import User
from zhengcai.bidding import client, services
from zhengcai.bidding.models import BidBond
from zhengcai.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

DEADLINE = dt.datetime(2026, 12, 14, 9, 30, tzinfo=clock.SHANGHAI)
FINAL = dt.datetime(2026, 12, 14, 15, 0, tzinfo=clock.SHANGHAI)


def _project(no: str, name: str, method: str, status: str = "published"):  # type: ignore[no-untyped-def]
    return e2e_project(
        no=no,
        name=name,
        method=method,
        object_kind="services",
        item_code="C99000000",
        budget="800000.00",
        lot=LotSpec("智慧校园运维服务", "1", "项", "16000.00"),
        status=status,
        deadline=DEADLINE if status == "published" else None,
    )


def _browser_final(page, base: str, p, username: str, price: str) -> None:  # type: ignore[no-untyped-def]
    login(page, base, username)
    page.goto(f"{base}/bidding/projects/{p.pk}/rounds/")
    assert "服务响应时间由2小时缩短为1小时" in page.inner_text("[data-testid=round-changes]")
    from zhengcai.bidding.models import SupplierKey

    demo_key = SupplierKey.objects.get(
        organization=User.objects.get(username=username).organization,
        demo_private_sealed__isnull=False,
    )
    page.select_option("[data-testid=final-form] select[name=key_id]", demo_key.key_id)
    page.check("[data-testid=final-demo-sign]")
    page.fill("[data-testid=final-price]", price)
    page.click("[data-testid=final-submit]")
    page.wait_for_load_state()
    assert page.locator("[data-testid=final-receipt]").count() == 1, page.inner_text("main")
    assert price not in page.content()  # the page shows the receipt, never the sealed price


def test_consultation_rounds_comments_and_bonds(
    page, live_server, demo_data, settings, tmp_path
) -> None:
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True}
    base = live_server.url
    clock.freeze(dt.datetime(2026, 12, 14, 9, 0, tzinfo=clock.SHANGHAI))
    try:
        p = _project("ZC-E2E-CS-001", "智慧校园运维服务（竞争性磋商）", "consultation")
        names = ["supplier", *other_suppliers(3)]
        a, b, cc, d = names
        for username, price in zip(
            names, ("780000.00", "775000.00", "790000.00", "760000.00"), strict=True
        ):
            sealed_response(p, username, price, file_name="磋商响应文件.pdf")
        for username in (a, b):  # demo signer keys for the two browser suppliers
            services.key_create_demo(actor=User.objects.get(username=username))

        # 1. After the deadline the agency opens the responses on the opening page.
        clock.freeze(DEADLINE + dt.timedelta(minutes=1))
        login(page, base, "agency")
        page.goto(f"{base}/bidding/projects/{p.pk}/")
        page.click("[data-testid=opening-start]")
        page.wait_for_selector("[data-testid=opening-record]")
        page.click("[data-testid=opening-sign]")
        page.wait_for_selector("[data-testid=opening-signature]")

        # 2. Rounds page: eliminate one supplier with its reason, send a round with changes and
        #    a final-quotation deadline to the remaining three.
        page.click("[data-testid=rounds-link]")
        part_d = p.participations.get(supplier=User.objects.get(username=d).organization)
        page.fill(
            f"[data-testid=eliminate-reason-{part_d.pk}]", "未提供有效的信息安全等级保护测评证明"
        )
        page.click(f"[data-testid=eliminate-{part_d.pk}]")
        page.wait_for_selector("text=理由已告知该供应商")
        page.fill(
            "[data-testid=round-changes-input]",
            "服务响应时间由2小时缩短为1小时；驻场人员由2人增至3人（合同草案第5条相应修改）",
        )
        page.fill("[data-testid=round-rep]", "李明（采购人代表）")
        page.fill("[data-testid=round-final-deadline]", FINAL.strftime("%Y-%m-%dT%H:%M:%S"))
        page.click("[data-testid=round-submit]")
        page.wait_for_selector("[data-testid=round-1]")
        assert "3 家" in page.inner_text("[data-testid=round-1]")
        shot(page, "rounds-1-agency-round-sent")
        logout(page)

        # 3. Two suppliers submit sealed final quotations in the browser; the third by its tool.
        _browser_final(page, base, p, a, "742000.00")
        shot(page, "rounds-2-supplier-final-receipt")
        logout(page)
        _browser_final(page, base, p, b, "738500.00")
        logout(page)
        from zhengcai.bidding.models import NegotiationRound

        rnd = NegotiationRound.objects.get(project=p)
        u3 = User.objects.get(username=cc)
        signer = client.generate("ecdsa-p256")
        key = services.key_register(actor=u3, public_key=signer.public_key)
        body = client.bid_payload(
            window_uid=rnd.final_window.uid,
            signer=signer,
            key_id=key.key_id,
            schedule={"total_price": "751000.00", "discount": "0"},
            files={},
        )
        services.final_quote_submit(
            actor=u3,
            rnd=rnd,
            participation=p.participations.get(supplier=u3.organization),
            key_id=key.key_id,
            schedule=body["schedule"],
            schedule_signature=body["schedule_signature"],
            files=[],
        )

        # 4. The eliminated supplier sees why, and not the round's changes.
        login(page, base, d)
        page.goto(f"{base}/bidding/projects/{p.pk}/rounds/")
        notice = page.inner_text("[data-testid=eliminated-notice]")
        assert "信息安全等级保护" in notice
        assert "驻场人员" not in page.content()
        shot(page, "rounds-3-eliminated-supplier")
        logout(page)

        # 5. Before the final deadline nothing opens; after it the agency opens and signs.
        login(page, base, "agency")
        page.goto(f"{base}/bidding/projects/{p.pk}/rounds/")
        assert "742,000.00" not in page.content()
        clock.freeze(FINAL + dt.timedelta(minutes=1))
        page.goto(f"{base}/bidding/projects/{p.pk}/rounds/")
        page.click("[data-testid=final-opening] [data-testid=opening-start]")
        page.wait_for_selector("[data-testid=final-opening] [data-testid=opening-record]")
        record = page.inner_text("[data-testid=final-opening] [data-testid=opening-record]")
        assert "742,000.00" in record and "738,500.00" in record and "751,000.00" in record
        page.click("[data-testid=final-opening] [data-testid=opening-sign]")
        page.wait_for_selector("[data-testid=final-opening] [data-testid=opening-signature]")
        shot(page, "rounds-4-final-quotations-signed")

        # 6. Public comment: the agency opens the period on a finalized project; a supplier
        #    comments on the public page; the agency answers; the public reads the answer.
        c2 = _project("ZC-E2E-ZQ-001", "市民服务中心物业管理服务", "open_tender", "documents_ready")
        page.goto(f"{base}/tenders/projects/{c2.pk}/")
        page.fill("[data-testid=comment-until-input]", "2026-12-21")
        page.click("[data-testid=comment-open]")
        page.wait_for_selector("[data-testid=comment-until]")
        logout(page)
        login(page, base, a)
        page.goto(f"{base}/tenders/public/comments/{c2.pk}/")
        page.fill(
            "[data-testid=comment-text]", "保洁人员配置标准未明确，建议按建筑面积给出最低人数"
        )
        page.click("[data-testid=comment-submit]")
        page.wait_for_selector("text=意见已提交")
        logout(page)
        login(page, base, "agency")
        page.goto(f"{base}/tenders/projects/{c2.pk}/")
        page.fill("[data-testid=comment-answer-input]", "采纳：按每5000平方米不少于2人配置")
        page.click("[data-testid=comment-answer]")
        page.wait_for_selector("text=采纳：按每5000平方米不少于2人配置")
        page.locator("#comments").screenshot(path=str(shot_path("comments-1-agency-answered")))
        logout(page)
        page.goto(f"{base}/tenders/public/comments/")
        page.click(f"text={c2.name}")
        page.wait_for_selector("[data-testid=comment-period]")
        assert "采纳：按每5000平方米不少于2人配置" in page.inner_text("[data-testid=comment-list]")
        shot(page, "comments-2-public-page")

        # 7. Bonds after the award (the award itself is the evaluation helper's): the losers'
        #    refunds run from the award notice; one is overdue; the contract schedules the
        #    winner's; the agency refunds one; the winner sees its own bond.
        from zhengcai.tenders.models import Project

        Project.objects.filter(pk=p.pk).update(status="awarded")
        clock.freeze(dt.datetime(2026, 12, 28, 10, 0, tzinfo=clock.SHANGHAI))
        for username in (b, cc, d):
            bond = BidBond.objects.get(
                participation__project=p,
                participation__supplier=User.objects.get(username=username).organization,
            )
            services.bond_refund_schedule(bond=bond, event_day=dt.date(2026, 12, 15))
        login(page, base, "agency")
        page.goto(f"{base}/bidding/bonds/?project={p.pk}")
        page.wait_for_selector("[data-testid=overdue-flag]")
        lot = p.lots.get()
        page.select_option(
            f"[data-testid=contract-supplier-{lot.pk}]",
            str(User.objects.get(username=a).organization_id),
        )
        page.fill(f"[data-testid=contract-date-{lot.pk}]", "2026-12-28")
        page.click(f"[data-testid=contract-submit-{lot.pk}]")
        page.wait_for_selector("text=已登记合同签订日")
        assert page.locator(f"[data-testid=contract-form-{lot.pk}]").count() == 0
        bond_b = BidBond.objects.get(
            participation__project=p,
            participation__supplier=User.objects.get(username=b).organization,
        )
        page.click(f"[data-testid=refund-{bond_b.pk}]")
        page.wait_for_selector("text=已退还保证金")
        assert page.locator("[data-testid=overdue-flag]").count() == 2
        # 87号令 38: due 12-22, six days late on 12-28 → 16,000 × 4.35% × 1.2 ÷ 360 × 6 = 13.92
        for bond in (bond_b, BidBond.objects.get(
            participation__project=p,
            participation__supplier=User.objects.get(username=cc).organization,
        )):  # fmt: skip
            assert page.inner_text(f"[data-testid=days-late-{bond.pk}]") == "6"
            assert page.inner_text(f"[data-testid=late-interest-{bond.pk}]").startswith("13.92")
        shot(page, "bonds-1-agency")
        logout(page)
        login(page, base, a)
        page.goto(f"{base}/bidding/bonds/")
        page.wait_for_selector("[data-testid=bond-table]")
        assert "合同签订日" in page.inner_text("[data-testid=bond-table]")
        shot(page, "bonds-2-supplier")
    finally:
        clock.unfreeze()


def shot_path(name: str):  # type: ignore[no-untyped-def]
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
