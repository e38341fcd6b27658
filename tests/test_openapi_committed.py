"""The API is a product: the committed OpenAPI document must match the code (`make openapi`)."""

from pathlib import Path

from zhengcai.core.management.commands.export_openapi import openapi_text

COMMITTED = Path(__file__).resolve().parents[1] / "docs" / "openapi.json"


def test_committed_openapi_matches_code() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == openapi_text(), (
        "The API changed: run `make openapi` and commit docs/openapi.json"
    )
