"""谈判/磋商 rounds and sealed final quotations."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from zhengcai.bidding import access, selectors, services
from zhengcai.bidding import constants as c
from zhengcai.bidding.api.common import evidence_in, files_in, op, receipt_out, router
from zhengcai.bidding.api.schemas import (
    BidIn,
    EliminateIn,
    FinalWindowOut,
    LotRoundsOut,
    ReceiptOut,
    RecipientOut,
    RoundIn,
    RoundOut,
    RoundParticipationOut,
    RoundViewOut,
)
from zhengcai.bidding.models import NegotiationRound, Participation
from zhengcai.core import clock
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.tenders.models import Project


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
    operation_id=op("round_create"),
)
def round_create(request: HttpRequest, pk: int, body: RoundIn) -> Any:
    """The agency records a round for the panel once the responses are opened: the changes,
    confirmed by the 采购人代表, go in writing to every supplier still in the talks (74号令 32;
    214号 18). With `final_deadline` the talks end and sealed final quotations are invited
    (74号令 33; 214号 21). 422 `purchaser_rep_required`; 409 `responses_not_opened`,
    `no_remaining_suppliers`, `final_quotations_pending`."""
    project, role = _rounds_project(request, pk)
    _require_round_agency(role)
    lot = access.access_lot_of(project=project, pk=body.lot_id)
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
    operation_id=op("round_list"),
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
    operation_id=op("participation_eliminate"),
)
def participation_eliminate(
    request: HttpRequest, pk: int, participation_id: int, body: EliminateIn
) -> Any:
    """422 `reason_required` without a reason; 409 `bad_transition` if already eliminated."""
    project, role = _rounds_project(request, pk)
    _require_round_agency(role)
    part = access.access_participation_of(project=project, pk=participation_id)
    part = services.participation_eliminate(
        actor=request_user(request), participation=part, reason=body.reason
    )
    return _round_participation_out(part)


@router.post(
    "/participations/{pk}/rounds/{round_id}/final-quotes",
    response={201: ReceiptOut, API_ERRORS: ErrorOut},
    summary="密封递交最后报价（与投标递交相同的请求体）",
    operation_id=op("final_quote_submit"),
)
def final_quote_submit(request: HttpRequest, pk: int, round_id: int, body: BidIn) -> Any:
    """A sealed final quotation into the round's window (body from
    `zhengcai.bidding.client.bid_payload` with the round's `final_window.uid`). Only a supplier
    the round was sent to and still in the talks (403 `not_invited`, 409 `not_registered`);
    409 `no_final_window` if the round invited none; 409 `deadline_passed` from the deadline.
    Send an `Idempotency-Key` to retry safely."""
    user = request_user(request)
    part = access.access_participation(user=user, pk=pk)
    rnd = access.access_round(participation=part, pk=round_id)
    result = services.final_quote_submit(
        actor=user,
        rnd=rnd,
        participation=part,
        key_id=body.key_id,
        schedule=body.schedule,
        schedule_signature=body.schedule_signature,
        files=files_in(body),
        evidence_in=evidence_in(request, body),
    )
    return Status(201, receipt_out(result.bid))
