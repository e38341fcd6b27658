"""The portal's notice feed (政府采购信息发布管理办法 财政部令第101号; 条例 8): every kind of
public notice the platform publishes, merged newest first, filtered by kind.

The feed is a registry of sources. A source is one line in `SOURCES`: a kind code, its label,
the app's *public* selector (already anonymous-safe: published only, secrets removed by the
app that owns the notice), the date attribute, how to title a row and the URL name of its
public page (called with the row's pk). Adding a kind of notice is one more `Source(...)`
line (the complaint decisions, 投诉处理结果公告 of 94号令 34, were added that way); the page,
the filter and the home card pick it up. Each source costs one query per page, whatever the
number of rows (rows are sliced in the database, related rows joined by the selector)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from zhengcai.awards.selectors import public_complaint_decisions
from zhengcai.awards.selectors import public_notices as result_notices
from zhengcai.contracts.selectors import public_contracts
from zhengcai.tenders.selectors import public_notices as procurement_notices


@dataclass(frozen=True)
class Source:
    kind: str
    label: Any  # a lazy translation
    rows: Callable[[], Any]  # a QuerySet of public rows, newest first
    date: str  # the attribute holding the publication time
    title: Callable[[Any], str]
    url: str  # URL name of the row's public page, reversed with its pk


@dataclass(frozen=True)
class FeedItem:
    kind: str
    label: str
    title: str
    published_at: dt.datetime
    url: str


SOURCES: tuple[Source, ...] = (
    Source("procurement", _("采购公告"), procurement_notices, "published_at", lambda n: n.title, "tenders:public_notice"),  # noqa: E501
    Source("result", _("中标（成交）结果公告"), result_notices, "published_at", lambda n: n.title, "awards:public_notice"),  # noqa: E501
    Source("contract", _("合同公告"), public_contracts, "announced_at", lambda k: f"{k.title}合同公告", "contracts:public_detail"),  # noqa: E501
    Source("complaint", _("投诉处理结果公告"), public_complaint_decisions, "decided_at", lambda x: f"{x.project.name}投诉处理结果公告", "awards:public_complaint_decision"),  # noqa: E501
)  # fmt: skip


def kinds() -> list[tuple[str, str]]:
    return [(s.kind, str(s.label)) for s in SOURCES]


def _items(source: Source, limit: int) -> Iterable[FeedItem]:
    for row in source.rows()[:limit]:
        when = getattr(row, source.date)
        if when is None:
            continue
        yield FeedItem(
            kind=source.kind,
            label=str(source.label),
            title=source.title(row),
            published_at=when,
            url=reverse(source.url, args=[row.pk]),
        )


def latest(*, kind: str = "", limit: int = 20) -> list[FeedItem]:
    """The newest `limit` notices of `kind` (all kinds when "" or unknown), newest first."""
    sources = [s for s in SOURCES if s.kind == kind] or list(SOURCES)
    merged = [item for s in sources for item in _items(s, limit)]
    merged.sort(key=lambda i: (i.published_at, i.url), reverse=True)
    return merged[:limit]
