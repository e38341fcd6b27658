"""Schemas shared by every API router."""

from typing import Any

from ninja import Schema
from ninja.responses import codes_4xx
from pydantic import ConfigDict


class StrictIn(Schema):
    """Base for request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    """The one error shape of the API: a stable `code`, a `message` for people, a `detail`."""

    code: str
    message: str
    detail: Any = None


# Every client-error status the API answers, for `response={200: X, API_ERRORS: ErrorOut}`
# (ninja's codes_4xx leaves out 413, 422 and 428, which this API uses).
API_ERRORS = frozenset(codes_4xx | {413, 422, 428})
