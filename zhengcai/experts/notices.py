"""The notice of one drawn expert: its text and its delivery through the configured channel
(`notify.channel()`), recorded in the audit chain. `tasks.notify_invitation` runs it after the
draw round commits; it sits apart from `services` so the task does not import the draw (no
import cycle services ↔ tasks)."""

from __future__ import annotations

from django.db import transaction

from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.experts import constants as c
from zhengcai.experts.models import DrawInvitation
from zhengcai.experts.notify import Notice, channel


def notice_text(inv: DrawInvitation) -> str:
    when = inv.draw.evaluation_at.astimezone(clock.SHANGHAI)
    deadline = inv.deadline.astimezone(clock.SHANGHAI)
    return (
        f"{inv.expert.user.get_full_name()}专家您好，您已被随机抽取参加政府采购评审，"
        f"评审时间{when.month}月{when.day}日{when.hour}点{when.minute:02d}分，"
        f"地点{inv.draw.place or '另行通知'}。"
        f"请于{deadline.month}月{deadline.day}日{deadline.hour}点{deadline.minute:02d}分前"
        f"登录平台确认是否参加。抽取编号{inv.draw_id}。请勿向他人透露。"
    )


def invitation_notify(invitation_id: int) -> DrawInvitation:
    """Send one notice through the configured channel, then record it (own transaction)."""
    inv = DrawInvitation.objects.select_related("draw", "expert__user").get(pk=invitation_id)
    if inv.status != c.InvitationStatus.PENDING or inv.notified_at is not None:
        return inv
    notice = Notice(inv.pk, inv.draw_id, inv.expert.user.phone, notice_text(inv))
    ref = channel().send(notice)
    with transaction.atomic():
        locked = DrawInvitation.objects.select_for_update().get(pk=inv.pk)
        locked.notified_at, locked.notice_ref = clock.now(), ref[:300]
        locked.save(update_fields=["notified_at", "notice_ref"])
        audit_record(
            actor=None,
            action="expert_invitation.notified",
            obj=locked,
            organization=None,
            after={"draw": inv.draw_id, "ref": locked.notice_ref},
            object_label=f"抽取 #{inv.draw_id} 第 {inv.position} 位",
        )
    return locked
