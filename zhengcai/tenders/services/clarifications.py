"""Suppliers: document downloads (条例 31) and clarifications published as 澄清公告 (87号令 27)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
)
from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders import constants as c
from zhengcai.tenders import (
    machines,
    prequal_selectors,
)
from zhengcai.tenders.models import (
    Clarification,
    DocumentDownload,
    ProcurementDocument,
    Project,
)
from zhengcai.tenders.services.common import _lock, _require_manager
from zhengcai.tenders.services.corrections import _correct, project_correct

# =============================================================================================
# Suppliers: downloads and clarifications
# =============================================================================================


def _require_open(project: Project) -> None:
    now = clock.now()
    if project.status != c.ProjectStatus.PUBLISHED or (
        project.bid_deadline is not None and project.bid_deadline <= now
    ):
        raise Conflict("项目不在文件获取或答疑期间", code=c.ERR_NOT_OPEN)


@transaction.atomic
def document_download(*, actor: User, project: Project, ip: str | None = None) -> DocumentDownload:
    """A supplier obtains the documents; each download is logged (who, when, IP, digest)."""
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以获取采购文件")
    _require_open(project)
    prequal_selectors.require_admitted(project, actor.organization)  # 邀请招标: invited only
    if project.documents_until is not None and clock.today() > project.documents_until:
        raise Conflict("采购文件获取期已结束", code=c.ERR_NOT_OPEN)
    doc = ProcurementDocument.objects.get(project=project)
    row = DocumentDownload.objects.create(
        project=project,
        supplier=actor.organization,
        user=actor,
        downloaded_at=clock.now(),
        ip=ip or None,
        sha256=doc.pdf_sha256,
        document_version=doc.version,
    )
    audit_record(
        actor=actor,
        action="document.downloaded",
        obj=row,
        organization=actor.organization,
        ip=ip,
        after={"project": project.pk, "sha256": doc.pdf_sha256, "version": doc.version},
    )
    return row


@transaction.atomic
def clarification_ask(*, actor: User, project: Project, question: str) -> Clarification:
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以提出问题")
    _require_open(project)
    text = question.strip()
    if not text:
        raise InvalidInput("请填写问题", code="question_required")
    item = Clarification.objects.create(
        project=project,
        supplier=actor.organization,
        asked_by=actor,
        question=text[:4000],
        asked_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="clarification.asked",
        obj=item,
        organization=actor.organization,
        after={"project": project.pk},
    )
    return item


@transaction.atomic
def clarification_answer(
    *,
    actor: User,
    clarification: Clarification,
    answer: str,
    changes_documents: bool = False,
    document_values: dict[str, Any] | None = None,
) -> Clarification:
    """Answer and publish to every participant (without naming who asked) as a 澄清公告.
    An answer that changes the documents after the cut-off extends the deadline
    (条例 31; 87号令 27; 74号令 29, 45; 214号 10)."""
    item = Clarification.objects.select_for_update().get(pk=clarification.pk)
    project = _lock(item.project)
    _require_manager(actor, project)
    machines.CLARIFICATION.check(item, c.ClarificationStatus.ANSWERED)
    if project.status != c.ProjectStatus.PUBLISHED:
        raise Conflict("项目已截止，不能再澄清", code=c.ERR_CLARIFICATION_CLOSED)
    text = answer.strip()
    if not text:
        raise InvalidInput("请填写答复", code="answer_required")
    changes = f"问题：{item.question}\n答复：{text}"
    changed = changes_documents or bool(document_values)
    if document_values:
        notice = project_correct(
            actor=actor,
            project=project,
            changes=changes,
            document_values=document_values,
            _title=f"{project.name}澄清公告",
        )
    else:
        notice = _correct(
            actor=actor,
            project=project,
            cal=WorkCalendar.load(),
            changes=changes,
            new_deadline=None,
            documents_changed=changed,
            title=f"{project.name}澄清公告",
        )
    machines.CLARIFICATION.move(
        item,
        to=c.ClarificationStatus.ANSWERED,
        actor=actor,
        audit={"notice": notice.pk},
        answer=text[:4000],
        changes_documents=changed,
        answered_by=actor,
        answered_at=clock.now(),
        notice=notice,
    )
    return item
