"""Pages: regulators see and edit, others get 403, anonymous users the login page or the
public page; HTMX partials; Excel upload shows the report table."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhengcai.catalog import services
from zhengcai.catalog.models import CentralizedCatalogEntry, Threshold
from zhengcai.catalog.tests.conftest import CatWorld, D
from zhengcai.catalog.tests.test_excel import TH, book, th_row

FORM = {"unit_level": 1, "category": "A", "kind": "limit", "effective_from": "2020-01-01"}
PAGES = [
    "/catalog/thresholds/",
    "/catalog/centralized/",
    "/catalog/standards/",
    "/catalog/items/",
    "/catalog/items/A02010105/",
    "/catalog/import/",
]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("key", ["reg_prov", "reg_hz", "admin", "supv"])
def test_pages_render_for_regulators(w: CatWorld, url: str, key: str) -> None:
    r = w.client(key).get(url)
    assert r.status_code == 200
    assert "品目" in r.content.decode() or "标准" in r.content.decode()


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("key", ["pur", "expert"])
def test_pages_forbidden_for_others(w: CatWorld, url: str, key: str) -> None:
    assert w.client(key).get(url).status_code == 403


@pytest.mark.parametrize("url", PAGES)
def test_pages_need_login(w: CatWorld, url: str) -> None:
    r = Client().get(url)
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_public_page(w: CatWorld, clock: object) -> None:
    services.threshold_set(
        actor=None,
        region=w.regions["province"],
        unit_level=1,
        category="A",
        kind="limit",
        amount="500000",
        effective_from=D(2020, 1, 1),
    )
    services.centralized_entry_create(
        actor=None,
        region=w.regions["province"],
        year=2026,
        item=w.item("A02010105"),
        scope="central",
    )
    r = Client().get("/catalog/public/", {"region": "330000"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "50.00 万元" in html and "台式计算机" in html
    assert Client().get("/catalog/public/", {"region": "999"}).status_code == 404


def test_unknown_threshold_404(w: CatWorld) -> None:
    assert w.client("reg_prov").get("/catalog/thresholds/999999/").status_code == 404


def test_threshold_form_creates_version(w: CatWorld) -> None:
    c = w.client("reg_prov")
    r = c.post(
        "/catalog/thresholds/?region=330000",
        {
            "unit_level": 1,
            "category": "A",
            "kind": "limit",
            "amount": "500000",
            "effective_from": "2020-01-01",
            "basis": "测试",
        },
    )
    assert r.status_code == 302
    assert Threshold.objects.count() == 1
    detail = c.get(r["Location"])
    assert "catalog.threshold.created" in detail.content.decode()  # history row


def test_threshold_form_denied_other_region(w: CatWorld) -> None:
    c = w.client("reg_hz")
    page = c.get("/catalog/thresholds/?region=330000").content.decode()
    assert "threshold-submit" not in page
    r = c.post(
        "/catalog/thresholds/?region=330000",
        {
            "unit_level": 1,
            "category": "A",
            "kind": "limit",
            "amount": "1",
            "effective_from": "2020-01-01",
        },
    )
    assert r.status_code == 403
    assert not Threshold.objects.exists()


def test_threshold_form_bad_amount(w: CatWorld) -> None:
    r = w.client("reg_prov").post(
        "/catalog/thresholds/?region=330000",
        {
            "unit_level": 1,
            "category": "A",
            "kind": "limit",
            "amount": "-5",
            "effective_from": "2020-01-01",
        },
    )
    assert r.status_code == 422 and "负数" in r.content.decode()


def test_threshold_detail_edit_stale(w: CatWorld) -> None:
    row = services.threshold_set(
        actor=None,
        region=w.regions["province"],
        unit_level=1,
        category="A",
        kind="limit",
        amount="500000",
        effective_from=D(2020, 1, 1),
    )
    c = w.client("reg_prov")
    url = f"/catalog/thresholds/{row.pk}/"
    assert c.post(url, {"version": 1, "amount": "510000", "basis": ""}).status_code == 302
    r = c.post(url, {"version": 1, "amount": "520000", "basis": ""})
    assert r.status_code == 412
    history = c.get(url).content.decode()
    assert "history-table" in history and "510000.00" in history


def test_htmx_partials(w: CatWorld) -> None:
    c = w.client("reg_prov")
    r = c.get("/catalog/items/", {"q": "台式"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<html" not in r.content.decode()
    assert "A02010105" in r.content.decode()
    r = c.get("/catalog/thresholds/", HTTP_HX_REQUEST="true")
    assert "<html" not in r.content.decode()


def test_centralized_page_add_copy_delete(w: CatWorld) -> None:
    c = w.client("reg_prov")
    base = "/catalog/centralized/?region=330000&year=2026"
    r = c.post(base, {"item_code": "A02010105", "scope": "central", "note": ""})
    assert r.status_code == 302
    r = c.post(base, {"item_code": "A9", "scope": "central", "note": ""})
    assert r.status_code == 400
    r = c.post(
        "/catalog/centralized/copy/?region=330000&year=2026", {"from_year": 2026, "to_year": 2027}
    )
    assert r.status_code == 302 and "year=2027" in r["Location"]
    e = CentralizedCatalogEntry.objects.get(year=2026)
    r = c.post(f"/catalog/centralized/{e.pk}/delete/", {"version": e.version})
    assert r.status_code == 302
    assert list(CentralizedCatalogEntry.objects.values_list("year", flat=True)) == [2027]
    assert "台式计算机" in c.get("/catalog/centralized/?region=330000&year=2027").content.decode()


def test_import_page_shows_report_table(w: CatWorld) -> None:
    c = w.client("reg_prov")
    data = book("限额标准", TH, [th_row(amount=-1)])
    r = c.post(
        "/catalog/import/", {"kind": "thresholds", "file": SimpleUploadedFile("a.xlsx", data)}
    )
    html = r.content.decode()
    assert r.status_code == 422 and "import-report" in html and "负数" in html
    assert not Threshold.objects.exists()
    data = book("限额标准", TH, [th_row()])
    r = c.post(
        "/catalog/import/", {"kind": "thresholds", "file": SimpleUploadedFile("a.xlsx", data)}
    )
    assert r.status_code == 200 and "import-ok" in r.content.decode()


def test_export_download(w: CatWorld) -> None:
    r = Client().get("/catalog/export/items/")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert Client().get("/catalog/export/bogus/").status_code == 404


def test_item_detail_admin_deactivate(w: CatWorld) -> None:
    c = w.client("admin")
    r = c.post("/catalog/items/A02010105/deactivate/", {"version": 1})
    assert r.status_code == 302
    assert "停用" in c.get("/catalog/items/A02010105/").content.decode()
    r = w.client("reg_prov").post("/catalog/items/A02010105/activate/", {"version": 2})
    assert r.status_code == 403


def test_standards_page_create(w: CatWorld) -> None:
    c = w.client("reg_prov")
    r = c.post(
        "/catalog/standards/?region=330000",
        {
            "item_code": "A02010105",
            "max_unit_price": "6000",
            "max_quantity": "1",
            "quantity_basis": "per_staff",
            "min_service_years": 6,
            "effective_from": "2020-01-01",
        },
    )
    assert r.status_code == 302
    detail = c.get(r["Location"]).content.decode()
    assert "6000.00" in detail and "history-table" in detail


def test_index_redirects(w: CatWorld) -> None:
    assert w.client("reg_prov").get("/catalog/")["Location"].endswith("/catalog/thresholds/")
    assert Client().get("/catalog/")["Location"].endswith("/catalog/public/")
