"""Shared helpers of the tenders writes: locking, the manager check, versions, money, publication
events, the project's one move and the deadline hooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    PreconditionFailed,
)
from zhengcai.core.money import to_yuan
from zhengcai.tenders import (
    access,
    machines,
)
from zhengcai.tenders import constants as c
from zhengcai.tenders.models import (
    ProcurementDocument,
    Project,
    PublicationEvent,
    PublicationHead,
)

ZERO = Decimal("0.00")
DeadlineHook = Callable[[Project], None]
_deadline_hooks: list[DeadlineHook] = []


def register_deadline_hook(hook: DeadlineHook) -> None:
    """Called by other apps (bidding) at startup; hooks run in the deadline transaction."""
    if hook not in _deadline_hooks:
        _deadline_hooks.append(hook)


# =============================================================================================
# helpers
# =============================================================================================


def _bad_transition(labels: Any, current: str, to: str, what: str) -> Conflict:
    def label(v: str) -> str:
        return str(labels(v).label) if v in labels.values else v

    return Conflict(
        f"{what}状态不能从「{label(current)}」变为「{label(to)}」",
        code=c.ERR_BAD_TRANSITION,
        detail={"from": current, "to": to},
    )


def _check_version(obj: Any, expected_version: int | None) -> None:
    if expected_version is not None and obj.version != expected_version:
        raise PreconditionFailed(detail={"current_version": obj.version})


def _require_manager(actor: User, project: Project) -> None:
    if not access.can_manage(actor, project):
        raise PermissionDenied("只有受托代理机构可以办理本项目")


def _lock(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("purchaser__region", "agency", "plan")
        .get(pk=project.pk)
    )


def _require_editable(project: Project) -> None:
    if project.status not in c.PROJECT_EDITABLE_STATUSES:
        raise Conflict(
            "项目已发布，须通过更正公告修改",
            code=c.ERR_NOT_EDITABLE,
            detail={"status": project.status},
        )


def _money(value: Any, what: str) -> Decimal:
    try:
        amount = to_yuan(value)
    except ValueError as exc:
        raise InvalidInput(f"{what}：{exc}", code="amount_invalid") from exc
    if amount < 0:
        raise InvalidInput(f"{what}不能为负数", code="amount_invalid")
    return amount


def _decimal(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidInput(f"{what}不是有效数字", code="number_invalid") from exc
    if not number.is_finite() or number < 0:
        raise InvalidInput(f"{what}不是有效数字", code="number_invalid")
    return number


def _end_of_day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.SHANGHAI)


def _publish_event(kind: str, obj: Any, payload: dict[str, Any]) -> PublicationEvent:
    """Append to the public feed outbox in the caller's transaction; the head row lock makes
    the sequence gap-free in commit order (design §4 rule 11)."""
    head, _ = PublicationHead.objects.select_for_update().get_or_create(id=1)
    head.seq += 1
    head.save(update_fields=["seq"])
    return PublicationEvent.objects.create(
        seq=head.seq,
        kind=kind,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        payload=payload,
        created_at=clock.now(),
    )


def _move(*, actor: User | None, project: Project, to_status: str, **after: Any) -> Project:
    return machines.PROJECT.move(project, to=to_status, actor=actor, audit=after)


# =============================================================================================
# Projects and lots
# =============================================================================================


def _document_dirty(project: Project, actor: User | None = None) -> None:
    """Any change to the project or its lots sends a final document back to draft (and so
    back through the compliance check), and the project from 文件已定稿 back to 编制中."""
    doc = ProcurementDocument.objects.select_for_update().filter(project=project).first()
    if doc is not None:
        _redraft(doc, actor)
        doc.save(update_fields=["version", "status"])
    if project.status == c.ProjectStatus.DOCUMENTS_READY:
        _move(actor=actor, project=project, to_status=c.ProjectStatus.DRAFT, reason="项目变更")


def _redraft(doc: ProcurementDocument, actor: User | None) -> None:
    """A changed document is a new version; a final one goes back to draft (DOCUMENT machine)."""
    if doc.status == c.DocumentStatus.FINAL:
        machines.DOCUMENT.move(doc, to=c.DocumentStatus.DRAFT, actor=actor)
    else:
        doc.version += 1
