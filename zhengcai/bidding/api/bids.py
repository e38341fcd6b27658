"""Keys, registration, the bid bond as the supplier records it, sealed bids and receipts."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from zhengcai.bidding import access, crypto, services
from zhengcai.bidding.api.common import evidence_in, files_in, op, part_out, receipt_out, router
from zhengcai.bidding.api.schemas import (
    BidIn,
    BondIn,
    BondOut,
    KeyIn,
    KeyOut,
    ParticipationOut,
    PlatformKeyOut,
    ReceiptOut,
)
from zhengcai.core.errors import NotFound
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut


@router.get(
    "/platform-key", response={200: PlatformKeyOut}, auth=None, operation_id=op("platform_key")
)
def platform_key(request: HttpRequest) -> dict[str, str]:
    """The platform's Ed25519 public key, to verify receipts and opening records offline."""
    return {"algorithm": "Ed25519", "public_key_pem": crypto.platform_public_key_pem()}


@router.post("/keys", response={201: KeyOut, API_ERRORS: ErrorOut}, operation_id=op("key_register"))
def key_register(request: HttpRequest, body: KeyIn) -> Any:
    key = services.key_register(
        actor=request_user(request), public_key=body.public_key, label=body.label
    )
    return Status(201, key)


@router.post(
    "/lots/{lot_id}/participations",
    response={201: ParticipationOut, API_ERRORS: ErrorOut},
    operation_id=op("participation_register"),
)
def participation_register(request: HttpRequest, lot_id: int) -> Any:
    lot = access.access_lot_for_supplier(user=request_user(request), pk=lot_id)
    part = services.participation_register(actor=request_user(request), lot=lot)
    return Status(201, part_out(part))


@router.get(
    "/participations/{pk}",
    response={200: ParticipationOut, API_ERRORS: ErrorOut},
    operation_id=op("participation_get"),
)
def participation_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return part_out(access.access_participation(user=request_user(request), pk=pk))


@router.post(
    "/participations/{pk}/bond",
    response={200: BondOut, API_ERRORS: ErrorOut},
    operation_id=op("bond_record"),
)
def bond_record(request: HttpRequest, pk: int, body: BondIn) -> Any:
    part = access.access_participation(user=request_user(request), pk=pk)
    return services.bond_record(
        actor=request_user(request),
        participation=part,
        amount=body.amount,
        form=body.form,
        payer_account=body.payer_account,
        sme_size=body.sme_size,
        special=body.special,
    )


@router.post(
    "/participations/{pk}/windows/{window_id}/bids",
    response={201: ReceiptOut, API_ERRORS: ErrorOut},
    operation_id=op("bid_submit"),
)
def bid_submit(request: HttpRequest, pk: int, window_id: int, body: BidIn) -> Any:
    """Submit a sealed envelope (body from `zhengcai.bidding.client.bid_payload`). 409
    `deadline_passed` at or after the deadline; 422 `bad_signature` if a signature does not
    cover its document's digest, `bad_declaration` if the 中小企业声明函 in
    `schedule.declarations.sme_declaration` has a value of the wrong kind (its format:
    docs/bidding-declarations.md). An incomplete declaration is accepted; `warnings` says
    why it gets no SME measure (46号 4). Send an `Idempotency-Key` to retry safely."""
    user = request_user(request)
    part = access.access_participation(user=user, pk=pk)
    window = access.access_window(user=user, pk=window_id)
    if window.project_id != part.project_id:
        raise NotFound("递交窗口不存在")
    result = services.bid_submit(
        actor=user,
        participation=part,
        window=window,
        key_id=body.key_id,
        schedule=body.schedule,
        schedule_signature=body.schedule_signature,
        files=files_in(body),
        evidence_in=evidence_in(request, body),
    )
    return Status(201, receipt_out(result.bid, result.problems))


@router.get(
    "/bids/{pk}", response={200: ReceiptOut, API_ERRORS: ErrorOut}, operation_id=op("bid_get")
)
def bid_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The supplier's own bid: status and signed receipt (never its plaintext)."""
    return receipt_out(access.access_bid(user=request_user(request), pk=pk))


@router.post(
    "/bids/{pk}/withdraw",
    response={200: ReceiptOut, API_ERRORS: ErrorOut},
    operation_id=op("bid_withdraw"),
)
def bid_withdraw(request: HttpRequest, pk: int) -> dict[str, Any]:
    bid = access.access_bid(user=request_user(request), pk=pk)
    return receipt_out(services.bid_withdraw(actor=request_user(request), bid=bid))
