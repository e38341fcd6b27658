"""Bidding API: keys, registration, sealed bids and receipts, bonds (refunds after the award
and the contract), opening, objections, 谈判/磋商 rounds with sealed final quotations, and
evidence. Handlers are thin: parse, access_*, one service, answer."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from zhengcai.accounts.auth import api_auth
from zhengcai.bidding import access, crypto, selectors, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.models import BidBond, NegotiationRound, Opening, Participation
from zhengcai.core import clock
from zhengcai.core.errors import InvalidInput, NotFound, PermissionDenied
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.tenders.models import Project

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
    changes: str = Field(min_length=1, max_length=5000, description="需求变更内容")
    purchaser_rep: str = Field(
        default="", max_length=60, description="确认变更的采购人代表（74号令 32；214号 18）"
    )
    final_deadline: dt.datetime | None = Field(
        default=None, description="填写则结束谈判并要求在此前密封递交最后报价（74号令 33）"
    )


class RoundOut(Schema):
    id: int
    number: int
    lot_id: int
    changes: str
    purchaser_rep: str
    recipients: list[int] = Field(description="书面通知的供应商（单位 id）")
    final_window_id: int | None
    final_window_uid: str | None
    final_deadline: dt.datetime | None
    created_at: dt.datetime


class FinalWindowOut(Schema):
    id: int
    uid: str = Field(description="签名最后报价时使用的窗口标识")
    deadline: dt.datetime
    status: str
    accepting: bool
    opening_id: int | None
    opening_status: str | None
    opening_outcome: str | None


class RecipientOut(Schema):
    participation_id: int
    supplier_id: int
    supplier_name: str
    state: str = Field(description="submitted | opened | pending | missing | eliminated")
    bid_id: int | None
    submitted_at: dt.datetime | None


class RoundViewOut(Schema):
    id: int
    number: int
    changes: str
    purchaser_rep: str
    created_at: dt.datetime
    recipient_count: int | None = Field(description="送达家数（供应商看不到）")
    final_window: FinalWindowOut | None
    recipients: list[RecipientOut] = Field(description="供应商只看到自己")


class RoundParticipationOut(Schema):
    id: int
    supplier_id: int
    supplier_name: str
    status: str
    eliminated_reason: str
    eliminated_at: dt.datetime | None


class LotRoundsOut(Schema):
    lot_id: int
    lot_number: int
    lot_name: str
    participations: list[RoundParticipationOut]
    rounds: list[RoundViewOut]


class EliminateIn(StrictIn):
    reason: str = Field(max_length=2000, description="淘汰理由（告知该供应商）")


class BondRowOut(Schema):
    id: int
    project_id: int
    project_no: str
    lot_id: int
    lot_number: int
    supplier_id: int
    supplier_name: str
    status: str
    amount: Decimal
    required_amount: Decimal
    form: str
    paid_at: dt.datetime | None
    refund_due: dt.date | None = Field(description="应退还日（条例 33；87号令 38）")
    refunded_at: dt.datetime | None
    contract_signed_on: dt.date | None
    basis: str = Field(description="退还期限的起算依据")
    overdue: bool = Field(description="逾期未退：应退还日之后仍未退还")
    late: bool = Field(description="逾期退还：退还晚于应退还日")


class BondPage(Schema):
    count: int
    items: list[BondRowOut]


class BondFilter(Schema):
    project_id: int | None = None
    overdue: bool = False
    limit: int = Field(default=50, ge=1, le=200)
    offset: int = Field(default=0, ge=0)


class ContractSignedIn(StrictIn):
    supplier_id: int = Field(description="中标（成交）供应商的单位 id")
    signed_on: dt.date


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


def _files_in(body: BidIn) -> list[services.FileIn]:
    files = []
    for f in body.files:
        try:
            files.append(
                services.FileIn(f.name, base64.b64decode(f.content_b64, validate=True), f.signature)
            )
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(f"文件内容不是有效的 base64：{f.name}", code="bad_base64") from exc
    return files


def _evidence_in(request: HttpRequest, body: BidIn) -> services.EvidenceIn:
    return services.EvidenceIn(
        ip=_client_ip(request),
        fingerprint=body.fingerprint or request.headers.get("X-Client-Fingerprint", ""),
        user_agent=request.headers.get("User-Agent", ""),
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
    result = services.bid_submit(
        actor=user,
        participation=part,
        window=window,
        key_id=body.key_id,
        schedule=body.schedule,
        schedule_signature=body.schedule_signature,
        files=_files_in(body),
        evidence_in=_evidence_in(request, body),
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


@router.get("/projects/{pk}/evidence", response={200: list[PairOut], API_ERRORS: ErrorOut})
def evidence_pairs(request: HttpRequest, pk: int) -> Any:
    """Pairs of bids sharing IP / fingerprint / file digest / author / bond account
    (87号令 37). Supervisors, regulators and admins; after the opening."""
    project = access.access_evidence(user=request_user(request), pk=pk)
    return selectors.evidence_pairs(project)


# --- 谈判 / 磋商 rounds and sealed final quotations ------------------------------------------


def _rounds_project(request: HttpRequest, pk: int) -> tuple[Project, str]:
    project, role = access.access_project(user=request_user(request), pk=pk)
    if not project.method_config.has_negotiation_rounds:
        raise NotFound("该采购方式没有谈判/磋商轮次")
    return project, role


def _require_round_agency(role: str) -> None:
    if role != "agency":
        raise PermissionDenied("只有本项目的代理机构可以组织谈判/磋商")


def _round_out(rnd: NegotiationRound) -> RoundOut:
    window = rnd.final_window
    return RoundOut(
        id=rnd.pk,
        number=rnd.number,
        lot_id=rnd.lot_id,
        changes=rnd.changes,
        purchaser_rep=rnd.purchaser_rep,
        recipients=list(rnd.recipients),
        final_window_id=window.pk if window else None,
        final_window_uid=window.uid if window else None,
        final_deadline=window.deadline if window else None,
        created_at=rnd.created_at,
    )


def _round_view_out(view: selectors.RoundView, *, supplier: bool) -> RoundViewOut:
    rnd, window, opening = view.round, view.window, view.opening
    return RoundViewOut(
        id=rnd.pk,
        number=rnd.number,
        changes=rnd.changes,
        purchaser_rep=rnd.purchaser_rep,
        created_at=rnd.created_at,
        recipient_count=None if supplier else len(rnd.recipients),
        final_window=FinalWindowOut(
            id=window.pk,
            uid=window.uid,
            deadline=window.deadline,
            status=window.status,
            accepting=view.accepting,
            opening_id=opening.pk if opening else None,
            opening_status=opening.status if opening else None,
            opening_outcome=opening.outcome if opening else None,
        )
        if window
        else None,
        recipients=[
            RecipientOut(
                participation_id=r.participation.pk,
                supplier_id=r.participation.supplier_id,
                supplier_name=r.participation.supplier.name,
                state=r.state,
                bid_id=r.bid.pk if r.bid else None,
                submitted_at=r.bid.submitted_at if r.bid else None,
            )
            for r in view.recipients
        ],
    )


def _round_participation_out(part: Participation) -> RoundParticipationOut:
    return RoundParticipationOut(
        id=part.pk,
        supplier_id=part.supplier_id,
        supplier_name=part.supplier.name,
        status=part.status,
        eliminated_reason=part.eliminated_reason,
        eliminated_at=part.eliminated_at,
    )


@router.post(
    "/projects/{pk}/rounds",
    response={201: RoundOut, API_ERRORS: ErrorOut},
    summary="新一轮谈判/磋商：书面通知需求变更（可要求最后报价）",
)
def round_create(request: HttpRequest, pk: int, body: RoundIn) -> Any:
    """The agency records a round for the panel once the responses are opened: the changes,
    confirmed by the 采购人代表, go in writing to every supplier still in the talks (74号令 32;
    214号 18). With `final_deadline` the talks end and sealed final quotations are invited
    (74号令 33; 214号 21). 422 `purchaser_rep_required`; 409 `responses_not_opened`,
    `no_remaining_suppliers`, `final_quotations_pending`."""
    project, role = _rounds_project(request, pk)
    _require_round_agency(role)
    lot = project.lots.filter(pk=body.lot_id).first()
    if lot is None:
        raise NotFound("采购包不存在")
    rnd = services.round_open(
        actor=request_user(request),
        lot=lot,
        changes=body.changes,
        purchaser_rep=body.purchaser_rep,
        final_deadline=body.final_deadline,
    )
    return Status(201, _round_out(rnd))


@router.get(
    "/projects/{pk}/rounds",
    response={200: list[LotRoundsOut], API_ERRORS: ErrorOut},
    summary="谈判/磋商轮次（供应商只见自己的报名和发给自己的轮次）",
)
def round_list(request: HttpRequest, pk: int) -> Any:
    """Per lot: the participations and the rounds. A supplier sees only its own participation
    and the rounds sent to it; once eliminated from a lot it sees only the reason (no rounds)."""
    user = request_user(request)
    project, role = _rounds_project(request, pk)
    supplier = role == "supplier"
    lots = selectors.negotiation_view(
        project, supplier_id=user.organization_id if supplier else None, now=clock.now()
    )
    if supplier and not any(lr.participations for lr in lots):
        raise NotFound("您未参加本项目的谈判/磋商")
    out = []
    for lr in lots:
        if supplier and not lr.participations:
            continue
        eliminated = supplier and all(
            p.status == c.ParticipationStatus.ELIMINATED for p in lr.participations
        )
        out.append(
            LotRoundsOut(
                lot_id=lr.lot.pk,
                lot_number=lr.lot.number,
                lot_name=lr.lot.name,
                participations=[_round_participation_out(p) for p in lr.participations],
                rounds=[]
                if eliminated
                else [_round_view_out(v, supplier=supplier) for v in lr.rounds],
            )
        )
    return out


@router.post(
    "/projects/{pk}/participations/{participation_id}/eliminate",
    response={200: RoundParticipationOut, API_ERRORS: ErrorOut},
    summary="淘汰供应商（须填写理由，告知该供应商）",
)
def participation_eliminate(
    request: HttpRequest, pk: int, participation_id: int, body: EliminateIn
) -> Any:
    """422 `reason_required` without a reason; 409 `bad_transition` if already eliminated."""
    project, role = _rounds_project(request, pk)
    _require_round_agency(role)
    part = (
        Participation.objects.select_related("project", "supplier")
        .filter(project=project, pk=participation_id)
        .first()
    )
    if part is None:
        raise NotFound("报名记录不存在")
    part = services.participation_eliminate(
        actor=request_user(request), participation=part, reason=body.reason
    )
    return _round_participation_out(part)


@router.post(
    "/participations/{pk}/rounds/{round_id}/final-quotes",
    response={201: ReceiptOut, API_ERRORS: ErrorOut},
    summary="密封递交最后报价（与投标递交相同的请求体）",
)
def final_quote_submit(request: HttpRequest, pk: int, round_id: int, body: BidIn) -> Any:
    """A sealed final quotation into the round's window (body from
    `zhengcai.bidding.client.bid_payload` with the round's `final_window.uid`). Only a supplier
    the round was sent to and still in the talks (403 `not_invited`, 409 `not_registered`);
    409 `no_final_window` if the round invited none; 409 `deadline_passed` from the deadline.
    Send an `Idempotency-Key` to retry safely."""
    user = request_user(request)
    part = access.access_participation(user=user, pk=pk)
    rnd = (
        NegotiationRound.objects.select_related("final_window")
        .filter(pk=round_id, project_id=part.project_id)
        .first()
    )
    if rnd is None:
        raise NotFound("谈判/磋商轮次不存在")
    result = services.final_quote_submit(
        actor=user,
        rnd=rnd,
        participation=part,
        key_id=body.key_id,
        schedule=body.schedule,
        schedule_signature=body.schedule_signature,
        files=_files_in(body),
        evidence_in=_evidence_in(request, body),
    )
    return Status(201, _receipt_out(result.bid))


# --- bid bonds after the award and the contract ----------------------------------------------


def _bond_row_out(row: selectors.BondRow) -> BondRowOut:
    bond = row.bond
    return BondRowOut(
        id=bond.pk,
        project_id=row.project.pk,
        project_no=row.project.project_no,
        lot_id=row.lot.pk,
        lot_number=row.lot.number,
        supplier_id=row.supplier.pk,
        supplier_name=row.supplier.name,
        status=bond.status,
        amount=bond.amount,
        required_amount=bond.required_amount,
        form=bond.form,
        paid_at=bond.paid_at,
        refund_due=bond.refund_due,
        refunded_at=bond.refunded_at,
        contract_signed_on=bond.contract_signed_on,
        basis=row.basis,
        overdue=row.overdue,
        late=row.late,
    )


def _bond_out(bond: BidBond) -> BondRowOut:
    rows = selectors.bond_rows(BidBond.objects.filter(pk=bond.pk), today=clock.today())
    return _bond_row_out(rows[0])


@router.get(
    "/bonds",
    response={200: BondPage, API_ERRORS: ErrorOut},
    summary="投标保证金（项目的代理机构、采购人；供应商只见自己的）",
)
def bond_list(request: HttpRequest, filters: Query[BondFilter]) -> Any:
    """Status, refund basis and due day, 逾期未退 (`overdue`) and 逾期退还 (`late`) flags
    computed from the server clock (条例 33; 87号令 38). `overdue=true` lists only the bonds
    still held after their refund day."""
    qs = selectors.bonds_visible(request_user(request))
    if filters.project_id is not None:
        qs = qs.filter(participation__project_id=filters.project_id)
    total, rows = selectors.bond_page(
        qs,
        today=clock.today(),
        overdue_only=filters.overdue,
        limit=filters.limit,
        offset=filters.offset,
    )
    return BondPage(count=total, items=[_bond_row_out(r) for r in rows])


@router.post(
    "/bonds/{pk}/refund",
    response={200: BondRowOut, API_ERRORS: ErrorOut},
    summary="登记退还投标保证金（项目的采购人或代理机构）",
)
def bond_refund(request: HttpRequest, pk: int) -> Any:
    """403 `not_bond_officer` for anyone but the project's purchaser or agency; 409
    `bad_transition` if already refunded or none was required."""
    user = request_user(request)
    bond = access.access_bond(user=user, pk=pk)
    return _bond_out(services.bond_refund(actor=user, bond=bond))


@router.post(
    "/lots/{lot_id}/contract-signed",
    response={200: BondRowOut, API_ERRORS: ErrorOut},
    summary="登记中标（成交）供应商合同签订日，起算其保证金退还期限",
)
def bond_contract_signed(request: HttpRequest, lot_id: int, body: ContractSignedIn) -> Any:
    """The winner's bid security is refunded within 5 working days after the contract is
    signed (条例 33; 87号令 38): this records the day and schedules `refund_due`. 409
    `not_awarded`, `no_bond_to_refund`, `contract_already_recorded`; 422 `date_invalid` for a
    day in the future; 403 `not_bond_officer`."""
    user = request_user(request)
    bond = access.access_lot_bond(user=user, lot_id=lot_id, supplier_id=body.supplier_id)
    bond = services.bond_contract_signed(
        actor=user,
        lot=bond.participation.lot,
        supplier=bond.participation.supplier,
        signed_on=body.signed_on,
    )
    return _bond_out(bond)
