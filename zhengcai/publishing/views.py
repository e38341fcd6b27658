"""The public portal: needs no account."""

from __future__ import annotations

import calendar as pycal
import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.selectors import public_platform_counts
from zhengcai.awards.selectors import public_notices as public_result_notices
from zhengcai.core import clock
from zhengcai.core import selectors as core_selectors
from zhengcai.core.audit import chain_head
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans.selectors import public_intentions, public_single_source_notices
from zhengcai.publishing import feed
from zhengcai.tenders.selectors import public_notices

# The statutes the platform enforces (rules digest §0), shown on the portal.
STATUTES = [
    ("中华人民共和国政府采购法", "2014-08-31 修正"),
    ("中华人民共和国政府采购法实施条例（国务院令第658号）", "2015-03-01 施行"),
    ("政府采购货物和服务招标投标管理办法（财政部令第87号）", "2017-10-01 施行"),
    ("政府采购非招标采购方式管理办法（财政部令第74号）", "2014-02-01 施行"),
    ("政府采购质疑和投诉办法（财政部令第94号）", "2018-03-01 施行"),
    ("政府采购框架协议采购方式管理暂行办法（财政部令第110号）", "2022-03-01 施行"),
    ("政府采购信息发布管理办法（财政部令第101号）", "2020-03-01 施行"),
    ("政府采购促进中小企业发展管理办法（财库〔2020〕46号）", "2021-01-01 施行"),
]


def _month_grid(cal: WorkCalendar, year: int, month: int) -> list[list[object]]:
    days = cal.month(year, month)
    lead = [None] * pycal.monthrange(year, month)[0]
    cells: list[object] = [*lead, *days]
    while len(cells) % 7:
        cells.append(None)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]


def home(request: HttpRequest) -> HttpResponse:
    counts = public_platform_counts()
    cal = WorkCalendar.load()
    today = clock.today()
    return render(
        request,
        "publishing/home.html",
        {
            "stats": [
                (_("入库采购人"), counts.get(OrgKind.PURCHASER, 0)),
                (_("入库供应商"), counts.get(OrgKind.SUPPLIER, 0)),
                (
                    _("入库代理机构"),
                    counts.get(OrgKind.CENTRAL_AGENCY, 0) + counts.get(OrgKind.SOCIAL_AGENCY, 0),
                ),
                (_("入库评审专家"), counts.get("experts", 0)),
            ],
            "head": chain_head(),
            "intentions": public_intentions().order_by("-published_at")[:8],
            "notices": public_notices().select_related("project")[:8],
            "single_source": public_single_source_notices()[:5],
            "results": public_result_notices()[:5],
            "contracts": feed.latest(kind="contract", limit=5),
            "statutes": STATUTES,
            "today": cal.info(today),
            "grid": _month_grid(cal, today.year, today.month),
            "month_label": f"{today.year}年{today.month}月",
        },
    )


def calendar_page(request: HttpRequest) -> HttpResponse:
    """Working-day calculator: N 工作日 / 日 after a start date. HTMX swaps the result."""
    cal = WorkCalendar.load()
    today = clock.today()
    result = None
    error = None
    if "start" in request.GET:
        try:
            start = dt.date.fromisoformat(request.GET["start"])
            days = int(request.GET.get("days", "0"))
            unit = request.GET.get("unit", "workday")
            if unit not in ("workday", "calendar"):
                raise ValueError("计算方式无效")
            end = (
                cal.add_working_days(start, days)
                if unit == "workday"
                else cal.add_calendar_days(start, days)
            )
            result = {
                "start": start,
                "days": days,
                "unit": unit,
                "end": cal.info(end),
                "official": not cal.unconfirmed_years(start, end),
                "unconfirmed_years": cal.unconfirmed_years(start, end),
            }
        except ValueError as exc:
            error = (
                str(exc) if "无效" in str(exc) or "超出" in str(exc) else "请输入有效的日期和天数"
            )
    year = (
        int(request.GET.get("y", today.year)) if request.GET.get("y", "").isdigit() else today.year
    )
    month = (
        int(request.GET.get("m", today.month))
        if request.GET.get("m", "").isdigit()
        else today.month
    )
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        year, month = today.year, today.month
    ctx = {
        "result": result,
        "error": error,
        "today": today,
        "grid": _month_grid(cal, year, month),
        "month_label": f"{year}年{month}月",
        "official": cal.year_is_official(year),
        "years": core_selectors.calendar_years(around=today.year),
        "prev": (year - (month == 1), 12 if month == 1 else month - 1),
        "next": (year + (month == 12), 1 if month == 12 else month + 1),
    }
    if request.headers.get("HX-Request") and "start" in request.GET:
        return render(request, "publishing/_period_result.html", ctx, status=400 if error else 200)
    return render(request, "publishing/calendar.html", ctx, status=400 if error else 200)


FEED_PAGE = 30
FEED_MAX = 600  # the listing shows at most this many of the newest notices


def notices(request: HttpRequest) -> HttpResponse:
    """All public notices, newest first, by kind (`feed.SOURCES`); no login. `n` grows by one
    page per "更多" (each source is read once, sliced in the database)."""
    kinds = feed.kinds()
    kind = request.GET.get("kind", "")
    kind = kind if kind in dict(kinds) else ""
    raw = request.GET.get("n", "")
    n = min(max(int(raw), FEED_PAGE), FEED_MAX) if raw.isdigit() else FEED_PAGE
    items = feed.latest(kind=kind, limit=n + 1)
    more = n + FEED_PAGE if len(items) > n and n < FEED_MAX else 0
    return render(
        request,
        "publishing/notices.html",
        {"items": items[:n], "kinds": kinds, "kind": kind, "more": more},
    )
