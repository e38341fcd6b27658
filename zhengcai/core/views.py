"""System pages of the core app: the holiday schedule of each year, the demo's sandbox clock,
and the organization's inbox. Thin: parse, check the role, call one service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengcai.core import clock, sandbox, selectors, services
from zhengcai.core.errors import DomainError
from zhengcai.core.http import require_role

CALENDAR_ROLES = ("admin", "regulator")


@login_required
def calendar_years(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *CALENDAR_ROLES)
    year = clock.today().year
    return render(
        request,
        "core/calendar_years.html",
        {
            "years": selectors.calendar_years(around=year),
            "next_year": year + 1,
            "pending": selectors.provisional_open(50),
        },
    )


@login_required
def calendar_year(request: HttpRequest, year: int) -> HttpResponse:
    require_role(request.user, *CALENDAR_ROLES)
    return render(
        request,
        "core/calendar_year.html",
        {
            "year": year,
            "record": selectors.calendar_year_get(year),
            "days": selectors.year_days(year),
        },
    )


@login_required
@require_POST
def calendar_year_import(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *CALENDAR_ROLES)
    upload = request.FILES.get("file")
    raw_year = request.POST.get("year", "").strip()
    try:
        if upload is None:
            raise DomainError("请选择要导入的文件（通知全文 .txt，或表格 .csv / .xlsx）")
        year = int(raw_year) if raw_year.isdigit() else None
        record = services.calendar_year_import(
            actor=request.user,  # type: ignore[arg-type]
            name=upload.name or "upload",
            content=upload.read(),
            year=year,
            notice_no=request.POST.get("notice_no", "").strip(),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("core:calendar_years")
    messages.success(
        request, f"已导入{record.year}年节假日安排，请由另一位管理员或财政部门人员核对后确认。"
    )
    return redirect("core:calendar_year", year=record.year)


@login_required
@require_POST
def calendar_year_confirm(request: HttpRequest, year: int) -> HttpResponse:
    require_role(request.user, *CALENDAR_ROLES)
    version = request.POST.get("version", "")
    try:
        _, moved = services.calendar_year_confirm(
            actor=request.user,  # type: ignore[arg-type]
            year=year,
            expected_version=int(version) if version.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("core:calendar_year", year=year)
    messages.success(
        request,
        f"{year}年节假日安排已确认；重新计算暂定期限，{len(moved)} 项日期调整并已通知相关单位。",
    )
    return redirect("core:calendar_year", year=year)


@login_required
def sandbox_page(request: HttpRequest) -> HttpResponse:
    require_role(request.user, "admin")
    return render(request, "core/sandbox.html", {"status": sandbox.sandbox_status()})


@login_required
@require_POST
def sandbox_advance(request: HttpRequest) -> HttpResponse:
    require_role(request.user, "admin")
    try:
        days = int(request.POST.get("days", "0") or 0)
        hours = int(request.POST.get("hours", "0") or 0)
        raw_to = request.POST.get("to", "").strip()
        if raw_to:
            target = dt.datetime.fromisoformat(raw_to).replace(tzinfo=clock.SHANGHAI)
            result = sandbox.sandbox_advance(actor=request.user, to=target)
        else:
            result = sandbox.sandbox_advance(
                actor=request.user, by=dt.timedelta(days=days, hours=hours)
            )
    except ValueError:
        messages.error(request, "请输入有效的天数、小时数或目标时间")
        return redirect("core:sandbox")
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("core:sandbox")
    messages.success(
        request,
        f"平台时间已从 {result.before:%Y-%m-%d %H:%M} 调至 {result.after:%Y-%m-%d %H:%M}；"
        f"途经 {result.steps} 个到期时点，执行定时检查 {result.handled} 项。",
    )
    return redirect("core:sandbox")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    org_id = getattr(request.user, "organization_id", None)
    return render(request, "core/inbox.html", {"items": selectors.inbox(org_id)})


@login_required
@require_POST
def inbox_read(request: HttpRequest) -> HttpResponse:
    try:
        services.messages_mark_read(actor=request.user)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("core:inbox")
