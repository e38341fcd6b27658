"""The tenders API: public notices and the publication feed."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query

from zhengcai.core.errors import NotFound
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.tenders import selectors
from zhengcai.tenders.api.common import (
    EventOut,
    FeedFilter,
    NoticeFilter,
    NoticeOut,
    NoticePage,
    _notice_out,
    router,
)

# --- public ------------------------------------------------------------------------------


@router.get(
    "/public/notices",
    auth=None,
    response={200: NoticePage, API_ERRORS: ErrorOut},
    summary="采购公告（公开，无需登录）",
)
def public_notice_list(request: HttpRequest, filters: Query[NoticeFilter]) -> NoticePage:
    qs = selectors.public_notices(q=filters.q, kind=filters.kind)
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return NoticePage(count=qs.count(), items=[_notice_out(n) for n in page])


@router.get(
    "/public/notices/{notice_id}",
    auth=None,
    response={200: NoticeOut, API_ERRORS: ErrorOut},
    summary="采购公告详情（公开）",
)
def public_notice_get(request: HttpRequest, notice_id: int) -> NoticeOut:
    n = selectors.public_notice_get(notice_id)
    if n is None:
        raise NotFound("公告不存在")
    return _notice_out(n)


@router.get(
    "/public/feed",
    auth=None,
    response={200: list[EventOut], API_ERRORS: ErrorOut},
    summary="公开发布事件流（按序号连续，after=上次读到的序号）",
)
def public_feed(request: HttpRequest, filters: Query[FeedFilter]) -> list[EventOut]:
    return [
        EventOut(
            seq=e.seq,
            kind=e.kind,
            object_type=e.object_type,
            object_id=e.object_id,
            payload=e.payload,
            created_at=e.created_at,
        )
        for e in selectors.feed(after=filters.after, limit=filters.limit)
    ]
