"""Query counts of every list page and list endpoint, pinned on the demo data (issue 架构 item 6).

The module loads the small demo (`seed_demo --scale small`: hundreds of organizations,
budgets, plans, projects, bids, experts) once, inside a transaction rolled back at the end,
then asks every list route — an API GET or a page without a path parameter — as each named
demo account. The largest count over the accounts is pinned in `queries.QUERIES`; a query per
row (N+1) shows as a count that grows with the data and fails here. A count that went down is a
fix: lower the pin.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.access import probe, queries, routes
from zhengcai.accounts.models import User

ACCOUNTS = ("admin", "regulator_hz", "supervisor", "purchaser", "agency", "supplier", "expert")
LISTS = [
    r
    for r in routes.api_routes() + routes.web_routes()
    if r.method == "GET" and "{" not in r.key and "<" not in r.key
]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[dict[str, User]]:
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--scale", "small", stdout=io.StringIO())
        yield {name: User.objects.get(username=name) for name in ACCOUNTS}
        transaction.set_rollback(True)


def count(client: Client, route: routes.Route) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = probe.ask(client, route)
    return len(ctx.captured_queries), probe.classify(response)


def measured(demo: dict[str, User], route: routes.Route) -> int:
    """The largest count over the accounts, each signed in afresh (a route such as logout
    must not change what the next one sees)."""
    worst = 0
    for name, user in demo.items():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        n, cls = count(client, route)
        assert cls != "E", f"{route.key}: server error for {name}"
        worst = max(worst, n)
    return worst


def test_every_list_route_has_a_pinned_count(demo: dict[str, User], db: None) -> None:
    missing = sorted({r.key for r in LISTS} - set(queries.QUERIES))
    stale = sorted(set(queries.QUERIES) - {r.key for r in LISTS})
    rows = [f'    "{r.key}": {measured(demo, r)},' for r in LISTS if r.key in missing]
    assert not (missing or stale), "\n".join(
        ["Pin these in tests/access/queries.py:", *rows, "Drop these:", *stale]
    )


@pytest.mark.parametrize("route", LISTS, ids=[r.key for r in LISTS])
def test_list_route_query_count(demo: dict[str, User], db: None, route: routes.Route) -> None:
    pinned = queries.QUERIES.get(route.key)
    if pinned is None:
        pytest.fail(f"{route.key}: no pinned count")
    got = measured(demo, route)
    assert got == pinned, f"{route.key}: {got} queries on the demo data, pinned {pinned}" + (
        " — more queries: a query per row? fix it" if got > pinned else " — lower the pin"
    )
