"""Fixtures of the awards tests: the evaluation builders' environment (keys, media, clock)."""

from __future__ import annotations

from zhengcai.evaluation.tests.conftest import _env  # noqa: F401 (autouse fixture)
