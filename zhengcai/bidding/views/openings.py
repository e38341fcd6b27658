"""The opening room's actions, one view each: the agency opens a window, answers an objection
and signs the record; a bidder raises an objection."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.bidding import access, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.models import Opening
from zhengcai.bidding.views.common import back_to, me, message_of
from zhengcai.core.errors import DomainError, NotFound


def _fallback(pk: int) -> str:
    return reverse("bidding:project", args=[pk]) + "#opening"


def _opening_of(request: HttpRequest, pk: int, opening_pk: int) -> Opening:
    opening, _role = access.access_opening(user=me(request), pk=opening_pk)
    if opening.window.project_id != pk:
        raise NotFound("开标记录不存在")
    return opening


@login_required
@require_POST
def opening_start(request: HttpRequest, pk: int, window_pk: int) -> HttpResponse:
    user = me(request)
    back = _fallback(pk)
    try:
        window = access.access_window(user=user, pk=window_pk, action="open")
        if window.project_id != pk:
            raise NotFound("递交窗口不存在")
        back = back_to(window)
        result = services.opening_start(actor=user, window=window)
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        if result.outcome != c.OpeningOutcome.OPENED:
            messages.warning(request, c.OpeningOutcome(result.outcome).label)
        messages.success(request, "已完成")
    return redirect(back)


@login_required
@require_POST
def objection_raise(request: HttpRequest, pk: int, opening_pk: int) -> HttpResponse:
    back = _fallback(pk)
    try:
        opening = _opening_of(request, pk, opening_pk)
        back = back_to(opening.window)
        services.objection_raise(
            actor=me(request), opening=opening, text=request.POST.get("text", "")
        )
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, "已完成")
    return redirect(back)


@login_required
@require_POST
def objection_answer(request: HttpRequest, pk: int, objection_pk: int) -> HttpResponse:
    back = _fallback(pk)
    try:
        objection = access.access_objection(user=me(request), pk=objection_pk)
        if objection.opening.window.project_id != pk:
            raise NotFound("异议不存在")
        back = back_to(objection.opening.window)
        services.objection_answer(
            actor=me(request), objection=objection, answer=request.POST.get("text", "")
        )
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, "已完成")
    return redirect(back)


@login_required
@require_POST
def opening_sign(request: HttpRequest, pk: int, opening_pk: int) -> HttpResponse:
    back = _fallback(pk)
    try:
        opening = _opening_of(request, pk, opening_pk)
        back = back_to(opening.window)
        services.opening_sign(actor=me(request), opening=opening)
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, "已完成")
    return redirect(back)
