"""Core endpoints: the audit chain head and the working-day calendar.

Operations without `auth=None` take the authentication config/api.py mounts this router with
(core depends on no app, so it does not name the accounts app's authenticators)."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from zhengcai.core import clock, sandbox, selectors, services
from zhengcai.core.audit import chain_head, verify_chain
from zhengcai.core.errors import InvalidInput
from zhengcai.core.http import request_user, require_role
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.core.workdays import WorkCalendar

router = Router(tags=["core"])


class AuditHeadOut(Schema):
    seq: int
    hash: str
    at: dt.datetime | None
    server_time: dt.datetime


class VerifyOut(Schema):
    ok: bool
    checked: int
    head: str
    broken_seq: int | None = None
    reason: str | None = None


class DayOut(Schema):
    date: dt.date
    is_workday: bool
    name: str
    source: str


class PeriodOut(Schema):
    start: dt.date
    days: int
    unit: str
    end: dt.date
    official: bool  # every year the period touches has a confirmed schedule
    unconfirmed_years: list[int]  # the years that do not (the end date is 暂定)


class CalendarYearOut(Schema):
    year: int
    source: str  # package | confirmed | draft | missing
    notice_no: str
    holidays: int
    workdays: int
    provisional_deadlines: int


class CalendarImportIn(StrictIn):
    name: str  # the file name: .txt (the notice), .csv or .xlsx (the table)
    content_b64: str
    year: int | None = None
    notice_no: str = ""


class CalendarConfirmOut(Schema):
    year: int
    status: str
    recomputed: int  # provisional deadlines whose date moved


class SandboxOut(Schema):
    enabled: bool
    now: dt.datetime
    offset_seconds: int


class SandboxAdvanceIn(StrictIn):
    to: dt.datetime | None = None
    days: int = 0
    hours: int = 0


class SandboxAdvanceOut(Schema):
    before: dt.datetime
    after: dt.datetime
    steps: int
    handled: int


class MessageOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str
    created_at: dt.datetime
    read: bool


class OverrideIn(StrictIn):
    date: dt.date
    is_workday: bool
    name: str = ""
    note: str = ""


@router.get(
    "/audit/head", response={200: AuditHeadOut}, auth=None, summary="审计链当前链头（公开）"
)
def audit_head(request: HttpRequest) -> AuditHeadOut:
    head = chain_head()
    return AuditHeadOut(seq=head.seq, hash=head.hash, at=head.at, server_time=clock.now())


@router.post(
    "/audit/verify",
    response={200: VerifyOut, API_ERRORS: ErrorOut},
    summary="校验整条审计链（平台管理员、监督人员）",
)
def audit_verify(request: HttpRequest) -> VerifyOut:
    require_role(request.user, "admin", "supervisor")  # type: ignore[arg-type]
    report = verify_chain()
    return VerifyOut(
        ok=report.ok,
        checked=report.checked,
        head=report.head,
        broken_seq=report.problem.seq if report.problem else None,
        reason=report.problem.reason if report.problem else None,
    )


@router.get(
    "/calendar/day",
    response={200: DayOut, API_ERRORS: ErrorOut},
    auth=None,
    summary="某日是否工作日",
)
def calendar_day(request: HttpRequest, date: dt.date) -> DayOut:
    info = WorkCalendar.load().info(date)
    return DayOut(date=info.date, is_workday=info.is_workday, name=info.name, source=info.source)


@router.get(
    "/calendar/period",
    response={200: PeriodOut, API_ERRORS: ErrorOut},
    auth=None,
    summary="计算法定期限：起算日后 N 个工作日 / 日历日",
)
def calendar_period(
    request: HttpRequest,
    start: dt.date,
    days: int,
    unit: Literal["workday", "calendar"] = "workday",
) -> PeriodOut:
    cal = WorkCalendar.load()
    try:
        end = (
            cal.add_working_days(start, days)
            if unit == "workday"
            else cal.add_calendar_days(start, days)
        )
    except ValueError as exc:
        raise InvalidInput(str(exc), code="period_out_of_range") from exc
    years = list(cal.unconfirmed_years(start, end))
    return PeriodOut(
        start=start, days=days, unit=unit, end=end, official=not years, unconfirmed_years=years
    )


@router.post(
    "/calendar/overrides",
    response={200: DayOut, API_ERRORS: ErrorOut},
    summary="录入节假日/调休（平台管理员）",
)
def calendar_override_set(request: HttpRequest, payload: OverrideIn) -> DayOut:
    user = require_role(request.user, "admin")  # type: ignore[arg-type]
    services.calendar_override_set(
        actor=user,
        date=payload.date,
        is_workday=payload.is_workday,
        name=payload.name,
        note=payload.note,
    )
    info = WorkCalendar.load().info(payload.date)
    return DayOut(date=info.date, is_workday=info.is_workday, name=info.name, source=info.source)


@router.get(
    "/calendar/years",
    response={200: list[CalendarYearOut]},
    auth=None,
    summary="各年度放假安排的来源与确认状态（公开）",
)
def calendar_years(request: HttpRequest) -> list[CalendarYearOut]:
    return [
        CalendarYearOut(
            year=y.year,
            source=y.source,
            notice_no=y.record.notice_no if y.record else "",
            holidays=y.holidays,
            workdays=y.workdays,
            provisional_deadlines=y.open_deadlines,
        )
        for y in selectors.calendar_years(around=clock.today().year)
    ]


@router.post(
    "/calendar/years/import",
    response={200: CalendarYearOut, API_ERRORS: ErrorOut},
    summary="导入国务院年度放假安排（通知全文 .txt 或表格 .csv/.xlsx，Base64；管理员、财政部门）",
)
def calendar_year_import(request: HttpRequest, payload: CalendarImportIn) -> CalendarYearOut:
    user = require_role(request.user, "admin", "regulator")
    try:
        content = base64.b64decode(payload.content_b64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidInput("content_b64 不是有效的 Base64", code="base64_invalid") from exc
    record = services.calendar_year_import(
        actor=user,
        name=payload.name,
        content=content,
        year=payload.year,
        notice_no=payload.notice_no,
    )
    row = next(y for y in selectors.calendar_years(around=record.year) if y.year == record.year)
    return CalendarYearOut(
        year=row.year,
        source=row.source,
        notice_no=record.notice_no,
        holidays=row.holidays,
        workdays=row.workdays,
        provisional_deadlines=row.open_deadlines,
    )


@router.post(
    "/calendar/years/{year}/confirm",
    response={200: CalendarConfirmOut, API_ERRORS: ErrorOut},
    summary="确认年度放假安排并重算暂定期限（导入人以外的管理员、财政部门）",
)
def calendar_year_confirm(request: HttpRequest, year: int) -> CalendarConfirmOut:
    user = require_role(request.user, "admin", "regulator")
    record, moved = services.calendar_year_confirm(actor=user, year=year)
    return CalendarConfirmOut(year=record.year, status=record.status, recomputed=len(moved))


@router.get(
    "/sandbox-clock",
    response={200: SandboxOut},
    auth=None,
    summary="沙盒时钟状态（演示环境）",
)
def sandbox_clock(request: HttpRequest) -> SandboxOut:
    st = sandbox.sandbox_status()
    return SandboxOut(
        enabled=st["enabled"], now=st["now"], offset_seconds=int(st["offset"].total_seconds())
    )


@router.post(
    "/sandbox-clock/advance",
    response={200: SandboxAdvanceOut, API_ERRORS: ErrorOut},
    summary="沙盒时钟前进，依次触发到期事项（仅演示环境，平台管理员）",
)
def sandbox_clock_advance(request: HttpRequest, payload: SandboxAdvanceIn) -> SandboxAdvanceOut:
    user = require_role(request.user, "admin")
    if payload.to is not None:
        result = sandbox.sandbox_advance(actor=user, to=payload.to)
    else:
        result = sandbox.sandbox_advance(
            actor=user, by=dt.timedelta(days=payload.days, hours=payload.hours)
        )
    return SandboxAdvanceOut(
        before=result.before, after=result.after, steps=result.steps, handled=result.handled
    )


@router.get(
    "/messages",
    response={200: list[MessageOut], API_ERRORS: ErrorOut},
    summary="本单位站内消息",
)
def messages_list(request: HttpRequest) -> list[MessageOut]:
    user = request_user(request)
    return [
        MessageOut(
            id=m.pk,
            kind=m.kind,
            subject=m.subject,
            body=m.body,
            link=m.link,
            created_at=m.created_at,
            read=m.read_at is not None,
        )
        for m in selectors.inbox(user.organization_id)
    ]
