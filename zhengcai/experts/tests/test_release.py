"""The agency releases a confirmed expert (recused / absent at the evaluation) and a
replacement round runs on the same draw (87号令 49; 198号 17) — also after the evaluation
time, with an answer deadline counted from now. The round is reproducible from the seed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhengcai.core import timed
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.experts import constants as c
from zhengcai.experts import rules, services
from zhengcai.experts.constants import DrawStatus, InvitationStatus
from zhengcai.experts.models import DrawInvitation, DrawRequest, DrawRound
from zhengcai.experts.tests.factories import EVAL_AT, ExpertWorld, draw_request


def invitations(draw: DrawRequest, status: str | None = None) -> list[DrawInvitation]:
    qs = DrawInvitation.objects.filter(draw=draw).select_related("expert__user")
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("position"))


def complete(w: ExpertWorld, capture: Any, **kw: Any) -> DrawRequest:
    draw = draw_request(w, **kw)
    with capture(execute=True):
        services.draw_execute(actor=w.users["agc"], draw=draw)
        for inv in invitations(draw):
            services.invitation_respond(actor=inv.expert.user, invitation=inv, accept=True)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMPLETE
    return draw


def refused(code: str, **kw: Any) -> None:
    """The service refuses with `code` and nothing is written."""
    audits, rounds = AuditEntry.objects.count(), DrawRound.objects.count()
    statuses = list(DrawInvitation.objects.order_by("pk").values_list("status", flat=True))
    with pytest.raises(DomainError) as info:
        services.invitation_release(**kw)
    assert info.value.code == code, (info.value.code, info.value.message)
    assert AuditEntry.objects.count() == audits
    assert DrawRound.objects.count() == rounds
    assert list(DrawInvitation.objects.order_by("pk").values_list("status", flat=True)) == statuses


def test_release_after_the_evaluation_time_draws_a_replacement_that_verifies(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any, memory_channel: list[Any]
) -> None:
    draw = complete(w, django_capture_on_commit_callbacks)
    clock.freeze(EVAL_AT + dt.timedelta(minutes=40))
    timed.process_due()  # the seed is revealed at the evaluation time
    draw.refresh_from_db()
    assert draw.revealed_at is not None
    first = invitations(draw)
    memory_channel.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rnd = services.invitation_release(
            actor=w.users["agc"], invitation=first[1], reason="评审现场未到场", confirm_minutes=20
        )
    draw.refresh_from_db()
    released = DrawInvitation.objects.get(pk=first[1].pk)
    assert released.status == InvitationStatus.WITHDRAWN
    assert "未到场" in released.response_note
    assert draw.status == DrawStatus.DRAWING
    assert rnd.number == 2 and rnd.reason == "replacement" and rnd.wanted == 1
    [new] = invitations(draw, InvitationStatus.PENDING)
    # the deadline is counted from now, not capped at the (past) evaluation time
    assert new.deadline == clock.now() + dt.timedelta(minutes=20) > draw.evaluation_at
    assert new.next_check == new.deadline
    assert new.expert_id not in {i.expert_id for i in first}  # never drawn twice
    assert [n.invitation_id for n in memory_channel] == [new.pk]  # notified on commit
    entry = AuditEntry.objects.get(action="expert_invitation.released")
    assert entry.actor_id == w.users["agc"].pk and entry.after["after_start"] is True
    assert entry.after["reason"] == "评审现场未到场"
    # the new expert confirms within the deadline: the draw is complete again
    clock.advance(dt.timedelta(minutes=10))
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_respond(actor=new.expert.user, invitation=new, accept=True)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMPLETE
    assert len(invitations(draw, InvitationStatus.CONFIRMED)) == 5
    # anyone can re-run both rounds from the revealed seed
    report = services.draw_verify(draw)
    assert report.ok and report.rounds_checked == 2, report.problems
    assert rules.draw(draw.seed, 2, rnd.eligible_ids, 1) == [new.expert_id]
    assert not services.draw_verify(draw, seed="1" * 64).ok


def test_release_before_the_evaluation_time_caps_nothing_it_need_not(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = complete(w, django_capture_on_commit_callbacks)
    clock.freeze(EVAL_AT - dt.timedelta(hours=3))
    inv = invitations(draw)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_release(actor=w.users["agc"], invitation=inv, reason="申报回避")
    [new] = invitations(draw, InvitationStatus.PENDING)
    assert new.deadline == clock.now() + dt.timedelta(minutes=draw.confirm_minutes)


def test_only_the_agency_of_the_draw_releases_and_input_is_checked(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    draw = complete(w, django_capture_on_commit_callbacks)
    clock.freeze(EVAL_AT)
    inv = invitations(draw)[0]
    for who in ("agc_nb", "pur", "reg_hz"):
        refused("permission_denied", actor=w.users[who], invitation=inv, reason="缺席")
    refused("permission_denied", actor=inv.expert.user, invitation=inv, reason="缺席")
    agc = w.users["agc"]
    refused("reason_required", actor=agc, invitation=inv, reason="  ")
    refused("confirm_minutes_invalid", actor=agc, invitation=inv, reason="缺席", confirm_minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_release(actor=agc, invitation=inv, reason="缺席")
    # released once; a pending invitation is not a confirmed seat
    refused(c.ERR_BAD_TRANSITION, actor=agc, invitation=inv, reason="缺席")
    [pending] = invitations(draw, InvitationStatus.PENDING)
    refused(c.ERR_BAD_TRANSITION, actor=agc, invitation=pending, reason="缺席")
    services.draw_cancel(actor=agc, draw=draw, reason="项目终止")
    other = invitations(draw)[1]
    refused(c.ERR_DRAW_STATE, actor=agc, invitation=other, reason="缺席")


@pytest.mark.parametrize("attempt", range(3))
def test_conflicted_experts_are_never_drawn_and_an_empty_pool_changes_nothing(
    w: ExpertWorld, clock: Any, django_capture_on_commit_callbacks: Any, attempt: int
) -> None:
    # 12 clean experts, 9 seated: three releases empty the clean pool; the tainted experts
    # (a bidder's employee, a relative of a bidder, …) are never drawn
    draw = complete(w, django_capture_on_commit_callbacks, count=9)
    clock.freeze(EVAL_AT + dt.timedelta(minutes=5))
    tainted = {p.pk for p in w.tainted.values()}
    agc = w.users["agc"]
    for i in range(3):
        seated = invitations(draw, InvitationStatus.CONFIRMED)
        with django_capture_on_commit_callbacks(execute=True):
            rnd = services.invitation_release(actor=agc, invitation=seated[i], reason="回避")
        assert not set(rnd.eligible_ids) & tainted
        [new] = invitations(draw, InvitationStatus.PENDING)
        assert new.expert_id not in tainted
        with django_capture_on_commit_callbacks(execute=True):
            services.invitation_respond(actor=new.expert.user, invitation=new, accept=True)
    drawn = {i.expert_id for i in invitations(draw)}
    assert drawn == {p.pk for p in w.clean}
    last = invitations(draw, InvitationStatus.CONFIRMED)[0]
    refused(c.ERR_POOL_EXHAUSTED, actor=agc, invitation=last, reason="缺席")
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMPLETE
    clock.freeze(EVAL_AT + dt.timedelta(hours=1))
    timed.process_due()
    draw.refresh_from_db()
    assert services.draw_verify(draw).ok
