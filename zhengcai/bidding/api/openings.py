"""The opening, objections and the signed record; the evidence pairs for supervisors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Status

from zhengcai.bidding import access, selectors, services
from zhengcai.bidding.api.common import op, router
from zhengcai.bidding.api.schemas import (
    OpeningOut,
    PairOut,
    TextIn,
)
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut


@router.post(
    "/windows/{pk}/opening",
    response={201: OpeningOut, API_ERRORS: ErrorOut},
    operation_id=op("opening_start"),
)
def opening_start(request: HttpRequest, pk: int) -> Any:
    """开标 (agency of the project, from the deadline on). `outcome` tells the project what
    follows: opened / terminate / needs_method_change."""
    window = access.access_window(user=request_user(request), pk=pk, action="open")
    return Status(201, services.opening_start(actor=request_user(request), window=window).opening)


@router.get(
    "/windows/{pk}/opening",
    response={200: OpeningOut, API_ERRORS: ErrorOut},
    operation_id=op("opening_get"),
)
def opening_get(request: HttpRequest, pk: int) -> Any:
    window = access.access_window(user=request_user(request), pk=pk)
    opening = selectors.window_opening(window)
    if opening is None:
        raise NotFound("尚未开标")
    access.access_opening(user=request_user(request), pk=opening.pk)
    return opening


@router.post(
    "/openings/{pk}/objections",
    response={201: dict, API_ERRORS: ErrorOut},
    operation_id=op("objection_raise"),
)
def objection_raise(request: HttpRequest, pk: int, body: TextIn) -> Any:
    opening, _ = access.access_opening(user=request_user(request), pk=pk)
    obj = services.objection_raise(actor=request_user(request), opening=opening, text=body.text)
    return Status(201, {"id": obj.pk})


@router.post(
    "/objections/{pk}/answer",
    response={200: dict, API_ERRORS: ErrorOut},
    operation_id=op("objection_answer"),
)
def objection_answer(request: HttpRequest, pk: int, body: TextIn) -> Any:
    obj = access.access_objection(user=request_user(request), pk=pk)
    services.objection_answer(actor=request_user(request), objection=obj, answer=body.text)
    return {"id": obj.pk}


@router.post(
    "/openings/{pk}/sign",
    response={200: OpeningOut, API_ERRORS: ErrorOut},
    operation_id=op("opening_sign"),
)
def opening_sign(request: HttpRequest, pk: int) -> Any:
    opening, role = access.access_opening(user=request_user(request), pk=pk)
    if role != "agency":
        raise PermissionDenied("只有代理机构可以确认开标记录")
    return services.opening_sign(actor=request_user(request), opening=opening)


@router.get(
    "/projects/{pk}/evidence",
    response={200: list[PairOut], API_ERRORS: ErrorOut},
    operation_id=op("evidence_pairs"),
)
def evidence_pairs(request: HttpRequest, pk: int) -> Any:
    """Pairs of bids sharing IP / fingerprint / file digest / author / bond account
    (87号令 37). Supervisors, regulators and admins; after the opening."""
    project = access.access_evidence(user=request_user(request), pk=pk)
    return selectors.evidence_pairs(project)
