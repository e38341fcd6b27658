"""The regulator reads the thresholds and the year's 集中采购目录; the public sees them too."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import shot
from tests.e2e.test_shell import login
from zhengcai.core import clock

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_public_catalogue_from_home(page, live_server, demo_data) -> None:
    page.goto(live_server.url + "/")
    page.click("[data-testid=public-catalog-link]")
    page.wait_for_url("**/catalog/public/")
    body = page.locator("main").inner_text()
    assert "集中采购目录" in body and "公开招标数额标准" in body
    shot(page, "catalog-public")


def test_regulator_sees_thresholds_and_catalogue(page, live_server, demo_data) -> None:
    login(page, live_server.url, "regulator")
    page.wait_for_url("**/accounts/workbench/")
    page.goto(live_server.url + "/catalog/thresholds/")
    assert "2,000,000" in page.content() or "200" in page.locator("main").inner_text()
    shot(page, "catalog-thresholds")
    page.goto(live_server.url + "/catalog/centralized/")
    assert "台式计算机" in page.locator("main").inner_text()
    shot(page, "catalog-centralized")
    # The regulator starts next year's catalogue from this year's (its own view and URL).
    year = clock.today().year
    page.fill("[data-testid=centralized-copy] [name=from_year]", str(year))
    page.fill("[data-testid=centralized-copy] [name=to_year]", str(year + 1))
    page.click("[data-testid=centralized-copy] button")
    page.wait_for_url(f"**/catalog/centralized/?region=*&year={year + 1}")
    body = page.locator("main").inner_text()
    assert f"{year + 1} 年集中采购目录" in body and "台式计算机" in body
    shot(page, "catalog-centralized-copied")
