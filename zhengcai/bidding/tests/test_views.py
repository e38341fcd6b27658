"""Pages: every role before the deadline sees no price; the supplier's bid page with the demo
signer and with its own signatures; the opening room; the watch and evidence pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from zhengcai.bidding import constants as c
from zhengcai.bidding import services
from zhengcai.bidding.models import Bid
from zhengcai.bidding.tests.factories import DEADLINE, World, project, register, submit
from zhengcai.core import clock

PRICE = "765432.10"
SHOWN = "765,432.10"  # as the pages print amounts (yuan filter)


def page(w: World, who: str) -> Client:
    cl = Client()
    cl.force_login(w.users[who])
    return cl


@pytest.fixture
def demo_on(settings: object) -> None:
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True}  # type: ignore[attr-defined]


def test_pages_before_and_after_deadline(w: World, demo_on: None) -> None:
    p = project(w)
    s1 = page(w, "s1")
    assert (
        s1.post(f"/bidding/projects/{p.pk}/register/", {"lot": p.lots.get().pk}).status_code == 302
    )
    key = services.key_create_demo(actor=w.users["s1"])
    part = p.participations.get(supplier=w.orgs["s1"])
    r = s1.post(
        f"/bidding/projects/{p.pk}/bids/{part.pk}/submit/",
        {
            "key_id": key.key_id,
            "demo_sign": "1",
            "total_price": PRICE,
            "sme_size": "micro",
            "fingerprint": "fp-web",
            "files": [__import__("io").BytesIO(b"%PDF-1.4 web")],
        },
    )
    assert r.status_code == 302
    bid = Bid.objects.get(participation=part, status=c.BidStatus.SUBMITTED)
    assert bid.evidence.fingerprint == "fp-web"
    html = s1.get(f"/bidding/projects/{p.pk}/").content.decode()
    assert bid.receipt.receipt_id in html and PRICE not in html and SHOWN not in html
    receipt = json.loads(s1.get(f"/bidding/receipts/{bid.pk}/").content)
    assert receipt["receipt"]["receipt_id"] == bid.receipt.receipt_id
    for who in ("s2", "agc_hz", "pur_hz", "supv_hz", "reg_hz", "admin"):
        cl = page(w, who)
        for url in (f"/bidding/projects/{p.pk}/", f"/bidding/projects/{p.pk}/opening/live/"):
            body = cl.get(url).content.decode()
            assert PRICE not in body and SHOWN not in body
        assert cl.get(f"/bidding/projects/{p.pk}/evidence/").status_code in {403, 404}
        assert cl.get(f"/bidding/receipts/{bid.pk}/").status_code == 404
    agency = page(w, "agc_hz")
    window = services.bid_window(p)
    agency.post(f"/bidding/projects/{p.pk}/windows/{window.pk}/open/")
    assert not hasattr(services.bid_window(p), "opening")
    for who in ("s2", "s3"):
        submit(w, register(w, p, who), who, "700000.00")
    clock.freeze(DEADLINE + dt.timedelta(seconds=5))
    agency.post(f"/bidding/projects/{p.pk}/windows/{window.pk}/open/")
    opening = services.bid_window(p).opening
    assert opening.status == c.OpeningStatus.IN_SESSION
    s1.post(f"/bidding/projects/{p.pk}/openings/{opening.pk}/objections/", {"text": "请复核折扣"})
    obj = opening.objections.get()
    # a bidder cannot answer, and nobody answers through another project's address
    s1.post(f"/bidding/projects/{p.pk}/objections/{obj.pk}/answer/", {"text": "自答"})
    other = project(w)
    agency.post(f"/bidding/projects/{other.pk}/objections/{obj.pk}/answer/", {"text": "错项目"})
    obj.refresh_from_db()
    assert obj.answer == ""
    agency.post(f"/bidding/projects/{p.pk}/objections/{obj.pk}/answer/", {"text": "已复核"})
    agency.post(f"/bidding/projects/{p.pk}/openings/{opening.pk}/sign/")
    opening.refresh_from_db()
    assert opening.status == c.OpeningStatus.SIGNED
    live = page(w, "supv_hz").get(f"/bidding/projects/{p.pk}/opening/live/").content.decode()
    assert SHOWN in live and "微型企业" in live and opening.record_digest in live
    assert page(w, "supv_hz").get(f"/bidding/projects/{p.pk}/evidence/").status_code == 200
    assert page(w, "supv_nb").get(f"/bidding/projects/{p.pk}/").status_code == 404
    assert page(w, "agc_hz").get(f"/bidding/projects/{p.pk}/evidence/").status_code == 403


def test_demo_signer_off_outside_demo(w: World) -> None:
    from zhengcai.core.errors import DomainError

    with pytest.raises(DomainError) as exc:
        services.key_create_demo(actor=w.users["s3"])
    assert exc.value.code == c.ERR_DEMO_SIGNER_DISABLED


def test_keys_and_home_pages(w: World) -> None:
    s = page(w, "s4")
    assert s.get("/bidding/keys/").status_code == 200
    r = s.post("/bidding/keys/register/", {"public_key": w.signers["s4"].public_key, "label": "x"})
    assert r.status_code == 302
    assert s.post("/bidding/keys/", {"public_key": "x"}).status_code == 405  # one view, one op
    for who in ("s4", "agc_hz", "supv_hz", "pur_hz"):
        assert page(w, who).get("/bidding/").status_code == 200
    assert page(w, "agc_hz").get("/bidding/keys/").status_code == 403
