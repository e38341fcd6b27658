"""One view per contract operation: draft, update, issue, sign, announce, file, supplement,
register the purchaser's key."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from zhengcai.contracts import access, services
from zhengcai.contracts.views.common import date_of, me, run, version
from zhengcai.core.errors import DomainError

DETAIL = "contracts:detail"


@login_required
@require_POST
def contract_draft(request: HttpRequest, lot_id: int) -> HttpResponse:
    user = me(request)
    try:
        lot = access.access_awarded_lot(user=user, pk=lot_id)
        k = services.contract_draft(actor=user, lot=lot, place=request.POST.get("place", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contracts:list")
    messages.success(request, "已按合同范本生成合同草稿。")
    return redirect(DETAIL, pk=k.pk)


@login_required
@require_POST
def contract_update(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    post = request.POST
    values = {
        "security_amount": post.get("security_amount", "0") or "0",
        "security_form": post.get("security_form", "none"),
        "period": post.get("period", ""),
        "place": post.get("place", ""),
        "public_service": post.get("public_service") == "on",
        "payment_days": post.get("payment_days", "30") or "30",
        "secrets": [x for x in post.get("secrets", "").splitlines() if x.strip()],
    }
    return run(request, "合同草稿已保存。", DETAIL, pk, lambda: services.contract_update(
        actor=user, contract=k, values=values, expected_version=version(request)))  # fmt: skip


@login_required
@require_POST
def contract_issue(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    done = "合同文本已定稿，等待双方电子签名。"
    return run(request, done, DETAIL, pk, lambda: services.contract_issue(
        actor=user, contract=k, expected_version=version(request)))  # fmt: skip


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    post = request.POST
    return run(request, "电子签名已验证并记录。", DETAIL, pk, lambda: services.contract_sign(
        actor=user, contract=k, key_id=post.get("key_id", "").strip(),
        signature=post.get("signature", "").strip()))  # fmt: skip


@login_required
@require_POST
def party_key_register(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    access.access_contract(user=user, pk=pk)
    key = request.POST.get("public_key", "")
    return run(request, "合同签名公钥已登记。", "contracts:sign", pk,
               lambda: services.party_key_register(actor=user, public_key=key))  # fmt: skip


@login_required
@require_POST
def contract_announce(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    return run(request, "合同公告已发布。", DETAIL, pk,
               lambda: services.contract_announce(actor=user, contract=k))  # fmt: skip


@login_required
@require_POST
def contract_file(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    return run(request, "合同已备案。", DETAIL, pk, lambda: services.contract_file(
        actor=user, contract=k, filing_no=request.POST.get("filing_no", "")))  # fmt: skip


@login_required
@require_POST
def supplement_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    post = request.POST
    day = post.get("signed_on", "").strip()
    return run(request, "补充合同已登记。", DETAIL, pk, lambda: services.supplement_add(
        actor=user, contract=k, amount=post.get("amount", ""), basis=post.get("basis", ""),
        signed_on=date_of(day) if day else None))  # fmt: skip


@login_required
@require_POST
def contract_sign_demo(request: HttpRequest, pk: int) -> HttpResponse:
    """Demo only: the server signs with the party's demo key (演示签名)."""
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    return run(request, "已用演示密钥签名并验证。", DETAIL, pk,
               lambda: services.contract_sign_demo(actor=user, contract=k))  # fmt: skip
