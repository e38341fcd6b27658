"""邀请招标 pages (法 34; 87号令 14; 条例 21): the agency's prequalification desk (publish the
资格预审公告, review each application, close, draw with witnesses, verify, send the
invitations) and the supplier's pages (open calls, apply, see the answer and the invitation).
One view per operation: access, one service, redirect or render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from zhengcai.accounts.constants import Role
from zhengcai.bidding import services
from zhengcai.bidding.selectors import prequal as sel
from zhengcai.bidding.views.common import error_page, me
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, InvalidInput
from zhengcai.tenders import access as tender_access
from zhengcai.tenders import prequal_services


def _when(raw: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise InvalidInput(_("请填写有效的日期时间"), code="datetime_invalid") from exc
    return value if value.tzinfo else value.replace(tzinfo=clock.SHANGHAI)


@login_required
@require_GET
def prequal_desk(request: HttpRequest, pk: int) -> HttpResponse:
    """The agency's desk of a project's 资格预审."""
    user = me(request)
    try:
        project = tender_access.access_project(user=user, pk=pk, action="manage")
    except DomainError as exc:
        return error_page(request, exc)
    pq = sel.project_prequal(user=user, project=project)
    desk = sel.desk(pq) if pq is not None else None
    check = services.draw_verify(desk.draw) if desk is not None and desk.draw else None
    return render(
        request,
        "bidding/prequal_desk.html",
        {"project": project, "pq": pq, "desk": desk, "check": check},
    )


@login_required
@require_POST
def prequal_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        project = tender_access.access_project(user=user, pk=pk, action="manage")
        count = request.POST.get("invite_count", "").strip()
        prequal_services.prequal_publish(
            actor=user,
            project=project,
            applications_until=_when(request.POST.get("applications_until", "")),
            requirements=request.POST.get("requirements", ""),
            review_method=request.POST.get("review_method", ""),
            invite_count=int(count) if count.isdigit() else None,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("资格预审公告已发布"))
    return redirect("bidding:prequal_desk", pk=pk)


@login_required
@require_POST
def prequal_review(request: HttpRequest, pk: int, app_pk: int) -> HttpResponse:
    user = me(request)
    try:
        app = sel.access_application(user=user, pk=app_pk)
        services.application_review(
            actor=user,
            application=app,
            qualified=request.POST.get("qualified") == "1",
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("bidding:prequal_desk", pk=pk)


@login_required
@require_POST
def prequal_close(request: HttpRequest, pk: int, pq_pk: int) -> HttpResponse:
    user = me(request)
    try:
        pq = sel.access_prequal(user=user, pk=pq_pk, action="manage")
        services.prequal_review_close(actor=user, prequal=pq)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("bidding:prequal_desk", pk=pk)


@login_required
@require_POST
def prequal_draw(request: HttpRequest, pk: int, pq_pk: int) -> HttpResponse:
    user = me(request)
    try:
        pq = sel.access_prequal(user=user, pk=pq_pk, action="manage")
        names = [n for n in request.POST.get("witnesses", "").replace("，", ",").split(",")]
        services.supplier_draw(actor=user, prequal=pq, witnesses=names)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已随机抽取受邀供应商"))
    return redirect("bidding:prequal_desk", pk=pk)


@login_required
@require_POST
def prequal_invite(request: HttpRequest, pk: int, pq_pk: int) -> HttpResponse:
    user = me(request)
    try:
        pq = sel.access_prequal(user=user, pk=pq_pk, action="manage")
        services.invitations_send(
            actor=user,
            prequal=pq,
            bid_deadline=_when(request.POST.get("bid_deadline", "")),
            opening_place=request.POST.get("opening_place", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("投标邀请书已同时发出"))
    return redirect("bidding:prequal_desk", pk=pk)


@login_required
@require_GET
def prequal_calls(request: HttpRequest) -> HttpResponse:
    """A supplier's list: calls accepting applications, and the invitations received."""
    user = me(request)
    if user.role != Role.SUPPLIER:
        return redirect("bidding:home")
    return render(
        request,
        "bidding/prequal_calls.html",
        {
            "calls": sel.open_calls(),
            "invitations": sel.supplier_invitations(user),
        },
    )


@login_required
@require_GET
def prequal_page(request: HttpRequest, pq_pk: int) -> HttpResponse:
    """A supplier's page of one call: apply, the review's answer, the invitation."""
    user = me(request)
    try:
        pq = sel.access_prequal(user=user, pk=pq_pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "bidding/prequal_page.html", {"view": sel.supplier_view(user, pq)})


@login_required
@require_POST
def prequal_apply(request: HttpRequest, pq_pk: int) -> HttpResponse:
    user = me(request)
    try:
        pq = sel.access_prequal(user=user, pk=pq_pk)
        services.application_submit(
            actor=user, prequal=pq, materials=request.POST.get("materials", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("资格预审申请文件已提交"))
    return redirect("bidding:prequal_page", pq_pk=pq_pk)
