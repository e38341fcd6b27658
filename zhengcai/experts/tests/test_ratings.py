"""Expert performance records (198号 21; 条例 62): ratings by the draw's agency and purchaser
within 5 working days, the expert's reply, incidents, the record summary and the suspension
suggestion acted on through the existing status service."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhengcai.core import clock as core_clock
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.models import AuditEntry, CalendarOverride
from zhengcai.experts import access, selectors, services
from zhengcai.experts.models import (
    DrawInvitation,
    DrawRequest,
    DrawRound,
    ExpertProfile,
    ExpertRating,
    ExpertStatusChange,
)
from zhengcai.experts.rules import (
    RatingFact,
    RecordSummary,
    SuggestionPolicy,
    eligible_digest,
    rater_side,
    rating_input_problem,
    record_summary,
    seed_commitment,
    suspension_suggestion,
)
from zhengcai.experts.tests.conftest import experts_policy
from zhengcai.experts.tests.factories import EVAL_AT, ExpertWorld, draw_request

SH = core_clock.SHANGHAI


def at(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=SH)


def evaluated_draw(w: ExpertWorld, *, when: dt.datetime | None = None) -> DrawRequest:
    """A draw whose five experts all confirmed; the clock is then moved to `when` (default:
    the afternoon of the evaluation day)."""
    draw = draw_request(w)
    services.draw_execute(actor=w.users["agc"], draw=draw)
    for inv in DrawInvitation.objects.filter(draw=draw).select_related("expert__user"):
        services.invitation_respond(actor=inv.expert.user, invitation=inv, accept=True)
    draw.refresh_from_db()
    assert draw.status == "complete"
    core_clock.freeze(when or at(2026, 11, 24, 15))
    return draw


def seated(draw: DrawRequest) -> list[ExpertProfile]:
    return selectors.confirmed_experts(draw)


def rate(w: ExpertWorld, draw: DrawRequest, expert: ExpertProfile, key: str = "agc", **kw: Any):
    args: dict[str, Any] = {"attendance": "on_time", "quality": 4, "flags": [], "note": ""}
    args.update(kw)
    return services.rating_create(actor=w.users[key], draw=draw, expert=expert, **args)


def api(w: ExpertWorld, key: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {w.tokens[key]}")


def client(u: Any) -> Client:
    c = Client()
    c.force_login(u)
    return c


def post_json(c: Client, url: str, body: dict[str, Any]) -> Any:
    return c.post(url, json.dumps(body), content_type="application/json")


# --- the window (198号 21: within 5 working days after the evaluation) ------------------------


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (at(2026, 11, 24, 8), "rating_not_open"),  # before the evaluation starts
        (at(2026, 11, 24, 9), None),  # the evaluation start
        (at(2026, 11, 28, 12), None),  # a Saturday inside the window
        (at(2026, 12, 1, 23), None),  # Tue: the 5th working day after Tue 11-24, late evening
        (at(2026, 12, 2, 0), "rating_window_closed"),  # the 6th working day
        (at(2026, 12, 10), "rating_window_closed"),
    ],
)
def test_rating_window_edges(
    w: ExpertWorld, clock: Any, when: dt.datetime, code: str | None
) -> None:
    draw = evaluated_draw(w, when=when)
    expert = seated(draw)[0]
    if code is None:
        assert rate(w, draw, expert).pk
    else:
        with pytest.raises(RuleViolation) as exc:
            rate(w, draw, expert)
        assert exc.value.code == code and exc.value.status == 422


def test_rating_window_counts_working_days_across_a_holiday(w: ExpertWorld, clock: Any) -> None:
    # Thu 11-26 and Fri 11-27 off, Sun 11-29 a make-up working day (调休):
    # working days after Tue 11-24 are 25, 29, 30, 12-01, 12-02 → the last day is Wed 12-02.
    CalendarOverride.objects.create(date=dt.date(2026, 11, 26), is_workday=False, name="测试假日")
    CalendarOverride.objects.create(date=dt.date(2026, 11, 27), is_workday=False, name="测试假日")
    CalendarOverride.objects.create(date=dt.date(2026, 11, 29), is_workday=True, name="调休上班")
    draw = evaluated_draw(w, when=at(2026, 12, 2, 17))
    assert selectors.rating_last_day(draw) == dt.date(2026, 12, 2)
    first, second = seated(draw)[:2]
    assert rate(w, draw, first).pk
    core_clock.freeze(at(2026, 12, 3, 9))
    with pytest.raises(RuleViolation) as exc:
        rate(w, draw, second)
    assert exc.value.code == "rating_window_closed"
    assert exc.value.detail == {"last_day": dt.date(2026, 12, 2)}


def test_rating_window_is_configuration(w: ExpertWorld, clock: Any) -> None:
    draw = evaluated_draw(w, when=at(2026, 12, 2, 9))
    with experts_policy(RATING_WINDOW_WORKDAYS=6):
        assert rate(w, draw, seated(draw)[0]).pk


# --- who may rate --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "status"),
    [
        ("agc", 201),  # the draw's agency
        ("pur", 201),  # the draw's purchaser
        ("agc_nb", 404),  # another agency: cannot see the draw
        ("pur_nb", 404),  # another purchaser
        ("spl", 404),
        ("expert0", 404),
        ("reg_hz", 403),  # sees the draw, does not rate
        ("supv_hz", 403),
        ("admin", 403),
    ],
)
def test_who_may_rate_through_the_api(w: ExpertWorld, clock: Any, key: str, status: int) -> None:
    draw = evaluated_draw(w)
    expert = seated(draw)[0]
    r = post_json(
        api(w, key),
        f"/api/v1/experts/draws/{draw.pk}/ratings",
        {"expert_id": expert.pk, "attendance": "late", "quality": 3, "flags": ["outlier"]},
    )
    assert r.status_code == status, r.content
    body = r.json()
    if status == 201:
        assert body["side"] == ("agency" if key == "agc" else "purchaser")
        assert body["flags"] == ["outlier"] and body["quality"] == 3
    else:
        assert set(body) == {"code", "message", "detail"}


@pytest.mark.parametrize("key", ["agc_nb", "pur_nb", "reg_hz", "admin", "spl"])
def test_service_refuses_anyone_but_the_draws_agency_and_purchaser(
    w: ExpertWorld, clock: Any, key: str
) -> None:
    draw = evaluated_draw(w)
    with pytest.raises(PermissionDenied):
        rate(w, draw, seated(draw)[0], key=key)


def test_rater_side_rule() -> None:
    assert rater_side(role="agency", org_id=1, agency_id=1, purchaser_id=2) == "agency"
    assert rater_side(role="purchaser", org_id=2, agency_id=1, purchaser_id=2) == "purchaser"
    assert rater_side(role="agency", org_id=2, agency_id=1, purchaser_id=2) is None
    assert rater_side(role="purchaser", org_id=1, agency_id=1, purchaser_id=2) is None
    assert rater_side(role="regulator", org_id=1, agency_id=1, purchaser_id=2) is None
    assert rater_side(role="agency", org_id=None, agency_id=1, purchaser_id=2) is None


def test_only_confirmed_experts_are_rated(w: ExpertWorld, clock: Any) -> None:
    draw = draw_request(w)
    services.draw_execute(actor=w.users["agc"], draw=draw)
    invs = list(DrawInvitation.objects.filter(draw=draw).select_related("expert__user"))
    services.invitation_respond(actor=invs[0].expert.user, invitation=invs[0], accept=False)
    core_clock.freeze(at(2026, 11, 24, 15))
    for expert in (invs[0].expert, w.nb[0], invs[1].expert):  # declined, never drawn, pending
        with pytest.raises(InvalidInput) as exc:
            rate(w, draw, expert)
        assert exc.value.code == "expert_not_rateable"


def test_duplicate_rating_refused_per_organization(w: ExpertWorld, clock: Any) -> None:
    draw = evaluated_draw(w)
    expert = seated(draw)[0]
    rate(w, draw, expert)
    with pytest.raises(Conflict) as exc:
        rate(w, draw, expert, quality=2)
    assert exc.value.code == "duplicate" and exc.value.status == 409
    assert rate(w, draw, expert, key="pur").side == "purchaser"
    r = post_json(
        api(w, "agc"),
        f"/api/v1/experts/draws/{draw.pk}/ratings",
        {"expert_id": expert.pk, "attendance": "on_time", "quality": 5},
    )
    assert r.status_code == 409 and r.json()["code"] == "duplicate"
    assert ExpertRating.objects.filter(draw=draw, expert=expert).count() == 2


def test_rating_input_rules_and_api_errors(w: ExpertWorld, clock: Any) -> None:
    assert rating_input_problem(attendance="absent", quality=None, flags=[]) is None
    assert rating_input_problem(attendance="absent", quality=3, flags=[])
    assert rating_input_problem(attendance="on_time", quality=None, flags=[])
    assert rating_input_problem(attendance="late", quality=6, flags=[])
    assert rating_input_problem(attendance="late", quality=1, flags=["bribe"])
    draw = evaluated_draw(w)
    expert = seated(draw)[0]
    url = f"/api/v1/experts/draws/{draw.pk}/ratings"
    c = api(w, "agc")
    r = post_json(c, url, {"expert_id": expert.pk, "attendance": "absent", "quality": 3})
    assert r.status_code == 422 and r.json()["code"] == "rating_invalid"
    r = post_json(c, url, {"expert_id": expert.pk, "attendance": "on_time", "quality": 6})
    assert r.status_code == 422 and set(r.json()) == {"code", "message", "detail"}
    r = post_json(c, url, {"expert_id": expert.pk, "attendance": "on_time", "quality": 4, "x": 1})
    assert r.status_code == 422
    r = post_json(c, url, {"expert_id": expert.pk, "attendance": "absent"})
    assert r.status_code == 201 and r.json()["quality"] is None
    entry = AuditEntry.objects.filter(action="expert_rating.created").last()
    assert entry is not None and entry.object_id == str(r.json()["id"])
    core_clock.freeze(at(2026, 12, 2, 9))
    r = post_json(
        api(w, "pur"), url, {"expert_id": expert.pk, "attendance": "on_time", "quality": 4}
    )
    assert r.status_code == 422 and r.json()["code"] == "rating_window_closed"
    assert r.json()["detail"] == {"last_day": "2026-12-01"}


# --- the expert's reply --------------------------------------------------------------------------


def test_reply_only_by_the_rated_expert_and_once(w: ExpertWorld, clock: Any) -> None:
    draw = evaluated_draw(w)
    first, second = seated(draw)[:2]
    rating = rate(w, draw, first, attendance="late", quality=2)
    with pytest.raises(PermissionDenied):
        services.rating_reply(actor=second.user, rating=rating, text="不是我")
    with pytest.raises(PermissionDenied):
        services.rating_reply(actor=w.users["agc"], rating=rating, text="x")
    # Through the API the rating is not even found for another expert.
    assert Client().get("/api/v1/experts/ratings/mine").status_code == 401
    other = Client()
    other.force_login(second.user)
    r = post_json(other, f"/api/v1/experts/ratings/{rating.pk}/reply", {"text": "x"})
    assert r.status_code == 404
    r = post_json(api(w, "agc"), f"/api/v1/experts/ratings/{rating.pk}/reply", {"text": "x"})
    assert r.status_code == 403
    own = Client()
    own.force_login(first.user)
    mine = own.get("/api/v1/experts/ratings/mine").json()
    assert [m["id"] for m in mine] == [rating.pk]
    r = post_json(
        own, f"/api/v1/experts/ratings/{rating.pk}/reply", {"text": "交通管制，已提前报告"}
    )
    assert r.status_code == 200 and r.json()["reply"] == "交通管制，已提前报告"
    assert r.json()["replied_at"] is not None
    r = post_json(own, f"/api/v1/experts/ratings/{rating.pk}/reply", {"text": "再说一次"})
    assert r.status_code == 409 and r.json()["code"] == "duplicate"
    assert AuditEntry.objects.filter(
        action="expert_rating.replied", object_id=str(rating.pk)
    ).exists()


# --- summary and suggestion (pure) ---------------------------------------------------------------


def test_record_summary_arithmetic() -> None:
    facts = [
        RatingFact(1, "on_time", 5),
        RatingFact(2, "on_time", 4, frozenset({"outlier"})),
        RatingFact(3, "late", 4, frozenset({"discipline", "other"})),
        RatingFact(4, "absent", None),
        RatingFact(5, "left_early", 2, frozenset({"disclosure"})),
    ]
    s = record_summary(facts, ["complaint_upheld", "other", "complaint_upheld"])
    assert (s.ratings, s.evaluations) == (5, 5)
    assert (s.on_time, s.late, s.absent, s.left_early) == (2, 1, 1, 1)
    assert (s.quality_count, s.quality_sum, s.quality_avg) == (4, 15, Decimal("3.75"))
    assert (s.outlier, s.discipline, s.disclosure, s.other_flags) == (1, 1, 1, 1)
    assert s.serious_flags == 2
    assert (s.complaints_upheld, s.other_incidents) == (2, 1)
    assert record_summary([], []).quality_avg is None
    # two places, half up
    # One evaluation rated by both sides counts once for attendance and flags, but each
    # scored rating counts for the average.
    both = [
        RatingFact(7, "absent", None),
        RatingFact(7, "absent", None),
        RatingFact(8, "late", 3, frozenset({"outlier"})),
        RatingFact(8, "on_time", 4, frozenset({"outlier"})),
    ]
    s = record_summary(both, [])
    assert (s.ratings, s.evaluations, s.absent, s.late, s.on_time, s.outlier) == (4, 2, 1, 1, 1, 1)
    assert (s.quality_count, s.quality_avg) == (2, Decimal("3.50"))
    three = [RatingFact(i, "on_time", q) for i, q in enumerate((5, 4, 4))]
    assert record_summary(three, []).quality_avg == Decimal("4.33")
    assert record_summary([RatingFact(1, "on_time", q) for q in (2, 3, 3)], []).quality_avg == (
        Decimal("2.67")
    )


P = SuggestionPolicy()


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (RecordSummary(ratings=1, absent=1), None),
        (RecordSummary(ratings=2, absent=2), "缺席评审 2 次"),
        (RecordSummary(ratings=2, late=2, quality_count=2, quality_sum=8), None),
        (RecordSummary(ratings=3, late=3, quality_count=3, quality_sum=12), "迟到 3 次"),
        (RecordSummary(ratings=1, left_early=1, quality_count=1, quality_sum=3), None),
        (RecordSummary(ratings=2, left_early=2, quality_count=2, quality_sum=6), "中途退出 2 次"),
        (RecordSummary(ratings=1, outlier=1, quality_count=1, quality_sum=3), None),
        (RecordSummary(ratings=1, disclosure=1, quality_count=1, quality_sum=3), "泄露评审情况"),
        (RecordSummary(ratings=1, discipline=1, quality_count=1, quality_sum=3), "违反评审纪律"),
        (RecordSummary(other_incidents=1), None),
        (RecordSummary(complaints_upheld=1), "投诉成立 1 件"),
        # average quality: exactly 2.5 is not below 2.5; 2.33 over 3 ratings is
        (RecordSummary(ratings=4, quality_count=4, quality_sum=10), None),
        (RecordSummary(ratings=3, quality_count=3, quality_sum=7), "评审质量平均 2.33 分"),
        # too few scored ratings to judge
        (RecordSummary(ratings=2, quality_count=2, quality_sum=2), None),
        (RecordSummary(ratings=3, absent=1, quality_count=2, quality_sum=2), None),
    ],
)
def test_suspension_suggestion_thresholds(summary: RecordSummary, expected: str | None) -> None:
    reasons = suspension_suggestion(summary, P)
    if expected is None:
        assert reasons is None
    else:
        assert reasons is not None and any(expected in r for r in reasons), reasons


def test_suggestion_policy_is_configuration() -> None:
    s = RecordSummary(ratings=2, absent=2)
    assert suspension_suggestion(s, SuggestionPolicy(absent_min=3)) is None
    assert suspension_suggestion(s, SuggestionPolicy(absent_min=0)) is None  # 0 disables
    with experts_policy(SUGGEST_ABSENT_MIN=3, RECORD_WINDOW_DAYS=180):
        pol = selectors.suggestion_policy()
    assert pol.absent_min == 3 and pol.window_days == 180
    assert "近 6 个月" in (suspension_suggestion(s, SuggestionPolicy(window_days=180)) or [""])[0]


# --- selectors -----------------------------------------------------------------------------------


def past_draw(w: ExpertWorld, experts: list[ExpertProfile], when: dt.datetime) -> DrawRequest:
    """An earlier evaluation the same experts sat (history, written directly)."""
    seed = "0" * 64
    draw = DrawRequest.objects.create(
        agency=w.orgs["agc_hz"],
        purchaser=w.orgs["pur_hz"],
        created_by=w.users["agc"],
        project_name="往期项目",
        specialty_codes=["A02"],
        region_paths=[w.regions["hz"].path],
        evaluation_at=when,
        count=len(experts),
        budget=Decimal("1000000.00"),
        seed_hash=seed_commitment(seed),
        seed=seed,
        revealed_at=when,
        status="complete",
        created_at=when - dt.timedelta(days=1),
    )
    ids = [e.pk for e in experts]
    rnd = DrawRound.objects.create(
        draw=draw,
        number=1,
        reason="initial",
        eligible_ids=ids,
        eligible_digest=eligible_digest(ids),
        wanted=len(ids),
        picked_ids=ids,
        created_at=when,
    )
    DrawInvitation.objects.bulk_create(
        DrawInvitation(
            draw=draw, round=rnd, expert=e, position=i, status="confirmed", deadline=when
        )
        for i, e in enumerate(experts, start=1)
    )
    return draw


def _rate_pattern(w: ExpertWorld, draw: DrawRequest) -> list[ExpertProfile]:
    """Expert 0 absent in this evaluation (reported by both sides: one absence) and in an
    earlier one; 1 late once with low quality over two ratings; 2 fine; 3 gets a complaint
    upheld; 4 fine."""
    e = seated(draw)
    earlier = past_draw(w, e, at(2026, 11, 20, 9))
    rate(w, earlier, e[0], attendance="absent", quality=None)
    for key in ("agc", "pur"):
        rate(w, draw, e[0], key=key, attendance="absent", quality=None)
        rate(w, draw, e[1], key=key, attendance="late", quality=2, flags=["outlier"])
        rate(w, draw, e[2], key=key, quality=5)
    services.incident_record(
        actor=w.users["reg_hz"],
        profile=e[3],
        kind="complaint_upheld",
        reference="杭财采监〔2026〕1 号",
        occurred_on=dt.date(2026, 11, 20),
    )
    return e


def test_summaries_match_the_pure_rule(w: ExpertWorld, clock: Any) -> None:
    draw = evaluated_draw(w)
    e = _rate_pattern(w, draw)
    since = selectors.record_since(selectors.suggestion_policy())
    got = selectors.summaries([x.pk for x in e], since)
    for x in e[:3]:
        facts = [
            RatingFact(r.draw_id, r.attendance, r.quality, frozenset(r.flags))
            for r in ExpertRating.objects.filter(expert=x)
        ]
        assert got[x.pk] == record_summary(facts, [])
    assert got[e[3].pk] == RecordSummary(complaints_upheld=1)
    assert e[4].pk not in got
    assert got[e[1].pk].quality_avg == Decimal("2.00") and got[e[1].pk].outlier == 1
    assert (got[e[0].pk].ratings, got[e[0].pk].evaluations, got[e[0].pk].absent) == (3, 2, 2)
    # Outside the period nothing counts.
    core_clock.freeze(at(2027, 12, 1))
    assert selectors.summaries([x.pk for x in e], selectors.record_since(P)) == {}


def test_suggested_experts_scoped_and_query_count_pinned(
    w: ExpertWorld, clock: Any, django_assert_max_num_queries: Any
) -> None:
    draw = evaluated_draw(w)
    e = _rate_pattern(w, draw)
    with django_assert_max_num_queries(3):
        found = selectors.suggested_experts(access.profiles_visible(w.users["reg_hz"]))
        reasons = {s.profile.pk: s.reasons for s in found}
        names = [s.profile.user.get_full_name() + s.profile.region.code for s in found]
    assert set(reasons) == {e[0].pk, e[3].pk}  # e[1]: only 2 ratings with quality
    assert len(names) == 2
    assert any("缺席评审 2 次" in r for r in reasons[e[0].pk])
    # Other regions' regulators do not see them.
    assert selectors.suggested_experts(access.profiles_visible(w.users["reg_nb"])) == []
    r = api(w, "reg_prov").get("/api/v1/experts/suggestions")
    assert r.status_code == 200 and {x["expert_id"] for x in r.json()} == {e[0].pk, e[3].pk}
    assert r.json()[0]["suggestion_reason"].startswith("根据专家履职记录暂停评审资格")
    assert api(w, "agc").get("/api/v1/experts/suggestions").status_code == 403


def test_suggestion_list_page_query_count_does_not_grow(
    w: ExpertWorld, clock: Any, django_assert_max_num_queries: Any
) -> None:
    draw = evaluated_draw(w)
    _rate_pattern(w, draw)
    c = client(w.users["reg_hz"])
    c.get("/experts/suggestions/")  # warm the session
    with django_assert_max_num_queries(12):
        r = c.get("/experts/suggestions/")
    assert r.status_code == 200 and "建议处理的专家" in r.content.decode()
    assert client(w.users["agc"]).get("/experts/suggestions/").status_code == 403


# --- incidents and the regulator's decision ------------------------------------------------------


def test_incident_recorded_by_the_regulator_only(w: ExpertWorld, clock: Any) -> None:
    p = w.clean[5]
    body = {
        "kind": "complaint_upheld",
        "reference": "杭财采监〔2026〕9 号",
        "occurred_on": "2026-11-20",
    }
    url = f"/api/v1/experts/profiles/{p.pk}/incidents"
    assert post_json(api(w, "supv_hz"), url, body).status_code == 403
    assert post_json(api(w, "reg_nb"), url, body).status_code == 404
    assert post_json(api(w, "agc"), url, body).status_code == 404
    bad = post_json(api(w, "reg_hz"), url, {**body, "occurred_on": "2026-12-31"})
    assert bad.status_code == 422 and bad.json()["code"] == "date_invalid"
    r = post_json(api(w, "reg_hz"), url, body)
    assert r.status_code == 201 and r.json()["kind"] == "complaint_upheld"
    entry = AuditEntry.objects.filter(action="expert_incident.recorded").last()
    assert entry is not None and entry.object_id == str(r.json()["id"])
    rec = api(w, "reg_hz").get(f"/api/v1/experts/profiles/{p.pk}/record").json()
    assert rec["summary"]["complaints_upheld"] == 1
    assert rec["suggestion"] and "投诉成立 1 件" in rec["suggestion"][0]
    assert rec["suggestion_reason"].startswith("根据专家履职记录暂停评审资格")
    with pytest.raises(PermissionDenied):
        services.incident_record(
            actor=w.users["agc"],
            profile=p,
            kind="other",
            reference="x",
            occurred_on=dt.date(2026, 11, 1),
        )


def test_regulator_suspends_on_the_suggestion_through_the_status_service(
    w: ExpertWorld, clock: Any
) -> None:
    draw = evaluated_draw(w)
    e = _rate_pattern(w, draw)
    target = e[0]
    c = client(w.users["reg_hz"])
    page = c.get(f"/experts/{target.pk}/").content.decode()
    assert 'data-testid="suggestion"' in page and 'data-testid="suspend-form"' in page
    reason = selectors.expert_record(target).suggestion_text
    assert "缺席评审 2 次" in reason and reason in page
    r = c.post(f"/experts/{target.pk}/", {"status": "suspended", "reason": reason})
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.status == "suspended" and target.status_reason == reason
    change = ExpertStatusChange.objects.filter(profile=target).order_by("-pk").first()
    assert change is not None and change.to_status == "suspended" and change.reason == reason
    entry = AuditEntry.objects.filter(
        action="expert.status_changed", object_id=str(target.pk)
    ).last()
    assert entry is not None and entry.after["reason"] == reason
    # No longer listed; the page no longer offers the button.
    listed = selectors.suggested_experts(access.profiles_visible(w.users["reg_hz"]))
    assert target.pk not in {s.profile.pk for s in listed}
    assert 'data-testid="suspend-form"' not in c.get(f"/experts/{target.pk}/").content.decode()
    # The supervisor sees the record but has no button.
    page = client(w.users["supv_hz"]).get(f"/experts/{e[3].pk}/").content.decode()
    assert 'data-testid="suggestion"' in page and 'data-testid="suspend-form"' not in page


def test_incident_form_on_the_regulator_page(w: ExpertWorld, clock: Any) -> None:
    p = w.clean[6]
    c = client(w.users["reg_hz"])
    r = c.post(
        f"/experts/{p.pk}/",
        {
            "op": "incident",
            "i-kind": "complaint_upheld",
            "i-reference": "杭财采监〔2026〕3 号",
            "i-occurred_on": "2026-11-02",
        },
    )
    assert r.status_code == 302
    page = c.get(f"/experts/{p.pk}/").content.decode()
    assert "杭财采监〔2026〕3 号" in page and 'data-testid="suggestion"' in page
    r = c.post(f"/experts/{p.pk}/", {"op": "incident", "i-kind": "x"})
    assert r.status_code == 400


# --- pages ---------------------------------------------------------------------------------------


def test_rating_form_on_the_draw_page_after_the_evaluation(w: ExpertWorld, clock: Any) -> None:
    draw = evaluated_draw(w, when=EVAL_AT - dt.timedelta(hours=1))
    agc = client(w.users["agc"])
    assert 'data-testid="rating-form"' not in agc.get(f"/experts/draws/{draw.pk}/").content.decode()
    core_clock.freeze(at(2026, 11, 24, 15))
    page = agc.get(f"/experts/draws/{draw.pk}/").content.decode()
    assert page.count('data-testid="rating-form"') == 5
    expert = seated(draw)[0]
    r = agc.post(
        f"/experts/draws/{draw.pk}/",
        {
            "op": "rate",
            "expert": expert.pk,
            "attendance": "late",
            "quality": "3",
            "flags": ["outlier"],
        },
    )
    assert r.status_code == 302
    rating = ExpertRating.objects.get(draw=draw, expert=expert)
    assert rating.side == "agency" and rating.flag_outlier and rating.quality == 3
    page = agc.get(f"/experts/draws/{draw.pk}/").content.decode()
    assert page.count('data-testid="rating-form"') == 4 and "评分畸高畸低" in page
    pur = client(w.users["pur"])
    assert (
        client(w.users["pur"])
        .get(f"/experts/draws/{draw.pk}/")
        .content.decode()
        .count('data-testid="rating-form"')
        == 5
    )
    r = pur.post(
        f"/experts/draws/{draw.pk}/", {"op": "rate", "expert": expert.pk, "attendance": "absent"}
    )
    assert r.status_code == 302
    assert ExpertRating.objects.get(draw=draw, expert=expert, side="purchaser").quality is None
    r = client(w.users["reg_hz"]).post(
        f"/experts/draws/{draw.pk}/", {"op": "rate", "expert": expert.pk, "attendance": "absent"}
    )
    assert r.status_code == 403
    # After the window the forms disappear.
    core_clock.freeze(at(2026, 12, 2, 9))
    assert 'data-testid="rating-form"' not in agc.get(f"/experts/draws/{draw.pk}/").content.decode()


def test_expert_page_shows_ratings_and_takes_a_reply(w: ExpertWorld, clock: Any) -> None:
    draw = evaluated_draw(w)
    expert = seated(draw)[0]
    rating = rate(w, draw, expert, attendance="late", quality=3, note="迟到 20 分钟")
    c = client(expert.user)
    page = c.get("/experts/me/").content.decode()
    assert 'data-testid="my-ratings"' in page and "迟到 20 分钟" in page and "提交说明" in page
    r = c.post("/experts/me/", {"op": "reply", "rating": rating.pk, "text": "路上堵车"})
    assert r.status_code == 302
    rating.refresh_from_db()
    assert rating.reply == "路上堵车" and rating.replied_at is not None
    page = c.get("/experts/me/").content.decode()
    assert "路上堵车" in page and "提交说明" not in page
    # Another expert cannot reply to it through the page either.
    other = client(seated(draw)[1].user)
    r = other.post("/experts/me/", {"op": "reply", "rating": rating.pk, "text": "x"})
    assert r.status_code == 404


def test_draw_ratings_api_visible_to_the_draw_viewers(w: ExpertWorld, clock: Any) -> None:
    draw = evaluated_draw(w)
    rate(w, draw, seated(draw)[0])
    for key in ("agc", "pur", "reg_hz"):
        r = api(w, key).get(f"/api/v1/experts/draws/{draw.pk}/ratings")
        assert r.status_code == 200 and len(r.json()) == 1
    assert api(w, "agc_nb").get(f"/api/v1/experts/draws/{draw.pk}/ratings").status_code == 404
