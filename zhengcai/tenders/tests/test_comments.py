"""Public comment on the documents (采购文件征求意见): the agency opens the period, suppliers
comment until the last day (by the clock), the agency answers; pages for the agency, the
public and suppliers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.tenders import constants as c
from zhengcai.tenders import services
from zhengcai.tenders.models import DocumentComment
from zhengcai.tenders.tests.conftest import NOW
from zhengcai.tenders.tests.factories import ready_project

UNTIL = dt.date(2026, 11, 30)


@pytest.fixture
def supplier(w: PlansWorld):  # type: ignore[no-untyped-def]
    from zhengcai.accounts.constants import OrgKind
    from zhengcai.accounts.tests.factories import organization, user

    org = organization(OrgKind.SUPPLIER, w.regions["hz"], "杭州意见供应商有限公司")
    return user(org, username="cm_supplier")


def _page(u) -> Client:  # type: ignore[no-untyped-def]
    cl = Client()
    cl.force_login(u)
    return cl


def test_comment_period_by_the_clock(w: PlansWorld, supplier) -> None:  # type: ignore[no-untyped-def]
    p = ready_project(w)
    with pytest.raises(DomainError) as exc:
        services.comment_submit(actor=supplier, project=p, text="早于征求意见")
    assert exc.value.code == c.ERR_COMMENT_NOT_OPEN
    services.public_comment_open(actor=w.users["agc_hz"], project=p, until=UNTIL)
    p.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.comment_submit(actor=w.users["agc_hz"], project=p, text="代理机构不能提意见")
    assert exc.value.status == 403
    with pytest.raises(DomainError):
        services.comment_submit(actor=supplier, project=p, text="   ")
    clock.freeze(dt.datetime(2026, 11, 30, 23, 59, tzinfo=clock.SHANGHAI))  # the last day counts
    item = services.comment_submit(actor=supplier, project=p, text="交货期30日过短，建议45日")
    assert item.status == c.CommentStatus.SUBMITTED and item.organization == supplier.organization
    assert AuditEntry.objects.filter(action="comment.submitted", object_id=str(item.pk)).exists()
    clock.freeze(dt.datetime(2026, 12, 1, 0, 0, tzinfo=clock.SHANGHAI))
    with pytest.raises(DomainError) as exc:
        services.comment_submit(actor=supplier, project=p, text="过期意见")
    assert exc.value.code == c.ERR_COMMENT_CLOSED and exc.value.status == 409
    assert DocumentComment.objects.filter(project=p).count() == 1
    # the agency still answers after the period; only once; only the agency
    with pytest.raises(DomainError) as exc:
        services.comment_answer(actor=w.users["agc_prov"], comment=item, answer="x")
    assert exc.value.status == 403
    services.comment_answer(actor=w.users["agc_hz"], comment=item, answer="采纳，改为45日")
    item.refresh_from_db()
    assert item.status == c.CommentStatus.ANSWERED and item.answered_by == w.users["agc_hz"]
    with pytest.raises(DomainError) as exc:
        services.comment_answer(actor=w.users["agc_hz"], comment=item, answer="再答")
    assert exc.value.code == c.ERR_BAD_TRANSITION
    item.refresh_from_db()
    assert item.answer == "采纳，改为45日"
    clock.freeze(NOW)


def test_comment_pages(w: PlansWorld, supplier) -> None:  # type: ignore[no-untyped-def]
    p = ready_project(w)
    agency = _page(w.users["agc_hz"])
    html = agency.get(f"/tenders/projects/{p.pk}/").content.decode()
    assert 'data-testid="comment-open"' in html
    assert Client().get(f"/tenders/public/comments/{p.pk}/").status_code == 404
    r = agency.post(
        f"/tenders/projects/{p.pk}/act/", {"op": "comment_open", "comment_until": "2026-11-23"}
    )
    p.refresh_from_db()
    assert r.status_code == 302 and p.public_comment_until is None  # must be after today
    agency.post(
        f"/tenders/projects/{p.pk}/act/",
        {"op": "comment_open", "comment_until": UNTIL.isoformat()},
    )
    p.refresh_from_db()
    assert p.public_comment_until == UNTIL
    # the public: listed with the period, the document readable, no form without login
    anon = Client()
    assert p.name in anon.get("/tenders/public/comments/").content.decode()
    html = anon.get(f"/tenders/public/comments/{p.pk}/").content.decode()
    assert "2026-11-30" in html and 'data-testid="comment-form"' not in html
    assert anon.get(f"/tenders/public/comments/{p.pk}/document/").status_code == 200
    r = anon.post(f"/tenders/public/comments/{p.pk}/", {"text": "匿名"})
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert not DocumentComment.objects.filter(project=p).exists()
    # a supplier comments; the public does not see unanswered comments
    sp = _page(supplier)
    url = f"/tenders/public/comments/{p.pk}/"
    assert 'data-testid="comment-form"' in sp.get(url).content.decode()
    sp.post(url, {"text": "建议删除品牌倾向性表述"})
    item = DocumentComment.objects.get(project=p)
    assert "建议删除品牌倾向性表述" not in anon.get(url).content.decode()
    assert "建议删除品牌倾向性表述" in sp.get(url).content.decode()
    # the agency sees it with the commenter and answers; then the public sees both, anonymously
    html = agency.get(f"/tenders/projects/{p.pk}/").content.decode()
    assert "建议删除品牌倾向性表述" in html and supplier.organization.name in html
    agency.post(
        f"/tenders/projects/{p.pk}/act/",
        {"op": "comment_answer", "comment": item.pk, "answer": "已删除相关表述"},
    )
    html = anon.get(f"/tenders/public/comments/{p.pk}/").content.decode()
    assert "已删除相关表述" in html and supplier.organization.name not in html
    # after the last day: the page says closed and refuses
    clock.freeze(dt.datetime(2026, 12, 1, 9, 0, tzinfo=clock.SHANGHAI))
    html = sp.get(f"/tenders/public/comments/{p.pk}/").content.decode()
    assert 'data-testid="comment-closed"' in html
    sp.post(f"/tenders/public/comments/{p.pk}/", {"text": "迟到的意见"})
    assert DocumentComment.objects.filter(project=p).count() == 1
    assert p.name not in anon.get("/tenders/public/comments/").content.decode()
    clock.freeze(NOW)


def test_publish_waits_for_the_comment_period(w: PlansWorld) -> None:
    """The notice is not published while the documents are still under comment."""
    p = ready_project(w)
    services.public_comment_open(actor=w.users["agc_hz"], project=p, until=UNTIL)
    p.refresh_from_db()
    deadline = dt.datetime(2026, 12, 31, 9, 30, tzinfo=clock.SHANGHAI)
    with pytest.raises(DomainError) as exc:
        services.project_publish(
            actor=w.users["agc_hz"], project=p, bid_deadline=deadline, opening_place="开标室"
        )
    assert exc.value.code == c.ERR_COMMENT_PERIOD_RUNNING
    p.refresh_from_db()
    assert p.status == c.ProjectStatus.DOCUMENTS_READY and p.notice_published_at is None
    clock.freeze(dt.datetime(2026, 12, 1, 9, 0, tzinfo=clock.SHANGHAI))
    services.project_publish(
        actor=w.users["agc_hz"], project=p, bid_deadline=deadline, opening_place="开标室"
    )
    p.refresh_from_db()
    assert p.status == c.ProjectStatus.PUBLISHED
    clock.freeze(NOW)
