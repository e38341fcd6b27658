"""The catalogue's public pages (no login): the entry point, this year's 集中采购目录 and the
thresholds in force, and the Excel download of published policy."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhengcai.catalog import access, excel, selectors
from zhengcai.catalog.constants import PROCUREMENT_THRESHOLD_KINDS, Category, ThresholdKind
from zhengcai.catalog.views.base import chosen_region, chosen_year
from zhengcai.core import clock
from zhengcai.core.http import attachment


def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_authenticated and getattr(user, "role", None) in access.MANAGE_PAGE_ROLES:
        return redirect("catalog:thresholds")
    return redirect("catalog:public")


def public(request: HttpRequest) -> HttpResponse:
    region = chosen_region(request)
    year = clock.now().year
    today = clock.today()
    rows, entries = selectors.public_overview(region=region, year=year, on=today)
    return render(
        request,
        "catalog/public.html",
        {
            "region": region,
            "regions": selectors.regions(),
            "year": year,
            "today": today,
            "rows": rows,
            "entries": entries,
            "kinds": [(k, ThresholdKind(k).label) for k in PROCUREMENT_THRESHOLD_KINDS],
            "categories": Category.choices,
        },
    )


def export_view(request: HttpRequest, kind: str) -> HttpResponse:
    """Download (public: the catalogue and standards are published policy)."""
    if kind not in excel.SPECS:
        raise Http404("未知的导出内容")
    region = None
    if request.GET.get("region"):
        region = selectors.region_get(request.GET["region"][:12])
        if region is None:
            raise Http404("区划不存在")
    year = chosen_year(request) if request.GET.get("year") else None
    data = excel.export_workbook(kind, region=region, year=year)
    name = excel.export_filename(kind, region=region, year=year)
    return attachment(data, name, excel.XLSX_MIME)
