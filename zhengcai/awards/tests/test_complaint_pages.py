"""The complaint pages through the test client: the supplier files from the challenge page,
the regulator sees it on the desk with its due date, accepts and decides, the public page shows
the decision, another supplier gets 404."""

from __future__ import annotations

import pytest
from django.test import Client

from zhengcai.accounts.tests.factories import user
from zhengcai.awards import constants as c
from zhengcai.awards import selectors
from zhengcai.awards.tests.test_complaints import CLETTER, _answered, _regulator

pytestmark = pytest.mark.django_db


def _client(u: object) -> Client:
    cl = Client()
    cl.force_login(u)  # type: ignore[arg-type]
    return cl


def test_file_desk_accept_decide_public_and_404() -> None:
    a, sup, ch = _answered()
    reg = _regulator(a)
    s = _client(sup)
    page = s.get(f"/awards/challenges/{ch.pk}/").content.decode()
    assert "提起投诉" in page and "投诉截止" in page
    form = s.get(f"/awards/complaints/new/?challenge={ch.pk}")
    assert form.status_code == 200 and "投诉书" in form.content.decode()
    r = s.post("/awards/complaints/new/", {"challenge": ch.pk, **CLETTER})
    assert r.status_code == 302, r.content.decode()[:500]
    x = selectors.complaints_visible(sup.organization_id).first()
    assert x is not None and r["Location"] == f"/awards/complaints/{x.pk}/"

    g = _client(reg)
    desk = g.get("/awards/complaints/").content.decode()
    assert a.r.project.name in desk and "审查期限" in desk and f"{x.review_due:%Y-%m-%d}" in desk
    g.post(f"/awards/complaints/{x.pk}/review/", {"action": "accept", "version": x.version})
    x.refresh_from_db()
    assert x.status == c.ComplaintStatus.ACCEPTED
    detail = g.get(f"/awards/complaints/{x.pk}/").content.decode()
    assert 'data-testid="decide-form"' in detail

    g.post(
        f"/awards/complaints/{x.pk}/decide/",
        {
            "finding": "unfounded",
            "remedy": "continue",
            "facts": "查无实据",
            "legal_basis": "94号令 29",
            "version": x.version,
        },
    )
    x.refresh_from_db()
    assert x.status == c.ComplaintStatus.DECIDED

    public = Client().get("/awards/public/complaints/")
    assert public.status_code == 200 and "查无实据" in public.content.decode()
    # its own page, linked from the list and from the portal's notice feed (94号令 34)
    one = f"/awards/public/complaints/{x.pk}/"
    assert one in public.content.decode()
    assert "查无实据" in Client().get(one).content.decode()
    feed = Client().get("/notices/", {"kind": "complaint"}).content.decode()
    assert one in feed and "/awards/public/" + str(a.award.pk) not in feed

    other_org = next(
        o for o in a.r.supplier_orgs if o.pk not in (sup.organization_id, a.award.supplier_id)
    )
    other = _client(user(other_org, role="supplier"))
    assert other.get(f"/awards/complaints/{x.pk}/").status_code == 404
    assert Client().get(f"/awards/complaints/{x.pk}/").status_code == 302


def test_an_undecided_complaint_has_no_public_page() -> None:
    _a, sup, ch = _answered()
    from zhengcai.awards import services

    x = services.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    assert Client().get(f"/awards/public/complaints/{x.pk}/").status_code == 404
    assert f"/awards/public/complaints/{x.pk}/" not in Client().get("/notices/").content.decode()


def test_a_stale_form_is_refused_and_changes_nothing() -> None:
    a, sup, ch = _answered()
    reg = _regulator(a)
    from zhengcai.awards import services

    x = services.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    before = (x.status, x.version)
    r = _client(reg).post(
        f"/awards/complaints/{x.pk}/review/",
        {"action": "accept", "version": x.version - 1},
        follow=True,
    )
    assert "投诉已被他人更新，请刷新后重试。" in r.content.decode()
    x.refresh_from_db()
    assert (x.status, x.version) == before
