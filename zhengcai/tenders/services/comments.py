"""Public comment on the documents before publication: opening the period, suppliers' comments,
the agency's answers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    RuleViolation,
)
from zhengcai.tenders import constants as c
from zhengcai.tenders import (
    machines,
)
from zhengcai.tenders.models import (
    DocumentComment,
    Project,
)
from zhengcai.tenders.services.common import _lock, _require_manager


@transaction.atomic
def public_comment_open(*, actor: User, project: Project, until: dt.date) -> Project:
    """Optional public comment on the documents of a large project before publication
    (platform practice ⚠): the documents are shown on the portal until `until`."""
    locked = _lock(project)
    _require_manager(actor, locked)
    if locked.status != c.ProjectStatus.DOCUMENTS_READY:
        raise Conflict("采购文件定稿后方可征求意见", code=c.ERR_BAD_TRANSITION)
    if until <= clock.today():
        raise InvalidInput("征求意见截止日须晚于今天", code="date_invalid")
    locked.public_comment_until = until
    locked.version += 1
    locked.save(update_fields=["public_comment_until", "version"])
    audit_record(
        actor=actor,
        action="project.comment_opened",
        obj=locked,
        organization=locked.agency,
        after={"until": until},
    )
    return locked


def comment_period_open(project: Project) -> bool:
    """The documents are under public comment: finalized, not yet published, and today is on
    or before the last day of the period (the last day counts in full, by the server clock)."""
    return (
        project.status == c.ProjectStatus.DOCUMENTS_READY
        and project.public_comment_until is not None
        and clock.today() <= project.public_comment_until
    )


@transaction.atomic
def comment_submit(*, actor: User, project: Project, text: str) -> DocumentComment:
    """A supplier's comment on the documents while the comment period runs (platform
    practice ⚠); refused from the day after the period's last day."""
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以对采购文件提出意见")
    locked = _lock(project)
    if locked.public_comment_until is None or locked.status != c.ProjectStatus.DOCUMENTS_READY:
        raise Conflict("该项目的采购文件未在征求意见", code=c.ERR_COMMENT_NOT_OPEN)
    if not comment_period_open(locked):
        raise RuleViolation(
            f"征求意见已于 {locked.public_comment_until:%Y-%m-%d} 截止",
            code=c.ERR_COMMENT_CLOSED,
            detail={"until": locked.public_comment_until.isoformat()},
            status=409,
        )
    body = text.strip()
    if not body:
        raise InvalidInput("请填写意见", code="comment_required")
    item = DocumentComment.objects.create(
        project=locked,
        organization=actor.organization,
        submitted_by=actor,
        text=body[:4000],
        submitted_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="comment.submitted",
        obj=item,
        organization=actor.organization,
        after={"project": locked.pk},
    )
    return item


@transaction.atomic
def comment_answer(*, actor: User, comment: DocumentComment, answer: str) -> DocumentComment:
    """The agency answers a comment (also after the period ended); the answer is public,
    without the commenter's name."""
    item = DocumentComment.objects.select_for_update().get(pk=comment.pk)
    project = _lock(item.project)
    _require_manager(actor, project)
    body = answer.strip()
    if not body:
        raise InvalidInput("请填写答复", code="answer_required")
    machines.COMMENT.move(
        item,
        to=c.CommentStatus.ANSWERED,
        actor=actor,
        answer=body[:4000],
        answered_by=actor,
        answered_at=clock.now(),
    )
    return item
