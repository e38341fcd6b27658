"""Approval request pages: list, application form, detail, attachments, and one view per
operation (attach, submit, withdraw, consent, dissent, approve, refuse)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, InvalidInput
from zhengcai.plans import access, forms, selectors, services
from zhengcai.plans import constants as c
from zhengcai.plans.access import Action
from zhengcai.plans.models import ApprovalRequest
from zhengcai.plans.views.base import act, error_page, int_or_none, me, page_of


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    user = me(request)
    status = request.GET.get("status", "")
    status = status if status in c.ApprovalStatus.values else ""
    kind = request.GET.get("kind", "")
    kind = kind if kind in c.ApprovalKind.values else ""
    try:
        qs = selectors.approval_list(user=user, status=status or None, kind=kind or None)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "plans/approvals.html",
        {
            "page": page_of(request, qs),
            "status": status,
            "kind": kind,
            "statuses": c.ApprovalStatus.choices,
            "kinds": c.ApprovalKind.choices,
        },
    )


@login_required
def approval_new(request: HttpRequest) -> HttpResponse:
    user = me(request)
    kind = request.GET.get("kind", "")
    if kind not in c.ApprovalKind.values:
        return error_page(request, InvalidInput("未知的申请类型"))
    plan = line = None
    try:
        if kind == c.ApprovalKind.CONFIG_EXCEPTION:
            line = access.access_budget_line(
                user=user, pk=int_or_none(request.GET.get("budget")) or 0, action="edit"
            )
        else:
            plan = access.access_plan(
                user=user, pk=int_or_none(request.GET.get("plan")) or 0, action="edit"
            )
    except DomainError as exc:
        return error_page(request, exc)
    form = forms.ApprovalForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                req = services.approval_create(
                    actor=user,
                    kind=kind,
                    reasons=form.cleaned_data["reasons"],
                    plan=plan,
                    budget_line=line,
                    values=form.cleaned_data,
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "申请已保存；可上传附件后报送")
                return redirect("plans:approval", pk=req.pk)
    return render(
        request,
        "plans/approval_form.html",
        {"form": form, "kind": c.ApprovalKind(kind), "plan": plan, "line": line},
        status=status,
    )


@login_required
def approval_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        req = access.access_approval(user=user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "plans/approval_detail.html",
        {
            "req": req,
            "attachments": selectors.approval_attachments(req),
            "objections": selectors.approval_objections(req),
            "can_edit": access.can_edit(user, req.organization_id),
            "can_decide": access.can_decide(user, req.organization, kind=req.kind),
            "can_consent": access.can_consent(user, req.organization),
            "attach_form": forms.AttachmentForm(),
            "review_form": forms.ReviewForm(),
            "note_form": forms.NoteForm(),
            "today": clock.today(),
            "timeline": selectors.timeline(req),
        },
    )


def _approval_step(
    request: HttpRequest,
    pk: int,
    *,
    action: Action,
    call: Callable[[User, ApprovalRequest], Any],
    success: str,
) -> HttpResponse:
    """Fetch the request for this one operation and run its one service call."""
    user = me(request)
    try:
        req = access.access_approval(user=user, pk=pk, action=action)
    except DomainError as exc:
        return error_page(request, exc)
    return act(request, lambda: call(user, req), success, reverse("plans:approval", args=[pk]))


@login_required
@require_POST
def approval_attach(request: HttpRequest, pk: int) -> HttpResponse:
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的文件")
        return redirect("plans:approval", pk=pk)
    return _approval_step(
        request,
        pk,
        action="edit",
        call=lambda u, r: services.approval_attach(actor=u, request=r, upload=upload),
        success="附件已上传",
    )


@login_required
@require_POST
def approval_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _approval_step(
        request,
        pk,
        action="edit",
        call=lambda u, r: services.approval_submit(
            actor=u,
            request=r,
            review_conclusion=request.POST.get("review_conclusion", ""),
            review_note=request.POST.get("review_note", ""),
        ),
        success="申请已报送（单一来源项目先行公示）",
    )


@login_required
@require_POST
def approval_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _approval_step(
        request,
        pk,
        action="edit",
        call=lambda u, r: services.approval_withdraw(
            actor=u, request=r, reason=request.POST.get("note", "")
        ),
        success="申请已撤回",
    )


@login_required
@require_POST
def approval_consent(request: HttpRequest, pk: int) -> HttpResponse:
    return _approval_step(
        request,
        pk,
        action="consent",
        call=lambda u, r: services.approval_consent(
            actor=u, request=r, agree=True, note=request.POST.get("note", "")
        ),
        success="已同意，报财政部门审批",
    )


@login_required
@require_POST
def approval_dissent(request: HttpRequest, pk: int) -> HttpResponse:
    return _approval_step(
        request,
        pk,
        action="consent",
        call=lambda u, r: services.approval_consent(
            actor=u, request=r, agree=False, note=request.POST.get("note", "")
        ),
        success="已出具不同意意见",
    )


@login_required
@require_POST
def approval_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _approval_step(
        request,
        pk,
        action="decide",
        call=lambda u, r: services.approval_decide(
            actor=u, request=r, approve=True, note=request.POST.get("note", "")
        ),
        success="已批准",
    )


@login_required
@require_POST
def approval_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _approval_step(
        request,
        pk,
        action="decide",
        call=lambda u, r: services.approval_decide(
            actor=u, request=r, approve=False, note=request.POST.get("note", "")
        ),
        success="已作出不予批准决定",
    )


@login_required
def approval_attachment(request: HttpRequest, pk: int, att: int) -> HttpResponseBase:
    try:
        req = access.access_approval(user=me(request), pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    attachment = selectors.approval_attachment_get(req, att)
    if attachment is None:
        return error_page(request, InvalidInput("附件不存在", status=404, code="not_found"))
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
