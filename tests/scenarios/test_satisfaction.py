"""Satisfaction surveys for the agency assessment (issue 11 item 9; seed 000: 采购单位满意率、
供应商满意率、采购成功率; seed 002: 服务态度、服务质量、服务效果)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from tests.scenarios.test_archive import _opened_and_ended
from tests.scenarios.test_procurement_path import AGENCY, PURCHASER, _published_project
from zhengcai.accounts.models import User
from zhengcai.bidding.models import Participation
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.plans.tests.factories import PlansWorld
from zhengcai.supervision import access, rules, selectors, services
from zhengcai.supervision import constants as c
from zhengcai.supervision.models import SatisfactionSurvey
from zhengcai.tenders import methods

GOOD = {"attitude": 5, "quality": 4, "effect": 4}
POOR = {"attitude": 3, "quality": 4, "effect": 4}  # mean 3.67: not satisfied


def _suppliers(project_pk: int) -> list[User]:
    orgs = Participation.objects.filter(project_id=project_pk).values("supplier_id")
    users = User.objects.filter(organization_id__in=orgs, role="supplier").order_by("pk")
    seen: dict[int, User] = {}
    for u in users:
        seen.setdefault(u.organization_id or 0, u)
    return list(seen.values())


def test_parties_rate_once_and_the_agency_figures_follow(w: PlansWorld) -> None:
    p = _opened_and_ended(w)
    purchaser = w.users[PURCHASER]
    suppliers = _suppliers(p.pk)
    assert len(suppliers) == 3
    s = services.survey_submit(actor=purchaser, project=p, scores=GOOD, comment="服务周到")
    assert (s.rater_role, s.mean, s.satisfied) == (c.RaterRole.PURCHASER, Decimal("4.33"), True)
    services.survey_submit(actor=suppliers[0], project=p, scores=GOOD)
    services.survey_submit(actor=suppliers[1], project=p, scores=POOR)
    assert AuditEntry.objects.filter(action="survey.submitted").count() == 3
    with pytest.raises(Conflict) as dup:
        services.survey_submit(actor=suppliers[0], project=p, scores=GOOD)
    assert dup.value.code == c.ERR_SURVEY_DUPLICATE

    regulator = next(u for u in w.users.values() if u.role == "regulator")
    figures = {f.agency.pk: f for f in selectors.agency_figures(access.agencies_visible(regulator))}
    f = figures[p.agency_id]
    assert (f.purchaser.responses, f.purchaser.percent) == (1, Decimal("100.0"))
    assert (f.supplier.responses, f.supplier.satisfied, f.supplier.percent) == (
        2,
        1,
        Decimal("50.0"),
    )
    assert f.success.responses >= 1 and f.success.satisfied == 0  # terminated: no result
    assert f.aspect_values == [Decimal("4.33"), Decimal("4.00"), Decimal("4.00")]  # 5, 5, 3 …

    # the same through the API, as the regulator
    c_ = Client()
    c_.force_login(regulator)
    r = c_.get("/api/v1/supervision/agencies")
    assert r.status_code == 200
    row = next(x for x in r.json() if x["agency_id"] == p.agency_id)
    assert row["supplier_satisfaction"] == {"responses": 2, "satisfied": 1, "percent": "50.0"}
    page = c_.get("/supervision/agencies/")
    assert page.status_code == 200 and "采购单位满意率" in page.content.decode()


def test_only_parties_of_an_ended_procurement_rate(w: PlansWorld) -> None:
    open_project = _published_project(w, methods.OPEN_TENDER)
    with pytest.raises(RuleViolation) as exc:
        services.survey_submit(actor=w.users[PURCHASER], project=open_project, scores=GOOD)
    assert exc.value.code == c.ERR_SURVEY_NOT_ENDED
    p = _opened_and_ended(w)
    with pytest.raises(PermissionDenied):
        services.survey_submit(actor=w.users[AGENCY], project=p, scores=GOOD)
    outsider = next(
        u
        for u in User.objects.filter(role="supplier").order_by("pk")
        if u.organization_id not in {x.organization_id for x in _suppliers(p.pk)}
    )
    with pytest.raises(PermissionDenied) as not_party:
        services.survey_submit(actor=outsider, project=p, scores=GOOD)
    assert not_party.value.code == c.ERR_SURVEY_NOT_PARTY
    with pytest.raises(InvalidInput) as bad:
        services.survey_submit(
            actor=w.users[PURCHASER], project=p, scores={"attitude": 6, "quality": 0}
        )
    assert bad.value.detail == {"fields": ["attitude", "quality", "effect"]}
    assert not SatisfactionSurvey.objects.filter(project=p).exists()


def test_the_survey_page_lists_what_is_left_to_rate(w: PlansWorld) -> None:
    p = _opened_and_ended(w)
    c_ = Client()
    c_.force_login(w.users[PURCHASER])
    page = c_.get("/supervision/surveys/")
    assert p.project_no in page.content.decode()
    r = c_.post(
        f"/supervision/surveys/projects/{p.pk}/", {"attitude": "5", "quality": "5", "effect": "4"}
    )
    assert r.status_code == 302
    assert SatisfactionSurvey.objects.filter(project=p, satisfied=True).count() == 1
    assert (
        p.project_no
        not in c_.get("/supervision/surveys/").content.decode().split("本单位的评价")[0]
    )
    r = c_.post(
        "/api/v1/supervision/surveys",
        {"project_id": p.pk, "attitude": 5, "quality": 5, "effect": 5},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == c.ERR_SURVEY_DUPLICATE


@pytest.mark.parametrize(
    ("scores", "ok"), [((4, 4, 4), True), ((5, 4, 3), True), ((4, 4, 3), False), ((1, 5, 5), False)]
)
def test_satisfied_means_an_average_of_four(scores: tuple[int, int, int], ok: bool) -> None:
    assert rules.satisfied(scores) is ok


def test_rate_is_none_without_responses_and_rounds_half_up() -> None:
    assert rules.Rate(0, 0).percent is None
    assert rules.Rate(3, 2).percent == Decimal("66.7")
    assert rules.Rate(8, 1).percent == Decimal("12.5")


def test_rater_role_asks_one_existence_query(w: PlansWorld, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    """A supplier's part is one EXISTS on its participation in this project, however many
    projects it took part in; the purchaser's needs no query."""
    p = _opened_and_ended(w)
    supplier = _suppliers(p.pk)[0]
    with django_assert_num_queries(1):
        assert services.rater_role(supplier, p) == c.RaterRole.SUPPLIER
    with django_assert_num_queries(0):
        assert services.rater_role(w.users[PURCHASER], p) == c.RaterRole.PURCHASER
    took_part = {u.organization_id for u in _suppliers(p.pk)}
    outsider = next(
        u
        for u in User.objects.filter(role="supplier").exclude(organization=None).order_by("pk")
        if u.organization_id not in took_part
    )
    with django_assert_num_queries(1):
        assert services.rater_role(outsider, p) is None
