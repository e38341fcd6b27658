"""The portal's notice feed (101号令; 条例 50): a contract's 合同公告 appears in the anonymous
portal — the home card, the listing and its kind filter — after it is announced, not before,
with the secrets removed as the contracts app removes them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from zhengcai.contracts import services as contracts
from zhengcai.contracts.tests.builders import awarded, signed
from zhengcai.core import clock
from zhengcai.publishing import feed

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=clock.SHANGHAI)
SECRET = "三年原厂保修"


@pytest.fixture(autouse=True)
def _env(settings: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ZHENGCAI_BIDDING_KEYS_DIR", str(tmp_path / "keys"))
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.ZHENGCAI = {**getattr(settings, "ZHENGCAI", {}), "TREASURY_DIR": str(tmp_path / "t")}
    clock.freeze(NOW)
    yield
    clock.unfreeze()


def _page(path: str, **params: str) -> str:
    r = Client().get(path, params)
    assert r.status_code == 200
    return r.content.decode()


def test_a_contract_notice_is_in_the_anonymous_feed_after_announcement_not_before() -> None:
    a = awarded()
    k = signed(a, secrets=[SECRET])
    detail = reverse("contracts:public_detail", args=[k.pk])
    home, listing = reverse("publishing:home"), reverse("publishing:notices")
    assert detail not in _page(home)
    assert detail not in _page(listing)
    assert detail not in _page(listing, kind="contract")
    before = [i.kind for i in feed.latest()]
    assert "result" in before and "contract" not in before  # the award's result notice is there

    contracts.contract_announce(actor=a.purchaser, contract=k)

    assert detail in _page(home)
    everything = _page(listing)
    assert detail in everything and "/awards/public/" in everything
    only = _page(listing, kind="contract")
    assert detail in only and "awards/public/" not in only
    assert "awards/public/" in _page(listing, kind="result")
    assert detail not in _page(listing, kind="result")
    assert [i.kind for i in feed.latest(kind="contract")] == ["contract"]
    body = _page(detail)
    assert k.contract_no in body and SECRET not in body
    assert SECRET not in everything


def test_an_unknown_kind_lists_everything_and_the_sources_are_a_registry() -> None:
    assert [k for k, _label in feed.kinds()] == ["procurement", "result", "contract", "complaint"]
    assert _page(reverse("publishing:notices"), kind="nonsense", n="abc")
