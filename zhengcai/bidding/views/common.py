"""What the bidding page modules share: the signed-in user, the error page, and reaching the
window or the rounds of a project already reached through `access_project`."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from zhengcai.accounts.models import User
from zhengcai.bidding import access, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.models import SubmissionWindow
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, InvalidInput, NotFound
from zhengcai.tenders.models import Project


def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


def message_of(exc: Exception) -> str:
    return str(getattr(exc, "message", "参数错误"))


def window_of(user: User, project: Project, raw: str) -> SubmissionWindow:
    """The bid window, or (with `raw`, a window id) a final-quotation window of the project."""
    if not raw:
        return services.bid_window(project)
    try:
        window = access.access_window(user=user, pk=int(raw))
    except ValueError as exc:
        raise NotFound("递交窗口不存在") from exc
    if window.project_id != project.pk:
        raise NotFound("递交窗口不存在")
    return window


def back_to(window: SubmissionWindow) -> str:
    """Where a page action on a window returns: the rounds page at the final-quotation window,
    or the project's opening room."""
    if window.kind == c.WindowKind.FINAL_QUOTE:
        return reverse("bidding:rounds", args=[window.project_id]) + f"#window-{window.pk}"
    return reverse("bidding:project", args=[window.project_id]) + "#opening"


def rounds_project(user: User, pk: int) -> tuple[Project, str]:
    project, role = access.access_project(user=user, pk=pk)
    if not project.method_config.has_negotiation_rounds:
        raise NotFound("该采购方式没有谈判/磋商轮次")
    return project, role


def deadline_in(value: str) -> dt.datetime | None:
    if not value.strip():
        return None
    try:
        naive = dt.datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidInput("最后报价截止时间格式不正确", code="datetime_invalid") from exc
    return naive.replace(tzinfo=clock.SHANGHAI) if naive.tzinfo is None else naive


def int_field(raw: str | None) -> int:
    try:
        return int(raw or 0)
    except ValueError as exc:
        raise InvalidInput("参数错误") from exc
