"""The random draw end to end: commit, draw, notify, confirm/decline/expire, replace, reveal,
verify — against the database, with a controllable clock."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from zhengcai.core import timed
from zhengcai.core.errors import Conflict, PermissionDenied, RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.experts import access, rules, selectors, services
from zhengcai.experts.constants import DrawStatus, InvitationStatus
from zhengcai.experts.models import DrawInvitation, DrawRequest
from zhengcai.experts.tests.conftest import experts_policy
from zhengcai.experts.tests.factories import EVAL_AT, ExpertWorld, draw_request


def execute(w: ExpertWorld, draw: DrawRequest, capture: Any) -> DrawRequest:
    with capture(execute=True):
        return services.draw_execute(actor=w.users["agc"], draw=draw)


def invitations(draw: DrawRequest, status: str | None = None) -> list[DrawInvitation]:
    qs = DrawInvitation.objects.filter(draw=draw).select_related("expert__user")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("position"))


def respond(inv: DrawInvitation, accept: bool, capture: Any) -> DrawInvitation:
    with capture(execute=True):
        return services.invitation_respond(actor=inv.expert.user, invitation=inv, accept=accept)


def test_commit_then_draw_then_confirm_then_reveal_and_verify(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any, memory_channel: list[Any]
) -> None:
    draw = draw_request(w)
    assert draw.status == DrawStatus.COMMITTED
    assert draw.seed_hash == rules.seed_commitment(draw.seed)
    assert draw.revealed_seed is None
    committed = AuditEntry.objects.get(action="expert_draw.committed", object_id=str(draw.pk))
    assert committed.after["seed_hash"] == draw.seed_hash
    assert draw.seed not in str(committed.after)

    execute(w, draw, django_capture_on_commit_callbacks)
    draw.refresh_from_db()
    invs = invitations(draw)
    assert draw.status == DrawStatus.DRAWING and len(invs) == 5
    clean = {p.pk for p in w.clean}
    assert {i.expert_id for i in invs} <= clean
    # every drawn expert was notified through the channel, and it is recorded
    assert sorted(n.invitation_id for n in memory_channel) == sorted(i.pk for i in invs)
    assert all(i.notified_at and i.notice_ref.startswith("memory:") for i in invs)
    assert "请勿向他人透露" in memory_channel[0].text
    rnd = draw.rounds.get()
    assert rnd.exclusion_summary  # the reasons are recorded as counts
    assert set(rnd.eligible_ids) == clean

    # names stay hidden from the agency until the evaluation starts
    assert not access.draw_names_visible(w.users["agc"], draw)
    for inv in invs:
        respond(inv, True, django_capture_on_commit_callbacks)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMPLETE
    assert draw.next_check == EVAL_AT
    assert services.draw_verify(draw).problems == ["种子尚未公开（评审开始后公开）"]

    clock.freeze(EVAL_AT)
    assert timed.process_due() >= 1
    draw.refresh_from_db()
    assert draw.revealed_seed == draw.seed
    assert access.draw_names_visible(w.users["agc"], draw)
    assert access.draw_names_visible(w.users["pur"], draw)
    assert not access.draw_names_visible(w.users["agc_nb"], draw)
    report = services.draw_verify(draw)
    assert report.ok and report.rounds_checked == 1
    # re-running from the revealed seed gives the same experts
    assert rules.draw(draw.seed, 1, rnd.eligible_ids, 5) == [i.expert_id for i in invs]
    # a wrong seed is caught
    assert not services.draw_verify(draw, seed="0" * 64).ok


def test_decline_and_timeout_are_replaced_and_recorded(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = draw_request(w, confirm_minutes=30)
    execute(w, draw, django_capture_on_commit_callbacks)
    first = invitations(draw)
    respond(first[0], False, django_capture_on_commit_callbacks)
    draw.refresh_from_db()
    assert draw.rounds.count() == 2
    assert len(invitations(draw, InvitationStatus.PENDING)) == 5
    replacement = draw.rounds.get(number=2)
    assert replacement.reason == "replacement" and replacement.wanted == 1
    assert first[0].expert_id not in replacement.eligible_ids  # never drawn twice

    for inv in first[1:3]:
        respond(inv, True, django_capture_on_commit_callbacks)
    # the others let the deadline pass
    clock.advance(dt.timedelta(minutes=31))
    with django_capture_on_commit_callbacks(execute=True):
        timed.process_due()
    draw.refresh_from_db()
    assert len(invitations(draw, InvitationStatus.EXPIRED)) == 3
    assert draw.rounds.count() >= 3
    assert len(invitations(draw, InvitationStatus.CONFIRMED)) == 2
    assert len(invitations(draw, InvitationStatus.PENDING)) == 3
    late = invitations(draw, InvitationStatus.EXPIRED)[0]
    with pytest.raises(Conflict):
        services.invitation_respond(actor=late.expert.user, invitation=late, accept=True)
    assert AuditEntry.objects.filter(action="expert_invitation.expired").count() >= 3
    # everything is reproducible once revealed
    services.draw_cancel(actor=w.users["agc"], draw=draw, reason="测试结束")
    draw.refresh_from_db()
    assert services.draw_verify(draw).ok


def test_withdrawal_after_confirmation_is_replaced(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = draw_request(w, count=5)
    execute(w, draw, django_capture_on_commit_callbacks)
    invs = invitations(draw)
    for inv in invs:
        respond(inv, True, django_capture_on_commit_callbacks)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMPLETE
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_withdraw(actor=invs[0].expert.user, invitation=invs[0], note="生病")
    draw.refresh_from_db()
    assert draw.status == DrawStatus.DRAWING
    assert len(invitations(draw, InvitationStatus.PENDING)) == 1


def test_only_the_invited_expert_may_answer(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = draw_request(w)
    execute(w, draw, django_capture_on_commit_callbacks)
    inv = invitations(draw)[0]
    other = next(p for p in w.clean if p.pk != inv.expert_id)
    with pytest.raises(PermissionDenied):
        services.invitation_respond(actor=other.user, invitation=inv, accept=True)


@pytest.mark.parametrize("attempt", range(8))
def test_no_conflicted_expert_is_ever_drawn(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any, attempt: int
) -> None:
    # every request gets a fresh random seed; the pool has 12 clean and 13 tainted experts
    draw = draw_request(w, count=7, budget=Decimal("20000000"))
    execute(w, draw, django_capture_on_commit_callbacks)
    drawn = {i.expert_id for i in invitations(draw)}
    assert len(drawn) == 7
    assert drawn.isdisjoint({p.pk for p in w.tainted.values()})
    assert drawn.isdisjoint({p.pk for p in w.nb})
    # and the pure rules agree for every candidate the database pre-filter returned
    ctx = selectors.draw_context(draw)
    for c in selectors.draw_candidates(draw):
        if c.id in drawn:
            assert rules.ineligibility(c, ctx) == []


def test_each_tainted_expert_is_excluded_for_its_reason(w: ExpertWorld, clock: Any) -> None:
    draw = draw_request(w)
    ctx = selectors.draw_context(draw)
    found = {
        c.id: [r.code for r in rules.ineligibility(c, ctx)] for c in selectors.draw_candidates(draw)
    }
    t = w.tainted
    assert found[t["own_unit"].pk] == ["own_unit"]
    assert found[t["agency_staff"].pk] == ["agency_staff"]
    assert found[t["bidder_employee"].pk] == ["bidder_employee"]
    assert found[t["finance_staff"].pk] == ["finance_staff"]
    assert found[t["expired"].pk] == ["certificate_expired"]
    assert found[t["untrained"].pk] == ["training"]
    assert found[t["relative"].pk] == ["conflict"]
    assert found[t["former_employee"].pk] == ["conflict"]
    assert found[t["unavailable"].pk] == ["unavailable"]
    # the pre-filter already leaves out inactive experts and other specialties / regions
    for key in ("suspended", "banned", "pending", "specialty"):
        assert t[key].pk not in found


def test_pool_exhausted_fails_the_request(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = draw_request(w, count=13, budget=Decimal("20000000"))
    execute(w, draw, django_capture_on_commit_callbacks)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.FAILED
    assert "87号令 48" in draw.status_reason
    assert invitations(draw) == []


def test_same_purchaser_limit_is_configurable(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = draw_request(w, count=5)
    execute(w, first, django_capture_on_commit_callbacks)
    served = invitations(first)
    for inv in served:
        respond(inv, True, django_capture_on_commit_callbacks)
    later = EVAL_AT + dt.timedelta(hours=30)  # next day: not "busy", but served once already
    with experts_policy(
        SAME_PURCHASER_MAX=1, NOTIFY_CHANNEL="zhengcai.experts.notify.MemoryChannel"
    ):
        second = draw_request(w, count=5, evaluation_at=later)
        execute(w, second, django_capture_on_commit_callbacks)
    again = {i.expert_id for i in invitations(second)}
    assert again.isdisjoint({i.expert_id for i in served})


def test_busy_on_the_same_day_is_excluded(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = draw_request(w, count=5)
    execute(w, first, django_capture_on_commit_callbacks)
    for inv in invitations(first):
        respond(inv, True, django_capture_on_commit_callbacks)
    second = draw_request(w, count=5, purchaser=w.orgs["pur_nb"], bidder_ids=[])
    execute(w, second, django_capture_on_commit_callbacks)
    assert {i.expert_id for i in invitations(second)}.isdisjoint(
        {i.expert_id for i in invitations(first)}
    )


def test_draw_window_198_14(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    far = EVAL_AT + dt.timedelta(days=14)
    draw = draw_request(w, evaluation_at=far)
    with pytest.raises(RuleViolation) as exc:
        services.draw_execute(actor=w.users["agc"], draw=draw)
    assert exc.value.code == "draw_window"
    urgent = draw_request(w, evaluation_at=far, urgent_exception="评审专家需提前安排行程（经批准）")
    execute(w, urgent, django_capture_on_commit_callbacks)
    urgent.refresh_from_db()
    assert urgent.status == DrawStatus.DRAWING


def test_committee_composition_is_checked(w: ExpertWorld, clock: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        draw_request(w, count=4)
    assert "87号令 47" in exc.value.message
    ok = draw_request(w, count=4, purchaser_reps=1)  # 5 members, 4/5 experts
    assert ok.count == 4
    with pytest.raises(RuleViolation):
        draw_request(w, count=5, budget=Decimal("10000000.00"))  # 1000万: at least 7
    with pytest.raises(RuleViolation):
        draw_request(w, count=4, purchaser_reps=3)  # 7 members, 4/7 < 2/3


def test_only_agencies_request_and_bidders_until_drawn(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(PermissionDenied):
        draw_request(w, actor=w.users["pur"])
    draw = draw_request(w, bidder_ids=[])
    draw = services.draw_set_bidders(
        actor=w.users["agc"], draw=draw, bidder_ids=[w.orgs["spl_a"].pk]
    )
    assert draw.bidder_ids == [w.orgs["spl_a"].pk]
    execute(w, draw, django_capture_on_commit_callbacks)
    with pytest.raises(Conflict):
        services.draw_set_bidders(actor=w.users["agc"], draw=draw, bidder_ids=[])


def test_pool_sharing_with_consent(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert selectors.pool_region_paths(w.regions["hz"]) == ["/330000/330100/"]
    with pytest.raises(PermissionDenied):  # only the owner's regulator consents
        services.pool_share_set(
            actor=w.users["reg_hz"],
            owner_region=w.regions["province"],
            grantee_region=w.regions["hz"],
            active=True,
        )
    services.pool_share_set(
        actor=w.users["reg_prov"],
        owner_region=w.regions["province"],
        grantee_region=w.regions["hz"],
        active=True,
    )
    assert selectors.pool_region_paths(w.regions["xh"]) == ["/330000/"]
    draw = draw_request(w, count=15, budget=Decimal("20000000"))  # needs the nb experts too
    execute(w, draw, django_capture_on_commit_callbacks)
    drawn = {i.expert_id for i in invitations(draw)}
    assert {p.pk for p in w.nb} <= drawn
    services.pool_share_set(
        actor=w.users["reg_prov"],
        owner_region=w.regions["province"],
        grantee_region=w.regions["hz"],
        active=False,
    )
    assert selectors.pool_region_paths(w.regions["hz"]) == ["/330000/330100/"]


def test_verify_draw_command(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = draw_request(w)
    execute(w, draw, django_capture_on_commit_callbacks)
    out = StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_draw", str(draw.pk), stdout=out)
    assert exc.value.code == 1 and "尚未公开" in out.getvalue()
    services.draw_cancel(actor=w.users["agc"], draw=draw, reason="项目终止")
    out = StringIO()
    call_command("verify_draw", str(draw.pk), stdout=out)
    assert "一致" in out.getvalue()
    # an auditor can also supply the seed they were given
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("verify_draw", str(draw.pk), "--seed", "1" * 64, stdout=out)
    assert "哈希" in out.getvalue()


# --- panel size above the 公开招标数额标准 (74号令 7) ------------------------------------------


@pytest.mark.parametrize(
    ("method", "budget", "count", "ok"),
    [
        ("negotiation", "5000000.00", 3, False),  # 500万 ≥ 200万 (货物): at least 5
        ("rfq", "2000000.00", 3, False),  # 达到 includes the threshold itself
        ("negotiation", "1999999.99", 3, True),
        ("negotiation", "5000000.00", 5, True),
        ("consultation", "5000000.00", 3, True),  # 214号 14: no 5-member rule (rules.md §5 ⚠)
        ("open_tender", "5000000.00", 5, True),
        ("open_tender", "10000000.00", 5, False),  # 87号令 47: 1000万 → 7
    ],
)
def test_panel_size_follows_the_budget_against_the_threshold(
    w: ExpertWorld, clock: Any, method: str, budget: str, count: int, ok: bool
) -> None:
    """Not "technically complex": the budget at or above the threshold decides (74号令 7)."""
    if ok:
        draw = draw_request(w, method=method, budget=Decimal(budget), count=count)
        assert draw.method == method and draw.threshold == Decimal("2000000.00")
        return
    with pytest.raises(RuleViolation) as exc:
        draw_request(w, method=method, budget=Decimal(budget), count=count)
    assert exc.value.code == "committee_invalid"


def test_non_tender_draw_without_a_method_is_held_to_the_negotiation_rule(
    w: ExpertWorld, clock: Any
) -> None:
    with pytest.raises(RuleViolation) as exc:
        draw_request(w, procedure="non_tender", budget=Decimal("5000000.00"), count=3)
    assert "74号令 7" in exc.value.message
    draw = draw_request(w, procedure="non_tender", budget=Decimal("1000000.00"), count=3)
    assert draw.threshold == Decimal("2000000.00")


# --- every status through the machines (design §4 rule 2) ----------------------------------------


def test_cancel_moves_each_open_invitation_through_the_machine(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = execute(w, draw_request(w), django_capture_on_commit_callbacks)
    first = invitations(draw)[0]
    respond(first, True, django_capture_on_commit_callbacks)
    open_ = invitations(draw)
    services.draw_cancel(actor=w.users["agc"], draw=draw, reason="项目终止")
    assert {i.status for i in invitations(draw)} == {InvitationStatus.CANCELLED}
    entries = AuditEntry.objects.filter(action="expert_invitation.cancelled").order_by("pk")
    assert [e.object_id for e in entries] == [str(i.pk) for i in open_]
    assert entries[0].before == {"status": InvitationStatus.CONFIRMED}
    assert all(e.actor_id == w.users["agc"].pk for e in entries)
    assert all(i.next_check is None for i in invitations(draw))
    cancelled = AuditEntry.objects.get(action="expert_draw.cancelled", object_id=str(draw.pk))
    assert cancelled.before == {"status": DrawStatus.DRAWING}
    assert cancelled.after["reason"] == "项目终止"
    with pytest.raises(Conflict) as exc:  # the table still refuses, in the draw's own words
        services.draw_cancel(actor=w.users["agc"], draw=draw, reason="再次取消")
    assert exc.value.code == "draw_state"


def test_pool_share_revoke_and_grant_again_go_through_the_machine(w: ExpertWorld) -> None:
    args = {"owner_region": w.regions["province"], "grantee_region": w.regions["hz"]}
    reg = w.users["reg_prov"]
    share = services.pool_share_set(actor=reg, active=True, **args)
    assert share.status == "active"
    assert services.pool_share_set(actor=reg, active=True, **args).pk == share.pk  # no-op
    revoked = services.pool_share_set(actor=reg, active=False, **args)
    assert revoked.status == "revoked" and revoked.revoked_at is not None
    again = services.pool_share_set(actor=reg, active=True, **args)
    assert again.status == "active" and again.revoked_at is None
    actions = list(
        AuditEntry.objects.filter(object_id=str(share.pk), action__startswith="expert_pool.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["expert_pool.shared", "expert_pool.share_revoked", "expert_pool.shared"]
