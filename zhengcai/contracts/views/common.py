"""Helpers shared by the contracts pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from zhengcai.accounts.models import User
from zhengcai.core.errors import DomainError


def me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def run(
    request: HttpRequest, done: str, back: str, back_to: int, call: Callable[[], Any]
) -> HttpResponse:
    """Call one service; show its refusal or `done`, back to the page `back` of `back_to`
    (the caller fetched the object through its access function)."""
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    except (ValueError, ArithmeticError):
        messages.error(request, "输入格式不正确")
    else:
        messages.success(request, done)
    return redirect(back, pk=back_to)


def date_of(value: str) -> dt.date:
    return dt.date.fromisoformat(value.strip())


def money(value: str) -> Decimal:
    return Decimal(value.strip() or "0")


def version(request: HttpRequest) -> int | None:
    v = request.POST.get("version", "")
    return int(v) if v.isdigit() else None
