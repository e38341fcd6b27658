"""Ask one route as each actor and sort the answer into a class.

Classes (one letter per actor, in the order of ACTORS):
  O  reached: 2xx, or a redirect that is not to the login page
  L  must log in: 401, or a redirect to the login page
  D  refused: 403
  N  not found: 404 (what a caller gets for an object that does not exist or that it may not see)
  B  bad input: any other 4xx (400, 405, 409, 412, 422, 428 …)
  E  server error: 5xx — never acceptable
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from tests.access.routes import Route

# anon, then one user per role of the accounts world (accounts/tests/factories.py).
ACTORS = ("anon", "admin", "reg_hz", "supv_hz", "pur_user", "agc_user", "spl_user", "expert")
LOGIN_PATH = "/accounts/login/"


def classify(response: Any) -> str:
    status = response.status_code
    if 300 <= status < 400:
        return "L" if response.get("Location", "").startswith(LOGIN_PATH) else "O"
    if status < 300:
        return "O"
    return {401: "L", 403: "D", 404: "N"}.get(status, "E" if status >= 500 else "B")


def client_for(world: Any, actor: str, api: bool) -> Client:
    if actor == "anon":
        return Client(raise_request_exception=False)
    if api:
        return Client(
            raise_request_exception=False,
            headers={"Authorization": f"Bearer {world.tokens[actor]}"},
        )
    c = Client(raise_request_exception=False)
    c.force_login(world.users[actor])
    return c


def ask(client: Client, route: Route) -> Any:
    if route.api:
        if route.method in ("GET", "DELETE"):
            return client.generic(route.method, route.url)
        return client.generic(route.method, route.url, "{}", content_type="application/json")
    response = client.get(route.url)
    if response.status_code == 405:  # an action endpoint: POST an empty form
        response = client.post(route.url, {})
    return response


def row(world: Any, route: Route) -> str:
    return "".join(classify(ask(client_for(world, a, route.api), route)) for a in ACTORS)
