"""The evaluation methods of seed 001 (合理定价评审抽签法) and seed 004 (全生命周期成本法) as
procurement-document terms: which procurement methods allow them, document_build refusing an
evaluation method the procurement method does not allow, the terms validated in the documents
service (required at finalisation, refused under another method, data unchanged on refusal),
shown in the documents / notice / page, read through selectors; the API (document fields,
the two-supplier endpoint) with its 4xx paths."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import constants as c
from zhengcai.tenders import methods, selectors, services
from zhengcai.tenders.models import ProcurementDocument, Project
from zhengcai.tenders.tests.factories import project, template

pytestmark = pytest.mark.django_db
API = "/api/v1/tenders"
DEADLINE = dt.datetime(2026, 12, 14, 9, 30, tzinfo=clock.SHANGHAI)
SERVICES_ITEM = "C21040000"
WORKS_ITEM = "B08000000"  # the lottery is a local rule for works (tests/test_local_evaluation.py)
LOTTERY = c.EvaluationMethod.REASONABLE_PRICE_LOTTERY
LCC = c.EvaluationMethod.LIFE_CYCLE_COST
COSTS = "逐年电费（按每日运行8小时计）、维护保养费、耗材费；使用寿命届满时的回收处置费"


def _code(fn: Any) -> str:
    with pytest.raises(DomainError) as exc:
        fn()
    return str(exc.value.code)


def _doc(p: Project) -> ProcurementDocument:
    return ProcurementDocument.objects.get(project=p)


def _update(w: PlansWorld, p: Project, **values: Any) -> ProcurementDocument:
    return services.document_update(actor=w.users["agc_hz"], project=p, values=values)


@pytest.fixture(autouse=True)
def _lottery_enabled(w: PlansWorld, settings: Any) -> None:
    """The test province enables 合理定价评审抽签法 for works (methods.local)."""
    row = {
        "region_code": w.regions["province"].code,
        "evaluation_method": LOTTERY,
        "basis": "测试：省财政厅关于工程类合理定价评审抽签法的通知",
        "effective_from": "2026-01-01",
    }
    settings.ZHENGCAI = {**settings.ZHENGCAI, "LOCAL_EVALUATION_RULES": [row]}


def _lottery_project(w: PlansWorld, **kw: Any) -> Project:
    p = project(w, method="open_tender", item_code=WORKS_ITEM, **kw)
    _update(w, p, evaluation_method=LOTTERY, factors=[])
    return p


def _finalize(w: PlansWorld, p: Project) -> ProcurementDocument:
    agency = w.users["agc_hz"]
    services.compliance_check(actor=agency, project=p)
    return services.document_finalize(actor=agency, project=p)


# --- methods ----------------------------------------------------------------------------------


def test_tenders_allow_life_cycle_cost_for_goods_and_the_lottery_for_works() -> None:
    for cfg in (methods.OPEN_TENDER, methods.INVITED_TENDER):
        assert cfg.allows(LCC) and cfg.allows(LCC, "goods")
        assert not cfg.allows(LCC, "services") and not cfg.allows(LCC, "works")
        assert cfg.allows(LOTTERY, "works")  # seed 001: 工程 only (87号令 53; 条例 34)
        assert not cfg.allows(LOTTERY, "goods") and not cfg.allows(LOTTERY, "services")
        assert LCC not in cfg.evaluation_methods_for("services")
    for cfg in methods.ALL:
        if cfg.code not in ("open_tender", "invited_tender"):
            assert not cfg.allows(LCC) and not cfg.allows(LOTTERY), cfg.key


# --- document_build ---------------------------------------------------------------------------


def test_build_refuses_a_template_method_the_tender_does_not_allow(w: PlansWorld) -> None:
    p = project(w, method="open_tender", with_document=False)
    tpl = template(w, name="询价范本", evaluation_method="lowest_quote", factors=[])
    agency = w.users["agc_hz"]
    code = _code(lambda: services.document_build(actor=agency, project=p, template=tpl))
    assert code == c.ERR_EVALUATION_METHOD
    assert not ProcurementDocument.objects.filter(project=p).exists()
    # an explicit choice the method allows overrides the template's
    doc = services.document_build(actor=agency, project=p, template=tpl, evaluation_method=LCC)
    assert doc.evaluation_method == LCC
    # an explicit choice the method does not allow is refused and changes nothing
    code = _code(
        lambda: services.document_build(
            actor=agency, project=p, template=tpl, evaluation_method="lowest_quote"
        )
    )
    assert code == c.ERR_EVALUATION_METHOD and _doc(p).version == doc.version


def test_build_refuses_life_cycle_cost_for_services(w: PlansWorld) -> None:
    p = project(w, method="open_tender", item_code=SERVICES_ITEM, with_document=False)
    tpl = template(w, name="全生命周期范本", evaluation_method=LCC, factors=[])
    agency = w.users["agc_hz"]
    assert _code(lambda: services.document_build(actor=agency, project=p, template=tpl)) == (
        c.ERR_EVALUATION_METHOD
    )
    assert not ProcurementDocument.objects.filter(project=p).exists()
    r = _code(
        lambda: _update(
            w, project(w, method="open_tender", item_code=SERVICES_ITEM), evaluation_method=LCC
        )
    )
    assert r == c.ERR_EVALUATION_METHOD


def test_build_applies_the_only_lawful_method_and_says_so(w: PlansWorld) -> None:
    p = project(w, method="negotiation", with_document=False)
    tpl = template(w)  # 综合评分
    doc = services.document_build(actor=w.users["agc_hz"], project=p, template=tpl)
    assert doc.evaluation_method == c.EvaluationMethod.LOWEST_QUOTE
    entry = AuditEntry.objects.filter(action="document.built", object_id=str(doc.pk)).last()
    assert entry is not None and entry.after["prescribed_by"] == methods.NEGOTIATION.citation


# --- 合理定价评审抽签法 --------------------------------------------------------------------------


def test_lottery_terms_validated_and_refusals_change_nothing(w: PlansWorld) -> None:
    p = _lottery_project(w)
    lot = p.lots.get(number=1)
    version = _doc(p).version
    for bad in ("0", "1", "1.5", "-0.1", "abc", "0.123456"):
        assert _code(lambda bad=bad: _update(w, p, lottery_discount=bad)) == (
            c.ERR_METHOD_TERMS_INVALID
        ), bad
    over = [{"lot_id": lot.pk, "reviewed_budget": str(lot.budget + 1)}]
    assert _code(lambda: _update(w, p, reviewed_budgets=over)) == c.ERR_REVIEWED_BUDGET
    other = project(w, method="open_tender").lots.get(number=1)
    foreign = [{"lot_id": other.pk, "reviewed_budget": "1000.00"}]
    assert _code(lambda: _update(w, p, reviewed_budgets=foreign)) == c.ERR_METHOD_TERMS_INVALID
    # a valid discount with an invalid budget in the same call: nothing is saved
    assert _code(lambda: _update(w, p, lottery_discount="0.08", reviewed_budgets=over)) == (
        c.ERR_REVIEWED_BUDGET
    )
    doc = _doc(p)
    lot.refresh_from_db()
    assert (doc.version, doc.lottery_discount, lot.reviewed_budget) == (version, None, None)


def test_lottery_required_at_finalize_then_published_and_read(w: PlansWorld) -> None:
    p = _lottery_project(w)
    lot = p.lots.get(number=1)
    assert selectors.lottery_terms(lot) is None
    err = _code(lambda: _finalize(w, p))
    assert err == c.ERR_METHOD_TERMS_MISSING
    assert services.method_terms_missing(p, _doc(p)) == ["下浮率", "第1包审核后的预算"]
    reviewed = (lot.budget * Decimal("0.9")).quantize(Decimal("0.01"))
    _update(
        w,
        p,
        lottery_discount="0.08",
        reviewed_budgets=[{"lot_id": lot.pk, "reviewed_budget": str(reviewed)}],
    )
    assert selectors.lottery_terms(lot) == (reviewed, Decimal("0.0800"))
    doc = _finalize(w, p)
    price = (reviewed * Decimal("0.92")).quantize(Decimal("0.01"))
    assert "合理价" in doc.html and str(price) in doc.html and str(reviewed) in doc.html
    p = services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=DEADLINE)
    ev = p.notices.get().fields["evaluation"]
    assert ev["method"] == LOTTERY and ev["lottery_discount"] == "0.0800"
    assert ev["lots"] == [
        {"number": 1, "reviewed_budget": str(reviewed), "reasonable_price": str(price)}
    ]


def test_lot_budget_below_reviewed_budget_is_refused(w: PlansWorld) -> None:
    p = _lottery_project(w)
    lot = p.lots.get(number=1)
    _update(w, p, reviewed_budgets={lot.pk: str(lot.budget)})
    code = _code(
        lambda: services.lot_update(
            actor=w.users["agc_hz"], lot=lot, values={"budget": str(lot.budget - 1)}
        )
    )
    assert code == c.ERR_REVIEWED_BUDGET
    lot.refresh_from_db()
    assert lot.reviewed_budget == lot.budget


def test_terms_refused_under_another_method_and_cleared_on_change(w: PlansWorld) -> None:
    p = project(w, method="open_tender", item_code=WORKS_ITEM)  # 综合评分
    lot = p.lots.get(number=1)
    assert _code(lambda: _update(w, p, lottery_discount="0.08")) == (
        c.ERR_METHOD_TERMS_NOT_APPLICABLE
    )
    assert _code(lambda: _update(w, p, service_life_years=8)) == (c.ERR_METHOD_TERMS_NOT_APPLICABLE)
    # blanks are harmless
    _update(
        w, p, lottery_discount="", reviewed_budgets=[{"lot_id": lot.pk, "reviewed_budget": None}]
    )
    _update(w, p, evaluation_method=LOTTERY, factors=[], lottery_discount="0.05")
    _update(w, p, reviewed_budgets={lot.pk: "100000.00"})
    # the lottery terms under 最低评标价法 are refused; changing the method clears them
    low = c.EvaluationMethod.LOWEST_PRICE
    assert _code(lambda: _update(w, p, evaluation_method=low, lottery_discount="0.05")) == (
        c.ERR_METHOD_TERMS_NOT_APPLICABLE
    )
    assert _doc(p).lottery_discount == Decimal("0.0500")
    _update(w, p, evaluation_method=low)
    doc = _doc(p)
    lot.refresh_from_db()
    assert (doc.lottery_discount, lot.reviewed_budget) == (None, None)
    assert selectors.lottery_terms(lot) is None


# --- 全生命周期成本法 ---------------------------------------------------------------------------


def test_life_cycle_terms_validated_required_and_published(w: PlansWorld) -> None:
    p = project(w, method="open_tender")
    _update(w, p, evaluation_method=LCC, factors=[])
    for bad in (0, 51, "x"):
        assert _code(lambda bad=bad: _update(w, p, service_life_years=bad)) == (
            c.ERR_METHOD_TERMS_INVALID
        )
    assert _code(lambda: _update(w, p, life_cycle_discount_rate="1")) == (
        c.ERR_METHOD_TERMS_INVALID
    )
    assert selectors.life_cycle_terms(p) is None
    _update(w, p, service_life_years=8)
    assert _code(lambda: _finalize(w, p)) == c.ERR_METHOD_TERMS_MISSING
    _update(w, p, life_cycle_costs=COSTS, life_cycle_discount_rate="0.03")
    terms = selectors.life_cycle_terms(p)
    assert terms == selectors.LifeCycleTerms(8, COSTS, Decimal("0.0300"))
    doc = _finalize(w, p)
    assert "使用寿命 8 年" in doc.html and COSTS in doc.html
    p = services.project_publish(actor=w.users["agc_hz"], project=p, bid_deadline=DEADLINE)
    ev = p.notices.get().fields["evaluation"]
    assert (ev["service_life_years"], ev["life_cycle_costs"]) == (8, COSTS)
    assert ev["life_cycle_discount_rate"] == "0.0300"


# --- API --------------------------------------------------------------------------------------


def call(w: PlansWorld, who: str, method: str, path: str, body: Any = None, **headers: str) -> Any:
    extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
    extra["HTTP_AUTHORIZATION"] = f"Bearer {w.tokens[who]}"
    fn = getattr(Client(), method.lower())
    if body is not None:
        return fn(
            API + path, data=json.dumps(body, default=str), content_type="application/json", **extra
        )
    return fn(API + path, **extra)


def test_api_document_terms(w: PlansWorld) -> None:
    p = project(w, method="open_tender", with_document=False, item_code=WORKS_ITEM)
    lot = p.lots.get(number=1)
    tpl = template(w, name="询价范本API", evaluation_method="lowest_quote", factors=[])
    r = call(w, "agc_hz", "POST", f"/projects/{p.pk}/document", {"template_id": tpl.pk})
    assert r.status_code == 422 and r.json()["code"] == c.ERR_EVALUATION_METHOD
    assert LOTTERY in r.json()["detail"]["allowed"]
    body = {"template_id": tpl.pk, "evaluation_method": LOTTERY}
    r = call(w, "agc_hz", "POST", f"/projects/{p.pk}/document", body)
    assert r.status_code == 201 and r.json()["evaluation_method"] == LOTTERY
    assert r.json()["terms_missing"] == ["下浮率", "第1包审核后的预算"]
    url = f"/projects/{p.pk}/document"
    etag = call(w, "agc_hz", "GET", url)["ETag"]
    for bad, status in (
        ({"lottery_discount": "1"}, 422),  # schema: 0 < d < 1
        ({"reviewed_budgets": [{"lot_id": lot.pk, "reviewed_budget": "-1"}]}, 422),
        ({"reviewed_budgets": [{"lot_id": lot.pk, "reviewed_budget": str(lot.budget + 1)}]}, 422),
        ({"service_life_years": 8}, 422),  # not the document's method
        ({"life_cycle_costs": None}, 422),
    ):
        r = call(w, "agc_hz", "PATCH", url, bad, if_match=etag)
        assert r.status_code == status, (bad, r.content)
    r = call(w, "agc_hz", "PATCH", url, {"service_life_years": 8}, if_match=etag)
    assert r.json()["code"] == c.ERR_METHOD_TERMS_NOT_APPLICABLE
    r = call(w, "agc_hz", "PATCH", url, {"lottery_discount": "0.1"})
    assert r.status_code == 428
    r = call(w, "pur_hz", "PATCH", url, {"lottery_discount": "0.1"}, if_match=etag)
    assert r.status_code == 403
    assert _doc(p).lottery_discount is None
    body = {
        "lottery_discount": "0.1",
        "reviewed_budgets": [{"lot_id": lot.pk, "reviewed_budget": "500000.00"}],
    }
    r = call(w, "agc_hz", "PATCH", url, body, if_match=etag)
    assert r.status_code == 200, r.content
    out = r.json()
    assert Decimal(out["lottery_discount"]) == Decimal("0.1") and out["terms_missing"] == []
    assert [(x["lot_id"], Decimal(x["reasonable_price"])) for x in out["lots"]] == [
        (lot.pk, Decimal("450000.00"))
    ]
    r = call(w, "agc_hz", "PATCH", url, {"lottery_discount": None}, if_match=r["ETag"])
    assert r.status_code == 200 and r.json()["lottery_discount"] is None
    r = call(w, "agc_hz", "GET", f"/projects/{p.pk}")
    assert Decimal(r.json()["lots"][0]["reviewed_budget"]) == Decimal("500000.00")


def test_api_two_supplier(w: PlansWorld) -> None:
    p = project(w, method="consultation", item_code=SERVICES_ITEM)
    url = f"/projects/{p.pk}/two-supplier"
    why = "本项目为市场竞争不充分的科研项目，具备相应能力的单位有限"
    r = call(w, "agc_hz", "GET", f"/projects/{p.pk}")
    assert (r.json()["two_supplier_basis"], r.json()["two_supplier_justification"]) == ("none", "")
    etag = r["ETag"]
    for who, body, status, code in (
        ("pur_hz", {"basis": "research", "justification": why}, 403, None),
        ("agc_hz", {"basis": "research", "justification": "太短"}, 422, "justification_required"),
        ("agc_hz", {"basis": "bogus", "justification": why}, 422, None),
        ("agc_hz", {"basis": "research", "justification": why, "x": 1}, 422, None),
    ):
        r = call(w, who, "POST", url, body)
        assert r.status_code == status, (body, r.content)
        if code:
            assert r.json()["code"] == code
    r = call(w, "agc_hz", "POST", url, {"basis": "research", "justification": why}, if_match=etag)
    assert r.status_code == 200, r.content
    assert (r.json()["two_supplier_basis"], r.json()["two_supplier_justification"]) == (
        "research",
        why,
    )
    stale = call(w, "agc_hz", "POST", url, {"basis": "none"}, if_match=etag)
    assert stale.status_code == 412
    other = project(w, method="open_tender")
    r = call(
        w,
        "agc_hz",
        "POST",
        f"/projects/{other.pk}/two-supplier",
        {"basis": "research", "justification": why},
    )
    assert r.status_code == 422 and r.json()["code"] == c.ERR_TWO_SUPPLIER_METHOD
    r = call(w, "agc_hz", "POST", "/projects/999999/two-supplier", {"basis": "none"})
    assert r.status_code == 404
    p.refresh_from_db()
    other.refresh_from_db()
    assert (p.two_supplier_basis, other.two_supplier_basis) == ("research", "none")


# --- page -------------------------------------------------------------------------------------


def test_documents_page_edits_the_lottery_terms(w: PlansWorld) -> None:
    p = _lottery_project(w)
    lot = p.lots.get(number=1)
    cl = Client()
    cl.force_login(w.users["agc_hz"])
    url = f"/tenders/projects/{p.pk}/"
    html = cl.get(url).content.decode()
    assert 'data-testid="doc-lottery-discount"' in html and 'data-testid="terms-missing"' in html
    doc = _doc(p)
    form = {
        "op": "document",
        "requirements": doc.requirements,
        "qualifications": doc.qualifications,
        "evaluation_method": LOTTERY,
        "factors": "[]",
        "contract_terms": doc.contract_terms,
        "bid_bond_percent": str(doc.bid_bond_percent),
        "lottery_discount": "2",
        f"reviewed_budget_{lot.pk}": "400000.00",
    }
    r = cl.post(f"{url}act/", form, follow=True)
    assert "下浮率应为小数" in r.content.decode()
    assert _doc(p).lottery_discount is None
    r = cl.post(f"{url}act/", {**form, "lottery_discount": "0.1"}, follow=True)
    html = r.content.decode()
    assert "360000.00" in html and 'data-testid="terms-missing"' not in html
    assert selectors.lottery_terms(lot) == (Decimal("400000.00"), Decimal("0.1000"))
    # switching to 最低评标价法 on the page clears the lottery terms (works: no 全生命周期成本法)
    low = c.EvaluationMethod.LOWEST_PRICE
    cl.post(f"{url}act/", {**form, "evaluation_method": low}, follow=True)
    assert _doc(p).evaluation_method == low and selectors.lottery_terms(lot) is None
