"""Read-only bidding pages: the project list, a project's bid page and opening room, the
receipt download, the watchers' live record and the evidence page."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhengcai.bidding import access, forms, rules, selectors, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.views.common import error_page, me, window_of
from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.core.http import attachment


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = me(request)
    return render(
        request,
        "bidding/home.html",
        {
            "projects": selectors.projects_for(user),
            "mine": selectors.participated_project_ids(user),
            "now": clock.now(),
        },
    )


@login_required
def project_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        project, role = access.access_project(user=user, pk=pk)
        window = services.bid_window(project)
    except DomainError as exc:
        return error_page(request, exc)
    now = clock.now()
    ctx: dict[str, Any] = {
        "project": project,
        "role": role,
        "window": window,
        "now": now,
        "accepting": rules.accepting(window.deadline, now),
        "opening": selectors.window_opening(window),
        "final_windows": selectors.final_windows(project),
    }
    if role == "supplier":
        page = selectors.supplier_bid_page(project, user, window)
        ctx.update(
            parts=page.parts,
            free_lots=page.free_lots,
            keys=selectors.signing_keys(user, active_only=True),
            demo_enabled=services.demo_signer_enabled(),
            sme_choices=c.SmeSize.choices,
            industries=list(rules.INDUSTRIES.items()),
            firm_sizes=list(rules.SIZE_LABELS.items()),
            item_rows=range(forms.ITEM_ROWS),
            consortium_rows=range(forms.CONSORTIUM_ROWS),
            subcontract_rows=range(forms.SUBCONTRACT_ROWS),
        )
    return render(request, "bidding/project.html", ctx)


@login_required
def receipt(request: HttpRequest, bid_pk: int) -> HttpResponse:
    try:
        bid = access.access_bid(user=me(request), pk=bid_pk)
    except DomainError as exc:
        return error_page(request, exc)
    r = bid.receipt
    data = {"receipt": r.payload, "signature": r.signature, "algorithm": "Ed25519"}
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return attachment(body, f"{r.receipt_id}.json", "application/json")


@login_required
def opening_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The record fragment the watch page polls (HTMX, every 5 s)."""
    user = me(request)
    try:
        project, role = access.access_project(user=user, pk=pk)
        window = window_of(user, project, request.GET.get("window", ""))
        opening = selectors.window_opening(window)
        if opening is not None:
            access.access_opening(user=user, pk=opening.pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "bidding/_opening.html",
        {"project": project, "role": role, "window": window, "opening": opening, "live": True},
    )


@login_required
def evidence_page(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        project = access.access_evidence(user=me(request), pk=pk)
    except DomainError as exc:
        return error_page(request, exc)
    return render(
        request,
        "bidding/evidence.html",
        {
            "project": project,
            "pairs": selectors.evidence_pairs(project),
            "bids": selectors.opened_bids(project),
        },
    )
