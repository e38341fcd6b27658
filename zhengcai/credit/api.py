"""REST endpoints of the credit app: penalties (regulators), the public list and the credit
check integrators ask before letting a party through a door."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from zhengcai.accounts import access as accounts_access
from zhengcai.accounts.auth import api_auth
from zhengcai.core.http import etag, if_match_version, request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.credit import access, selectors, services
from zhengcai.credit import constants as c
from zhengcai.credit.models import Penalty

router = Router(auth=api_auth(), tags=["credit"])


class PenaltyOut(Schema):
    id: int
    decision_no: str
    subject_kind: str
    subject_name: str
    organization_id: int | None
    person_id: int | None
    authority: str
    warning: bool
    fine: Decimal | None
    ban_scope: str
    ban_months: int | None
    adverse_record: bool
    blacklist: bool
    basis: str
    facts: str
    effective_from: dt.date | None
    ban_until: dt.date | None
    status: str
    version: int


class PenaltyIn(StrictIn):
    subject_kind: str
    organization_id: int | None = None
    person_username: str | None = None
    decision_no: str
    basis: str
    facts: str
    warning: bool = False
    fine: Decimal | None = None
    procurement_amount: Decimal | None = None
    ban_scope: str = "none"
    ban_months: int | None = None
    adverse_record: bool = False
    blacklist: bool = False
    project_ref: str = ""


class DecideIn(StrictIn):
    effective_from: dt.date | None = None


class RevokeIn(StrictIn):
    reason: str


class CheckOut(Schema):
    allowed: bool
    code: str | None = None
    message: str | None = None
    penalty_id: int | None = None


def _out(p: Penalty) -> PenaltyOut:
    return PenaltyOut(
        id=p.pk,
        decision_no=p.decision_no,
        subject_kind=p.subject_kind,
        subject_name=p.subject_name,
        organization_id=p.organization_id,
        person_id=p.person_id,
        authority=p.authority.name,
        warning=p.warning,
        fine=p.fine,
        ban_scope=p.ban_scope,
        ban_months=p.ban_months,
        adverse_record=p.adverse_record,
        blacklist=p.blacklist,
        basis=p.basis,
        facts=p.facts,
        effective_from=p.effective_from,
        ban_until=p.ban_until,
        status=p.status,
        version=p.version,
    )


@router.get(
    "/penalties", response={200: list[PenaltyOut], API_ERRORS: ErrorOut}, summary="处罚记录"
)
def penalty_list(request: HttpRequest) -> list[PenaltyOut]:
    return [_out(p) for p in access.penalties_visible(request_user(request))[:200]]


@router.post(
    "/penalties", response={201: PenaltyOut, API_ERRORS: ErrorOut}, summary="登记拟处罚（财政部门）"
)
def penalty_create(request: HttpRequest, payload: PenaltyIn) -> tuple[int, PenaltyOut]:
    user = request_user(request)
    org = person = None
    if payload.organization_id is not None:
        org = accounts_access.access_organization(user=user, pk=payload.organization_id)
    if payload.person_username:
        _, person = selectors.subject_lookup(
            kind=c.SubjectKind.EXPERT, text=payload.person_username
        )
    p = services.penalty_create(
        actor=user,
        subject_kind=payload.subject_kind,
        organization=org,
        person=person,
        decision_no=payload.decision_no,
        basis=payload.basis,
        facts=payload.facts,
        warning=payload.warning,
        fine=payload.fine,
        procurement_amount=payload.procurement_amount,
        ban_scope=payload.ban_scope,
        ban_months=payload.ban_months,
        adverse_record=payload.adverse_record,
        blacklist=payload.blacklist,
        project_ref=payload.project_ref,
    )
    return 201, _out(p)


@router.get(
    "/penalties/{pk}", response={200: PenaltyOut, API_ERRORS: ErrorOut}, summary="处罚记录详情"
)
def penalty_get(request: HttpRequest, response: HttpResponse, pk: int) -> PenaltyOut:
    p = access.access_penalty(user=request_user(request), pk=pk)
    response["ETag"] = etag("penalty", p)
    return _out(p)


@router.post(
    "/penalties/{pk}/decide",
    response={200: PenaltyOut, API_ERRORS: ErrorOut},
    summary="作出处罚决定（生效并公开；需 If-Match）",
)
def penalty_decide(
    request: HttpRequest, response: HttpResponse, pk: int, payload: DecideIn
) -> PenaltyOut:
    user = request_user(request)
    p = access.access_penalty(user=user, pk=pk, action="manage")
    version = if_match_version(request, "penalty", pk)
    p = services.penalty_decide(
        actor=user, penalty=p, effective_from=payload.effective_from, expected_version=version
    )
    response["ETag"] = etag("penalty", p)
    return _out(p)


@router.post(
    "/penalties/{pk}/revoke",
    response={200: PenaltyOut, API_ERRORS: ErrorOut},
    summary="撤销处罚决定（需 If-Match）",
)
def penalty_revoke(
    request: HttpRequest, response: HttpResponse, pk: int, payload: RevokeIn
) -> PenaltyOut:
    user = request_user(request)
    p = access.access_penalty(user=user, pk=pk, action="manage")
    version = if_match_version(request, "penalty", pk)
    p = services.penalty_revoke(
        actor=user, penalty=p, reason=payload.reason, expected_version=version
    )
    response["ETag"] = etag("penalty", p)
    return _out(p)


@router.get(
    "/public/penalties", response={200: list[PenaltyOut]}, auth=None, summary="公开的处罚决定"
)
def public_penalties(request: HttpRequest) -> list[PenaltyOut]:
    return [_out(p) for p in selectors.public_penalties()[:200]]


@router.get(
    "/check",
    response={200: CheckOut, API_ERRORS: ErrorOut},
    auth=None,
    summary="信用查询：某单位今日能否办理某事项（报名、投标、中标、签约、电子卖场、代理、评审）",
)
def credit_check(request: HttpRequest, organization_id: int, activity: str) -> CheckOut:
    from zhengcai.core.errors import InvalidInput

    if activity not in c.Activity.values:
        raise InvalidInput(f"activity 应为 {', '.join(c.Activity.values)}", code="activity_invalid")
    org = selectors.organization_public(organization_id)
    refusal = selectors.refusal(activity=activity, organization=org)
    if refusal is None:
        return CheckOut(allowed=True)
    return CheckOut(
        allowed=False, code=refusal.code, message=refusal.message, penalty_id=refusal.penalty.pk
    )
