"""The supplier's actions on its bid page: register for a lot, submit a sealed envelope (the
supplier's own signature lines or the demo signer), withdraw it before the deadline."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import User
from zhengcai.bidding import access, client, forms, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.models import NegotiationRound, Participation, SubmissionWindow, SupplierKey
from zhengcai.bidding.views.common import int_field, me, message_of
from zhengcai.core.errors import DomainError, InvalidInput


@login_required
@require_POST
def register(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    try:
        lot = access.access_lot_for_supplier(user=user, pk=int_field(request.POST.get("lot")))
        if lot.project_id != pk:
            raise InvalidInput("采购包不属于该项目")
        services.participation_register(actor=user, lot=lot)
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, "报名成功")
    return redirect("bidding:project", pk)


def _demo_schedule(request: HttpRequest, part: Participation) -> dict[str, Any]:
    try:
        price = Decimal(request.POST.get("total_price", ""))
    except InvalidOperation as exc:
        raise InvalidInput("请填写总价", code=c.ERR_BAD_SCHEDULE) from exc
    return {
        "total_price": format(price, "f"),
        "discount": request.POST.get("discount", "") or "0",
        "delivery": request.POST.get("delivery", ""),
        "declarations": forms.declarations_from_post(
            request.POST,
            object_kind=part.project.object_kind,
            supplier_name=part.supplier.name,
        ),
    }


def _signed_from_form(
    request: HttpRequest, window_uid: str, key: SupplierKey, part: Participation
) -> tuple[dict[str, Any], str, dict[str, bytes], dict[str, str]]:
    """(schedule, schedule signature, files, file signatures) from the form: either the
    supplier's own signatures (lines printed by the client's `sign` / `sign-schedule`), or the
    demo signer."""
    uploads = request.FILES.getlist("files")
    files: dict[str, bytes] = {str(f.name): f.read() for f in uploads}
    if request.POST.get("demo_sign") == "1":
        signer = services.demo_signer(key)
        body = client.bid_payload(
            window_uid=window_uid,
            signer=signer,
            key_id=key.key_id,
            schedule=_demo_schedule(request, part),
            files=files,
        )
        sigs = {f["name"]: f["signature"] for f in body["files"]}
        return body["schedule"], body["schedule_signature"], files, sigs
    schedule_sig = ""
    schedule: dict[str, Any] = {}
    sigs = {}
    for line in request.POST.get("signatures", "").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            item = json.loads(line)
        except ValueError as exc:
            raise InvalidInput("签名清单格式不正确：每行一个 JSON", code="bad_signatures") from exc
        if "schedule" in item:
            schedule, schedule_sig = item["schedule"], item["signature"]
        else:
            sigs[item["name"]] = item["signature"]
    return schedule, schedule_sig, files, sigs


def submit_from_form(
    request: HttpRequest,
    user: User,
    part: Participation,
    window: SubmissionWindow,
    rnd: NegotiationRound | None = None,
) -> services.Submitted:
    """One sealed envelope from the form (the same signing flow for bids and final
    quotations), through one service: `bid_submit`, or `final_quote_submit` for a round."""
    key = access.access_signing_key(user=user, key_id=request.POST.get("key_id", ""))
    schedule, schedule_sig, files, sigs = _signed_from_form(request, window.uid, key, part)
    files_in = [services.FileIn(n, data, sigs.get(n, "")) for n, data in files.items()]
    evidence_in = services.EvidenceIn(
        ip=request.META.get("REMOTE_ADDR"),
        fingerprint=request.POST.get("fingerprint", ""),
        user_agent=request.headers.get("User-Agent", ""),
    )
    if rnd is not None:
        return services.final_quote_submit(
            actor=user,
            rnd=rnd,
            participation=part,
            key_id=key.key_id,
            schedule=schedule,
            schedule_signature=schedule_sig,
            files=files_in,
            evidence_in=evidence_in,
        )
    return services.bid_submit(
        actor=user,
        participation=part,
        window=window,
        key_id=key.key_id,
        schedule=schedule,
        schedule_signature=schedule_sig,
        files=files_in,
        evidence_in=evidence_in,
    )


def _warn(request: HttpRequest, result: services.Submitted) -> None:
    for problem in result.problems:
        messages.warning(request, problem)


@login_required
@require_POST
def submit(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    user = me(request)
    try:
        part = access.access_participation(user=user, pk=part_pk)
        result = submit_from_form(request, user, part, services.bid_window(part.project))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已密封递交，回执号 {result.receipt.receipt_id}")
        _warn(request, result)
    return redirect("bidding:project", pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int, bid_pk: int) -> HttpResponse:
    user = me(request)
    back = reverse("bidding:project", args=[pk])
    try:
        bid = access.access_bid(user=user, pk=bid_pk)
        if bid.window.kind == c.WindowKind.FINAL_QUOTE:
            back = reverse("bidding:rounds", args=[pk]) + f"#window-{bid.window_id}"
        services.bid_withdraw(actor=user, bid=bid)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已撤回，可在截止前重新递交")
    return redirect(back)
