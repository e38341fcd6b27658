"""The tenders API: public comment on the documents (采购文件征求意见, platform practice ⚠)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Schema, Status
from pydantic import Field

from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.tenders import access, selectors, services
from zhengcai.tenders.api.common import router
from zhengcai.tenders.models import (
    DocumentComment,
    Project,
)

# --- public comment on the documents (采购文件征求意见, platform practice ⚠) ------------------


class CommentPeriodIn(StrictIn):
    until: dt.date = Field(description="征求意见截止日（当日全天有效，须晚于今天）")


class CommentPeriodOut(Schema):
    project_id: int
    project_no: str
    name: str
    purchaser_name: str
    agency_name: str
    until: dt.date | None
    open: bool = Field(description="今天仍在征求意见期内（按服务器时钟）")


class CommentIn(StrictIn):
    text: str = Field(max_length=4000, description="对采购文件的意见")


class CommentAnswerIn(StrictIn):
    answer: str = Field(max_length=4000)


class PublicCommentOut(Schema):
    """A comment as the public sees it: answered, without who made it."""

    id: int
    text: str
    submitted_at: dt.datetime
    answer: str
    answered_at: dt.datetime | None


class CommentOut(Schema):
    id: int
    project_id: int
    text: str
    submitted_at: dt.datetime
    status: str
    answer: str
    answered_at: dt.datetime | None
    organization_id: int | None = Field(description="提出单位（仅代理机构等项目内部及本人可见）")
    organization_name: str | None


def _period_out(p: Project) -> CommentPeriodOut:
    return CommentPeriodOut(
        project_id=p.pk,
        project_no=p.project_no,
        name=p.name,
        purchaser_name=p.purchaser.name,
        agency_name=p.agency.name,
        until=p.public_comment_until,
        open=services.comment_period_open(p),
    )


def _comment_out(x: DocumentComment, *, named: bool) -> CommentOut:
    return CommentOut(
        id=x.pk,
        project_id=x.project_id,
        text=x.text,
        submitted_at=x.submitted_at,
        status=x.status,
        answer=x.answer,
        answered_at=x.answered_at,
        organization_id=x.organization_id if named else None,
        organization_name=x.organization.name if named and x.organization else None,
    )


@router.post(
    "/projects/{project_id}/public-comment",
    response={200: CommentPeriodOut, API_ERRORS: ErrorOut},
    summary="采购文件公开征求意见（定稿后、发布前；代理机构）",
)
def public_comment_open(
    request: HttpRequest, project_id: int, payload: CommentPeriodIn
) -> CommentPeriodOut:
    """Publishing waits until the period is over (409 `comment_period_running` on publish).
    409 `bad_transition` before the documents are final; 422 `date_invalid` for today or
    earlier."""
    user = request_user(request)
    p = access.access_project(user=user, pk=project_id, action="manage")
    return _period_out(services.public_comment_open(actor=user, project=p, until=payload.until))


@router.post(
    "/projects/{project_id}/comments",
    response={201: CommentOut, API_ERRORS: ErrorOut},
    summary="对征求意见中的采购文件提出意见（供应商）",
)
def comment_submit(request: HttpRequest, project_id: int, payload: CommentIn) -> Status[CommentOut]:
    """Until the last day of the period inclusive, by the server clock: 409
    `comment_period_closed` from the next day, 409 `comment_period_not_open` when the project
    is not under comment; 403 for anyone but a supplier; 422 `comment_required` when empty."""
    user = request_user(request)
    p, _ = access.access_project_for_comment(user=user, pk=project_id)
    item = services.comment_submit(actor=user, project=p, text=payload.text)
    return Status(201, _comment_out(item, named=True))


@router.get(
    "/projects/{project_id}/comments",
    response={200: list[CommentOut], API_ERRORS: ErrorOut},
    summary="采购文件意见（代理机构、采购人、监管见全部及提出单位；供应商见已答复的和自己的）",
)
def comment_list(request: HttpRequest, project_id: int) -> list[CommentOut]:
    user = request_user(request)
    p, visible = access.access_project_for_comment(user=user, pk=project_id)
    internals = visible and access.can_see_internals(user, p)
    return [
        _comment_out(x, named=internals or x.organization_id == user.organization_id)
        for x in selectors.comments_for(user, p)
    ]


@router.post(
    "/comments/{comment_id}/answer",
    response={200: CommentOut, API_ERRORS: ErrorOut},
    summary="答复采购文件意见（代理机构；征求意见期结束后也可答复；只答复一次）",
)
def comment_answer(request: HttpRequest, comment_id: int, payload: CommentAnswerIn) -> CommentOut:
    """409 `bad_transition` if already answered; 422 `answer_required` when empty."""
    user = request_user(request)
    item = access.access_comment(user=user, pk=comment_id)
    item = services.comment_answer(actor=user, comment=item, answer=payload.answer)
    return _comment_out(item, named=True)


@router.get(
    "/public/comments",
    auth=None,
    response={200: list[CommentPeriodOut], API_ERRORS: ErrorOut},
    summary="正在征求意见的采购文件（公开）",
)
def public_comment_projects(request: HttpRequest) -> list[CommentPeriodOut]:
    return [_period_out(p) for p in selectors.projects_under_comment()]


@router.get(
    "/public/comments/{project_id}",
    auth=None,
    response={200: list[PublicCommentOut], API_ERRORS: ErrorOut},
    summary="采购文件意见及答复（公开：仅已答复的，不显示提出单位）",
)
def public_comment_list(request: HttpRequest, project_id: int) -> list[PublicCommentOut]:
    p = selectors.public_project_under_comment(project_id)
    return [
        PublicCommentOut(
            id=x.pk,
            text=x.text,
            submitted_at=x.submitted_at,
            answer=x.answer,
            answered_at=x.answered_at,
        )
        for x in selectors.comments_for(None, p)
    ]
