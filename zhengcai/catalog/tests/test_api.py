"""The catalogue API: public reads, edits with If-Match, error shapes, Excel endpoints."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from zhengcai.catalog import excel, services
from zhengcai.catalog.models import CentralizedCatalogEntry, Threshold
from zhengcai.catalog.tests.conftest import CatWorld, D
from zhengcai.catalog.tests.test_excel import TH, book, th_row

BASE = "/api/v1/catalog"


def post(c: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return c.post(BASE + url, json.dumps(body), content_type="application/json", **headers)


def patch(c: Client, url: str, body: dict[str, Any], **headers: str) -> Any:
    return c.patch(BASE + url, json.dumps(body), content_type="application/json", **headers)


def _threshold(w: CatWorld) -> Threshold:
    return services.threshold_set(
        actor=None,
        region=w.regions["province"],
        unit_level=3,
        category="A",
        kind="limit",
        amount="300000",
        effective_from=D(2020, 1, 1),
    )


THRESHOLD_BODY = {
    "region_code": "330000",
    "unit_level": 1,
    "category": "A",
    "kind": "open_tender",
    "amount": "2000000.00",
    "effective_from": "2020-01-01",
    "basis": "测试",
}


def test_items_public_search_and_tree(w: CatWorld) -> None:
    r = Client().get(BASE + "/items", {"q": "台式"})
    assert r.status_code == 200
    assert [i["code"] for i in r.json()["items"]] == ["A02010105"]
    roots = Client().get(BASE + "/items", {"roots": True, "category": "C"}).json()
    assert roots["items"] and all(i["level"] == 1 for i in roots["items"])
    children = Client().get(BASE + "/items", {"parent": "A02030500"}).json()
    assert {i["parent_code"] for i in children["items"]} == {"A02030500"}


def test_item_get_etag_and_404(w: CatWorld) -> None:
    r = Client().get(BASE + "/items/A02010105")
    assert r.status_code == 200 and r["ETag"] == '"item-A02010105-v1"'
    r = Client().get(BASE + "/items/A99999999")
    assert r.status_code == 404 and r.json()["code"] == "item_unknown"


def test_item_create_admin_only(w: CatWorld) -> None:
    r = post(w.api("reg_prov"), "/items", {"code": "A02010110", "name": "新"})
    assert r.status_code == 403 and set(r.json()) == {"code", "message", "detail"}
    r = post(w.api("admin"), "/items", {"code": "A02010110", "name": "新"})
    assert r.status_code == 201 and r.json()["parent_code"] == "A02010100"
    r = post(w.api("admin"), "/items", {"code": "A0201011X", "name": "坏"})
    assert r.status_code == 422 and r.json()["code"] == "item_code_invalid"


def test_item_patch_and_deactivate_need_if_match(w: CatWorld) -> None:
    c = w.api("admin")
    r = patch(c, "/items/A02010105", {"note": "x"})
    assert r.status_code == 428
    r = patch(c, "/items/A02010105", {"note": "x"}, HTTP_IF_MATCH='"item-A02010105-v1"')
    assert r.status_code == 200 and r["ETag"] == '"item-A02010105-v2"'
    r = post(c, "/items/A02010105/active", {"active": False}, HTTP_IF_MATCH='"item-A02010105-v1"')
    assert r.status_code == 412
    r = post(c, "/items/A02010105/active", {"active": False}, HTTP_IF_MATCH='"item-A02010105-v2"')
    assert r.status_code == 200 and r.json()["count"] == 1


def test_threshold_create_by_regulator(w: CatWorld) -> None:
    r = post(w.api("reg_prov"), "/thresholds", THRESHOLD_BODY)
    assert r.status_code == 201, r.json()
    assert r["ETag"].startswith('"thr-') and r.json()["amount"] == "2000000.00"


@pytest.mark.parametrize(
    ("key", "status"),
    [("reg_hz", 403), ("pur", 403), ("supv", 403), ("expert", 403), ("admin", 201)],
)
def test_threshold_create_matrix(w: CatWorld, key: str, status: int) -> None:
    r = post(w.api(key), "/thresholds", THRESHOLD_BODY)
    assert r.status_code == status


def test_threshold_create_anonymous_401(w: CatWorld) -> None:
    r = post(Client(), "/thresholds", THRESHOLD_BODY)
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_threshold_validation_errors(w: CatWorld) -> None:
    r = post(w.api("reg_prov"), "/thresholds", {**THRESHOLD_BODY, "amount": "-1"})
    assert r.status_code == 422 and r.json()["code"] == "amount_invalid"
    r = post(w.api("reg_prov"), "/thresholds", {**THRESHOLD_BODY, "extra": 1})
    assert r.status_code == 422 and r.json()["code"] == "unknown_field"
    r = post(w.api("reg_prov"), "/thresholds", {**THRESHOLD_BODY, "region_code": "000000"})
    assert r.status_code == 422 and r.json()["code"] == "region_unknown"


def test_threshold_patch_if_match(w: CatWorld) -> None:
    row = _threshold(w)
    c = w.api("reg_prov")
    url = f"/thresholds/{row.pk}"
    assert patch(c, url, {"amount": "350000"}).status_code == 428
    r = patch(c, url, {"amount": "350000"}, HTTP_IF_MATCH="bogus")
    assert r.status_code == 422 and r.json()["code"] == "if_match_invalid"
    etag = Client().get(BASE + url)["ETag"]
    r = patch(c, url, {"amount": "350000"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 200 and r.json()["amount"] == "350000.00"
    r = patch(c, url, {"amount": "360000"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 412 and r.json()["detail"] == {"current_version": 2}
    r = patch(w.api("reg_hz"), url, {"amount": "1"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 403


def test_threshold_list_and_lookup(w: CatWorld) -> None:
    _threshold(w)
    r = Client().get(BASE + "/thresholds", {"region": "330000"})
    assert r.status_code == 200 and r.json()["count"] == 1
    r = w.api("pur").get(
        BASE + "/thresholds/lookup",
        {"organization": w.orgs["pur_xh"].pk, "category": "A", "kind": "limit", "on": "2026-01-01"},
    )
    # the purchaser of 杭州 cannot see 西湖区's unit (other organization): 404
    assert r.status_code == 404
    r = w.api("reg_hz").get(
        BASE + "/thresholds/lookup",
        {"organization": w.orgs["pur_xh"].pk, "category": "A", "kind": "limit", "on": "2026-01-01"},
    )
    body = r.json()
    assert r.status_code == 200 and body["unit_level"] == 3
    assert body["threshold"]["amount"] == "300000.00"
    r = w.api("pur").get(
        BASE + "/thresholds/lookup",
        {"region": "330106", "category": "A", "kind": "limit", "on": "2019-01-01"},
    )
    assert r.status_code == 200 and r.json()["threshold"] is None


def test_centralized_crud_and_copy(w: CatWorld) -> None:
    c = w.api("reg_prov")
    body = {"region_code": "330000", "year": 2026, "item_code": "A02010105", "scope": "central"}
    r = post(c, "/centralized", body)
    assert r.status_code == 201
    pk, etag = r.json()["id"], r["ETag"]
    assert post(c, "/centralized", body).status_code == 409
    r = Client().get(
        BASE + "/centralized/lookup", {"region": "330106", "year": 2026, "item": "A02010105"}
    )
    assert r.json()["covered"] is True
    r = patch(c, f"/centralized/{pk}", {"min_amount": "500.00"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 200
    etag = r["ETag"]
    r = post(
        c, "/centralized/copy-year", {"region_code": "330000", "from_year": 2026, "to_year": 2027}
    )
    assert r.status_code == 201 and r.json()["count"] == 1
    assert c.delete(BASE + f"/centralized/{pk}").status_code == 428
    assert (
        w.api("reg_hz").delete(BASE + f"/centralized/{pk}", HTTP_IF_MATCH=etag).status_code == 403
    )
    assert c.delete(BASE + f"/centralized/{pk}", HTTP_IF_MATCH=etag).status_code == 204
    assert not CentralizedCatalogEntry.objects.filter(pk=pk).exists()


def test_standards_crud(w: CatWorld) -> None:
    c = w.api("reg_prov")
    body = {
        "region_code": "330000",
        "item_code": "A02010105",
        "max_unit_price": "6000",
        "max_quantity": "1",
        "min_service_years": 6,
        "effective_from": "2020-01-01",
    }
    r = post(c, "/standards", body)
    assert r.status_code == 201
    pk, etag = r.json()["id"], r["ETag"]
    r = post(c, "/standards", {**body, "item_code": "C21040000", "effective_from": "2021-01-01"})
    assert r.status_code == 422 and r.json()["code"] == "standard_not_goods"
    r = patch(c, f"/standards/{pk}", {"max_unit_price": "6500"}, HTTP_IF_MATCH=etag)
    assert r.status_code == 200
    assert Client().get(BASE + "/standards", {"region": "330000"}).json()["count"] == 1
    assert c.delete(BASE + f"/standards/{pk}", HTTP_IF_MATCH=r["ETag"]).status_code == 204


def test_import_endpoint_reports_rows(w: CatWorld) -> None:
    bad = book("限额标准", TH, [th_row(), th_row(amount=-1, level="市级")])
    r = w.api("reg_prov").post(
        BASE + "/import/thresholds", {"file": SimpleUploadedFile("t.xlsx", bad)}
    )
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "import_invalid"
    assert body["detail"]["problems"] == [
        {"row": 3, "column": "金额（元）", "message": body["detail"]["problems"][0]["message"]}
    ]
    assert not Threshold.objects.exists()
    good = book("限额标准", TH, [th_row()])
    r = w.api("reg_prov").post(
        BASE + "/import/thresholds", {"file": SimpleUploadedFile("t.xlsx", good)}
    )
    assert r.status_code == 200 and r.json()["created"] == 1


def test_import_endpoint_denied_to_purchaser(w: CatWorld) -> None:
    good = book("限额标准", TH, [th_row()])
    r = w.api("pur").post(BASE + "/import/thresholds", {"file": SimpleUploadedFile("t.xlsx", good)})
    assert r.status_code == 403


def test_export_endpoint(w: CatWorld) -> None:
    _threshold(w)
    r = Client().get(BASE + "/export/thresholds", {"region": "330000"})
    assert r.status_code == 200 and r["Content-Type"] == excel.XLSX_MIME
    ws = load_workbook(io.BytesIO(r.content))["限额标准"]
    assert ws.max_row == 2
    assert Client().get(BASE + "/export/nothing").status_code == 422
