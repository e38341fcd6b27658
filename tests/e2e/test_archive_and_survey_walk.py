"""采购结束 → 档案 → 满意度 → 考核 in the browser (issue 11 items 8–9): after the contract is
performed and paid, the agency seals the archive from its desk and reads the manifest; the
purchaser rates the procurement and the agency; the regulator reads the agency assessment
with its chart. Screenshots under var/screenshots/archive-*."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import transaction

from tests.e2e.conftest import login as e2e_login
from tests.e2e.conftest import logout, shot
from tests.scenarios.test_award_to_archive import _paid
from zhengcai.accounts.models import User
from zhengcai.archives.models import Archive
from zhengcai.contracts import services as s
from zhengcai.contracts.tests.builders import PASSWORD, awarded, signed
from zhengcai.core import clock
from zhengcai.supervision.models import SatisfactionSurvey

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)


def test_archive_survey_and_assessment_walk(
    page: Any, live_server: Any, transactional_db: None, settings: Any, tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path / "keys"))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZHENGCAI = {**settings.ZHENGCAI, "TREASURY_DIR": str(tmp_path / "treasury")}
    clock.freeze(NOW)
    try:
        _walk(page, live_server.url)
    finally:
        clock.unfreeze()


def _walk(page: Any, base: str) -> None:
    with transaction.atomic():
        a = awarded()
        k = signed(a)
        _paid(k, a)
        s.contract_complete(actor=a.purchaser, contract=k)
    project = a.ready.project
    # 1. the agency's archive desk lists the ended project; sealing shows the manifest
    e2e_login(page, base, a.ready.agency.username, PASSWORD)
    page.goto(f"{base}/archives/")
    page.click(f"[data-testid=seal-{project.pk}]")
    page.wait_for_selector("[data-testid=archive-status]")
    archive = Archive.objects.get(project=project)
    assert page.inner_text("[data-testid=archive-file-sha256]") == archive.file_sha256
    assert page.locator("[data-testid=archive-items] tbody tr").count() == archive.item_count
    shot(page, "archive-1-sealed")
    logout(page)
    # 2. the purchaser rates the ended procurement
    e2e_login(page, base, a.purchaser.username, PASSWORD)
    page.goto(f"{base}/supervision/surveys/")
    form = page.locator("[data-testid=survey-form]").first
    for name, value in (("attitude", "5"), ("quality", "4"), ("effect", "5")):
        form.locator(f"select[name={name}]").select_option(value)
    form.locator("textarea[name=comment]").fill("流程规范，答复及时")
    shot(page, "archive-2-survey-form")
    form.locator("[data-testid=survey-submit]").click()
    page.wait_for_selector("[data-testid=surveys-given]")
    assert SatisfactionSurvey.objects.filter(project=project, satisfied=True).count() == 1
    logout(page)
    # 3. the regulator reads the agency assessment, with the chart drawn
    regulator = (
        User.objects.filter(role="regulator", organization__region__path="/330000/")
        .order_by("pk")
        .first()
    )
    assert regulator is not None
    e2e_login(page, base, regulator.username, PASSWORD)
    page.goto(f"{base}/supervision/agencies/")
    page.wait_for_selector("[data-testid=agency-chart][data-rendered='1']")
    row = page.locator("[data-testid=agency-figures] tr", has_text=project.agency.name)
    assert "100.0%" in row.inner_text()
    shot(page, "archive-3-assessment")
