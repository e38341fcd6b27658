"""Evaluation API: committee, review, scoring, flags, abnormal-low, conclusion, signatures,
award and the report. Handlers are thin: parse, access_*, one service, answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from zhengcai.accounts.auth import api_auth
from zhengcai.accounts.models import User
from zhengcai.core.errors import InvalidInput, NotFound, PermissionDenied
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.evaluation import access, lowprice, selectors, services
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Evaluation, Member

router = Router(auth=api_auth(), tags=["evaluation"])


class OpenIn(StrictIn):
    lot_id: int
    draw_id: int
    purchaser_rep_ids: list[int] = Field(default_factory=list, max_length=10)


class MemberOut(Schema):
    id: int
    name: str
    kind: str
    is_chair: bool
    declared: bool
    status: str
    reason: str = ""
    replaces_id: int | None = None


class ReasonIn(StrictIn):
    reason: str = Field(default="", max_length=500)


class ReplaceIn(StrictIn):
    reason: str = Field(default="", max_length=500)
    invitation_id: int | None = None


class PendingOut(Schema):
    invitation_id: int
    deadline: dt.datetime


class ReplaceOut(Schema):
    seated: bool  # false: a replacement round runs, the seat stays vacant until confirmed
    member: MemberOut  # the new member, or the vacated seat while the round runs
    pending: list[PendingOut]


class BidOut(Schema):
    id: int
    supplier: str
    opening_price: Decimal
    qualification: str
    compliance: str
    valid: bool
    reason_invalid: str
    evaluated_price: Decimal | None
    price_score: Decimal | None
    total_score: Decimal | None
    abnormal_state: str
    rank: int | None
    order: int | None


class EvaluationOut(Schema):
    id: int
    project_id: int
    lot_id: int
    method: str
    status: str
    seed_hash: str
    seed: str | None
    members: list[MemberOut]
    bids: list[BidOut]
    award_due: dt.date | None
    awarded_supplier_id: int | None


class EvaluationListOut(Schema):
    id: int
    project_id: int
    lot_id: int
    status: str
    method: str


class DeclareIn(StrictIn):
    conflict: bool
    note: str = Field(default="", max_length=500)


class MemberIdIn(StrictIn):
    member_id: int


class CheckIn(StrictIn):
    stage: c.Stage
    passed: bool
    reason: str = Field(default="", max_length=1000)


class CheckOut(Schema):
    id: int
    stage: str
    passed: bool
    reason: str


class ScoresIn(StrictIn):
    scores: dict[str, Decimal]
    notes: dict[str, str] = Field(default_factory=dict)


class ScoreOut(Schema):
    factor: str
    value: Decimal
    revision: int


class SettleIn(StrictIn):
    action: c.FlagAction
    note: str = Field(min_length=1, max_length=1000)


class FlagOut(Schema):
    id: int
    reviewed_bid_id: int
    factor: str
    low: Decimal
    high: Decimal
    reason: str
    status: str
    note: str


class TextIn(StrictIn):
    text: str = Field(min_length=1, max_length=5000)


class DecideIn(StrictIn):
    accepted: bool
    reason: str = Field(min_length=1, max_length=500)


class SignIn(StrictIn):
    agrees: bool
    dissent: str = Field(default="", max_length=5000)
    password: str = Field(min_length=1, max_length=200)


class SignatureOut(Schema):
    id: int
    agrees: bool
    dissent: str
    digest: str
    payload: dict[str, Any]
    platform_signature: str


class AwardIn(StrictIn):
    supplier_id: int
    reason: str = Field(default="", max_length=500)


def _out(ev: Evaluation, user: User) -> dict[str, Any]:
    return {
        "id": ev.pk,
        "project_id": ev.project_id,
        "lot_id": ev.lot_id,
        "method": ev.method,
        "status": ev.status,
        "seed_hash": ev.seed_hash,
        "seed": ev.revealed_seed,
        "members": [
            {
                "id": m.pk,
                "name": m.name,
                "kind": m.kind,
                "is_chair": m.is_chair,
                "declared": m.declared,
                "status": m.status,
                "reason": m.reason,
                "replaces_id": m.replaces_pk,
            }
            for m in selectors.members(ev, user)
        ],
        "bids": [_bid_out(rb) for rb in ev.bids.select_related("supplier").order_by("order", "pk")],
        "award_due": ev.award_due,
        "awarded_supplier_id": ev.awarded_supplier_id,
    }


def _ev(request: HttpRequest, pk: int) -> tuple[User, Evaluation]:
    user = request_user(request)
    return user, access.access_evaluation(user=user, pk=pk)


@router.get("/evaluations", response={200: list[EvaluationListOut], API_ERRORS: ErrorOut})
def evaluation_list(request: HttpRequest) -> Any:
    return list(selectors.evaluations_for_user(request_user(request))[:200])


@router.post("/evaluations", response={201: EvaluationOut, API_ERRORS: ErrorOut})
def evaluation_open(request: HttpRequest, body: OpenIn) -> Any:
    user = request_user(request)
    lot = selectors.lot_with_project(body.lot_id)
    if lot is None or lot.project.agency_id != user.organization_id:
        raise NotFound("采购包不存在")
    draw = selectors.draw_of_agency(body.draw_id, lot.project.agency_id)
    if draw is None:
        raise NotFound("专家抽取申请不存在")
    reps = selectors.users_by_pk(body.purchaser_rep_ids)
    if len(reps) != len(set(body.purchaser_rep_ids)):
        raise InvalidInput("采购人代表不存在", code=c.ERR_COMMITTEE)
    ev = services.evaluation_open(actor=user, lot=lot, draw=draw, purchaser_reps=reps)
    return Status(201, _out(ev, user))


@router.get("/evaluations/{pk}", response={200: EvaluationOut, API_ERRORS: ErrorOut})
def evaluation_get(request: HttpRequest, pk: int) -> Any:
    user, ev = _ev(request, pk)
    return _out(ev, user)


@router.post("/members/{pk}/declare", response={200: MemberOut, API_ERRORS: ErrorOut})
def member_declare(request: HttpRequest, pk: int, body: DeclareIn) -> Any:
    user = request_user(request)
    m = access.access_own_member(user=user, pk=pk)
    m = services.member_declare(actor=user, member=m, conflict=body.conflict, note=body.note)
    return {
        "id": m.pk,
        "name": user.get_full_name(),
        "kind": m.kind,
        "is_chair": m.is_chair,
        "declared": m.declared_at is not None,
        "status": m.status,
    }


@router.post("/evaluations/{pk}/chair", response={200: EvaluationOut, API_ERRORS: ErrorOut})
def chair_elect(request: HttpRequest, pk: int, body: MemberIdIn) -> Any:
    user, ev = _ev(request, pk)
    member = selectors.member_of_evaluation(ev, body.member_id)
    if member is None:
        raise NotFound("成员不存在")
    services.chair_elect(actor=user, evaluation=ev, member=member)
    return _out(ev, user)


def _member_of(request: HttpRequest, pk: int) -> tuple[User, Member]:
    user = request_user(request)
    m = selectors.member_get(pk)
    if m is None:
        raise NotFound("成员不存在")
    access.access_evaluation(user=user, pk=m.evaluation_id)
    return user, m


def _member_out(m: Member, user: User) -> dict[str, Any]:
    view = next(v for v in selectors.members(m.evaluation, user) if v.pk == m.pk)
    return {
        "id": view.pk,
        "name": view.name,
        "kind": view.kind,
        "is_chair": view.is_chair,
        "declared": view.declared,
        "status": view.status,
        "reason": view.reason,
        "replaces_id": view.replaces_pk,
    }


@router.post("/members/{pk}/absent", response={200: MemberOut, API_ERRORS: ErrorOut})
def member_absent(request: HttpRequest, pk: int, body: ReasonIn) -> Any:
    """The agency records a member absent (87号令 49): the seat is vacant, opinions void."""
    user, m = _member_of(request, pk)
    m = services.member_absent(actor=user, member=m, reason=body.reason)
    return _member_out(m, user)


@router.post("/members/{pk}/replace", response={200: ReplaceOut, API_ERRORS: ErrorOut})
def member_replace(request: HttpRequest, pk: int, body: ReplaceIn) -> Any:
    """The agency replaces a recused / absent member from the same draw (87号令 49; 198号 17):
    with a confirmed spare the newcomer is seated at once (`seated`); otherwise a replacement
    round runs and the call is repeated once the drawn expert confirmed."""
    user, m = _member_of(request, pk)
    invitation = None
    if body.invitation_id is not None:
        invitation = selectors.replacement_invitation(body.invitation_id, m.evaluation.draw_id)
        if invitation is None:
            raise NotFound("专家邀请不存在")
    result = services.member_replace(
        actor=user, member=m, reason=body.reason, invitation=invitation
    )
    pending = services.pending_replacements(result.evaluation)
    return {
        "seated": result.pk != m.pk,
        "member": _member_out(result, user),
        "pending": [{"invitation_id": i.pk, "deadline": i.deadline} for i in pending],
    }


@router.post("/evaluations/{pk}/stop", response={200: EvaluationOut, API_ERRORS: ErrorOut})
def evaluation_stop(request: HttpRequest, pk: int, body: ReasonIn) -> Any:
    """The committee cannot be completed in time: the evaluation stops (87号令 49)."""
    user, ev = _ev(request, pk)
    ev = services.evaluation_stop(actor=user, evaluation=ev, reason=body.reason)
    return _out(ev, user)


def _action(name: str) -> Any:
    def handler(request: HttpRequest, pk: int) -> Any:
        user, ev = _ev(request, pk)
        ev = getattr(services, name)(actor=user, evaluation=ev)
        return _out(ev, user)

    handler.__name__ = name
    return handler


for _path, _name in [
    ("start", "evaluation_start"),
    ("review-close", "review_close"),
    ("scoring-close", "scoring_close"),
    ("conclude", "evaluation_conclude"),
]:
    router.post(
        f"/evaluations/{{pk}}/{_path}", response={200: EvaluationOut, API_ERRORS: ErrorOut}
    )(_action(_name))


@router.post("/bids/{pk}/checks", response={201: CheckOut, API_ERRORS: ErrorOut})
def check_record(request: HttpRequest, pk: int, body: CheckIn) -> Any:
    user = request_user(request)
    rb = access.access_reviewed_bid(user=user, pk=pk)
    ch = services.check_record(
        actor=user, reviewed_bid=rb, stage=body.stage, passed=body.passed, reason=body.reason
    )
    return Status(201, ch)


@router.post("/bids/{pk}/scores", response={200: list[ScoreOut], API_ERRORS: ErrorOut})
def score_submit(request: HttpRequest, pk: int, body: ScoresIn) -> Any:
    user = request_user(request)
    rb = access.access_reviewed_bid(user=user, pk=pk)
    return services.score_submit(actor=user, reviewed_bid=rb, scores=body.scores, notes=body.notes)


@router.get("/evaluations/{pk}/flags", response={200: list[FlagOut], API_ERRORS: ErrorOut})
def flag_list(request: HttpRequest, pk: int) -> Any:
    _, ev = _ev(request, pk)
    return list(selectors.flags(ev))


@router.post("/flags/{pk}/settle", response={200: FlagOut, API_ERRORS: ErrorOut})
def flag_settle(request: HttpRequest, pk: int, body: SettleIn) -> Any:
    user = request_user(request)
    flag = selectors.flag_get(pk)
    if flag is None:
        raise NotFound("标记不存在")
    access.access_evaluation(user=user, pk=flag.evaluation_id)
    return services.flag_settle(actor=user, flag=flag, action=body.action, note=body.note)


@router.post("/bids/{pk}/justification", response={200: BidOut, API_ERRORS: ErrorOut})
def abnormal_justify(request: HttpRequest, pk: int, body: TextIn) -> Any:
    user = request_user(request)
    rb = access.access_supplier_request(user=user, pk=pk)
    rb = services.abnormal_justify(actor=user, reviewed_bid=rb, text=body.text)
    return _bid_out(rb)


@router.post("/bids/{pk}/abnormal-raise", response={200: BidOut, API_ERRORS: ErrorOut})
def abnormal_raise(request: HttpRequest, pk: int, body: TextIn) -> Any:
    """A member flags the price as abnormally low by hand (87号令 60)."""
    user = request_user(request)
    rb = access.access_reviewed_bid(user=user, pk=pk)
    return _bid_out(lowprice.abnormal_raise(actor=user, reviewed_bid=rb, reason=body.text))


@router.post("/bids/{pk}/abnormal-decision", response={200: BidOut, API_ERRORS: ErrorOut})
def abnormal_decide(request: HttpRequest, pk: int, body: DecideIn) -> Any:
    user = request_user(request)
    rb = access.access_reviewed_bid(user=user, pk=pk)
    rb = services.abnormal_decide(
        actor=user, reviewed_bid=rb, accepted=body.accepted, reason=body.reason
    )
    return _bid_out(rb)


def _bid_out(rb: Any) -> dict[str, Any]:
    return {
        "id": rb.pk,
        "supplier": rb.supplier.name,
        "opening_price": rb.opening_price,
        "qualification": rb.qualification,
        "compliance": rb.compliance,
        "valid": rb.valid,
        "reason_invalid": rb.reason_invalid,
        "evaluated_price": rb.evaluated_price,
        "price_score": rb.price_score,
        "total_score": rb.total_score,
        "abnormal_state": rb.abnormal_state,
        "rank": rb.rank,
        "order": rb.order,
    }


@router.post("/evaluations/{pk}/sign", response={201: SignatureOut, API_ERRORS: ErrorOut})
def report_sign(request: HttpRequest, pk: int, body: SignIn) -> Any:
    user, ev = _ev(request, pk)
    sig = services.report_sign(
        actor=user, evaluation=ev, agrees=body.agrees, dissent=body.dissent, password=body.password
    )
    return Status(201, sig)


@router.post("/evaluations/{pk}/award", response={200: EvaluationOut, API_ERRORS: ErrorOut})
def award_confirm(request: HttpRequest, pk: int, body: AwardIn) -> Any:
    user, ev = _ev(request, pk)
    supplier = selectors.organization_get(body.supplier_id)
    if supplier is None:
        raise NotFound("供应商不存在")
    ev = services.award_confirm(actor=user, evaluation=ev, supplier=supplier, reason=body.reason)
    return _out(ev, user)


@router.get("/evaluations/{pk}/report.pdf", response={200: None, API_ERRORS: ErrorOut})
def report_pdf(request: HttpRequest, pk: int) -> Any:
    user, ev = _ev(request, pk)
    if access.role_in(user, ev) is None:
        raise PermissionDenied("无权查看评审报告")
    rep = selectors.current_report(ev)
    if rep is None or not rep.pdf:
        raise NotFound("评审报告尚未生成")
    return FileResponse(rep.pdf.open("rb"), content_type="application/pdf")
