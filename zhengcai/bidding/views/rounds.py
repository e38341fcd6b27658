"""谈判/磋商 rounds: the page, and one view per action — the agency opens a round or
eliminates a supplier with its reason; a supplier submits its sealed final quotation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.bidding import access, selectors, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.views.bids import submit_from_form
from zhengcai.bidding.views.common import (
    deadline_in,
    error_page,
    int_field,
    me,
    message_of,
    rounds_project,
)
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, NotFound, PermissionDenied
from zhengcai.tenders import rules as tender_rules
from zhengcai.tenders.models import Project


@login_required
def rounds_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        project, role = rounds_project(user, pk)
    except DomainError as exc:
        return error_page(request, exc)
    supplier_id = user.organization_id if role == "supplier" else None
    lots = selectors.negotiation_view(project, supplier_id=supplier_id, now=clock.now())
    if role == "supplier" and not any(lr.participations for lr in lots):
        return error_page(request, NotFound("您未参加本项目的谈判/磋商"))
    return render(
        request,
        "bidding/rounds.html",
        {
            "project": project,
            "role": role,
            "lots": lots,
            "now": clock.now(),
            "responses_opened": selectors.responses_opened(project),
            "has_final": project.method_config.has_final_quotations,
            "minimum": tender_rules.min_suppliers_to_continue(
                project.method_config, project.two_supplier_basis
            ),
            "keys": selectors.signing_keys(user, active_only=True),
            "demo_enabled": services.demo_signer_enabled(),
            "sme_choices": c.SmeSize.choices,
        },
    )


def _agency_project(request: HttpRequest, pk: int) -> Project:
    project, role = rounds_project(me(request), pk)
    if role != "agency":
        raise PermissionDenied("只有本项目的代理机构可以组织谈判/磋商")
    return project


@login_required
@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Agency: a round's changes, the 采购人代表 who confirmed them, and optionally the
    final-quotation deadline."""
    try:
        project = _agency_project(request, pk)
        lot = access.access_lot_of(project=project, pk=int_field(request.POST.get("lot")))
        rnd = services.round_open(
            actor=me(request),
            lot=lot,
            changes=request.POST.get("changes", ""),
            purchaser_rep=request.POST.get("purchaser_rep", ""),
            final_deadline=deadline_in(request.POST.get("final_deadline", "")),
        )
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, f"第 {rnd.number} 轮已书面发送给 {len(rnd.recipients)} 家供应商")
    return redirect("bidding:rounds", pk)


@login_required
@require_POST
def participation_eliminate(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    """Agency: exclude a supplier from the talks, with the reason it is told."""
    try:
        project = _agency_project(request, pk)
        part = access.access_participation_of(project=project, pk=part_pk)
        part = services.participation_eliminate(
            actor=me(request), participation=part, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, f"已淘汰 {part.supplier.name}，理由已告知该供应商")
    return redirect("bidding:rounds", pk)


@login_required
@require_POST
def final_submit(request: HttpRequest, pk: int, round_pk: int, part_pk: int) -> HttpResponse:
    """A supplier's sealed final quotation (最后报价) into the round's window."""
    user = me(request)
    back = reverse("bidding:rounds", args=[pk])
    try:
        part = access.access_participation(user=user, pk=part_pk)
        if part.project_id != pk:
            raise NotFound("本轮不存在或未要求最后报价")
        rnd = access.access_round(participation=part, pk=round_pk)
        if rnd.final_window is None:
            raise NotFound("本轮不存在或未要求最后报价")
        back += f"#window-{rnd.final_window_id}"
        result = submit_from_form(request, user, part, rnd.final_window, rnd)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"最后报价已密封递交，回执号 {result.receipt.receipt_id}")
    return redirect(back)
