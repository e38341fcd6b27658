"""What the plans pages share: the signed-in user, the error page, one service call with its
message, pagination."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhengcai.accounts.models import User
from zhengcai.core.errors import DomainError

PAGE = 20


def me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def error_page(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


def act(request: HttpRequest, fn: Callable[[], Any], success: str, back: str) -> HttpResponse:
    """Run one service call; show its message (or the rule it broke) and go back."""
    try:
        fn()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back)


def page_of(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE).get_page(request.GET.get("page") or 1)


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
