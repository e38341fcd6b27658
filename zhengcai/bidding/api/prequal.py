"""邀请招标 (法 34; 87号令 14; 条例 21): the 资格预审公告, applications, the review, the recorded
draw and its verification, the invitations. Thin handlers: access, one service, answer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import Field

from zhengcai.bidding import services
from zhengcai.bidding.api.common import op, router
from zhengcai.bidding.selectors import prequal as sel
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.tenders import access as tender_access
from zhengcai.tenders import prequal_services


class PrequalIn(StrictIn):
    applications_until: dt.datetime = Field(description="资格预审申请截止时间（带时区）")
    requirements: str = Field(min_length=1, max_length=5000, description="资格条件")
    review_method: str = Field(default="", max_length=5000, description="资格预审标准和方法")
    invite_count: int | None = Field(default=None, ge=1, le=50, description="拟邀请家数（≥3）")


class PrequalOut(Schema):
    id: int
    project_id: int
    source: str
    status: str
    requirements: str
    invite_count: int
    published_at: dt.datetime | None
    display_until: dt.date | None
    applications_until: dt.datetime | None
    failed_reason: str
    invited_at: dt.datetime | None
    version: int


class PrequalCorrectionIn(StrictIn):
    changes: str = Field(min_length=1, max_length=5000, description="更正（澄清或者修改）内容")
    affects_applications: bool = Field(
        default=True, description="可能影响资格预审申请文件编制（不足3日顺延截止，87号令 27）"
    )
    applications_until: dt.datetime | None = Field(
        default=None, description="新的资格预审申请截止时间（带时区，不填则不变）"
    )


class NoticeRefOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    published_at: dt.datetime
    corrects_id: int | None


class ApplicationIn(StrictIn):
    materials: str = Field(min_length=1, max_length=10000, description="资格证明材料")


class ApplicationOut(Schema):
    id: int
    prequal_id: int
    supplier_id: int
    status: str
    reason: str
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None


class ReviewIn(StrictIn):
    qualified: bool
    reason: str = Field(default="", max_length=2000, description="不合格理由（必填）")


class DrawIn(StrictIn):
    witnesses: list[str] = Field(
        min_length=1, max_length=10, description="在场监督的采购人工作人员"
    )
    pool_ids: list[int] | None = Field(
        default=None, max_length=500, description="供应商库 / 书面推荐的备选供应商（资格预审不填）"
    )
    recommended_by_purchaser: list[int] = Field(
        default_factory=list, max_length=500, description="其中由采购人书面推荐的供应商"
    )


class ListIn(StrictIn):
    source: str = Field(description="database（供应商库）或 recommendation（书面推荐）")
    requirements: str = Field(default="", max_length=5000, description="资格条件")
    invite_count: int | None = Field(default=None, ge=1, le=50)


class DrawOut(Schema):
    id: int
    source: str
    pool_ids: list[int]
    pool_digest: str
    wanted: int
    seed: str
    seed_hash: str
    picked_ids: list[int]
    witnesses: list[str]
    drawn_at: dt.datetime


class VerifyOut(Schema):
    draw_id: int
    ok: bool
    hash_ok: bool
    pool_ok: bool
    picks_ok: bool
    again: list[int]


class InviteIn(StrictIn):
    bid_deadline: dt.datetime = Field(description="投标截止时间（自邀请之日起不少于20日，法 35）")
    opening_place: str = Field(default="", max_length=200)


class InvitedOut(Schema):
    project_id: int
    status: str
    bid_deadline: dt.datetime | None


@router.post(
    "/projects/{pk}/prequalification",
    response={201: PrequalOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_publish"),
)
def prequal_publish(request: HttpRequest, pk: int, body: PrequalIn) -> Any:
    """发布资格预审公告 (agency). 422 `prequalification_window_too_short` when applications are
    due earlier than 5 working days after today (条例 21)."""
    user = request_user(request)
    project = tender_access.access_project(user=user, pk=pk, action="manage")
    pq = prequal_services.prequal_publish(
        actor=user,
        project=project,
        applications_until=body.applications_until,
        requirements=body.requirements,
        review_method=body.review_method,
        invite_count=body.invite_count,
    )
    return Status(201, pq)


@router.post(
    "/prequalifications/{pk}/corrections",
    response={201: NoticeRefOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_correct"),
)
def prequal_correct(request: HttpRequest, pk: int, body: PrequalCorrectionIn) -> Any:
    """资格预审更正公告 (agency). A change that may affect the applications less than 3 days
    before their deadline moves it to 3 days after the change (87号令 27); 422
    `calendar_unconfirmed` when the new deadline falls in a year not yet entered."""
    user = request_user(request)
    pq = sel.access_prequal(user=user, pk=pk, action="manage")
    notice = prequal_services.prequal_correct(
        actor=user,
        prequal=pq,
        changes=body.changes,
        affects_applications=body.affects_applications,
        applications_until=body.applications_until,
    )
    return Status(201, notice)


@router.post(
    "/projects/{pk}/invitation-list",
    response={201: PrequalOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_from_list"),
)
def prequal_from_list(request: HttpRequest, pk: int, body: ListIn) -> Any:
    """87号令 14 ②③: a list from the 供应商库 or written recommendations (no public call);
    the draw then takes `pool_ids` (≥ 2 × the number drawn)."""
    user = request_user(request)
    project = tender_access.access_project(user=user, pk=pk, action="manage")
    pq = prequal_services.prequal_from_list(
        actor=user,
        project=project,
        source=body.source,
        requirements=body.requirements,
        invite_count=body.invite_count,
    )
    return Status(201, pq)


@router.get(
    "/prequalifications/{pk}",
    response={200: PrequalOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_get"),
)
def prequal_get(request: HttpRequest, pk: int) -> Any:
    return sel.access_prequal(user=request_user(request), pk=pk)


@router.post(
    "/prequalifications/{pk}/applications",
    response={201: ApplicationOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_apply"),
)
def prequal_apply(request: HttpRequest, pk: int, body: ApplicationIn) -> Any:
    """A supplier submits its 资格预审申请文件 before the deadline (409 after it)."""
    user = request_user(request)
    pq = sel.access_prequal(user=user, pk=pk)
    return Status(
        201, services.application_submit(actor=user, prequal=pq, materials=body.materials)
    )


@router.get(
    "/prequalifications/{pk}/applications",
    response={200: list[ApplicationOut], API_ERRORS: ErrorOut},
    operation_id=op("prequal_applications"),
)
def prequal_applications(request: HttpRequest, pk: int) -> Any:
    pq = sel.access_prequal(user=request_user(request), pk=pk, action="manage")
    return sel.desk(pq).applications


@router.post(
    "/prequal-applications/{pk}/review",
    response={200: ApplicationOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_review"),
)
def prequal_review(request: HttpRequest, pk: int, body: ReviewIn) -> Any:
    """合格 / 不合格 (with the reason), after the application deadline."""
    user = request_user(request)
    app = sel.access_application(user=user, pk=pk)
    return services.application_review(
        actor=user, application=app, qualified=body.qualified, reason=body.reason
    )


@router.post(
    "/prequalifications/{pk}/close",
    response={200: PrequalOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_close"),
)
def prequal_close(request: HttpRequest, pk: int) -> Any:
    """End the review: `reviewed` with ≥3 qualified, else `failed` and the project terminated."""
    user = request_user(request)
    pq = sel.access_prequal(user=user, pk=pk, action="manage")
    return services.prequal_review_close(actor=user, prequal=pq)


@router.post(
    "/prequalifications/{pk}/draw",
    response={201: DrawOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_draw"),
)
def prequal_draw(request: HttpRequest, pk: int, body: DrawIn) -> Any:
    """Random draw of the suppliers to invite, ≥2 purchaser staff witnessing (87号令 14)."""
    user = request_user(request)
    pq = sel.access_prequal(user=user, pk=pk, action="manage")
    draw = services.supplier_draw(
        actor=user,
        prequal=pq,
        witnesses=body.witnesses,
        pool_ids=body.pool_ids,
        recommended_by_purchaser=body.recommended_by_purchaser,
    )
    return Status(201, draw)


@router.get(
    "/prequalifications/{pk}/draw/verify",
    response={200: VerifyOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_draw_verify"),
)
def prequal_draw_verify(request: HttpRequest, pk: int) -> Any:
    """Re-run the recorded draw from its seed and pool; `ok` when it gives the same names."""
    pq = sel.access_prequal(user=request_user(request), pk=pk, action="manage")
    check = services.draw_verify(sel.require_draw(pq))
    return {**check.__dict__, "ok": check.ok}


@router.post(
    "/prequalifications/{pk}/invitations",
    response={200: InvitedOut, API_ERRORS: ErrorOut},
    operation_id=op("prequal_invite"),
)
def prequal_invite(request: HttpRequest, pk: int, body: InviteIn) -> Any:
    """Send every 投标邀请书 at once; the bidding period starts now (法 35: ≥20 d)."""
    user = request_user(request)
    pq = sel.access_prequal(user=user, pk=pk, action="manage")
    p = services.invitations_send(
        actor=user, prequal=pq, bid_deadline=body.bid_deadline, opening_place=body.opening_place
    )
    return {"project_id": p.pk, "status": p.status, "bid_deadline": p.bid_deadline}
