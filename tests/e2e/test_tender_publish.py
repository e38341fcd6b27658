"""Accepted commission → project → documents from a template → the compliance check flags a
brand → fixed → notice published → on the public page (issue: 项目采购执行). Screenshots
under var/screenshots/tender-*."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.e2e.conftest import login, shot
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.plans import services as plan_services
from zhengcai.plans.models import Commission

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def accepted_commission() -> Commission:
    purchaser = User.objects.get(username="purchaser")
    regulator = User.objects.get(username="regulator")
    agency = User.objects.get(username="agency")
    assert purchaser.organization is not None and agency.organization is not None
    line = plan_services.budget_line_create(
        actor=purchaser,
        organization=purchaser.organization,
        data={
            "fiscal_year": clock.today().year,
            "project_code": f"{clock.today().year}-XM-E2E",
            "project_name": "教学设备项目",
            "item_code": "A02010105",
            "description": "教师用便携式计算机",
            "quantity": Decimal(50),
            "unit": "台",
            "amount": Decimal("290000.00"),
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
            "name": "教师用便携式计算机采购",
            "amount": line.amount,
            "quantity": line.quantity,
            "expected_month": clock.today(),
            "requirements": "50 台便携式计算机",
            "is_urgent": True,
            "urgent_reason": "新学期教学急需（不可预见）",
        },
    )
    plan = plan_services.plan_submit(actor=purchaser, plan=plan)
    plan = plan_services.plan_approve(actor=regulator, plan=plan)
    plan_services.intention_publish(actor=purchaser, plan=plan)
    com = plan_services.commission_create(actor=purchaser, plan=plan, agency=agency.organization)
    return plan_services.commission_accept(actor=agency, commission=com)


def test_project_to_public_notice(page, live_server, demo_data) -> None:
    base = live_server.url
    com = accepted_commission()
    login(page, base, "agency")
    page.goto(f"{base}/tenders/projects/")
    shot(page, "tender-1-projects")
    page.click(f"[data-testid=create-project-{com.pk}]")
    page.wait_for_selector("[data-testid=project-status]")
    page.select_option("[data-testid=sme-reservation]", "whole")  # 46号 7: ≤200万
    page.click("[data-testid=project-save]")
    page.wait_for_selector("[data-testid=build-document]")
    page.click("[data-testid=build-document]")
    page.wait_for_selector("[data-testid=document-form]")
    page.fill("[data-testid=doc-requirements]", "便携式计算机50台，品牌为联想ThinkPad，内存16GB")
    page.click("[data-testid=document-save]")
    page.wait_for_selector("[data-testid=run-check]")
    page.click("[data-testid=run-check]")
    page.wait_for_selector("[data-testid=finding-brand]")
    assert "条例 20(6)" in page.inner_text("[data-testid=finding-brand]")
    shot(page, "tender-2-brand-flagged")
    page.fill("[data-testid=doc-requirements]", "便携式计算机50台，处理器不低于8核，内存16GB")
    page.click("[data-testid=document-save]")
    page.wait_for_selector("[data-testid=run-check]")
    page.click("[data-testid=run-check]")
    page.wait_for_selector("[data-testid=check-clean]")
    assert "已修改" in page.inner_text("[data-testid=finding-brand]")
    page.click("[data-testid=finalize]")
    page.wait_for_selector("[data-testid=publish]")
    shot(page, "tender-3-ready")
    page.click("[data-testid=publish]")
    page.wait_for_selector("[data-testid=bid-deadline]")
    assert "公告发布中" in page.inner_text("[data-testid=project-status]")
    shot(page, "tender-4-published")
    page.click("[data-testid=logout]")
    page.goto(f"{base}/tenders/public/notices/")
    assert "教师用便携式计算机采购" in page.inner_text("[data-testid=public-notices]")
    page.click("text=教师用便携式计算机采购")
    page.wait_for_selector("[data-testid=notice-title]")
    assert "询价公告" in page.inner_text("[data-testid=notice-title]")
    shot(page, "tender-5-public-notice")
