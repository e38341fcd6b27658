"""The supplier's signing keys: the list, registering a public key, the demo signer key."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from zhengcai.accounts.constants import Role
from zhengcai.bidding import crypto, selectors, services
from zhengcai.bidding.views.common import error_page, me
from zhengcai.core.errors import DomainError, PermissionDenied


@login_required
@require_GET
def keys(request: HttpRequest) -> HttpResponse:
    user = me(request)
    if user.role != Role.SUPPLIER:
        return error_page(request, PermissionDenied("只有供应商登记签名公钥"))
    return render(
        request,
        "bidding/keys.html",
        {
            "keys": selectors.signing_keys(user),
            "demo_enabled": services.demo_signer_enabled(),
            "platform_pem": crypto.platform_public_key_pem(),
        },
    )


@login_required
@require_POST
def key_register(request: HttpRequest) -> HttpResponse:
    try:
        services.key_register(
            actor=me(request),
            public_key=request.POST.get("public_key", ""),
            label=request.POST.get("label", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "公钥已登记")
    return redirect("bidding:keys")


@login_required
@require_POST
def key_create_demo(request: HttpRequest) -> HttpResponse:
    try:
        services.key_create_demo(actor=me(request), algo=request.POST.get("algo", "ecdsa-p256"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "公钥已登记")
    return redirect("bidding:keys")
