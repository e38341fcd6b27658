"""An expert whose certificate (专家证) or appointment (聘期, 198号 10) has run out is not active
and cannot be drawn; the status changes by itself on the day, through the status door (a timed
check: ExpertProfile.next_check + expert_standing_check), audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from zhengcai.core import timed
from zhengcai.core.clock import SHANGHAI
from zhengcai.core.errors import RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.experts import services
from zhengcai.experts.constants import ExpertStatus
from zhengcai.experts.models import ExpertProfile, ExpertStatusChange
from zhengcai.experts.tests.factories import ExpertWorld, draw_request, expert

TODAY = dt.date(2026, 11, 23)  # the suite clock; the draws evaluate on 2026-11-24


def _midnight(d: dt.date) -> dt.datetime:
    return dt.datetime.combine(d, dt.time.min, tzinfo=SHANGHAI)


def _eligible_in_draw(w: ExpertWorld, profile: ExpertProfile, capture: Any) -> bool:
    draw = draw_request(w, specialty_codes=["A0201"])
    with capture(execute=True):
        draw = services.draw_execute(actor=w.users["agc"], draw=draw)
    return profile.pk in draw.rounds.get(number=1).eligible_ids


def test_drawable_through_the_last_valid_day_not_after(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    last_day = expert(w.regions["hz"], certificate_expires=dt.date(2026, 11, 24))
    lapsed = expert(w.regions["hz"], certificate_expires=dt.date(2026, 11, 23))
    assert _eligible_in_draw(w, last_day, django_capture_on_commit_callbacks)
    assert not _eligible_in_draw(w, lapsed, django_capture_on_commit_callbacks)


def test_status_moves_to_expired_when_the_clock_passes_the_certificate_date(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    p = expert(w.regions["hz"], certificate_expires=TODAY)
    assert p.next_check == _midnight(TODAY + dt.timedelta(days=1))
    clock.freeze(_midnight(TODAY + dt.timedelta(days=1)) - dt.timedelta(seconds=1))
    timed.process_due()
    p.refresh_from_db()
    assert p.status == ExpertStatus.ACTIVE  # the day before: still active
    clock.freeze(_midnight(TODAY + dt.timedelta(days=1)))
    timed.process_due()
    p.refresh_from_db()
    assert p.status == ExpertStatus.EXPIRED and p.next_check is None
    change = ExpertStatusChange.objects.filter(profile=p).order_by("-at", "-pk").first()
    assert change is not None and change.actor is None and "专家证" in change.reason
    audit = AuditEntry.objects.filter(action="expert.status_changed", object_id=str(p.pk))
    assert audit.order_by("-pk").first().after["status"] == ExpertStatus.EXPIRED
    # no longer in any draw's pool
    clock.freeze(_midnight(TODAY + dt.timedelta(days=1)) + dt.timedelta(hours=9))
    later = dt.datetime(2026, 11, 25, 9, 0, tzinfo=SHANGHAI)
    draw = draw_request(w, specialty_codes=["A0201"], evaluation_at=later)
    with django_capture_on_commit_callbacks(execute=True):
        draw = services.draw_execute(actor=w.users["agc"], draw=draw)
    assert p.pk not in draw.rounds.get(number=1).eligible_ids
    # restored only once renewed (198号 10)
    reg = w.users["reg_hz"]
    with pytest.raises(RuleViolation) as exc:
        services.expert_set_status(actor=reg, profile=p, status=ExpertStatus.ACTIVE, reason="恢复")
    assert exc.value.code == "expert_standing_lapsed"
    p = services.expert_update(actor=reg, profile=p, certificate_expires=dt.date(2029, 12, 31))
    p = services.expert_set_status(
        actor=reg, profile=p, status=ExpertStatus.ACTIVE, reason="已换证"
    )
    assert p.next_check == _midnight(dt.date(2030, 1, 1))


def test_appointment_end_lapses_the_expert(w: ExpertWorld, clock: Any) -> None:
    p = expert(w.regions["hz"])
    p = services.expert_update(actor=w.users["reg_hz"], profile=p, appointment_ends=TODAY)
    assert p.next_check == _midnight(TODAY + dt.timedelta(days=1))
    clock.freeze(_midnight(TODAY + dt.timedelta(days=1)))
    timed.process_due()
    p.refresh_from_db()
    assert p.status == ExpertStatus.EXPIRED and "聘期" in p.status_reason


def test_an_expert_banned_by_the_credit_record_is_not_drawn_until_the_ban_ends(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """条例 75: the draw's pool asks credit.selectors.refusal(activity="evaluate", person=…)."""
    from zhengcai.credit import services as credit

    p = expert(w.regions["hz"])
    assert _eligible_in_draw(w, p, django_capture_on_commit_callbacks)
    ban = credit.penalty_create(
        actor=w.users["reg_hz"],
        subject_kind="expert",
        person=p.user,
        decision_no="杭财采监〔2026〕9号",
        basis="《政府采购法实施条例》第七十五条",
        facts="评审时未回避与供应商存在利害关系的项目。",
        fine=Decimal("20000"),
        ban_scope="evaluation",
        ban_months=12,
    )
    credit.penalty_decide(actor=w.users["reg_hz"], penalty=ban)
    ban.refresh_from_db()
    assert ban.status == "in_force" and ban.ban_until == dt.date(2027, 11, 22)
    draw = draw_request(w, specialty_codes=["A0201"])
    with django_capture_on_commit_callbacks(execute=True):
        draw = services.draw_execute(actor=w.users["agc"], draw=draw)
    rnd = draw.rounds.get(number=1)
    assert p.pk not in rnd.eligible_ids and rnd.exclusion_summary.get("credit_banned") == 1
    # the day after the last day of the ban (the timed check expires it) drawable again
    clock.freeze(dt.datetime(2027, 11, 23, 9, 0, tzinfo=SHANGHAI))
    timed.process_due()
    after = draw_request(
        w, specialty_codes=["A0201"], evaluation_at=dt.datetime(2027, 11, 24, 9, 0, tzinfo=SHANGHAI)
    )
    with django_capture_on_commit_callbacks(execute=True):
        after = services.draw_execute(actor=w.users["agc"], draw=after)
    assert p.pk in after.rounds.get(number=1).eligible_ids
