"""REST endpoints of the awards app: the award and its result notice, challenges and their
answers, the signing check the contracts app uses, and the public result notices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from zhengcai.accounts.auth import api_auth
from zhengcai.awards import access, selectors, services
from zhengcai.awards.api_complaints import router as complaints_router
from zhengcai.awards.models import Award, Challenge, Inquiry, ResultNotice
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.tenders import access as tenders_access

router = Router(auth=api_auth(), tags=["awards"])
router.add_router("", complaints_router)  # 投诉 (awards/api_complaints.py)


class AwardOut(Schema):
    id: int
    project_id: int
    lot_id: int
    supplier: str
    amount: Decimal
    rank: int
    deemed: bool
    status: str
    notice_due: dt.date
    notice_overdue: bool
    notice_id: int | None
    version: int


class NoticeOut(Schema):
    id: int
    award_id: int
    title: str
    status: str
    published_at: dt.datetime
    display_until: dt.date
    fields: dict[str, Any]


class ChallengeOut(Schema):
    id: int
    lot_id: int
    supplier: str
    subject: str
    step: str
    status: str
    knowledge_day: dt.date
    window_ends: dt.date
    answer_due: dt.date
    answer_overdue: bool
    letter: dict[str, Any]
    answer: dict[str, Any]
    outcome: str
    version: int


class SigningOut(Schema):
    lot_id: int
    award_id: int | None
    blocked: str | None


class PublishIn(StrictIn):
    agency_fee: str


class ChallengeIn(StrictIn):
    lot_id: int
    subject: str
    step: str = ""
    name: str
    address: str
    postcode: str
    contact: str
    phone: str
    items: list[dict[str, str]]
    facts: str
    legal_basis: str
    signatory: str


class AssistIn(StrictIn):
    request: str


class AnswerIn(StrictIn):
    outcome: str
    items_answer: str
    facts: str
    legal_basis: str


class InquiryIn(StrictIn):
    lot_id: int
    subject: str
    question: str


class InquiryAnswerIn(StrictIn):
    answer: str


class InquiryOut(Schema):
    id: int
    lot_id: int
    supplier: str
    subject: str
    question: str
    status: str
    answer_due: dt.date
    answer_overdue: bool
    answer: str
    version: int


def _inquiry(q: Inquiry) -> InquiryOut:
    return InquiryOut(
        id=q.pk,
        lot_id=q.lot_id,
        supplier=q.supplier.name,
        subject=q.subject,
        question=q.question,
        status=q.status,
        answer_due=q.answer_due,
        answer_overdue=q.answer_overdue,
        answer=q.answer,
        version=q.version,
    )


class PolicyIn(StrictIn):
    one_at_once: bool


def _award(a: Award) -> AwardOut:
    notice = getattr(a, "notice", None)
    return AwardOut(
        id=a.pk,
        project_id=a.project_id,
        lot_id=a.lot_id,
        supplier=a.supplier.name,
        amount=a.amount,
        rank=a.rank,
        deemed=a.deemed,
        status=a.status,
        notice_due=a.notice_due,
        notice_overdue=a.notice_overdue,
        notice_id=notice.pk if notice is not None else None,
        version=a.version,
    )


def _notice(n: ResultNotice) -> NoticeOut:
    return NoticeOut(
        id=n.pk,
        award_id=n.award_id,
        title=n.title,
        status=n.status,
        published_at=n.published_at,
        display_until=n.display_until,
        fields=n.fields,
    )


def _challenge(ch: Challenge) -> ChallengeOut:
    return ChallengeOut(
        id=ch.pk,
        lot_id=ch.lot_id,
        supplier=ch.supplier.name,
        subject=ch.subject,
        step=ch.step,
        status=ch.status,
        knowledge_day=ch.knowledge_day,
        window_ends=ch.window_ends,
        answer_due=ch.answer_due,
        answer_overdue=ch.answer_overdue,
        letter=ch.letter,
        answer=ch.answer,
        outcome=ch.outcome,
        version=ch.version,
    )


@router.get("/results", response={200: list[AwardOut], API_ERRORS: ErrorOut}, summary="定标")
def award_list(request: HttpRequest) -> list[AwardOut]:
    user = request_user(request)
    return [_award(a) for a in selectors.awards_for_agency(user.organization_id)[:200]]


@router.get("/results/{pk}", response={200: AwardOut, API_ERRORS: ErrorOut}, summary="定标详情")
def award_get(request: HttpRequest, response: HttpResponse, pk: int) -> AwardOut:
    a = access.access_award(user=request_user(request), pk=pk)
    response["ETag"] = etag("award", a)
    return _award(a)


@router.post(
    "/results/{pk}/notice",
    response={201: NoticeOut, API_ERRORS: ErrorOut},
    summary="发布中标（成交）结果公告并发出通知书（需 If-Match）",
)
def notice_publish(request: HttpRequest, pk: int, payload: PublishIn) -> Any:
    user = request_user(request)
    a = access.access_award(user=user, pk=pk, action="manage")
    version = if_match_version(request, "award", pk)
    n = services.notice_publish(
        actor=user, award=a, agency_fee=payload.agency_fee, expected_version=version
    )
    return Status(201, _notice(n))


@router.get(
    "/lots/{lot_id}/signing",
    response={200: SigningOut, API_ERRORS: ErrorOut},
    summary="能否签订合同：当前中标结果与暂停原因（条例 54）",
)
def lot_signing(request: HttpRequest, lot_id: int) -> SigningOut:
    lot = tenders_access.access_lot(user=request_user(request), pk=lot_id)
    award = selectors.current_award(lot)
    return SigningOut(
        lot_id=lot.pk, award_id=award.pk if award else None, blocked=selectors.signing_block(lot)
    )


@router.get("/challenges", response={200: list[ChallengeOut], API_ERRORS: ErrorOut}, summary="质疑")
def challenge_list(request: HttpRequest) -> list[ChallengeOut]:
    return [_challenge(ch) for ch in access.challenges_visible(request_user(request))]


@router.post(
    "/challenges", response={201: ChallengeOut, API_ERRORS: ErrorOut}, summary="提出质疑（质疑函）"
)
def challenge_file(request: HttpRequest, payload: ChallengeIn) -> Any:
    user = request_user(request)
    lot = access.access_lot(user=user, pk=payload.lot_id)
    letter = payload.dict(exclude={"lot_id", "subject", "step"})
    ch = services.challenge_file(
        actor=user, lot=lot, subject=payload.subject, step=payload.step, letter=letter
    )
    return Status(201, _challenge(ch))


@router.get(
    "/challenges/{pk}", response={200: ChallengeOut, API_ERRORS: ErrorOut}, summary="质疑详情"
)
def challenge_get(request: HttpRequest, response: HttpResponse, pk: int) -> ChallengeOut:
    ch = access.access_challenge(user=request_user(request), pk=pk)
    response["ETag"] = etag("challenge", ch)
    return _challenge(ch)


@router.post(
    "/challenges/{pk}/assist",
    response={200: ChallengeOut, API_ERRORS: ErrorOut},
    summary="请原评审委员会协助答复（需 If-Match）",
)
def challenge_assist(
    request: HttpRequest, response: HttpResponse, pk: int, payload: AssistIn
) -> ChallengeOut:
    user = request_user(request)
    ch = access.access_challenge(user=user, pk=pk, action="manage")
    version = if_match_version(request, "challenge", pk)
    ch = services.challenge_assist(
        actor=user, challenge=ch, request=payload.request, expected_version=version
    )
    response["ETag"] = etag("challenge", ch)
    return _challenge(ch)


@router.post(
    "/challenges/{pk}/answer",
    response={200: ChallengeOut, API_ERRORS: ErrorOut},
    summary="答复质疑并作出处理（需 If-Match）",
)
def challenge_answer(
    request: HttpRequest, response: HttpResponse, pk: int, payload: AnswerIn
) -> ChallengeOut:
    user = request_user(request)
    ch = access.access_challenge(user=user, pk=pk, action="manage")
    version = if_match_version(request, "challenge", pk)
    ch = services.challenge_answer(
        actor=user,
        challenge=ch,
        outcome=payload.outcome,
        answer=payload.dict(exclude={"outcome"}),
        expected_version=version,
    )
    response["ETag"] = etag("challenge", ch)
    return _challenge(ch)


@router.post(
    "/challenges/{pk}/withdraw",
    response={200: ChallengeOut, API_ERRORS: ErrorOut},
    summary="撤回质疑（质疑供应商）",
)
def challenge_withdraw(request: HttpRequest, response: HttpResponse, pk: int) -> ChallengeOut:
    user = request_user(request)
    ch = access.access_challenge(user=user, pk=pk)
    ch = services.challenge_withdraw(actor=user, challenge=ch)
    response["ETag"] = etag("challenge", ch)
    return _challenge(ch)


@router.get("/inquiries", response={200: list[InquiryOut], API_ERRORS: ErrorOut}, summary="询问")
def inquiry_list(request: HttpRequest) -> list[InquiryOut]:
    return [_inquiry(q) for q in access.inquiries_visible(request_user(request))]


@router.post(
    "/inquiries", response={201: InquiryOut, API_ERRORS: ErrorOut}, summary="提出询问（条例 52）"
)
def inquiry_ask(request: HttpRequest, payload: InquiryIn) -> Any:
    user = request_user(request)
    lot = access.access_lot(user=user, pk=payload.lot_id)
    q = services.inquiry_ask(
        actor=user, lot=lot, subject=payload.subject, question=payload.question
    )
    return Status(201, _inquiry(q))


@router.post(
    "/inquiries/{pk}/answer",
    response={200: InquiryOut, API_ERRORS: ErrorOut},
    summary="答复询问（3个工作日内；需 If-Match）",
)
def inquiry_answer(
    request: HttpRequest, response: HttpResponse, pk: int, payload: InquiryAnswerIn
) -> InquiryOut:
    user = request_user(request)
    q = access.access_inquiry(user=user, pk=pk, action="manage")
    version = if_match_version(request, "inquiry", pk)
    q = services.inquiry_answer(
        actor=user, inquiry=q, answer=payload.answer, expected_version=version
    )
    response["ETag"] = etag("inquiry", q)
    return _inquiry(q)


@router.put(
    "/projects/{pk}/challenge-policy",
    response={200: PolicyIn, API_ERRORS: ErrorOut},
    summary="采购文件是否要求同一环节的质疑一次性提出（94号令 10）",
)
def policy_set(request: HttpRequest, pk: int, payload: PolicyIn) -> PolicyIn:
    user = request_user(request)
    project = tenders_access.access_project(user=user, pk=pk, action="manage")
    pol = services.policy_set(actor=user, project=project, one_at_once=payload.one_at_once)
    return PolicyIn(one_at_once=pol.one_at_once)


@router.get(
    "/public/notices", response={200: list[NoticeOut]}, auth=None, summary="中标（成交）结果公告"
)
def public_notices(request: HttpRequest) -> list[NoticeOut]:
    return [_notice(n) for n in selectors.public_notices()[:200]]


@router.get(
    "/public/notices/{pk}",
    response={200: NoticeOut, API_ERRORS: ErrorOut},
    auth=None,
    summary="中标（成交）结果公告详情",
)
def public_notice(request: HttpRequest, pk: int) -> NoticeOut:
    from zhengcai.core.errors import NotFound

    n = selectors.public_notice_get(pk)
    if n is None or n.status == "withdrawn":
        raise NotFound("公告不存在")
    return _notice(n)
