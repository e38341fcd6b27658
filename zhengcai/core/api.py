"""Public core endpoints: the audit chain head and the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema

from zhengcai.accounts.access import require_role
from zhengcai.accounts.auth import api_auth
from zhengcai.accounts.constants import Role
from zhengcai.core import clock, services
from zhengcai.core.audit import chain_head, verify_chain
from zhengcai.core.errors import InvalidInput
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
    official: bool


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
    auth=api_auth(),
    summary="校验整条审计链（平台管理员、监督人员）",
)
def audit_verify(request: HttpRequest) -> VerifyOut:
    require_role(request.user, Role.ADMIN, Role.SUPERVISOR)  # type: ignore[arg-type]
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
    official = cal.year_is_official(start.year) and cal.year_is_official(end.year)
    return PeriodOut(start=start, days=days, unit=unit, end=end, official=official)


@router.post(
    "/calendar/overrides",
    response={200: DayOut, API_ERRORS: ErrorOut},
    auth=api_auth(),
    summary="录入节假日/调休（平台管理员）",
)
def calendar_override_set(request: HttpRequest, payload: OverrideIn) -> DayOut:
    user = require_role(request.user, Role.ADMIN)  # type: ignore[arg-type]
    services.calendar_override_set(
        actor=user,
        date=payload.date,
        is_workday=payload.is_workday,
        name=payload.name,
        note=payload.note,
    )
    info = WorkCalendar.load().info(payload.date)
    return DayOut(date=info.date, is_workday=info.is_workday, name=info.name, source=info.source)
