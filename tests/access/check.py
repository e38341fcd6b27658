"""Shared checks of the route-matrix test modules."""

from __future__ import annotations

from typing import Any

from tests.access import probe
from tests.access.routes import Route


def missing_rows(routes: list[Route], table: dict[str, str]) -> tuple[list[str], list[str]]:
    keys = {r.key for r in routes}
    return sorted(keys - set(table)), sorted(set(table) - keys)


def explain(world: Any, routes: list[Route], missing: list[str], stale: list[str]) -> str:
    by_key = {r.key: r for r in routes}
    lines = ["The route matrix (tests/access/matrix.py) is out of date."]
    if missing:
        lines.append("Routes without a row — check what each party gets, then add the row:")
        lines += [f'    "{k}": "{probe.row(world, by_key[k])}",' for k in missing]
    if stale:
        lines.append("Rows for routes that no longer exist — delete them:")
        lines += [f"    {k}" for k in stale]
    return "\n".join(lines)


def assert_row(world: Any, route: Route, expected: str) -> None:
    got = probe.row(world, route)
    assert "E" not in got, f"{route.key}: a server error for {probe.ACTORS[got.index('E')]}"
    diff = [
        f"{a}: expected {e}, got {g}"
        for a, e, g in zip(probe.ACTORS, expected, got, strict=True)
        if e != g
    ]
    assert not diff, f"{route.key} ({route.url}): " + "; ".join(diff)
