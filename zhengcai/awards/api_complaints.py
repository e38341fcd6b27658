"""REST endpoints of complaints (投诉, 94号令): filing on one's challenge, the parties' list
and detail, the regulator's review, suspension, clock and decision, the respondents' answer,
withdrawal, the public 投诉处理结果公告. Mounted on the awards router (awards/api.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from zhengcai.accounts.auth import api_auth
from zhengcai.awards import access, selectors, services
from zhengcai.awards.models import Complaint
from zhengcai.core.errors import PreconditionFailed
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn

router = Router(auth=api_auth(), tags=["awards"])


class ComplaintOut(Schema):
    id: int
    challenge_id: int
    lot_id: int
    complainant: str
    regulator: str
    status: str
    letter: dict[str, Any]
    evidence: list[Any]
    window_ends: dt.date
    review_due: dt.date
    review_overdue: bool
    response_due: dt.date | None
    decision_due: dt.date | None
    decision_overdue: bool
    suspended_until: dt.date | None
    pauses: list[Any]
    finding: str
    remedy: str
    stage: str
    decision: dict[str, Any]
    version: int


class ComplaintIn(StrictIn):
    contact: str
    items: str
    requests: str
    facts: str
    legal_basis: str
    signatory: str
    evidence: list[str] = []


class ReviewIn(StrictIn):
    action: Literal["accept", "correction", "not_accepted", "redirected"]
    reason: str = ""


class TextIn(StrictIn):
    text: str = ""


class SuspendIn(StrictIn):
    days: int = 0  # 0: resume the procurement


class ClockIn(StrictIn):
    pause: bool
    why: str = ""


class DecideIn(StrictIn):
    finding: str
    remedy: str
    facts: str
    legal_basis: str
    stage: str = ""


def _out(x: Complaint) -> ComplaintOut:
    return ComplaintOut(
        id=x.pk,
        challenge_id=x.challenge_id,
        lot_id=x.lot_id,
        complainant=x.complainant.name,
        regulator=x.regulator.name,
        status=x.status,
        letter=x.letter,
        evidence=x.evidence,
        window_ends=x.window_ends,
        review_due=x.review_due,
        review_overdue=x.review_overdue,
        response_due=x.response_due,
        decision_due=x.decision_due,
        decision_overdue=x.decision_overdue,
        suspended_until=x.suspended_until,
        pauses=x.pauses,
        finding=x.finding,
        remedy=x.remedy,
        stage=x.stage,
        decision=x.decision,
        version=x.version,
    )


def _done(response: HttpResponse, x: Complaint) -> ComplaintOut:
    response["ETag"] = etag("complaint", x)
    return _out(x)


@router.get("/complaints", response={200: list[ComplaintOut], API_ERRORS: ErrorOut}, summary="投诉")
def complaint_list(request: HttpRequest) -> list[ComplaintOut]:
    return [_out(x) for x in access.complaints_visible(request_user(request))]


@router.post(
    "/challenges/{pk}/complaint",
    response={201: ComplaintOut, API_ERRORS: ErrorOut},
    summary="就质疑事项提起投诉（投诉书）",
)
def complaint_file(request: HttpRequest, pk: int, payload: ComplaintIn) -> Any:
    user = request_user(request)
    ch = access.access_challenge(user=user, pk=pk)
    x = services.complaint_file(
        actor=user,
        challenge=ch,
        letter=payload.dict(exclude={"evidence"}),
        evidence=payload.evidence,
    )
    return Status(201, _out(x))


@router.get(
    "/complaints/{pk}", response={200: ComplaintOut, API_ERRORS: ErrorOut}, summary="投诉详情"
)
def complaint_get(request: HttpRequest, response: HttpResponse, pk: int) -> ComplaintOut:
    return _done(response, access.access_complaint(user=request_user(request), pk=pk))


@router.post(
    "/complaints/{pk}/review",
    response={200: ComplaintOut, API_ERRORS: ErrorOut},
    summary="审查投诉：受理、补正、不予受理或告知（需 If-Match）",
)
def complaint_review(
    request: HttpRequest, response: HttpResponse, pk: int, payload: ReviewIn
) -> ComplaintOut:
    user = request_user(request)
    x = access.access_complaint(user=user, pk=pk, action="manage")
    if if_match_version(request, "complaint", pk) != x.version:
        raise PreconditionFailed(detail={"current_version": x.version})
    if payload.action == "accept":
        x = services.complaint_accept(actor=user, complaint=x)
    elif payload.action == "correction":
        x = services.complaint_request_correction(actor=user, complaint=x, note=payload.reason)
    else:
        x = services.complaint_refuse(
            actor=user, complaint=x, to=payload.action, reason=payload.reason
        )
    return _done(response, x)


@router.post(
    "/complaints/{pk}/resubmit",
    response={200: ComplaintOut, API_ERRORS: ErrorOut},
    summary="补正投诉书",
)
def complaint_resubmit(
    request: HttpRequest, response: HttpResponse, pk: int, payload: ComplaintIn
) -> ComplaintOut:
    user = request_user(request)
    x = access.access_complaint(user=user, pk=pk)
    x = services.complaint_resubmit(
        actor=user, complaint=x, letter=payload.dict(exclude={"evidence"})
    )
    return _done(response, x)


@router.post(
    "/complaints/{pk}/answer",
    response={200: ComplaintOut, API_ERRORS: ErrorOut},
    summary="被投诉人书面说明",
)
def complaint_answer(
    request: HttpRequest, response: HttpResponse, pk: int, payload: TextIn
) -> ComplaintOut:
    user = request_user(request)
    x = access.access_complaint(user=user, pk=pk)
    return _done(response, services.complaint_answer(actor=user, complaint=x, text=payload.text))


@router.post(
    "/complaints/{pk}/suspend",
    response={200: ComplaintOut, API_ERRORS: ErrorOut},
    summary="暂停（days=0 恢复）采购活动",
)
def complaint_suspend(
    request: HttpRequest, response: HttpResponse, pk: int, payload: SuspendIn
) -> ComplaintOut:
    user = request_user(request)
    x = access.access_complaint(user=user, pk=pk, action="manage")
    if payload.days:
        x = services.complaint_suspend(actor=user, complaint=x, days=payload.days)
    else:
        x = services.complaint_resume(actor=user, complaint=x)
    return _done(response, x)


@router.post(
    "/complaints/{pk}/clock",
    response={200: ComplaintOut, API_ERRORS: ErrorOut},
    summary="中止或恢复计算处理期限（检验、检测、鉴定、专家评审）",
)
def complaint_clock(
    request: HttpRequest, response: HttpResponse, pk: int, payload: ClockIn
) -> ComplaintOut:
    user = request_user(request)
    x = access.access_complaint(user=user, pk=pk, action="manage")
    x = services.complaint_clock(actor=user, complaint=x, pause=payload.pause, why=payload.why)
    return _done(response, x)


@router.post(
    "/complaints/{pk}/decide",
    response={200: ComplaintOut, API_ERRORS: ErrorOut},
    summary="作出投诉处理决定（需 If-Match）",
)
def complaint_decide(
    request: HttpRequest, response: HttpResponse, pk: int, payload: DecideIn
) -> ComplaintOut:
    user = request_user(request)
    x = access.access_complaint(user=user, pk=pk, action="manage")
    version = if_match_version(request, "complaint", pk)
    x = services.complaint_decide(actor=user, complaint=x, expected_version=version,
                                  **payload.dict())  # fmt: skip
    return _done(response, x)


@router.post(
    "/complaints/{pk}/withdraw",
    response={200: ComplaintOut, API_ERRORS: ErrorOut},
    summary="撤回投诉",
)
def complaint_withdraw(
    request: HttpRequest, response: HttpResponse, pk: int, payload: TextIn
) -> ComplaintOut:
    user = request_user(request)
    x = access.access_complaint(user=user, pk=pk)
    return _done(
        response, services.complaint_withdraw(actor=user, complaint=x, reason=payload.text)
    )


class DecisionNoticeOut(Schema):
    """投诉处理结果公告 (条例 58; 94号令 34; 财库〔2017〕86号 ⚠ fields): no trade secrets, the
    decision's public fields only."""

    id: int
    title: str
    project_name: str
    project_number: str
    complainant: str
    respondents: list[str]
    items: str
    facts: str
    legal_basis: str
    decision: str
    authority: str
    decided_on: str


def _notice(x: Complaint) -> DecisionNoticeOut:
    d = x.decision
    return DecisionNoticeOut(
        id=x.pk,
        title=f"{x.project.name}投诉处理结果公告",
        project_name=str(d.get("project_name", "")),
        project_number=str(d.get("project_number", "")),
        complainant=str(d.get("complainant", "")),
        respondents=[str(r) for r in d.get("respondents", [])],
        items=str(d.get("items", "")),
        facts=str(d.get("facts", "")),
        legal_basis=str(d.get("legal_basis", "")),
        decision=f"{d.get('finding_label', '')}；{d.get('remedy_label', '')}",
        authority=str(d.get("authority", "")),
        decided_on=str(d.get("decided_on", "")),
    )


@router.get(
    "/public/complaint-decisions",
    response={200: list[DecisionNoticeOut]},
    auth=None,
    summary="投诉处理结果公告",
)
def public_complaint_decisions(request: HttpRequest) -> list[DecisionNoticeOut]:
    return [_notice(x) for x in selectors.public_complaint_decisions()[:200]]
