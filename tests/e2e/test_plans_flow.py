"""Budget line → approved plan → published intention → commissioned project, in the browser
(issue: 采购预算与计划). Each role does its step; screenshots under var/screenshots/plans-*."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import login, logout, shot
from zhengcai.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_budget_to_commission(page, live_server, demo_data) -> None:
    base = live_server.url
    try:
        # 1. The purchaser enters a budget line.
        login(page, base, "purchaser")
        page.click("[data-testid=module-tiles] >> text=采购预算")
        page.click("[data-testid=budget-new]")
        page.fill("#id_project_code", "2026-XM-E2E")
        page.fill("#id_project_name", "教学信息化")
        page.fill("#id_item_code", "A02010108")
        page.fill("#id_description", "教师用便携式计算机")
        page.fill("#id_quantity", "60")
        page.fill("#id_unit", "台")
        page.fill("#id_amount", "390000.00")
        shot(page, "plans-1-budget-form")
        page.click("[data-testid=budget-save]")
        page.wait_for_selector("[data-testid=budget-submit]")
        page.click("[data-testid=budget-submit]")
        assert "待审核" in page.inner_text("[data-testid=budget-status]")
        budget_url = page.url
        shot(page, "plans-2-budget-submitted")
        logout(page)

        # 2. The regulator approves it.
        login(page, base, "regulator")
        page.goto(budget_url)
        page.fill("[data-testid=budget-decide] textarea", "同意，按集中采购目录执行")
        page.click("[data-testid=budget-approve]")
        assert "已批复" in page.inner_text("[data-testid=budget-status]")
        shot(page, "plans-3-budget-approved")
        logout(page)

        # 3. The purchaser files the implementation plan.
        login(page, base, "purchaser")
        page.goto(budget_url)
        page.click("[data-testid=plan-new]")
        page.fill("#id_requirements", "60 台便携式计算机，i5 及以上处理器，16GB 内存，三年质保。")
        page.click("[data-testid=plan-save]")
        page.wait_for_selector("[data-testid=plan-submit]")
        assert "询价" in page.inner_text("[data-testid=plan-method]")
        assert "集中采购目录" in page.inner_text("[data-testid=plan-reasons]")
        page.click("[data-testid=plan-submit]")
        assert "待审核" in page.inner_text("[data-testid=plan-status]")
        plan_url = page.url
        logout(page)

        # 4. The regulator files (approves) it.
        login(page, base, "regulator")
        page.goto(plan_url)
        page.click("[data-testid=plan-approve]")
        assert "已备案" in page.inner_text("[data-testid=plan-status]")
        shot(page, "plans-4-plan-approved")
        logout(page)

        # 5. The purchaser publishes the intention; it is on the public portal.
        login(page, base, "purchaser")
        page.goto(plan_url)
        page.click("[data-testid=intention-publish]")
        assert "公开期未满" in page.inner_text("[data-testid=intention-info]")
        shot(page, "plans-5-intention-published")
        logout(page)
        page.goto(f"{base}/plans/public/intentions/")
        assert "教师用便携式计算机" in page.inner_text("[data-testid=public-intentions]")
        shot(page, "plans-6-public-intentions")

        # 6. Thirty days later the purchaser commissions the 集中采购机构.
        clock.advance(dt.timedelta(days=31))
        login(page, base, "purchaser")
        page.goto(plan_url)
        assert "公开期已满" in page.inner_text("[data-testid=intention-info]")
        page.select_option("#id_agency", label="浙江省政府采购中心")
        page.click("[data-testid=commission-submit]")
        page.wait_for_selector("[data-testid=commission-info]")
        assert "已委托" in page.inner_text("[data-testid=plan-status]")
        shot(page, "plans-7-commissioned")
        logout(page)

        # 7. The agency sees it in its business tracking and takes it.
        login(page, base, "agency")
        page.click("[data-testid=module-tiles] >> text=网上委托")
        table = page.inner_text("[data-testid=commission-table]")
        assert "教学信息化" in table or "便携式计算机" in table
        page.click("[data-testid=commission-table] a >> nth=0")
        page.click("[data-testid=commission-accept]")
        assert "已接收" in page.inner_text("[data-testid=commission-status]")
        shot(page, "plans-8-agency-accepted")
    finally:
        clock.unfreeze()


def test_works_above_the_standard_are_routed_to_the_bidding_law(
    page, live_server, demo_data
) -> None:
    """A 5,000万元 房屋施工 plan is 依法招标（招标投标法）, with its basis, and is not offered for
    commission (法 4; 条例 7; 发改委令第16号; issue 10 item 4)."""
    base = live_server.url
    login(page, base, "purchaser")
    page.goto(f"{base}/plans/budgets/new/")
    page.fill("#id_project_code", "2026-GC-E2E")
    page.fill("#id_project_name", "综合楼新建")
    page.fill("#id_item_code", "B01000000")
    page.fill("#id_description", "综合楼土建及安装工程")
    page.fill("#id_quantity", "1")
    page.fill("#id_unit", "项")
    page.fill("#id_amount", "50000000.00")
    page.click("[data-testid=budget-save]")
    page.click("[data-testid=budget-submit]")
    budget_url = page.url
    logout(page)
    login(page, base, "regulator")
    page.goto(budget_url)
    page.click("[data-testid=budget-approve]")
    assert "已批复" in page.inner_text("[data-testid=budget-status]")
    logout(page)
    login(page, base, "purchaser")
    page.goto(budget_url)
    page.click("[data-testid=plan-new]")
    page.click("[data-testid=plan-save]")
    page.wait_for_selector("[data-testid=plan-bidding-law]")
    assert "依法招标（招标投标法）" in page.inner_text("[data-testid=plan-method]")
    notice = page.inner_text("[data-testid=plan-bidding-law]")
    assert "招标投标法" in notice and "发改委令第16号" in notice
    assert "400万元" in page.inner_text("[data-testid=plan-reasons]")
    assert page.locator("[data-testid=commission-bidding-law]").count() == 1
    assert page.locator("[data-testid=plan-needs]").count() == 0
    shot(page, "plans-9-works-bidding-law")
