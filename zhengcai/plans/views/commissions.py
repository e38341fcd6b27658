"""Commission pages (网上委托, 业务跟踪): list, detail, accept, decline; split cases."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.plans import access, forms, selectors, services
from zhengcai.plans import constants as c
from zhengcai.plans.views.base import act, error_page, me, page_of


@login_required
def commissions(request: HttpRequest) -> HttpResponse:
    user = me(request)
    status = request.GET.get("status", "")
    status = status if status in c.CommissionStatus.values else ""
    overdue = True if request.GET.get("overdue") == "1" else None
    try:
        qs = selectors.commission_list(user=user, status=status or None, overdue=overdue)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "plans/commissions.html",
        {
            "page": page_of(request, qs),
            "status": status,
            "overdue": overdue,
            "statuses": c.CommissionStatus.choices,
            "now": clock.now(),
        },
    )


@login_required
def commission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        com = access.access_commission(user=user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "plans/commission_detail.html",
        {
            "com": com,
            "plan": com.plan,
            "can_handle": user.role == "agency" and user.organization_id == com.agency_id,
            "note_form": forms.NoteForm(),
            "timeline": selectors.timeline(com),
            "now": clock.now(),
        },
    )


@login_required
@require_POST
def commission_accept(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        com = access.access_commission(user=user, pk=pk, action="handle")
    except DomainError as exc:
        return error_page(request, exc)
    return act(
        request,
        lambda: services.commission_accept(actor=user, commission=com),
        "已接收委托",
        reverse("plans:commission", args=[pk]),
    )


@login_required
@require_POST
def commission_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        com = access.access_commission(user=user, pk=pk, action="handle")
    except DomainError as exc:
        return error_page(request, exc)
    return act(
        request,
        lambda: services.commission_decline(
            actor=user, commission=com, reason=request.POST.get("note", "")
        ),
        "已退回委托",
        reverse("plans:commission", args=[pk]),
    )


@login_required
def split_cases(request: HttpRequest) -> HttpResponse:
    try:
        qs = selectors.split_case_list(user=me(request))
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "plans/split_cases.html", {"page": page_of(request, qs)})
