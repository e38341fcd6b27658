"""Read pages: the contract desk (purchaser, supplier, agency, regulator), one contract with
its signing, acceptance and payment sections, and the public contract notices."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zhengcai.contracts import access, selectors
from zhengcai.contracts import constants as c
from zhengcai.contracts.views.common import me


@login_required
def contract_list(request: HttpRequest) -> HttpResponse:
    user = me(request)
    page = Paginator(access.contracts_visible(user), 20).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "contracts/list.html",
        {
            "page": page,
            "awaiting": selectors.lots_awaiting_contract(user),
            "to_sign": selectors.acceptances_to_sign(user),
        },
    )


@login_required
def contract_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    return render(
        request,
        "contracts/detail.html",
        {
            "pg": selectors.contract_page(k, user),
            "k": k,
            "forms": c.SecurityForm.choices,
            "kinds": c.MilestoneKind.choices,
            "remedies": c.Remedy.choices,
        },
    )


@login_required
def contract_sign_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The signing page of either party: the text, its digest, the message to sign."""
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    return render(
        request,
        "contracts/sign.html",
        {
            "pg": selectors.contract_page(k, user),
            "k": k,
            "keys": selectors.supplier_keys(user),
            "demo": selectors.demo_signing(),
        },
    )


@login_required
def acceptance_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An acceptance report for its team members (experts included) to read and sign."""
    user = me(request)
    a = access.access_acceptance(user=user, pk=pk)
    return render(
        request,
        "contracts/acceptance.html",
        {
            "a": a,
            "text": selectors.acceptance_report_text(a),
            "members": list(a.members.select_related("user")),
            "is_member": any(m.user_id == user.pk for m in a.members.all()),
            "can_open_contract": access.can_view(user, a.contract_id),
        },
    )


def public_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_contracts(), 20).get_page(request.GET.get("page") or 1)
    return render(
        request,
        "contracts/public_list.html",
        {"page": page, "acceptances": selectors.public_acceptances()[:20]},
    )


def public_detail(request: HttpRequest, pk: int) -> HttpResponse:
    k = selectors.public_contract(pk)
    return render(request, "contracts/public_detail.html", {"k": k, "n": k.notice or {}})
