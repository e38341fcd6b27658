"""Bidding API: keys, registration, sealed bids and receipts, bonds, opening, objections,
rounds and evidence. Handlers are thin: parse, access_*, one service, answer."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from zhengcai.accounts.auth import api_auth
from zhengcai.bidding import access, crypto, selectors, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.models import Opening
from zhengcai.core.errors import InvalidInput, NotFound, PermissionDenied
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

router = Router(auth=api_auth(), tags=["bidding"])


def _client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class KeyIn(StrictIn):
    public_key: str = Field(description="PEM（ECDSA P-256）或 128 位十六进制（SM2）")
    label: str = ""


class KeyOut(Schema):
    key_id: str
    algo: str
    public_key: str


class PlatformKeyOut(Schema):
    algorithm: str
    public_key_pem: str


class ParticipationOut(Schema):
    id: int
    project_id: int
    lot_id: int
    status: str
    window_id: int
    window_uid: str
    deadline: dt.datetime


class FileBody(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    content_b64: str
    signature: str


class BidIn(StrictIn):
    key_id: str
    schedule: dict[str, Any]
    schedule_signature: str
    files: list[FileBody] = Field(default_factory=list, max_length=c.MAX_FILES)
    fingerprint: str = Field(default="", max_length=128)


class ReceiptOut(Schema):
    bid_id: int
    status: str
    receipt: dict[str, Any]
    signature: str


class BondIn(StrictIn):
    amount: Decimal
    form: str = "保函"
    payer_account: str = ""
    sme_size: c.SmeSize = c.SmeSize.NONE
    special: str = Field(default="", pattern="^(|prison_enterprise|disabled_welfare)$")


class BondOut(Schema):
    status: str
    amount: Decimal
    required_amount: Decimal


class OpeningOut(Schema):
    id: int
    status: str
    outcome: str
    record: dict[str, Any]
    record_digest: str
    platform_signature: str


class TextIn(StrictIn):
    text: str = Field(min_length=1, max_length=2000)


class RoundIn(StrictIn):
    lot_id: int
    changes: str = Field(min_length=1, max_length=5000)
    final_deadline: dt.datetime | None = None


class RoundOut(Schema):
    number: int
    recipients: list[int]
    final_window_id: int | None


class PairOut(Schema):
    a: str
    b: str
    lot: int
    reasons: list[str]


@router.get("/platform-key", response={200: PlatformKeyOut}, auth=None)
def platform_key(request: HttpRequest) -> dict[str, str]:
    """The platform's Ed25519 public key, to verify receipts and opening records offline."""
    return {"algorithm": "Ed25519", "public_key_pem": crypto.platform_public_key_pem()}


@router.post("/keys", response={201: KeyOut, API_ERRORS: ErrorOut})
def key_register(request: HttpRequest, body: KeyIn) -> Any:
    key = services.key_register(
        actor=request_user(request), public_key=body.public_key, label=body.label
    )
    return Status(201, key)


@router.post(
    "/lots/{lot_id}/participations", response={201: ParticipationOut, API_ERRORS: ErrorOut}
)
def participation_register(request: HttpRequest, lot_id: int) -> Any:
    lot = access.access_lot_for_supplier(user=request_user(request), pk=lot_id)
    part = services.participation_register(actor=request_user(request), lot=lot)
    return Status(201, _part_out(part))


def _part_out(part: Any) -> dict[str, Any]:
    window = services.bid_window(part.project)
    return {
        "id": part.pk,
        "project_id": part.project_id,
        "lot_id": part.lot_id,
        "status": part.status,
        "window_id": window.pk,
        "window_uid": window.uid,
        "deadline": window.deadline,
    }


@router.get("/participations/{pk}", response={200: ParticipationOut, API_ERRORS: ErrorOut})
def participation_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _part_out(access.access_participation(user=request_user(request), pk=pk))


@router.post("/participations/{pk}/bond", response={200: BondOut, API_ERRORS: ErrorOut})
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
)
def bid_submit(request: HttpRequest, pk: int, window_id: int, body: BidIn) -> Any:
    """Submit a sealed envelope (body from `zhengcai.bidding.client.bid_payload`). 409
    `deadline_passed` at or after the deadline; 422 `bad_signature` if a signature does not
    cover its document's digest. Send an `Idempotency-Key` to retry safely."""
    user = request_user(request)
    part = access.access_participation(user=user, pk=pk)
    window = access.access_window(user=user, pk=window_id)
    if window.project_id != part.project_id:
        raise NotFound("递交窗口不存在")
    files = []
    for f in body.files:
        try:
            files.append(
                services.FileIn(f.name, base64.b64decode(f.content_b64, validate=True), f.signature)
            )
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(f"文件内容不是有效的 base64：{f.name}", code="bad_base64") from exc
    result = services.bid_submit(
        actor=user,
        participation=part,
        window=window,
        key_id=body.key_id,
        schedule=body.schedule,
        schedule_signature=body.schedule_signature,
        files=files,
        evidence_in=services.EvidenceIn(
            ip=_client_ip(request),
            fingerprint=body.fingerprint or request.headers.get("X-Client-Fingerprint", ""),
            user_agent=request.headers.get("User-Agent", ""),
        ),
    )
    return Status(201, _receipt_out(result.bid))


def _receipt_out(bid: Any) -> dict[str, Any]:
    return {
        "bid_id": bid.pk,
        "status": bid.status,
        "receipt": bid.receipt.payload,
        "signature": bid.receipt.signature,
    }


@router.get("/bids/{pk}", response={200: ReceiptOut, API_ERRORS: ErrorOut})
def bid_get(request: HttpRequest, pk: int) -> dict[str, Any]:
    """The supplier's own bid: status and signed receipt (never its plaintext)."""
    return _receipt_out(access.access_bid(user=request_user(request), pk=pk))


@router.post("/bids/{pk}/withdraw", response={200: ReceiptOut, API_ERRORS: ErrorOut})
def bid_withdraw(request: HttpRequest, pk: int) -> dict[str, Any]:
    bid = access.access_bid(user=request_user(request), pk=pk)
    return _receipt_out(services.bid_withdraw(actor=request_user(request), bid=bid))


@router.post("/windows/{pk}/opening", response={201: OpeningOut, API_ERRORS: ErrorOut})
def opening_start(request: HttpRequest, pk: int) -> Any:
    """开标 (agency of the project, from the deadline on). `outcome` tells the project what
    follows: opened / terminate / needs_method_change."""
    window = access.access_window(user=request_user(request), pk=pk, action="open")
    return Status(201, services.opening_start(actor=request_user(request), window=window).opening)


@router.get("/windows/{pk}/opening", response={200: OpeningOut, API_ERRORS: ErrorOut})
def opening_get(request: HttpRequest, pk: int) -> Any:
    window = access.access_window(user=request_user(request), pk=pk)
    opening = Opening.objects.filter(window=window).first()
    if opening is None:
        raise NotFound("尚未开标")
    access.access_opening(user=request_user(request), pk=opening.pk)
    return opening


@router.post("/openings/{pk}/objections", response={201: dict, API_ERRORS: ErrorOut})
def objection_raise(request: HttpRequest, pk: int, body: TextIn) -> Any:
    opening, _ = access.access_opening(user=request_user(request), pk=pk)
    obj = services.objection_raise(actor=request_user(request), opening=opening, text=body.text)
    return Status(201, {"id": obj.pk})


@router.post("/objections/{pk}/answer", response={200: dict, API_ERRORS: ErrorOut})
def objection_answer(request: HttpRequest, pk: int, body: TextIn) -> Any:
    obj = access.access_objection(user=request_user(request), pk=pk)
    services.objection_answer(actor=request_user(request), objection=obj, answer=body.text)
    return {"id": obj.pk}


@router.post("/openings/{pk}/sign", response={200: OpeningOut, API_ERRORS: ErrorOut})
def opening_sign(request: HttpRequest, pk: int) -> Any:
    opening, role = access.access_opening(user=request_user(request), pk=pk)
    if role != "agency":
        raise PermissionDenied("只有代理机构可以确认开标记录")
    return services.opening_sign(actor=request_user(request), opening=opening)


@router.post("/projects/{pk}/rounds", response={201: RoundOut, API_ERRORS: ErrorOut})
def round_create(request: HttpRequest, pk: int, body: RoundIn) -> Any:
    project, _ = access.access_project(user=request_user(request), pk=pk)
    lot = project.lots.filter(pk=body.lot_id).first()
    if lot is None:
        raise NotFound("采购包不存在")
    rnd = services.round_create(
        actor=request_user(request),
        lot=lot,
        changes=body.changes,
        final_deadline=body.final_deadline,
    )
    return Status(201, rnd)


@router.get("/projects/{pk}/evidence", response={200: list[PairOut], API_ERRORS: ErrorOut})
def evidence_pairs(request: HttpRequest, pk: int) -> Any:
    """Pairs of bids sharing IP / fingerprint / file digest / author / bond account
    (87号令 37). Supervisors, regulators and admins; after the opening."""
    project = access.access_evidence(user=request_user(request), pk=pk)
    return selectors.evidence_pairs(project)
