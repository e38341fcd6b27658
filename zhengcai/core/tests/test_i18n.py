"""Chinese first; the English catalog covers every string of the interface."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client

PO = Path(__file__).resolve().parents[3] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_interface_string_has_an_english_translation() -> None:
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.M)
    assert len(entries) > 150
    assert [mid for mid, mstr in entries if not mstr] == []


@pytest.mark.django_db
def test_chinese_by_default_even_for_english_browsers(client: Client) -> None:
    r = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert r["Content-Language"] == "zh-hans"
    assert "政策法规" in r.content.decode()


@pytest.mark.django_db
def test_english_when_chosen(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/").content.decode()
    assert "Laws and regulations" in body and "Public audit chain" in body
