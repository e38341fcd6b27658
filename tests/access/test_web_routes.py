"""Every WEB route × every role answers what tests/access/matrix.py says (issue 架构 item 6)."""

from __future__ import annotations

import pytest

from tests.access import check, matrix, routes
from zhengcai.accounts.tests.factories import World

ROUTES = routes.web_routes()


def test_every_route_is_in_the_matrix(w: World) -> None:
    missing, stale = check.missing_rows(ROUTES, matrix.WEB)
    assert not (missing or stale), check.explain(w, ROUTES, missing, stale)


@pytest.mark.parametrize("route", ROUTES, ids=[r.key for r in ROUTES])
def test_route_answers_each_role_as_the_matrix_says(w: World, route: routes.Route) -> None:
    if route.key not in matrix.WEB:
        pytest.fail(f"{route.key} has no row in the matrix")
    check.assert_row(w, route, matrix.WEB[route.key])
