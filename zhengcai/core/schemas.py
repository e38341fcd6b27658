"""Schemas shared by every API router."""

from typing import Any

from ninja import Schema
from pydantic import ConfigDict


class StrictIn(Schema):
    """Base for request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class ErrorOut(Schema):
    """The one error shape of the API: a stable `code`, a `message` for people, a `detail`."""

    code: str
    message: str
    detail: Any = None
