"""更正公告 (87号令 27; 条例 31), 终止公告 (87号令 29), and the bid deadline reached (timed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    RuleViolation,
)
from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders import constants as c
from zhengcai.tenders import (
    hooks,
    machines,
    rules,
)
from zhengcai.tenders.models import (
    Notice,
    ProcurementDocument,
    Project,
)
from zhengcai.tenders.services.checks import _render, _require_clean, _sync_findings
from zhengcai.tenders.services.common import (
    _check_version,
    _deadline_hooks,
    _lock,
    _move,
    _require_manager,
)
from zhengcai.tenders.services.documents import _apply_bond, _apply_document_values
from zhengcai.tenders.services.notices import _notice


def _apply_deadline_change(
    *,
    project: Project,
    cal: WorkCalendar,
    new_deadline: dt.datetime | None,
    documents_changed: bool,
) -> tuple[dt.datetime, bool]:
    """The deadline after a correction; `True` when the law extended it automatically."""
    cfg = project.method_config
    assert project.bid_deadline is not None
    deadline = (new_deadline or project.bid_deadline).astimezone(clock.SHANGHAI)
    if deadline <= clock.now():
        raise InvalidInput("截止时间须晚于当前时间", code="datetime_invalid")
    first_issue = (project.documents_from or clock.now()).astimezone(clock.SHANGHAI).date()
    problem = rules.deadline_problem(cal, cfg, first_issue, deadline.date())
    if problem:
        raise RuleViolation(problem, code=c.ERR_PERIOD_TOO_SHORT)
    extended = False
    if documents_changed:
        later = rules.extended_deadline(cal, cfg, change_on=clock.today(), deadline=deadline)
        if later is not None and later > deadline:
            deadline, extended = later, True
    rules.require_certain_correction(cal, first_issue, deadline.date())  # rules.md §0
    return deadline, extended


@transaction.atomic
def project_correct(
    *,
    actor: User,
    project: Project,
    changes: str,
    new_deadline: dt.datetime | None = None,
    document_values: dict[str, Any] | None = None,
    expected_version: int | None = None,
    _title: str = "",
) -> Notice:
    """更正公告 (87号令 27). A change to the documents later than the clarification cut-off
    extends the deadline so the statutory period runs again (条例 31; 74号令 29; 214号 10)."""
    locked = _lock(project)
    _require_manager(actor, locked)
    _check_version(locked, expected_version)
    if locked.status != c.ProjectStatus.PUBLISHED:
        raise Conflict("只有发布中的项目可以更正", code=c.ERR_NOT_OPEN)
    if not changes.strip():
        raise InvalidInput("请填写更正内容", code=c.ERR_REASON_REQUIRED)
    cal = WorkCalendar.load()
    documents_changed = bool(document_values)
    doc = ProcurementDocument.objects.select_for_update().get(project=locked)
    if problem := rules.correction_problem(vars(doc), document_values or {}):
        raise RuleViolation(problem, code=c.ERR_CORRECTION_SCOPE)
    if document_values:
        _apply_document_values(doc, locked, document_values)
        doc.version += 1
        doc.updated_by, doc.updated_at = actor, clock.now()
        _sync_findings(actor=actor, project=locked, doc=doc)
        doc.checked_at, doc.checked_version = clock.now(), doc.version
        _require_clean(doc)
        _render(locked, doc)
        doc.save()
        _apply_bond(locked, doc)
    return _correct(
        actor=actor,
        project=locked,
        cal=cal,
        changes=changes.strip(),
        new_deadline=new_deadline,
        documents_changed=documents_changed,
        title=_title,
    )


def _correct(
    *,
    actor: User,
    project: Project,
    cal: WorkCalendar,
    changes: str,
    new_deadline: dt.datetime | None,
    documents_changed: bool,
    title: str = "",
) -> Notice:
    cfg = project.method_config
    old_deadline = project.bid_deadline
    deadline, extended = _apply_deadline_change(
        project=project, cal=cal, new_deadline=new_deadline, documents_changed=documents_changed
    )
    project.bid_deadline = deadline
    if cfg.has_opening:
        project.opening_at = deadline
    project.clarification_cutoff = rules.clarification_cutoff(cal, cfg, deadline.date())
    if project.documents_until is not None and project.documents_until > deadline.date():
        project.documents_until = deadline.date()
    project.next_check = deadline
    project.version += 1
    project.updated_at = clock.now()
    project.save()
    original = project.notices.exclude(
        kind__in=[c.NoticeKind.CORRECTION, c.NoticeKind.TERMINATION]
    ).first()
    fields = {
        "project_no": project.project_no,
        "project_name": project.name,
        "original_notice": original.title if original else "",
        "original_published_at": original.published_at.isoformat() if original else "",
        "changes": changes,
        "old_deadline": old_deadline.isoformat() if old_deadline else "",
        "bid_deadline": deadline.isoformat(),
        "opening_at": project.opening_at.isoformat() if project.opening_at else "",
        "extended_by_law": extended,
        "contact": {
            "purchaser": project.purchaser.name,
            "agency": project.agency.name,
            "name": project.contact_name,
            "phone": project.contact_phone,
        },
    }
    body = changes
    if extended and cfg.clarification_cutoff is not None:
        p = cfg.clarification_cutoff
        body += (
            f"\n因本次更正距投标（响应）截止不足{p.label}（{p.citation}），"
            f"截止时间顺延至 {deadline:%Y年%m月%d日 %H:%M}。"
        )
    notice = _notice(
        actor=actor,
        project=project,
        kind=c.NoticeKind.CORRECTION,
        title=title or f"{project.name}更正公告",
        fields=fields,
        body=body,
        corrects=original,
    )
    if original is not None and machines.NOTICE.can(original, c.NoticeStatus.SUPERSEDED):
        machines.NOTICE.move(
            original, to=c.NoticeStatus.SUPERSEDED, actor=actor, audit={"by": notice.pk}
        )
    audit_record(
        actor=actor,
        action="project.corrected",
        obj=project,
        organization=project.agency,
        before={"bid_deadline": old_deadline},
        after={"bid_deadline": deadline, "extended_by_law": extended, "notice": notice.pk},
    )
    return notice


@transaction.atomic
def project_terminate(*, actor: User, project: Project, reason: str) -> Project:
    """终止公告 (87号令 29; 74号令 37): reason, project, contacts."""
    locked = _lock(project)
    _require_manager(actor, locked)
    if not reason.strip():
        raise InvalidInput("请填写终止原因", code=c.ERR_REASON_REQUIRED)
    was_public = locked.status in c.PROJECT_PUBLIC_STATUSES
    locked.termination_reason = reason.strip()[:500]
    locked.next_check = None
    _move(actor=actor, project=locked, to_status=c.ProjectStatus.TERMINATED, reason=reason)
    hooks.project_ended(project=locked, outcome=hooks.TERMINATED, actor=actor)  # bonds: 87号令 38
    if was_public:
        _notice(
            actor=actor,
            project=locked,
            kind=c.NoticeKind.TERMINATION,
            title=f"{locked.name}终止公告",
            fields={
                "project_no": locked.project_no,
                "project_name": locked.name,
                "reason": locked.termination_reason,
                "contact": {
                    "purchaser": locked.purchaser.name,
                    "agency": locked.agency.name,
                    "name": locked.contact_name,
                    "phone": locked.contact_phone,
                },
            },
            body=locked.termination_reason,
        )
    return locked


# =============================================================================================
# Deadline (timed)
# =============================================================================================


def project_deadline_reached(project: Project) -> Project:
    """The bid deadline has passed: no more downloads, questions or bids; the bidding app's
    hooks run (open the bids, or record too few). Runs inside the caller's transaction."""
    if project.status != c.ProjectStatus.PUBLISHED:
        return project
    assert project.bid_deadline is not None
    if project.bid_deadline > clock.now():
        raise Conflict("尚未到投标截止时间", code=c.ERR_BAD_TRANSITION)
    project.next_check = None
    _move(actor=None, project=project, to_status=c.ProjectStatus.BIDDING_CLOSED)
    for hook in list(_deadline_hooks):
        hook(project)
    return project


def project_deadline_tick(obj: Any) -> None:
    """Timed handler (core.timed) for `Project.next_check`."""
    assert isinstance(obj, Project)
    if (
        obj.status == c.ProjectStatus.PUBLISHED
        and obj.bid_deadline
        and obj.bid_deadline <= clock.now()
    ):
        project_deadline_reached(obj)
        return
    obj.next_check = (
        obj.bid_deadline if obj.status == c.ProjectStatus.PUBLISHED and obj.bid_deadline else None
    )
    obj.save(update_fields=["next_check"])
