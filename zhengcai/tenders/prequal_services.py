"""Writes of the 资格预审 call of an invited tender (邀请招标: 法 34; 87号令 14–16; 条例 21).

* `prequal_publish` — the agency publishes the 资格预审公告; applications are due at least
  5 working days after it (条例 21), the notice is on display 5 working days (87号令 16).
* `prequal_transition` — the bidding app, which holds the applications, the review, the draw
  and the invitations (supplier participation), moves the call through `PREQUAL`.
* `prequal_correct` — a 更正公告 (澄清或者修改) of the 资格预审公告 / 资格预审文件: one that may
  affect the applications must come at least 3 days before their deadline, else the deadline
  moves to 3 days after it (87号令 27, `rules.prequalification_deadline_after_clarification`).
* `prequal_fail` — fewer qualified suppliers than the method invites: the procurement cannot
  go on as 邀请招标 (法 34); it is terminated with a 终止公告 (87号令 29) and procured again, or
  by another method after approval (法 36–37; 87号令 43; rules.md §4.5).

The bidding period itself starts with the invitations: `services.project_publish` refuses an
invited tender whose invitations have not gone out (`prequal_selectors.invitation_sent`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.core import clock, deadlines, transitions
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, RuleViolation
from zhengcai.core.workdays import WorkCalendar
from zhengcai.methods.config import PrequalRule
from zhengcai.tenders import constants as c
from zhengcai.tenders import machines, rules, services
from zhengcai.tenders.models import Notice, Project
from zhengcai.tenders.prequal_models import Prequalification

PREQUAL = transitions.register(
    transitions.Machine(
        Prequalification,
        c.PREQUAL_TRANSITIONS,
        what="资格预审",
        action="prequal",
        labels=c.PrequalStatus,
        organization=lambda pq: pq.project.agency,
    )
)


def prequal_rule(project: Project) -> PrequalRule:
    rule = project.method_config.prequalification
    if rule is None:
        raise RuleViolation(
            f"{project.method_config.name}不通过资格预审邀请供应商",
            code=c.ERR_PREQUAL_NOT_APPLICABLE,
        )
    return rule


def earliest_applications_due(
    cal: WorkCalendar, rule: PrequalRule, published_on: dt.date
) -> dt.date:
    """条例 21: applications are due no earlier than 5 working days after the notice (the day of
    publication not counted); the notice is on display as long (87号令 16)."""
    return max(rule.applications.add(cal, published_on), rule.notice_display.add(cal, published_on))


def _notice_fields(project: Project, pq: Prequalification) -> dict[str, Any]:
    """资格预审公告 (条例 21; 87号令 15–16; rules.md §7): purchaser and project name, the
    requirements, the qualification requirements, the time and place for applications."""
    return {
        "project_no": project.project_no,
        "project_name": project.name,
        "method": project.method_config.name,
        "purchaser": {"name": project.purchaser.name, "address": project.purchaser.address},
        "agency": {
            "name": project.agency.name,
            "contact": project.contact_name or project.agency.contact_name,
            "phone": project.contact_phone or project.agency.contact_phone,
        },
        "budget": str(project.budget),
        "lots": [{"number": lot.number, "name": lot.name} for lot in project.lots.all()],
        "qualifications": pq.requirements,
        "review_method": pq.review_method,
        "invite_count": pq.invite_count,
        "applications_until": pq.applications_until.isoformat() if pq.applications_until else "",
        "application_place": pq.application_place,
        "display_until": pq.display_until.isoformat() if pq.display_until else "",
    }


@transaction.atomic
def prequal_publish(
    *,
    actor: User,
    project: Project,
    applications_until: dt.datetime,
    requirements: str,
    review_method: str = "",
    invite_count: int | None = None,
) -> Prequalification:
    """Publish the 资格预审公告 of an invited tender and open the applications."""
    locked = services._lock(project)
    services._require_manager(actor, locked)
    rule = prequal_rule(locked)
    if locked.status not in c.PROJECT_EDITABLE_STATUSES:
        raise Conflict("项目已发布，不能再发布资格预审公告", code=c.ERR_NOT_EDITABLE)
    if Prequalification.objects.filter(project=locked).exists():
        raise Conflict("本项目已发布资格预审公告", code=c.ERR_PREQUAL_EXISTS)
    if not requirements.strip():
        raise InvalidInput("请填写资格条件", code="requirements_required")
    count = rule.min_invited if invite_count is None else int(invite_count)
    if count < rule.min_invited:
        raise RuleViolation(
            f"邀请招标应当邀请不少于{rule.min_invited}家供应商（{rule.invited_citation}）",
            code=c.ERR_PREQUAL_NOT_APPLICABLE,
        )
    if applications_until.tzinfo is None:
        raise InvalidInput("截止时间须带时区", code="datetime_invalid")
    due = applications_until.astimezone(clock.SHANGHAI)
    now = clock.now()
    today = now.date()
    cal = WorkCalendar.load()
    earliest = earliest_applications_due(cal, rule, today)
    if due.date() < earliest:
        raise RuleViolation(
            f"资格预审申请文件提交截止不得早于公告发布之日起{rule.applications.label}"
            f"（{rule.applications.citation}），最早为 {earliest:%Y年%m月%d日}",
            code=c.ERR_PREQUAL_WINDOW,
            detail={"earliest": earliest.isoformat()},
        )
    deadlines.require_certain(cal, today, due.date(), what="资格预审申请截止时间")
    display_until = rule.notice_display.add(cal, today)
    pq = Prequalification.objects.create(
        project=locked,
        source=c.PrequalSource.PREQUALIFICATION,
        requirements=requirements.strip(),
        review_method=review_method.strip(),
        invite_count=count,
        published_at=now,
        display_until=display_until,
        applications_until=due,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    kind = c.NoticeKind.PREQUALIFICATION
    notice = services._notice(
        actor=actor,
        project=locked,
        kind=kind,
        title=f"{locked.purchaser.name}{locked.name}{kind.label}",
        fields=_notice_fields(locked, pq),
        body=pq.requirements,
        display_until=display_until,
    )
    pq.notice = notice
    pq.save(update_fields=["notice"])
    return pq


@transaction.atomic
def prequal_from_list(
    *,
    actor: User,
    project: Project,
    source: str,
    requirements: str,
    invite_count: int | None = None,
) -> Prequalification:
    """87号令 14 ¶1 ②③: the list comes from the 供应商库 or from written recommendations, not
    from a public call. No notice and no applications: the call is born and at once stands as
    `reviewed`; the bidding app draws from the pool it is given (≥ 2 × drawn, 87号令 14 ¶3)."""
    locked = services._lock(project)
    services._require_manager(actor, locked)
    rule = prequal_rule(locked)
    if source == c.PrequalSource.PREQUALIFICATION or source not in rule.sources:
        raise InvalidInput("供应商产生方式不正确", code=c.ERR_PREQUAL_NOT_APPLICABLE)
    if locked.status not in c.PROJECT_EDITABLE_STATUSES:
        raise Conflict("项目已发布，不能再产生邀请名单", code=c.ERR_NOT_EDITABLE)
    if Prequalification.objects.filter(project=locked).exists():
        raise Conflict("本项目已有资格预审（邀请名单）", code=c.ERR_PREQUAL_EXISTS)
    count = rule.min_invited if invite_count is None else int(invite_count)
    if count < rule.min_invited:
        raise RuleViolation(
            f"邀请招标应当邀请不少于{rule.min_invited}家供应商（{rule.invited_citation}）",
            code=c.ERR_PREQUAL_NOT_APPLICABLE,
        )
    now = clock.now()
    pq = Prequalification.objects.create(
        project=locked,
        source=source,
        requirements=requirements.strip(),
        invite_count=count,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    return PREQUAL.move(
        pq, to=c.PrequalStatus.REVIEWED, actor=actor, reason=str(c.PrequalSource(source).label)
    )


@transaction.atomic
def prequal_correct(
    *,
    actor: User,
    prequal: Prequalification,
    changes: str,
    affects_applications: bool = True,
    applications_until: dt.datetime | None = None,
    expected_version: int | None = None,
) -> Notice:
    """更正公告 of the 资格预审公告 (87号令 27). The agency may set a later deadline itself; a
    change that may affect the applications made less than 3 days before their deadline moves
    it to 3 days after the change (`rules.prequalification_deadline_after_clarification`). The
    qualification requirements cannot be changed by a correction (87号令 27): the call is
    failed and published again instead. The new deadline is published: counted into a year
    whose holiday schedule is not confirmed it is refused (rules.md §0)."""
    project = services._lock(prequal.project)
    pq = PREQUAL.lock(prequal)
    services._require_manager(actor, project)
    services._check_version(pq, expected_version)
    now = clock.now()
    if pq.status != c.PrequalStatus.OPEN or pq.applications_until is None or pq.notice is None:
        raise Conflict("只有征集中的资格预审公告可以更正", code=c.ERR_NOT_OPEN)
    if now >= pq.applications_until:
        raise Conflict("资格预审申请已截止，不能再更正", code=c.ERR_NOT_OPEN)
    text = changes.strip()
    if not text:
        raise InvalidInput("请填写更正内容", code=c.ERR_REASON_REQUIRED)
    old = pq.applications_until.astimezone(clock.SHANGHAI)
    due = old
    if applications_until is not None:
        if applications_until.tzinfo is None:
            raise InvalidInput("截止时间须带时区", code="datetime_invalid")
        due = applications_until.astimezone(clock.SHANGHAI)
    if due <= now:
        raise InvalidInput("截止时间须晚于当前时间", code="datetime_invalid")
    cal = WorkCalendar.load()
    rule = prequal_rule(project)
    published_on = (pq.published_at or now).astimezone(clock.SHANGHAI).date()
    earliest = earliest_applications_due(cal, rule, published_on)
    if due.date() < earliest:
        raise RuleViolation(
            f"资格预审申请文件提交截止不得早于公告发布之日起{rule.applications.label}"
            f"（{rule.applications.citation}），最早为 {earliest:%Y年%m月%d日}",
            code=c.ERR_PREQUAL_WINDOW,
            detail={"earliest": earliest.isoformat()},
        )
    extended = False
    if affects_applications:
        later = rules.prequalification_deadline_after_clarification(now.date(), due)
        if later > due:
            due, extended = later, True
    deadlines.require_certain(cal, published_on, due.date(), what="更正后的资格预审申请截止时间")
    body = text
    if extended:
        body += (
            f"\n因本次更正距资格预审申请文件提交截止不足{rules.PREQUALIFICATION_CLARIFICATION_DAYS}日"
            f"（87号令 27），截止时间顺延至 {due:%Y年%m月%d日 %H:%M}。"
        )
    original = pq.notice
    pq.applications_until = due
    pq.version += 1
    pq.updated_at = now
    pq.save(update_fields=["applications_until", "version", "updated_at"])
    notice = services._notice(
        actor=actor,
        project=project,
        kind=c.NoticeKind.CORRECTION,
        title=f"{project.name}资格预审更正公告",
        fields={
            "project_no": project.project_no,
            "project_name": project.name,
            "original_notice": original.title,
            "original_published_at": original.published_at.isoformat(),
            "changes": text,
            "old_applications_until": old.isoformat(),
            "applications_until": due.isoformat(),
            "extended_by_law": extended,
            "contact": {"purchaser": project.purchaser.name, "agency": project.agency.name},
        },
        body=body,
        corrects=original,
    )
    if machines.NOTICE.can(original, c.NoticeStatus.SUPERSEDED):
        machines.NOTICE.move(
            original, to=c.NoticeStatus.SUPERSEDED, actor=actor, audit={"by": notice.pk}
        )
    audit_record(
        actor=actor,
        action="prequal.corrected",
        obj=pq,
        organization=project.agency,
        before={"applications_until": old},
        after={"applications_until": due, "extended_by_law": extended, "notice": notice.pk},
    )
    return notice


def prequal_transition(
    *, actor: User | None, prequal: Prequalification, to: str, reason: str = "", **changes: Any
) -> Prequalification:
    """The one door the bidding app uses to move the call (inside its transaction)."""
    current = PREQUAL.lock(prequal)
    return PREQUAL.move(current, to=to, actor=actor, reason=reason, **changes)


def prequal_fail(*, actor: User, prequal: Prequalification, reason: str) -> Prequalification:
    """Fewer qualified than the method invites (法 34): the call fails, the project is
    terminated and a 终止公告 says why (87号令 29; 法 36–37; rules.md §4.5)."""
    pq = prequal_transition(
        actor=actor,
        prequal=prequal,
        to=c.PrequalStatus.FAILED,
        reason=reason,
        failed_reason=reason[:500],
    )
    project = services.project_terminate(actor=actor, project=pq.project, reason=reason)
    services._notice(
        actor=actor,
        project=project,
        kind=c.NoticeKind.TERMINATION,
        title=f"{project.name}终止公告",
        fields={
            "project_no": project.project_no,
            "project_name": project.name,
            "reason": reason,
            "contact": {"purchaser": project.purchaser.name, "agency": project.agency.name},
        },
        body=reason,
    )
    return pq
