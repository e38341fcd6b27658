"""Each role logs in through the browser and sees its own workbench (issue: 平台底座)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot
from zhengcai.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def login(page, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login-form] button")


@pytest.mark.parametrize(("username", "role"), [(u, r) for u, r, _, _ in DEMO_ACCOUNTS])
def test_each_role_sees_its_workbench(page, live_server, demo_data, username, role) -> None:
    login(page, live_server.url, username)
    page.wait_for_url("**/accounts/workbench/")
    title = page.locator("[data-testid=workbench-title]")
    assert str(role.label) in title.inner_text()
    if role.value in ("regulator", "supervisor", "admin"):
        page.wait_for_selector("[data-testid=org-chart][data-rendered='1']")
    path = shot(page, f"workbench-{username}")
    assert path.stat().st_size > 10_000
    page.click("[data-testid=logout]")
    page.wait_for_url(f"{live_server.url}/")


def test_public_home_in_chinese_with_chain_head(page, live_server, demo_data) -> None:
    from zhengcai.core.audit import chain_head

    page.goto(live_server.url + "/")
    text = page.locator("[data-testid=audit-head]").inner_text()
    assert "链头" in text and chain_head().hash in text
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    shot(page, "home")
    page.click("button[value=en]")
    page.wait_for_selector("text=Public audit chain")
    shot(page, "home-en")


def test_wrong_password_shows_chinese_error(page, live_server, demo_data) -> None:
    login(page, live_server.url, "purchaser", "wrong-password")
    error = page.locator("[data-testid=login-error]")
    assert "用户名或密码错误" in error.inner_text()
    shot(page, "login-error")


def test_supervisor_verifies_audit_chain(page, live_server, demo_data) -> None:
    login(page, live_server.url, "supervisor")
    page.wait_for_url("**/accounts/workbench/")
    page.click("[data-testid=verify-audit]")
    ok = page.wait_for_selector("[data-testid=verify-ok]")
    assert "审计链完好" in ok.inner_text()
    shot(page, "supervisor-verify")


def test_working_day_calculator(page, live_server, demo_data) -> None:
    page.goto(live_server.url + "/calendar/")
    page.fill("input[name=start]", "2026-09-30")
    page.fill("input[name=days]", "1")
    page.click("[data-testid=period-form] button")
    result = page.wait_for_selector("[data-testid=period-result]")
    assert "2026年10月8日" in result.inner_text()  # National Day week is skipped
    shot(page, "calendar")


def test_api_docs_render_offline(page, live_server, demo_data) -> None:
    """The interactive API docs load their scripts from this server, not from a CDN."""
    external = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    assert external == []
    shot(page, "api-docs")
