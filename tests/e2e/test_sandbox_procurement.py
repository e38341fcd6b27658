"""The demo's sandbox clock finishes a procurement in the browser (issue 10, done-when): an open
tender is published with its statutory 20 days; three suppliers seal bids; the administrator
moves the platform clock past the bid deadline from 系统管理 → 沙盒时钟 (/system/sandbox/), the
deadline check fires; the agency opens the bids and signs the record in the browser; the
expert draw is made (services); the administrator moves the clock to the evaluation time;
the agency opens the evaluation, elects the chair, starts and reviews qualification in the
browser, the chair closes the review and concludes, the members sign, and the purchaser
confirms the result in the browser. Screenshots under the test's tmp dir (`shots/`).

The clock runs (no test freeze) on the sandbox from a fixed start, as in `make demo`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as dj_settings

from conftest import SUITE_NOW
from tests.e2e.conftest import login as e2e_login
from tests.e2e.conftest import logout, open_review
from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.tests.factories import organization, user
from zhengcai.bidding import client
from zhengcai.bidding import services as bidding
from zhengcai.core import clock
from zhengcai.core.models import AuditEntry, SandboxClock
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation import services as ev_services
from zhengcai.evaluation.models import Evaluation
from zhengcai.evaluation.tests.builders import ITEM, PASSWORD, _published, _submit
from zhengcai.experts import services as experts
from zhengcai.experts.constants import InvitationStatus
from zhengcai.experts.tests.factories import expert as make_expert
from zhengcai.plans.tests.factories import build_world

pytestmark = [pytest.mark.browser, pytest.mark.slow]

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)  # a working Monday


def _sandbox_at(at: dt.datetime) -> None:
    clock.set_baseline(None)  # the clock runs, as in the demo
    offset = clock.sandbox_offset_to(at)
    SandboxClock.objects.update_or_create(
        pk=1, defaults={"offset_seconds": int(offset.total_seconds()), "updated_at": at}
    )
    clock.sandbox_remember(offset)


def _move_clock(page: Any, base: str, admin: str, to: dt.datetime, shots: Path, n: str) -> None:
    """The administrator moves the sandbox clock forward to `to` from the page."""
    e2e_login(page, base, admin, PASSWORD)
    page.goto(f"{base}/system/sandbox/")
    page.wait_for_selector("[data-testid=sandbox-now]")
    page.fill("[data-testid=sandbox-form] input[name=to]", to.strftime("%Y-%m-%dT%H:%M"))
    page.click("[data-testid=sandbox-advance]")
    page.wait_for_selector("text=平台时间已从")
    page.screenshot(path=str(shots / f"{n}-sandbox-moved.png"), full_page=True)
    assert to.strftime("%Y年%-m月%-d日 %H:%M") in page.inner_text("[data-testid=sandbox-now]")
    logout(page)


def test_sandbox_clock_finishes_a_procurement_in_the_browser(
    page: Any, live_server: Any, transactional_db: None, settings: Any, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path / "keys"))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZHENGCAI = {**dj_settings.ZHENGCAI, "SANDBOX_CLOCK": True}
    shots = tmp_path / "shots"
    shots.mkdir()
    _sandbox_at(START)
    try:
        _walk(page, live_server.url, shots)
    finally:
        clock.sandbox_remember(dt.timedelta(0))
        clock.set_baseline(SUITE_NOW)


def _walk(page: Any, base: str, shots: Path) -> None:
    def shot(name: str) -> None:
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

    w = build_world()
    admin = w.users["admin"].username
    agency, purchaser = w.users["agc_hz"], w.users["pur_hz"]
    p = _published(w, method="lowest_price", tag="SB", bond_percent="1")
    assert p.bid_deadline is not None and p.bid_deadline > clock.now() + dt.timedelta(days=19)
    lot = p.lots.get()
    window = bidding.bid_window(p)
    orgs = []
    for i, (price, size) in enumerate(
        (("760000.00", "small"), ("742000.00", ""), ("735000.00", "micro"))
    ):
        org = organization(OrgKind.SUPPLIER, w.regions["hz"], f"沙盒演示供应商{i + 1}有限公司")
        u = user(org, username=f"sb_s{i + 1}")
        signer = client.generate("ecdsa-p256")
        key = bidding.key_register(actor=u, public_key=signer.public_key, label="CA证书")
        part = bidding.participation_register(actor=u, lot=lot)
        bidding.bond_record(actor=u, participation=part, amount=lot.bid_bond_amount)
        _submit(u, signer, key.key_id, part, window, price, size)
        orgs.append(org)

    # 1. Before the deadline the agency's opening room only waits.
    e2e_login(page, base, agency.username, PASSWORD)
    page.goto(f"{base}/bidding/projects/{p.pk}/")
    page.wait_for_selector("[data-testid=opening-waiting]")
    shot("01-opening-waiting")
    logout(page)

    # 2. The administrator moves the platform clock past the bid deadline (the check fires).
    after_deadline = p.bid_deadline + dt.timedelta(minutes=1)
    _move_clock(page, base, admin, after_deadline.astimezone(clock.SHANGHAI), shots, "02")
    p.refresh_from_db()
    assert p.status == "bidding_closed", p.status
    assert AuditEntry.objects.filter(action="clock.sandbox_advanced").count() == 1

    # 3. The agency opens the bids and signs the record in the browser.
    e2e_login(page, base, agency.username, PASSWORD)
    page.goto(f"{base}/bidding/projects/{p.pk}/")
    page.click("[data-testid=opening-start]")
    page.wait_for_selector("[data-testid=opening-record]")
    assert "742,000.00" in page.inner_text("[data-testid=opening-record]")
    page.click("[data-testid=opening-sign]")
    page.wait_for_selector("[data-testid=opening-signature]")
    shot("03-opening-signed")
    logout(page)

    # 4. The expert draw for the next working day 09:00 (services; the walk of the draw pages
    #    is tests/e2e/test_evaluation_walk.py).
    cal = WorkCalendar.load()
    eval_at = dt.datetime.combine(
        cal.add_working_days(clock.today(), 1), dt.time(9, 0), tzinfo=clock.SHANGHAI
    )
    for i in range(7):
        make_expert(w.regions["hz"], specialties=("A0201",), username=f"sb_e{i + 1}")
    draw = experts.draw_request_create(
        actor=agency,
        purchaser=p.purchaser,
        project_name=p.name,
        project_code=p.project_no,
        specialty_codes=[ITEM],
        evaluation_at=eval_at,
        count=5,
        budget=lot.budget,
        bidder_ids=[o.pk for o in orgs],
        place="杭州市政府采购中心评标室",
        procedure="tender",
    )
    draw = experts.draw_execute(actor=agency, draw=draw)
    for inv in draw.invitations.filter(status=InvitationStatus.PENDING).select_related(
        "expert__user"
    ):
        experts.invitation_respond(actor=inv.expert.user, invitation=inv, accept=True)
    draw.refresh_from_db()
    assert draw.status == "complete", draw.status

    # 5. The agency opens the evaluation from the draw; the members declare (services).
    e2e_login(page, base, agency.username, PASSWORD)
    page.goto(f"{base}/evaluation/")
    page.click(f"[data-testid=open-lot-{lot.pk}]")
    page.select_option("select[name=draw]", str(draw.pk))
    page.click("[data-testid=open-submit]")
    page.wait_for_selector("[data-testid=members]")
    ev = Evaluation.objects.get(lot=lot)
    members = list(ev.members.order_by("position"))
    for m in members:
        ev_services.member_declare(actor=m.user, member=m, conflict=False)
    chair = members[0]
    page.goto(f"{base}/evaluation/{ev.pk}/committee/")
    page.select_option("select[name=member]", str(chair.pk))
    page.click("[data-testid=chair-submit]")
    page.wait_for_selector("text=评审组长已确定")
    logout(page)

    # 6. The administrator moves the clock to the evaluation time.
    _move_clock(page, base, admin, eval_at, shots, "04")

    # 7. The agency starts and reviews qualification (87号令 44) in the browser.
    e2e_login(page, base, agency.username, PASSWORD)
    page.goto(f"{base}/evaluation/{ev.pk}/committee/")
    page.click("[data-testid=start]")
    page.wait_for_selector("[data-testid=live-table]")
    open_review(page, "qualification")
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("text=审查结论已提交")
    logout(page)

    # 8. Compliance: four members by service, the chair in the browser closes the review and
    #    concludes (最低评标价法: no scoring), the report is generated.
    for m in members[1:]:
        for rb in ev.bids.all():
            ev_services.check_record(actor=m.user, reviewed_bid=rb, stage="compliance", passed=True)
    e2e_login(page, base, chair.user.username, PASSWORD)
    page.goto(f"{base}/evaluation/{ev.pk}/")
    open_review(page, "compliance")
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("text=审查结论已提交")
    page.click("[data-testid=review-close]")
    page.wait_for_selector("text=审查已结束")
    page.goto(f"{base}/evaluation/{ev.pk}/")
    page.click("[data-testid=go-conclude]")
    page.wait_for_selector("[data-testid=conclude]")
    page.click("[data-testid=conclude]")
    page.wait_for_selector("[data-testid=report-html]", timeout=60_000)
    shot("05-report")
    logout(page)
    for m in members:
        ev_services.report_sign(actor=m.user, evaluation=ev, agrees=True, password=PASSWORD)
    ev.refresh_from_db()
    assert ev.status == "signed"

    # 9. The purchaser confirms the first candidate in the browser.
    e2e_login(page, base, purchaser.username, PASSWORD)
    page.goto(f"{base}/evaluation/")
    page.click(f"[data-testid=ev-{ev.pk}]")
    page.click("[data-testid=go-award]")
    page.wait_for_selector("[data-testid=award-form]")
    page.click("[data-testid=award-submit]")
    page.wait_for_selector("[data-testid=awarded]")
    shot("06-awarded")
    ev.refresh_from_db()
    p.refresh_from_db()
    assert ev.status == "awarded" and p.status == "awarded"
    print("screenshots:", shots)
