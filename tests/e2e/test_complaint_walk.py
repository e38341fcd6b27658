"""投诉 in the browser (issue 11 item 3): a losing supplier whose 质疑 was answered "not upheld"
files a 投诉书 from the challenge page (the wrong way first: a required field left empty is
refused with the other fields kept); the finance department finds it on its desk with the
review deadline, accepts it, reads the respondent's answer and decides "upheld — result void,
another supplier" (94号令 32); the 投诉处理结果公告 is on the portal's notice feed and its
own page. Screenshots under var/screenshots/complaint-*."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from tests.e2e.conftest import login as e2e_login
from tests.e2e.conftest import logout, shot
from zhengcai.accounts.tests.factories import user
from zhengcai.awards import constants as c
from zhengcai.awards import selectors, services
from zhengcai.awards.models import Complaint
from zhengcai.awards.tests.test_complaints import ANSWER, CLETTER
from zhengcai.awards.tests.test_services import LETTER
from zhengcai.contracts.tests.builders import PASSWORD, awarded
from zhengcai.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)


def login(page: Any, base: str, username: str) -> None:
    e2e_login(page, base, username, PASSWORD)


def test_complaint_walk(
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
    with transaction.atomic():
        a = awarded()
        r = a.ready
        first = selectors.current_award(r.lot)
        assert first is not None
        ranked = list(a.evaluation.bids.filter(valid=True).order_by("order"))
        runner_up = ranked[1].supplier
        sup = r.suppliers[r.supplier_orgs.index(runner_up)]
        ch = services.challenge_file(actor=sup, lot=r.lot, subject="process", step="evaluation",
                                     letter={**LETTER, "name": runner_up.name})  # fmt: skip
        ch = services.challenge_answer(actor=r.agency, challenge=ch, outcome="not_upheld",
                                       answer=ANSWER)  # fmt: skip
        fin = selectors.finance_department(r.project)
        assert fin is not None
        reg = user(fin, role="regulator")

    # 1. the supplier: from its answered challenge to the complaint form
    login(page, base, sup.username)
    page.goto(f"{base}/awards/challenges/{ch.pk}/")
    page.wait_for_selector("[data-testid=complaint-link]")
    shot(page, "complaint-1-challenge-answered")
    page.click("[data-testid=complaint-link] a")
    page.wait_for_selector("[data-testid=complaint-form]")
    for k, v in CLETTER.items():
        page.fill(f"[data-testid=complaint-form] textarea[name={k}]", v)
    # the wrong way first: the facts emptied → refused, the rest kept
    page.fill("textarea[name=facts]", " ")
    page.eval_on_selector("[data-testid=complaint-form]", "f => f.noValidate = true")
    page.click("[data-testid=complaint-submit]")
    page.wait_for_selector("text=投诉书缺少")
    assert page.input_value("textarea[name=items]") == CLETTER["items"]
    assert not Complaint.objects.exists()
    page.fill("textarea[name=facts]", CLETTER["facts"])
    page.fill("textarea[name=evidence]", "业绩合同复印件")
    shot(page, "complaint-2-letter")
    page.click("[data-testid=complaint-submit]")
    page.wait_for_selector("[data-testid=complaint-status]")
    x = Complaint.objects.get()
    assert page.inner_text("[data-testid=complaint-status]") == x.get_status_display()
    logout(page)

    # 2. the finance department: the desk with the review deadline, accept
    login(page, base, reg.username)
    page.goto(f"{base}/awards/complaints/")
    page.wait_for_selector("[data-testid=complaints]")
    desk = page.inner_text("[data-testid=complaints]")
    assert r.project.name in desk and f"{x.review_due:%Y-%m-%d}" in desk
    shot(page, "complaint-3-desk")
    page.goto(f"{base}/awards/complaints/{x.pk}/")
    page.select_option("[data-testid=review-form] select[name=action]", "accept")
    page.click("[data-testid=review-submit]")
    page.wait_for_selector("[data-testid=decide-form]")
    x.refresh_from_db()
    assert x.status == c.ComplaintStatus.ACCEPTED
    logout(page)

    # 3. the respondent (the agency) answers in writing (94号令 22)
    login(page, base, r.agency.username)
    page.goto(f"{base}/awards/complaints/{x.pk}/")
    page.fill("[data-testid=answer-form] textarea[name=text]", "评审按招标文件进行，业绩经核验。")
    page.click("[data-testid=answer-form] button")
    page.wait_for_selector("text=评审按招标文件进行")
    logout(page)

    # 4. the decision: upheld, the result void, another supplier (94号令 32 (二))
    login(page, base, reg.username)
    page.goto(f"{base}/awards/complaints/{x.pk}/")
    page.select_option("[data-testid=decide-form] select[name=finding]", "upheld")
    page.select_option("[data-testid=decide-form] select[name=remedy]", "result_void_other")
    page.fill("[data-testid=decide-form] textarea[name=facts]", "中标人业绩合同不实")
    page.fill(
        "[data-testid=decide-form] input[name=legal_basis]", "《政府采购质疑和投诉办法》第三十二条"
    )
    shot(page, "complaint-4-decide")
    page.click("[data-testid=decide-submit]")
    page.wait_for_selector("[data-testid=complaint-decision]")
    x.refresh_from_db()
    assert x.status == c.ComplaintStatus.DECIDED
    first.refresh_from_db()
    assert first.status == c.AwardStatus.SUPERSEDED
    new = selectors.current_award(r.lot)
    assert new is not None and new.supplier == runner_up
    shot(page, "complaint-5-decided")
    logout(page)

    # 5. the public: the notice feed and the decision's own page
    page.goto(f"{base}/notices/?kind=complaint")
    link = f"/awards/public/complaints/{x.pk}/"
    page.click(f"a[href='{link}']")
    page.wait_for_selector("[data-testid=complaint-decision]")
    body = page.inner_text("[data-testid=complaint-decision]")
    assert "中标人业绩合同不实" in body and runner_up.name in body
    shot(page, "complaint-6-public")
