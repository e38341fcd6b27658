"""电子评审 in the browser (issue: 电子评审): draw, confirm, three experts declare, review and
score, the chair concludes, the report is generated and signed (one dissent), the purchaser
confirms the result — with screenshots under var/screenshots/evaluation-*.

The lot is built by the real upstream services (builders.evaluation_ready: an open tender with
three sealed bids, the opening signed). In the browser the agency requests and executes a new
expert draw and the drawn experts confirm it on their own page. A 招标 committee has at least
five members (87号令 47): three experts work in the browser one after another; the other two
work through the same services, so the test stays short."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from tests.e2e.conftest import login as e2e_login
from tests.e2e.conftest import logout, open_review, shot
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.evaluation import services as ev_services
from zhengcai.evaluation.models import Evaluation, Signature
from zhengcai.evaluation.tests.builders import PASSWORD, evaluation_ready
from zhengcai.experts import services as expert_services
from zhengcai.experts.constants import InvitationStatus
from zhengcai.experts.models import DrawRequest
from zhengcai.experts.tests.factories import expert as make_expert

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
NAMES = "甲乙丙丁戊己庚辛壬癸"


def login(page: Any, base: str, username: str) -> None:
    """Log in a user of the evaluation builder (its own password)."""
    e2e_login(page, base, username, PASSWORD)


def sign_report(page: Any, base: str, ev_pk: int, agrees: bool, dissent: str = "") -> None:
    """The member on the page signs the report, agreeing or with a dissent and its reasons."""
    page.goto(f"{base}/evaluation/{ev_pk}/report/")
    if not agrees:
        page.check("input[name=agrees][value='0']")
        page.fill("[data-testid=dissent]", dissent)
    page.fill("[data-testid=sign-password]", PASSWORD)
    page.click("[data-testid=sign-submit]")
    page.wait_for_selector("text=已签署评审报告")


def test_evaluation_walk(
    page: Any, live_server: Any, transactional_db: None, settings: Any, tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path / "keys"))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    base = live_server.url
    clock.freeze(NOW)
    try:
        _walk(page, base)
    finally:
        clock.unfreeze()


def _walk(page: Any, base: str) -> None:
    # tenders.project_deadline_tick audits outside its own transaction (it is a timed handler
    # the runner wraps), so the builder runs in one here.
    with transaction.atomic():
        r = evaluation_ready(bidders=3, experts_count=5)
    # Five more experts in the pool; everyone gets a readable name.
    for i in range(5):
        make_expert(r.world.regions["hz"], specialties=("A0201",), username=f"pool{i + 1}")
    for i, u in enumerate(User.objects.filter(role="expert").order_by("pk")):
        User.objects.filter(pk=u.pk).update(display_name=f"专家{NAMES[i % len(NAMES)]}")
    eval_at = r.evaluation_at + dt.timedelta(hours=5)  # 14:00 the same day

    # 1. The agency requests and executes the expert draw in the browser.
    login(page, base, r.agency.username)
    page.goto(f"{base}/experts/draws/")
    form = page.locator("[data-testid=draw-form]")
    form.locator("select[name=purchaser]").select_option(str(r.project.purchaser_id))
    form.locator("input[name=project_name]").fill(r.project.name)
    form.locator("input[name=project_code]").fill(r.project.project_no)
    form.locator("input[name=specialty_codes]").fill("A02010105")
    form.locator("input[name=evaluation_at]").fill(eval_at.strftime("%Y-%m-%dT%H:%M"))
    form.locator("input[name=place]").fill("杭州市政府采购中心第二评标室")
    form.locator("input[name=count]").fill("5")
    form.locator("input[name=purchaser_reps]").fill("0")
    form.locator("select[name=procedure]").select_option("tender")
    form.locator("input[name=budget]").fill(str(r.lot.budget))
    form.locator("button").click()
    page.wait_for_selector("[data-testid=execute]")
    page.click("[data-testid=execute]")
    page.wait_for_selector("[data-testid=invitation-table]")
    shot(page, "evaluation-01-draw-executed")
    draw = DrawRequest.objects.exclude(pk=r.draw.pk).get(project_code=r.project.project_no)
    invited = list(
        draw.invitations.filter(status=InvitationStatus.PENDING)
        .select_related("expert__user")
        .order_by("position")
    )
    assert len(invited) == 5
    logout(page)

    # 2. The drawn experts confirm: three in the browser, two through the service.
    browser_experts = [inv.expert.user for inv in invited[:3]]
    for n, u in enumerate(browser_experts):
        login(page, base, u.username)
        page.goto(f"{base}/experts/me/")
        row = page.locator("[data-testid=invitations] tr", has_text="第二评标室")
        row.locator("button[name=accept][value='1']").click()
        page.wait_for_selector("text=已确认参加评审")
        if n == 0:
            shot(page, "evaluation-02-expert-confirms")
        logout(page)
    for inv in invited[3:]:
        expert_services.invitation_respond(actor=inv.expert.user, invitation=inv, accept=True)
    draw.refresh_from_db()
    assert draw.status == "complete", draw.status

    # 3. The agency opens the evaluation from the completed draw.
    login(page, base, r.agency.username)
    page.goto(f"{base}/evaluation/")
    shot(page, "evaluation-03-agency-ready-lots")
    page.click(f"[data-testid=open-lot-{r.lot.pk}]")
    page.select_option("select[name=draw]", str(draw.pk))
    shot(page, "evaluation-04-open-form")
    page.click("[data-testid=open-submit]")
    page.wait_for_selector("[data-testid=members]")
    ev = Evaluation.objects.get(lot=r.lot)
    logout(page)

    # 4. Three experts declare (回避声明 + 承诺书) in the browser; two through the service.
    members = {m.user_id: m for m in ev.members.all()}
    for n, u in enumerate(browser_experts):
        login(page, base, u.username)
        page.goto(f"{base}/evaluation/")
        page.click(f"[data-testid=todo-{ev.pk}]")
        page.check("input[name=pledge]")
        if n == 0:
            shot(page, "evaluation-05-declaration")
        page.click("[data-testid=declare-submit]")
        page.wait_for_selector("text=回避声明及承诺书已提交")
        logout(page)
    others = [m for m in ev.members.order_by("position") if m.user not in browser_experts]
    for m in others:
        ev_services.member_declare(actor=m.user, member=m, conflict=False)

    # 5. The agency elects the chair and starts at the evaluation time.
    chair_user = browser_experts[0]
    login(page, base, r.agency.username)
    page.goto(f"{base}/evaluation/{ev.pk}/committee/")
    page.select_option("select[name=member]", str(members[chair_user.pk].pk))
    page.click("[data-testid=chair-submit]")
    page.wait_for_selector("text=评审组长已确定")
    clock.freeze(eval_at)
    page.click("[data-testid=start]")
    page.wait_for_selector("[data-testid=live-table]")
    assert "资格与符合性审查" in page.inner_text("[data-testid=ev-status]")
    # 资格审查 by the agency under 招标 (87号令 44)
    open_review(page, "qualification")
    shot(page, "evaluation-06-agency-qualification")
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("text=审查结论已提交")
    logout(page)

    # 6. Compliance review: two browser experts, two by service, the chair last closes it.
    def comply(u: User) -> None:
        login(page, base, u.username)
        page.goto(f"{base}/evaluation/{ev.pk}/")
        open_review(page, "compliance")
        if u == browser_experts[1]:
            shot(page, "evaluation-07-compliance")
        page.click("[data-testid=review-submit]")
        page.wait_for_selector("text=审查结论已提交")

    for u in browser_experts[1:]:
        comply(u)
        logout(page)
    for m in others:
        for rb in ev.bids.all():
            ev_services.check_record(actor=m.user, reviewed_bid=rb, stage="compliance", passed=True)
    comply(chair_user)
    page.click("[data-testid=review-close]")
    page.wait_for_selector("text=审查已结束")
    assert "详细评审" in page.inner_text("[data-testid=ev-status]")
    shot(page, "evaluation-08-overview-scoring")
    logout(page)

    # 7. Scoring: each browser expert fills one sheet per bid; the price score is computed.
    bids = list(ev.bids.order_by("pk"))
    tech = {0: "38", 1: "33", 2: "30"}
    for n, u in enumerate([*browser_experts[1:], chair_user]):
        login(page, base, u.username)
        page.goto(f"{base}/evaluation/{ev.pk}/scores/")
        page.click(f"[data-testid=sheet-{bids[0].pk}]")
        for i, _rb in enumerate(bids):
            page.wait_for_selector("[data-testid=score-form]")
            assert page.locator("[data-testid=price-row]").count() == 1
            page.fill("[data-testid=score-0]", tech[i])
            # one member differs on the objective factor for the first bid → one flag (87号令 64)
            page.fill("[data-testid=score-1]", "13" if (n == 1 and i == 0) else "12")
            if n == 0 and i == 0:
                shot(page, "evaluation-09-score-sheet")
            page.click("[data-testid=score-submit]")
            page.wait_for_selector("text=已提交对")
        if u != chair_user:
            logout(page)
    for m in others:
        for i, rb in enumerate(bids):
            ev_services.score_submit(
                actor=m.user, reviewed_bid=rb, scores={"技术方案": tech[i], "售后服务": "12"}
            )
    # 8. The chair closes the scoring, reviews the summary and concludes.
    page.goto(f"{base}/evaluation/{ev.pk}/")
    page.click("[data-testid=scoring-close]")
    page.wait_for_selector("[data-testid=go-conclude]")
    page.click("[data-testid=go-conclude]")
    page.wait_for_selector("[data-testid=matrix]")
    flag = ev.flags.get()
    page.select_option(f"[data-testid=flag-{flag.pk}] select[name=action]", "confirmed")
    page.fill(f"[data-testid=flag-note-{flag.pk}]", "经核对，该项评分有依据，维持")
    shot(page, "evaluation-10-summary")
    page.click(f"[data-testid=flag-submit-{flag.pk}]")
    page.wait_for_selector("text=评分复核意见已记录")
    page.click("[data-testid=conclude]")
    try:  # the report is rendered to PDF (WeasyPrint, CJK fonts): allow time
        page.wait_for_selector("[data-testid=report-html]", timeout=60_000)
    except Exception:
        shot(page, "evaluation-debug")
        raise
    shot(page, "evaluation-11-report")

    # 9. Signing: the chair agrees, the second expert dissents, the third agrees.
    sign_report(page, base, ev.pk, True)
    logout(page)
    login(page, base, browser_experts[1].username)
    page.goto(f"{base}/evaluation/{ev.pk}/report/")
    page.check("input[name=agrees][value='0']")
    page.fill("[data-testid=sign-password]", "wrong-password")
    page.click("[data-testid=sign-submit]")
    page.wait_for_selector("text=持不同意见的须写明理由")
    sign_report(page, base, ev.pk, False, "第二名的技术方案更优，评分差距不足以反映")
    shot(page, "evaluation-12-signed-with-dissent")
    logout(page)
    login(page, base, browser_experts[2].username)
    sign_report(page, base, ev.pk, True)
    logout(page)
    for m in others:
        ev_services.report_sign(actor=m.user, evaluation=ev, agrees=True, password=PASSWORD)
    ev.refresh_from_db()
    assert ev.status == "signed"
    assert Signature.objects.filter(agrees=False).count() == 1

    # 10. The purchaser confirms the result in report order.
    login(page, base, r.purchaser.username)
    page.goto(f"{base}/evaluation/")
    page.click(f"[data-testid=ev-{ev.pk}]")
    page.click("[data-testid=go-award]")
    page.wait_for_selector("[data-testid=award-form]")
    shot(page, "evaluation-13-award")
    page.click("[data-testid=award-submit]")
    page.wait_for_selector("[data-testid=awarded]")
    page.wait_for_selector("[data-testid=score-chart][data-rendered='1']")
    ev.refresh_from_db()
    first = ev.bids.get(order=1)
    assert ev.status == "awarded" and ev.awarded_supplier_id == first.supplier_id
    assert first.supplier.name in page.inner_text("[data-testid=awarded]")
    shot(page, "evaluation-14-overview-awarded")
