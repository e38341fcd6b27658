"""Inquiries (询问): any supplier may ask (法 51); the purchaser or agency answers promptly, at
the latest in 3 WD (条例 52); one about the process or result suspends signing (条例 54)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhengcai.awards import constants as c
from zhengcai.awards import rules
from zhengcai.awards.models import Inquiry
from zhengcai.awards.services.awards import _midnight_after
from zhengcai.awards.services.machines import INQUIRY
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, PermissionDenied
from zhengcai.core.services import message_send
from zhengcai.core.workdays import WorkCalendar

if TYPE_CHECKING:
    from zhengcai.accounts.models import User
    from zhengcai.tenders.models import Lot


@transaction.atomic
def inquiry_ask(*, actor: User, lot: Lot, subject: str, question: str) -> Inquiry:
    if actor.role != "supplier" or actor.organization_id is None:
        raise PermissionDenied("只有供应商可以提出询问", code=c.ERR_NO_STANDING)
    text = question.strip()
    if subject not in c.Subject.values or not text:
        raise InvalidInput("请选择询问对象并写明询问事项", code=c.ERR_INQUIRY_INVALID)
    due = rules.inquiry_answer_due(WorkCalendar.load(), clock.today())
    q = Inquiry.objects.create(
        project=lot.project,
        lot=lot,
        supplier_id=actor.organization_id,
        asked_by=actor,
        subject=subject,
        question=text[:5000],
        asked_at=clock.now(),
        answer_due=due,
        may_affect_result=rules.inquiry_may_affect_result(subject),
        next_check=_midnight_after(due),
    )
    audit_record(
        actor=actor,
        action="inquiry.asked",
        obj=q,
        organization=lot.project.agency,
        after={"subject": subject, "answer_due": due.isoformat()},
    )
    message_send(
        organization_id=lot.project.agency_id,
        kind="inquiry_asked",
        subject=f"收到询问：{lot.project.name}（{due:%Y-%m-%d}前答复）",
        link="/awards/",
    )
    return q


@transaction.atomic
def inquiry_answer(
    *, actor: User, inquiry: Inquiry, answer: str, expected_version: int | None = None
) -> Inquiry:
    q = INQUIRY.lock(inquiry)
    if actor.organization_id not in (q.project.agency_id, q.project.purchaser_id):
        raise PermissionDenied(
            "只有本项目的采购人或采购代理机构可以答复询问", code=c.ERR_NOT_ANSWERER
        )
    text = answer.strip()
    if not text:
        raise InvalidInput("请写明答复内容", code=c.ERR_INQUIRY_INVALID)
    q = INQUIRY.move(
        q,
        to=c.InquiryStatus.ANSWERED,
        actor=actor,
        expected_version=expected_version,
        answer=text[:5000],
        answered_at=clock.now(),
        answered_by=actor,
        next_check=None,
        audit={"late": clock.today() > q.answer_due},
    )
    message_send(
        organization_id=q.supplier_id,
        kind="inquiry_answered",
        subject=f"询问答复：{q.project.name}",
        body=text[:1000],
        link="/awards/",
    )
    return q


def inquiry_timed(obj: Any) -> None:
    """Timed check: unanswered 3 WD after it was asked (条例 52) — flagged and escalated."""
    q = obj
    q.next_check = None
    if q.status != c.InquiryStatus.ASKED:
        q.save(update_fields=["next_check"])
        return
    q.answer_overdue = True
    q.save(update_fields=["answer_overdue", "next_check"])
    audit_record(
        actor=None,
        action="inquiry.answer_overdue",
        obj=q,
        organization=q.project.agency,
        after={"answer_due": q.answer_due.isoformat()},
    )
    for org_id in sorted({q.project.agency_id, q.project.purchaser_id}):
        message_send(
            organization_id=org_id,
            kind="inquiry_overdue",
            subject=f"询问答复逾期：{q.project.name}（期限 {q.answer_due:%Y-%m-%d}）",
            link="/awards/",
        )
