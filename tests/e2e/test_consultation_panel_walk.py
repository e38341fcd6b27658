"""竞争性磋商 evaluated by a panel of THREE experts on TWO final quotations, in the browser
(screenshots var/screenshots/panel-*). Two suppliers may go on only on a recorded
two-supplier basis (214号 21 ¶3 科研项目; 财库〔2015〕124号 政府购买服务): the builder records it
through tenders.project_two_supplier_set before the documents are built, the talks and the
final quotations run through the real services. In the browser: the agency opens the
evaluation, the three experts declare one after another, each does 资格审查 and 符合性审查
(the panel does both under 磋商, 214号 16), scores both bids, the chair concludes, all three
sign the report (one dissent) and the purchaser confirms the result."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from tests.e2e.conftest import open_review, shot
from tests.e2e.test_evaluation_walk import NAMES, NOW, login, logout, sign_report
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.evaluation.models import Evaluation, Signature
from zhengcai.evaluation.tests.builders import evaluation_ready

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_consultation_panel_walk(
    page: Any, live_server: Any, transactional_db: None, settings: Any, tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path / "keys"))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    clock.freeze(NOW)
    try:
        _walk(page, live_server.url)
    finally:
        clock.unfreeze()


def _walk(page: Any, base: str) -> None:
    with transaction.atomic():  # timed handlers in the builder audit outside their own
        r = evaluation_ready(
            project_method="consultation", bidders=2, two_supplier_basis="research"
        )
    assert r.project.two_supplier_basis == "research" and len(r.bids) == 2
    for i, u in enumerate(User.objects.filter(role="expert").order_by("pk")):
        User.objects.filter(pk=u.pk).update(display_name=f"专家{NAMES[i % len(NAMES)]}")
    panel = list(r.experts)
    assert len(panel) == 3

    # 1. The agency opens the evaluation from the completed draw (3 experts, 74号令 7).
    login(page, base, r.agency.username)
    page.goto(f"{base}/evaluation/")
    page.click(f"[data-testid=open-lot-{r.lot.pk}]")
    page.select_option("select[name=draw]", str(r.draw.pk))
    shot(page, "panel-01-open-form")
    page.click("[data-testid=open-submit]")
    page.wait_for_selector("[data-testid=members]")
    ev = Evaluation.objects.get(lot=r.lot)
    assert ev.members.count() == 3 and ev.bids.count() == 2
    logout(page)

    # 2. The three experts declare one after another.
    for n, u in enumerate(panel):
        login(page, base, u.username)
        page.goto(f"{base}/evaluation/")
        page.click(f"[data-testid=todo-{ev.pk}]")
        page.check("input[name=pledge]")
        if n == 0:
            shot(page, "panel-02-declaration")
        page.click("[data-testid=declare-submit]")
        page.wait_for_selector("text=回避声明及承诺书已提交")
        logout(page)

    # 3. The agency elects the chair and starts at the evaluation time.
    chair_user = panel[0]
    login(page, base, r.agency.username)
    page.goto(f"{base}/evaluation/{ev.pk}/committee/")
    chair_member = ev.members.get(user=chair_user)
    page.select_option("select[name=member]", str(chair_member.pk))
    page.click("[data-testid=chair-submit]")
    page.wait_for_selector("text=评审组长已确定")
    shot(page, "panel-03-committee")
    clock.freeze(r.evaluation_at)
    page.click("[data-testid=start]")
    page.wait_for_selector("[data-testid=live-table]")
    # after the start the agency's committee page offers 缺席 per expert (87号令 49)
    page.goto(f"{base}/evaluation/{ev.pk}/committee/")
    assert page.locator("[data-testid^=absent-reason-]").count() == 3
    shot(page, "panel-03b-committee-started")
    logout(page)

    # 4. Each member does 资格审查 and 符合性审查; the chair (last) closes the review.
    for n, u in enumerate([*panel[1:], chair_user]):
        login(page, base, u.username)
        for stage in ("qualification", "compliance"):
            page.goto(f"{base}/evaluation/{ev.pk}/")
            open_review(page, stage)
            if n == 0:
                shot(page, f"panel-04-{stage}")
            page.click("[data-testid=review-submit]")
            page.wait_for_selector("text=审查结论已提交")
        if u != chair_user:
            logout(page)
    page.goto(f"{base}/evaluation/{ev.pk}/")
    page.click("[data-testid=review-close]")
    page.wait_for_selector("text=审查已结束")
    ev.refresh_from_db()
    assert ev.status == "scoring", ev.outcome  # two valid bids go on (214号 21 ¶3)
    shot(page, "panel-05-overview-scoring")
    logout(page)

    # 5. Scoring: every member fills a sheet per bid; the price score is computed.
    bids = list(ev.bids.order_by("pk"))
    tech = {0: "36", 1: "32"}
    for n, u in enumerate([*panel[1:], chair_user]):
        login(page, base, u.username)
        page.goto(f"{base}/evaluation/{ev.pk}/scores/")
        page.click(f"[data-testid=sheet-{bids[0].pk}]")
        for i, _rb in enumerate(bids):
            page.wait_for_selector("[data-testid=score-form]")
            page.fill("[data-testid=score-0]", tech[i])
            page.fill("[data-testid=score-1]", "12")
            if n == 0 and i == 0:
                shot(page, "panel-06-score-sheet")
            page.click("[data-testid=score-submit]")
            page.wait_for_selector("text=已提交对")
        if u != chair_user:
            logout(page)

    # 6. The chair closes the scoring and concludes; the report is rendered.
    page.goto(f"{base}/evaluation/{ev.pk}/")
    page.click("[data-testid=scoring-close]")
    page.wait_for_selector("[data-testid=go-conclude]")
    page.click("[data-testid=go-conclude]")
    page.wait_for_selector("[data-testid=matrix]")
    shot(page, "panel-07-summary")
    page.click("[data-testid=conclude]")
    page.wait_for_selector("[data-testid=report-html]", timeout=60_000)
    shot(page, "panel-08-report")

    # 7. All three sign: the chair agrees, the second dissents, the third agrees.
    sign_report(page, base, ev.pk, True)
    logout(page)
    login(page, base, panel[1].username)
    sign_report(page, base, ev.pk, False, "第二家的服务方案更贴合需求，技术分差距偏大")
    shot(page, "panel-09-signed-with-dissent")
    logout(page)
    login(page, base, panel[2].username)
    sign_report(page, base, ev.pk, True)
    logout(page)
    ev.refresh_from_db()
    assert ev.status == "signed"
    assert Signature.objects.filter(member__evaluation=ev, agrees=False).count() == 1

    # 8. The purchaser confirms the result in report order.
    login(page, base, r.purchaser.username)
    page.goto(f"{base}/evaluation/")
    page.click(f"[data-testid=ev-{ev.pk}]")
    page.click("[data-testid=go-award]")
    page.wait_for_selector("[data-testid=award-form]")
    shot(page, "panel-10-award")
    page.click("[data-testid=award-submit]")
    page.wait_for_selector("[data-testid=awarded]")
    ev.refresh_from_db()
    first = ev.bids.get(order=1)
    assert ev.status == "awarded" and ev.awarded_supplier_id == first.supplier_id
    shot(page, "panel-11-overview-awarded")
