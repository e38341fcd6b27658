"""Plan pages: list, drawing up, detail, and one view per operation on a plan (submit, cancel,
approve, return, publish the intention, commission an agency)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.methods import outcomes
from zhengcai.plans import access, forms, selectors, services
from zhengcai.plans import constants as c
from zhengcai.plans.models import ProcurementPlan
from zhengcai.plans.views.base import act, error_page, int_or_none, me, page_of


@login_required
def plans(request: HttpRequest) -> HttpResponse:
    user = me(request)
    status = request.GET.get("status", "")
    status = status if status in c.PlanStatus.values else ""
    q = request.GET.get("q", "").strip()[:100]
    try:
        qs = selectors.plan_list(user=user, status=status or None, q=q or None)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "plans/plans.html",
        {
            "page": page_of(request, qs),
            "status": status,
            "q": q,
            "statuses": c.PlanStatus.choices,
            "pending": selectors.pending_counts(user=user),
        },
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    user = me(request)
    try:
        line = access.access_budget_line(
            user=user, pk=int_or_none(request.GET.get("budget")) or 0, action="edit"
        )
    except DomainError as exc:
        return error_page(request, exc)
    execution = selectors.budget_execution(line)
    today = clock.today()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    form = forms.PlanForm(
        request.POST or None,
        initial={
            "name": f"{line.project_name}—{line.description}",
            "amount": execution.remaining,
            "quantity": line.quantity,
            "expected_month": next_month,
            "requirements": line.description,
        },
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan = services.plan_create(actor=user, budget_line=line, values=form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, "采购计划已保存；请核对采购方式后报送备案")
                return redirect("plans:plan", pk=plan.pk)
    preview = None
    if execution.remaining > 0:
        preview = selectors.determination_for(
            organization=line.organization,
            fiscal_year=line.fiscal_year,
            item_code=line.item_code,
            amount=execution.remaining,
        )
    return render(
        request,
        "plans/plan_form.html",
        {
            "form": form,
            "line": line,
            "execution": execution,
            "preview": preview,
            "preview_form": c.OrgForm(preview.org_form).label if preview else "",
            "preview_method": outcomes.label(preview.default_method) if preview else "",
        },
        status=status,
    )


def _plan_context(user: User, plan: ProcurementPlan) -> dict[str, Any]:
    intention = selectors.current_intention(plan)
    return {
        "plan": plan,
        "line": plan.budget_line,
        "needs": selectors.plan_needs(plan),
        "approvals": selectors.plan_approvals(plan),
        "intention": intention,
        "earliest": selectors.intention_earliest_start(plan, intention),
        "commission": selectors.active_commission(plan),
        "commissions": selectors.plan_commissions(plan),
        "can_edit": access.can_edit(user, plan.organization_id),
        "can_decide": access.can_decide(user, plan.organization),
        "intention_form": forms.IntentionForm(
            initial={
                "project_name": plan.name,
                "requirements": plan.requirements,
                "expected_month": plan.expected_month,
            }
        ),
        "commission_form": forms.CommissionForm(agencies=selectors.commission_agencies(plan)),
        "note_form": forms.NoteForm(),
        "split_cases": selectors.plan_split_cases(plan),
        "reasons": plan.determination.get("reasons", []),
        "bidding_law": outcomes.is_bidding_law(plan.method),
        "bidding_law_basis": plan.determination.get("bidding_law_basis") or "",
        "timeline": selectors.timeline(plan),
        "today": clock.today(),
    }


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        plan = access.access_plan(user=user, pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(request, "plans/plan_detail.html", _plan_context(user, plan))


def _plan_step(
    request: HttpRequest,
    pk: int,
    *,
    deciding: bool,
    call: Callable[[User, ProcurementPlan, str], Any],
    success: str,
) -> HttpResponse:
    """Fetch the plan for this one operation and run its one service call."""
    user = me(request)
    try:
        plan = access.access_plan(user=user, pk=pk, action="decide" if deciding else "edit")
    except DomainError as exc:
        return error_page(request, exc)
    note = request.POST.get("note", "")
    return act(request, lambda: call(user, plan, note), success, reverse("plans:plan", args=[pk]))


@login_required
@require_POST
def plan_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(
        request,
        pk,
        deciding=False,
        call=lambda u, p, _: services.plan_submit(actor=u, plan=p),
        success="计划已报送备案",
    )


@login_required
@require_POST
def plan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(
        request,
        pk,
        deciding=False,
        call=lambda u, p, note: services.plan_cancel(actor=u, plan=p, note=note),
        success="计划已撤销",
    )


@login_required
@require_POST
def plan_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(
        request,
        pk,
        deciding=True,
        call=lambda u, p, note: services.plan_approve(actor=u, plan=p, note=note),
        success="计划已备案",
    )


@login_required
@require_POST
def plan_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_step(
        request,
        pk,
        deciding=True,
        call=lambda u, p, note: services.plan_return(actor=u, plan=p, note=note),
        success="计划已退回",
    )


@login_required
@require_POST
def intention_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        plan = access.access_plan(user=user, pk=pk, action="edit")
    except DomainError as exc:
        return error_page(request, exc)
    back = reverse("plans:plan", args=[pk])
    form = forms.IntentionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请完整填写采购意向：项目名称、需求概况和预计采购时间")
        return redirect(back)
    return act(
        request,
        lambda: services.intention_publish(actor=user, plan=plan, values=form.cleaned_data),
        "采购意向已在门户公开",
        back,
    )


@login_required
@require_POST
def commission_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        plan = access.access_plan(user=user, pk=pk, action="edit")
    except DomainError as exc:
        return error_page(request, exc)
    back = reverse("plans:plan", args=[pk])
    form = forms.CommissionForm(request.POST, agencies=selectors.commission_agencies(plan))
    if not form.is_valid():
        messages.error(request, "请选择可委托的代理机构")
        return redirect(back)
    return act(
        request,
        lambda: services.commission_create(
            actor=user,
            plan=plan,
            agency=form.cleaned_data["agency"],
            note=form.cleaned_data["note"],
        ),
        "已委托代理机构",
        back,
    )
