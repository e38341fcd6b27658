"""Issue 10 item 6 (bidding part) — the supplier's 中小企业声明函 is captured at submission
with what 财库〔2020〕46号 4 requires, sealed with the bid, and read after the opening through
`selectors.sme_declaration(bid)`: complete or not, why not, and the size that applies. Each
test fails on the code before, which kept only a declared size."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhengcai.bidding import client, selectors, services
from zhengcai.bidding.models import Bid
from zhengcai.bidding.tests.factories import DEADLINE, World, project, register
from zhengcai.bidding.tests.test_api import _register, call
from zhengcai.bidding.tests.test_services import _raw_dump
from zhengcai.core import clock
from zhengcai.tenders.models import Project


def firm(name: str, size: str, **kw: Any) -> dict[str, Any]:
    return {
        "name": name,
        "industry": "industry",
        "size": size,
        "employees": 120,
        "revenue_wan": "5000",
        "assets_wan": "3000",
        **kw,
    }


def goods(*sizes: str) -> dict[str, Any]:
    return client.sme_declaration(
        items=[
            {"name": f"标的{i + 1}", "industry": "industry", "manufacturer": firm(f"制造商{i}", s)}
            for i, s in enumerate(sizes)
        ],
        no_large_affiliation=True,
    )


def _submit(w: World, p: Project, who: str, declarations: dict[str, Any]) -> services.Submitted:
    part = register(w, p, who)
    window = services.bid_window(p)
    sched = {"total_price": "900.00", "declarations": declarations, "nonce": client.new_nonce()}
    body = client.bid_payload(
        window_uid=window.uid,
        signer=w.signers[who],
        key_id=w.keys[who].key_id,
        schedule=sched,
        files={"a.pdf": b"%PDF-1.4 " + who.encode()},
    )
    content = b"%PDF-1.4 " + who.encode()
    return services.bid_submit(
        actor=w.users[who],
        participation=part,
        window=window,
        key_id=body["key_id"],
        schedule=body["schedule"],
        schedule_signature=body["schedule_signature"],
        files=[services.FileIn("a.pdf", content, body["files"][0]["signature"])],
    )


def _open(w: World, p: Project) -> dict[str, Bid]:
    clock.freeze(DEADLINE + dt.timedelta(seconds=1))
    result = services.opening_start(actor=w.users["agc_hz"], window=services.bid_window(p))
    assert result.outcome == "opened"
    bids = Bid.objects.filter(window__project=p).select_related("participation__supplier")
    return {b.participation.supplier.name: b for b in bids}


def _by(w: World, who: str, bids: dict[str, Bid]) -> Any:
    return selectors.sme_declaration(bids[w.orgs[who].name])


def test_goods_need_every_manufacturer_to_be_an_sme(w: World) -> None:
    """46号 4: goods made partly by a large enterprise get no SME benefit; all by small and
    micro firms → complete, the size that applies is the largest of the manufacturers."""
    p = project(w)
    ok = _submit(w, p, "s1", {"sme_size": "small", "sme_declaration": goods("micro", "small")})
    assert ok.problems == []
    mixed = _submit(w, p, "s2", {"sme_size": "small", "sme_declaration": goods("small", "large")})
    assert mixed.problems and "46号 4" in mixed.problems[0]  # told at submission, accepted
    _submit(w, p, "s3", {"sme_size": "small"})  # the old form: a size without a declaration
    sealed = selectors.sme_declaration(ok.bid)
    assert sealed.sealed and not sealed.complete  # nothing is read before the opening
    bids = _open(w, p)
    d1, d2, d3 = (_by(w, s, bids) for s in ("s1", "s2", "s3"))
    assert (d1.complete, d1.size, d1.small_micro) == (True, "small", True)
    assert d1.goods_all_by_sme
    assert d1.reasons == () and not d1.sealed
    assert (d2.complete, d2.size, d2.goods_all_by_sme) == (False, "", False)
    assert any("制造商1" in r and "46号 4" in r for r in d2.reasons)
    assert (d3.complete, d3.size) == (False, "")
    assert "未提交《中小企业声明函》（46号 11）" in d3.reasons


def test_medium_manufacturer_applies_medium_and_missing_figures_are_incomplete(w: World) -> None:
    p = project(w)
    _submit(w, p, "s1", {"sme_declaration": goods("micro", "medium")})
    thin = goods("small")
    del thin["items"][0]["manufacturer"]["assets_wan"]
    thin["no_large_affiliation"] = False
    _submit(w, p, "s2", {"sme_declaration": thin})
    _submit(w, p, "s3", {})  # three envelopes: the opening opens
    bids = _open(w, p)
    d1, d2 = _by(w, "s1", bids), _by(w, "s2", bids)
    assert (d1.complete, d1.size, d1.small_micro) == (True, "medium", False)
    assert not d2.complete and len(d2.reasons) == 2
    assert any("资产总额" in r for r in d2.reasons) and any("大企业" in r for r in d2.reasons)


def test_services_look_at_the_supplier_and_the_consortium(w: World) -> None:
    """46号 4 ②③: services are the supplier's; ¶3: a consortium counts as an SME only if
    every member is one; members' shares sum to 100; subcontract shares are carried."""
    p = project(w)
    Project.objects.filter(pk=p.pk).update(object_kind="services")
    p.refresh_from_db()
    own = client.sme_declaration(
        supplier=firm("杭州供应商1有限公司", "micro", industry="software_it"),
        subcontracts=[{"name": "分包微企", "size": "micro", "share": "30"}],
        no_large_affiliation=True,
    )
    _submit(w, p, "s1", {"sme_declaration": own})
    pair = client.sme_declaration(
        consortium=[firm("牵头方", "small", share="60"), firm("成员方", "large", share="40")],
        no_large_affiliation=True,
    )
    _submit(w, p, "s2", {"sme_declaration": pair})
    shares = client.sme_declaration(
        consortium=[firm("甲", "small", share="60"), firm("乙", "micro", share="30")],
        no_large_affiliation=True,
    )
    _submit(w, p, "s3", {"sme_declaration": shares})
    bids = _open(w, p)
    d1, d2, d3 = (_by(w, s, bids) for s in ("s1", "s2", "s3"))
    assert (d1.complete, d1.size, d1.small_micro_share) == (True, "micro", Decimal("30"))
    assert not d2.complete and any("成员方" in r for r in d2.reasons)
    assert d2.small_micro_share == Decimal("60")  # for the partial deduction (46号 9)
    assert not d3.complete and any("合计须为100%" in r for r in d3.reasons)


def test_prison_enterprise_and_welfare_unit_need_their_proof(w: World) -> None:
    p = project(w)
    _submit(w, p, "s1", {"prison_enterprise": True, "prison_certificate": "浙监企证〔2026〕12号"})
    _submit(w, p, "s2", {"disabled_welfare": True})
    _submit(w, p, "s3", {})
    bids = _open(w, p)
    d1, d2 = _by(w, "s1", bids), _by(w, "s2", bids)
    assert (d1.complete, d1.small_micro, d1.prison_enterprise) == (True, True, True)
    assert not d2.complete and any("141号" in r for r in d2.reasons)


def test_a_malformed_declaration_is_refused_through_the_api(w: World) -> None:
    p = project(w)
    part = _register(w, "s1", p.lots.get().pk)
    path = f"/participations/{part['id']}/windows/{part['window_id']}/bids"

    def body(decl: dict[str, Any]) -> dict[str, Any]:
        return client.bid_payload(
            window_uid=part["window_uid"],
            signer=w.signers["s1"],
            key_id=w.keys["s1"].key_id,
            schedule={"total_price": "10.00", "declarations": {"sme_declaration": decl}},
            files={"a.pdf": b"%PDF"},
        )

    bad = goods("tiny")
    bad["items"][0]["manufacturer"]["employees"] = "一百"
    r = call(w, "s1", "post", path, body(bad))
    assert r.status_code == 422 and r.json()["code"] == "bad_declaration"
    assert len(r.json()["detail"]["errors"]) == 2
    assert not Bid.objects.filter(participation_id=part["id"]).exists()
    r = call(w, "s1", "post", path, body(goods("large")))
    assert r.status_code == 201 and "46号 4" in r.json()["warnings"][0]
    assert call(w, "s1", "get", f"/bids/{r.json()['bid_id']}").json()["warnings"] == []


def test_the_declaration_stays_sealed(w: World) -> None:
    p = project(w)
    secret = "绝密制造商-ZZ-41"
    decl = client.sme_declaration(
        items=[{"name": "计算机", "industry": "industry", "manufacturer": firm(secret, "micro")}],
        no_large_affiliation=True,
    )
    _submit(w, p, "s1", {"sme_declaration": decl})
    for cell in _raw_dump():
        assert secret.encode() not in cell


def test_the_bid_page_captures_the_declaration(w: World, settings: object) -> None:
    settings.ZHENGCAI = {**settings.ZHENGCAI, "BIDDING_DEMO_SIGNER": True}  # type: ignore[attr-defined]
    p = project(w)
    cl = Client()
    cl.force_login(w.users["s4"])
    html = cl.get(f"/bidding/projects/{p.pk}/").content.decode()
    cl.post(f"/bidding/projects/{p.pk}/register/", {"lot": p.lots.get().pk})
    html = cl.get(f"/bidding/projects/{p.pk}/").content.decode()
    assert 'data-testid="sme-declaration"' in html and "工业" in html
    key = services.key_create_demo(actor=w.users["s4"])
    part = p.participations.get(supplier=w.orgs["s4"])
    form = {
        "key_id": key.key_id,
        "demo_sign": "1",
        "total_price": "880.00",
        "sme_size": "small",
        "sme_declare": "1",
        "no_large_affiliation": "1",
        "item0_name": "便携式计算机",
        "item0_industry": "industry",
        "item0_maker_name": "杭州小型制造有限公司",
        "item0_maker_size": "small",
        "item0_maker_employees": "80",
        "item0_maker_revenue": "3200",
        "item0_maker_assets": "2100",
        "files": [io.BytesIO(b"%PDF-1.4 form")],
    }
    r = cl.post(f"/bidding/projects/{p.pk}/bids/{part.pk}/submit/", form, follow=True)
    assert "已密封递交" in r.content.decode() and "不完整" not in r.content.decode()
    bid = Bid.objects.get(participation=part)
    assert "杭州小型制造有限公司" not in r.content.decode()
    for who in ("s1", "s2"):
        _submit(w, p, who, {})
    _open(w, p)
    d = selectors.sme_declaration(Bid.objects.get(pk=bid.pk))
    assert (d.complete, d.size) == (True, "small"), d.reasons


@pytest.mark.parametrize(
    ("declarations", "errors"),
    [
        ({"sme_declaration": {"items": "x"}}, ["声明函的标的须为列表"]),
        ({"sme_declaration": goods("micro")}, []),
        ({"sme_declaration": {"supplier": firm("x", "small", industry="航天")}}, 1),
        ({"sme_declaration": {"consortium": [firm("x", "small", share="-1")]}}, 1),
        ("small", ["declarations 须为对象"]),
    ],
)
def test_rules_refuse_only_values_of_the_wrong_kind(declarations: Any, errors: Any) -> None:
    from zhengcai.bidding import rules

    found = rules.sme_declaration_parse(declarations)[1]
    assert (len(found) == errors) if isinstance(errors, int) else (found == errors), found
