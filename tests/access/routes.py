"""Every route of the platform, read from the URL configuration and the API schema.

A route key is `"<METHOD> <path template>"` for the API (from the OpenAPI document, so each
operation counts once) and `"WEB <path template>"` for the pages (from Django's URL resolver).
The admin site and Django's own language switch are Django's, not ours, and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "/api/v1"
NOT_OURS = ("api/v1/", "admin/", "i18n/")
METHODS = ("get", "post", "put", "patch", "delete")

# A value for each path parameter that names no object: protected routes must answer the
# anonymous caller before looking anything up; others answer 404 with the platform's message.
MISSING_INT = "999999"
MISSING_STR = "zz-missing"


@dataclass(frozen=True)
class Route:
    key: str
    method: str  # HTTP method the probe uses
    url: str  # concrete URL with the placeholders filled
    api: bool


def _fill_api(path: str) -> str:
    return re.sub(r"\{[^}]+\}", MISSING_INT, path)


def _fill_web(pattern: str) -> str:
    def one(m: re.Match[str]) -> str:
        conv = m.group(1) or "str"
        return MISSING_INT if conv == "int" else MISSING_STR

    return "/" + re.sub(r"<(?:(\w+):)?\w+>", one, pattern)


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            yield prefix + str(p.pattern)


def web_routes() -> list[Route]:
    out = []
    for pattern in _walk(get_resolver().url_patterns):
        if pattern.startswith(NOT_OURS) or pattern.startswith("^"):
            continue
        out.append(Route(key=f"WEB /{pattern}", method="GET", url=_fill_web(pattern), api=False))
    return sorted(out, key=lambda r: r.key)


def api_routes() -> list[Route]:
    from config.api import api

    out = []
    for path, ops in api.get_openapi_schema()["paths"].items():
        for method in ops:
            if method not in METHODS:
                continue
            rel = path.removeprefix(API_PREFIX)
            out.append(
                Route(
                    key=f"{method.upper()} {rel}",
                    method=method.upper(),
                    url=_fill_api(path),
                    api=True,
                )
            )
    return sorted(out, key=lambda r: r.key)
