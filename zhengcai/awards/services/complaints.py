"""Complaints (投诉) to the finance department: filing after a 质疑 in time (法 55; 94号令 6,
17–20), the review (94号令 21), the respondents' answer (94号令 22–23), suspension (法 57;
94号令 28), the clock and its pauses (94号令 26–27), the decision and its remedies (94号令
29–32), withdrawal (94号令 30) and the adverse credit record for repeated unfounded
complaints (94号令 37 ⚠)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhengcai.awards import constants as c
from zhengcai.awards import hooks, rules, selectors
from zhengcai.awards.models import Challenge, Complaint
from zhengcai.awards.services.awards import _midnight_after
from zhengcai.awards.services.challenges import _apply, _local
from zhengcai.awards.services.machines import COMPLAINT
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.services import message_send
from zhengcai.core.workdays import WorkCalendar

if TYPE_CHECKING:
    from zhengcai.accounts.models import User

_LINK = "/awards/complaints/{}/"

# A remedy → what the existing challenge machinery does (94号令 31–32 reuse 94号令 16's).
_REMEDY_CONSEQUENCE: dict[str, str | None] = {
    c.Remedy.CONTINUE: c.Outcome.NOT_UPHELD,
    c.Remedy.AMEND_CONTINUE: c.Outcome.DOCUMENTS_AMEND,
    c.Remedy.RESTART: c.Outcome.RESTART,
    c.Remedy.RESULT_VOID_RESTART: c.Outcome.RESTART,
    c.Remedy.RESULT_VOID_OTHER: c.Outcome.OTHER_CANDIDATE,
    # the signed contract is revoked first (contracts app, through awards.hooks), then the
    # award is dealt with as for an unsigned one (94号令 32 (三))
    c.Remedy.CONTRACT_VOID_RESTART: c.Outcome.RESTART,
    c.Remedy.CONTRACT_VOID_OTHER: c.Outcome.OTHER_CANDIDATE,
    c.Remedy.DAMAGES: None,
}


def _letter(raw: Mapping[str, Any]) -> dict[str, str]:
    body = {k: str(raw.get(k) or "").strip()[:5000] for k in rules.COMPLAINT_FIELDS}
    gaps = rules.missing(rules.COMPLAINT_FIELDS, body)
    if gaps:
        raise InvalidInput(
            f"投诉书缺少：{'、'.join(gaps)}（94号令 18）",
            code=c.ERR_COMPLAINT_INCOMPLETE,
            detail={"missing": gaps},
        )
    return body


def _notify(x: Complaint, subject: str, body: str = "", *, orgs: set[int] | None = None) -> None:
    ids = orgs if orgs is not None else {x.complainant_id, *_respondent_ids(x)}
    for org_id in sorted(ids):
        message_send(
            organization_id=org_id,
            kind="complaint",
            subject=f"{subject}：{x.project.name}",
            body=body,
            link=_LINK.format(x.pk),
        )


def _respondent_ids(x: Complaint) -> list[int]:
    return sorted(x.respondents.values_list("pk", flat=True))


def _require_regulator(actor: User, x: Complaint) -> None:
    if actor.organization_id != x.regulator_id:
        raise PermissionDenied(
            "只有有管辖权的财政部门可以处理该投诉（94号令 6）", code=c.ERR_COMPLAINT_NOT_REGULATOR
        )


def _require_complainant(actor: User, x: Complaint) -> None:
    if actor.organization_id != x.complainant_id:
        raise PermissionDenied("只有投诉人可以进行此操作", code=c.ERR_COMPLAINT_NOT_COMPLAINANT)


def _check_at(x: Complaint | None, day: dt.date | None) -> dt.datetime | None:
    return _midnight_after(day) if day is not None else None


@transaction.atomic
def complaint_file(
    *,
    actor: User,
    challenge: Challenge,
    letter: Mapping[str, Any],
    evidence: list[str] | None = None,
) -> Complaint:
    """File a complaint on a challenge of one's own (94号令 19; 条例 55), after the answer or
    the answer deadline, within 15 WD (法 55; 94号令 17), to the finance department at the
    purchaser's level (94号令 6)."""
    if actor.organization_id != challenge.supplier_id:
        raise PermissionDenied(
            "投诉人须是就同一事项提出质疑的供应商（94号令 19）", code=c.ERR_COMPLAINT_NO_CHALLENGE
        )
    if challenge.status == c.ChallengeStatus.WITHDRAWN:
        raise RuleViolation(
            "质疑已撤回，不能就该事项投诉（94号令 19）", code=c.ERR_COMPLAINT_NO_CHALLENGE
        )
    today = clock.today()
    answered_on = _local(challenge.answered_at)
    if not rules.complaint_may_file(
        today=today, answered_on=answered_on, answer_due_on=challenge.answer_due
    ):
        raise RuleViolation(
            f"质疑答复期限（{challenge.answer_due:%Y-%m-%d}）届满前且未答复，尚不能投诉（法 55）",
            code=c.ERR_COMPLAINT_NOT_YET,
        )
    cal = WorkCalendar.load()
    ends = rules.complaint_window_ends(
        cal, answered_on=answered_on, answer_due_on=challenge.answer_due
    )
    if today > ends:
        raise RuleViolation(
            f"投诉期限已过（{ends:%Y-%m-%d}，法 55；94号令 17）", code=c.ERR_COMPLAINT_LATE
        )
    regulator = selectors.finance_department(challenge.project)
    if regulator is None:
        raise RuleViolation(
            "未找到本项目同级财政部门（94号令 6）", code=c.ERR_COMPLAINT_NOT_REGULATOR
        )
    body = _letter(letter)
    now = clock.now()
    review_due = rules.complaint_review_due(cal, today)
    x = Complaint.objects.create(
        challenge=challenge,
        project=challenge.project,
        lot=challenge.lot,
        complainant_id=challenge.supplier_id,
        regulator=regulator,
        filed_by=actor,
        letter=body,
        evidence=[str(e)[:500] for e in (evidence or []) if str(e).strip()],
        filed_at=now,
        window_ends=ends,
        review_due=review_due,
        updated_at=now,
        next_check=_check_at(None, review_due),
    )
    project = challenge.project
    x.respondents.set(sorted({project.purchaser_id, project.agency_id} - {None}))
    audit_record(
        actor=actor,
        action="complaint.submitted",
        obj=x,
        organization=regulator,
        after={"challenge": challenge.pk, "window_ends": ends.isoformat(), **body},
    )
    _notify(x, "收到投诉", f"请于 {review_due:%Y-%m-%d} 前审查（94号令 21）", orgs={regulator.pk})
    return x


@transaction.atomic
def complaint_request_correction(*, actor: User, complaint: Complaint, note: str) -> Complaint:
    """Ask once, in one written notice, for corrections (94号令 21 ⑴); the time spent does not
    count (94号令 27 ⚠)."""
    x = COMPLAINT.lock(complaint)
    _require_regulator(actor, x)
    if x.corrections >= 1:
        raise RuleViolation(
            "补正通知只能一次性书面发出（94号令 21）", code=c.ERR_COMPLAINT_CORRECTION_ONCE
        )
    if not note.strip():
        raise InvalidInput("请写明需要补正的事项和合理期限", code=c.ERR_COMPLAINT_INCOMPLETE)
    x = COMPLAINT.move(
        x,
        to=c.ComplaintStatus.CORRECTION,
        actor=actor,
        corrections=x.corrections + 1,
        correction_note=note.strip()[:2000],
        pauses=[*x.pauses, [clock.today().isoformat(), None, "补正"]],
        next_check=None,
    )
    _notify(x, "投诉书需补正", note, orgs={x.complainant_id})
    return x


@transaction.atomic
def complaint_resubmit(
    *, actor: User, complaint: Complaint, letter: Mapping[str, Any]
) -> Complaint:
    x = COMPLAINT.lock(complaint)
    _require_complainant(actor, x)
    body = _letter(letter)
    pauses = _close_pause(x.pauses)
    review_due = rules.complaint_review_due(WorkCalendar.load(), clock.today())
    x = COMPLAINT.move(
        x,
        to=c.ComplaintStatus.RESUBMITTED,
        actor=actor,
        letter=body,
        pauses=pauses,
        review_due=review_due,
        next_check=_check_at(x, review_due),
    )
    _notify(x, "投诉书已补正", orgs={x.regulator_id})
    return x


def _close_pause(pauses: list[Any]) -> list[Any]:
    out = [list(p) for p in pauses]
    if out and out[-1][1] is None:
        out[-1][1] = clock.today().isoformat()
    return out


def _pauses(x: Complaint) -> list[tuple[dt.date, dt.date | None]]:
    return [
        (dt.date.fromisoformat(p[0]), dt.date.fromisoformat(p[1]) if p[1] else None)
        for p in x.pauses
    ]


def decision_due(x: Complaint, cal: WorkCalendar | None = None) -> dt.date:
    """30 WD after receipt, without the paused working days (法 56; 94号令 26–27)."""
    return rules.complaint_decision_due(
        cal or WorkCalendar.load(),
        _local(x.filed_at) or clock.today(),
        _pauses(x),
        today=clock.today(),
    )


@transaction.atomic
def complaint_accept(*, actor: User, complaint: Complaint) -> Complaint:
    """Accept (94号令 21 ⑷): copies go to the respondents, who answer ≤ 5 WD (94号令 22)."""
    x = COMPLAINT.lock(complaint)
    _require_regulator(actor, x)
    cal = WorkCalendar.load()
    today = clock.today()
    response_due = rules.complaint_response_due(cal, today)
    due = decision_due(x, cal)
    x = COMPLAINT.move(
        x,
        to=c.ComplaintStatus.ACCEPTED,
        actor=actor,
        accepted_on=today,
        response_due=response_due,
        decision_due=due,
        next_check=_check_at(x, due),
    )
    _notify(
        x,
        "投诉已受理",
        f"被投诉人请于 {response_due:%Y-%m-%d} 前书面说明并提交证据（94号令 22）",
    )
    return x


@transaction.atomic
def complaint_refuse(*, actor: User, complaint: Complaint, to: str, reason: str) -> Complaint:
    """不予受理 (94号令 21 ⑵) or 告知向有管辖权的部门提起 (94号令 21 ⑶), with the reason."""
    if to not in (c.ComplaintStatus.NOT_ACCEPTED, c.ComplaintStatus.REDIRECTED):
        raise InvalidInput("无效的审查结论", code=c.ERR_COMPLAINT_INCOMPLETE)
    x = COMPLAINT.lock(complaint)
    _require_regulator(actor, x)
    if not reason.strip():
        raise InvalidInput("请写明理由", code=c.ERR_COMPLAINT_INCOMPLETE)
    x = COMPLAINT.move(x, to=to, actor=actor, review_reason=reason.strip()[:2000], next_check=None)
    _notify(x, str(c.ComplaintStatus(to).label), reason, orgs={x.complainant_id})
    return x


@transaction.atomic
def complaint_answer(*, actor: User, complaint: Complaint, text: str) -> Complaint:
    """A respondent's written explanation with evidence (94号令 22–23)."""
    x = COMPLAINT.lock(complaint)
    if actor.organization_id not in _respondent_ids(x):
        raise PermissionDenied("只有被投诉人可以提交说明", code=c.ERR_COMPLAINT_NOT_RESPONDENT)
    if x.status not in c.BLOCKING_COMPLAINT or not text.strip():
        raise RuleViolation(
            "投诉受理后方可提交说明，且说明不能为空", code=c.ERR_COMPLAINT_INCOMPLETE
        )
    responses = dict(x.responses)
    responses[str(actor.organization_id)] = {
        "text": text.strip()[:5000],
        "on": clock.today().isoformat(),
        "late": bool(x.response_due and clock.today() > x.response_due),
    }
    x.responses = responses
    x.version += 1
    x.save(update_fields=["responses", "version"])
    audit_record(
        actor=actor,
        action="complaint.answered",
        obj=x,
        organization=x.regulator,
        after=responses[str(actor.organization_id)],
    )
    return x


@transaction.atomic
def complaint_suspend(*, actor: User, complaint: Complaint, days: int) -> Complaint:
    """Suspend the procurement in writing ≤ 30 d (法 57; 94号令 28); signing waits."""
    x = COMPLAINT.lock(complaint)
    _require_regulator(actor, x)
    if not rules.suspension_ok(days):
        raise RuleViolation(
            f"暂停采购活动时间最长不得超过{c.COMPLAINT_SUSPENSION_DAYS}日（法 57；94号令 28）",
            code=c.ERR_COMPLAINT_SUSPENSION_TOO_LONG,
        )
    until = rules.suspension_ends(clock.today(), days)
    x = COMPLAINT.move(x, to=c.ComplaintStatus.SUSPENDED, actor=actor, suspended_until=until)
    _notify(x, "暂停采购活动通知", f"暂停至 {until:%Y-%m-%d}（法 57；94号令 28）")
    return x


@transaction.atomic
def complaint_resume(*, actor: User, complaint: Complaint) -> Complaint:
    x = COMPLAINT.lock(complaint)
    _require_regulator(actor, x)
    x = COMPLAINT.move(x, to=c.ComplaintStatus.ACCEPTED, actor=actor, suspended_until=None)
    _notify(x, "恢复采购活动通知")
    return x


@transaction.atomic
def complaint_clock(*, actor: User, complaint: Complaint, pause: bool, why: str = "") -> Complaint:
    """Stop / restart the decision clock for 检验、检测、鉴定、专家评审 (94号令 27 ⚠)."""
    x = COMPLAINT.lock(complaint)
    _require_regulator(actor, x)
    running = bool(x.pauses) and x.pauses[-1][1] is None
    if x.status not in c.BLOCKING_COMPLAINT or running == pause:
        raise RuleViolation("当前不能中止或恢复计算处理期限", code=c.ERR_COMPLAINT_CLOCK)
    if pause:
        x.pauses = [*x.pauses, [clock.today().isoformat(), None, why.strip()[:200] or "专家评审"]]
    else:
        x.pauses = _close_pause(x.pauses)
    x.decision_due = decision_due(x)
    x.next_check = None if pause else _check_at(x, x.decision_due)
    x.version += 1
    x.save(update_fields=["pauses", "decision_due", "next_check", "version"])
    audit_record(
        actor=actor,
        action="complaint.clock_paused" if pause else "complaint.clock_resumed",
        obj=x,
        organization=x.regulator,
        after={"pauses": x.pauses, "decision_due": x.decision_due.isoformat()},
    )
    return x


def _stage(x: Complaint, stated: str) -> str:
    """Where the procurement stands (94号令 31–32): the award and the contract from the
    platform's records (the contract through `awards.hooks`, the contracts app sits above
    awards); a regulator may state a later stage (a contract signed or performed off the
    platform), never an earlier one than the platform holds."""
    award = selectors.current_award(x.lot)
    held = hooks.stage_of(x.lot) if award is not None else None
    return rules.complaint_stage(
        has_award=award is not None,
        signed=award is not None
        and (held is not None or stated in (c.Stage.SIGNED, c.Stage.PERFORMED)),
        performed=award is not None and (held == c.Stage.PERFORMED or stated == c.Stage.PERFORMED),
    )


@transaction.atomic
def complaint_decide(
    *,
    actor: User,
    complaint: Complaint,
    finding: str,
    remedy: str,
    facts: str,
    legal_basis: str,
    stage: str = "",
    expected_version: int | None = None,
) -> Complaint:
    """The 投诉处理决定书 (94号令 33): the finding (94号令 29, 31–32) and the remedy the law
    gives for the stage; the remedies the platform runs are applied by the same machinery as
    a challenge's (另行确定 / 重新开展, 94号令 16); the decision is published (94号令 34)."""
    x = COMPLAINT.lock(complaint)
    _require_regulator(actor, x)
    if finding not in c.Finding.values:
        raise InvalidInput("无效的处理结论", code=c.ERR_COMPLAINT_REMEDY_INVALID)
    stage = _stage(x, stage)
    if remedy not in rules.complaint_remedies(finding, x.challenge.subject, stage):
        raise RuleViolation(
            "该处理方式不适用于此阶段或此类投诉（94号令 31–32）",
            code=c.ERR_COMPLAINT_REMEDY_INVALID,
            detail={"stage": stage},
        )
    if not facts.strip() or not legal_basis.strip():
        raise InvalidInput(
            "请写明认定的事实和法律依据（94号令 33）", code=c.ERR_COMPLAINT_INCOMPLETE
        )
    pauses = _close_pause(x.pauses)
    decision = {
        "complainant": x.complainant.name,
        "respondents": [o.name for o in x.respondents.order_by("pk")],
        "project_name": x.project.name,
        "project_number": x.project.project_no,
        "items": x.letter.get("items", ""),
        "facts": facts.strip()[:5000],
        "legal_basis": legal_basis.strip()[:5000],
        "finding_label": str(c.Finding(finding).label),
        "remedy_label": str(c.Remedy(remedy).label),
        "right_to_appeal": rules.RIGHT_TO_APPEAL,
        "authority": x.regulator.name,
        "decided_on": clock.today().isoformat(),
    }
    x = COMPLAINT.move(
        x,
        to=c.ComplaintStatus.DECIDED,
        actor=actor,
        expected_version=expected_version,
        finding=finding,
        remedy=remedy,
        stage=stage,
        decision=decision,
        pauses=pauses,
        decided_at=clock.now(),
        decided_by=actor,
        suspended_until=None,
        next_check=None,
        audit={"late": bool(x.decision_due and clock.today() > x.decision_due)},
    )
    outcome = _REMEDY_CONSEQUENCE[remedy]
    revoked: list[str] = []
    if remedy in c.REVOKES_CONTRACT:
        # 94号令 32 (三): 政府采购合同已经签订但尚未履行的，撤销合同
        revoked = hooks.revoke_contracts(
            lot=x.lot, actor=actor, reason=f"投诉 #{x.pk} 处理决定：{decision['remedy_label']}"
        )
        _notify(
            x,
            "投诉处理决定：撤销合同",
            ("已撤销合同：" + "、".join(revoked))
            if revoked
            else "合同未在平台签订，请依决定线下撤销",
        )
    if outcome is not None and remedy != c.Remedy.CONTINUE:
        done = _apply(actor, x, rules.CONSEQUENCES[outcome], origin=f"投诉 #{x.pk}")
        if revoked:
            done["revoked"] = revoked
        x.decision = {**x.decision, "applied": done}
        x.save(update_fields=["decision"])
    _notify(x, "投诉处理决定", f"{decision['finding_label']}；{decision['remedy_label']}")
    if finding in c.UNFOUNDED_FINDINGS:
        _credit_check(actor, x)
    return x


def _credit_check(actor: User, x: Complaint) -> None:
    """3 unfounded complaints in 12 months → an adverse record (拟处罚) through the credit
    app (94号令 37 ⚠; 条例 73), threshold and window in settings (⚠ rules)."""
    from django.conf import settings

    from zhengcai.credit.services import penalty_create

    threshold = getattr(settings, "COMPLAINT_UNFOUNDED_THRESHOLD", c.COMPLAINT_UNFOUNDED_THRESHOLD)
    months = getattr(settings, "COMPLAINT_UNFOUNDED_MONTHS", c.COMPLAINT_UNFOUNDED_WINDOW_MONTHS)
    since = clock.now() - dt.timedelta(days=round(months * 365 / 12))
    count = selectors.unfounded_count(x.complainant_id, since)
    if not rules.unfounded_record_due(count, threshold):
        return
    penalty = penalty_create(
        actor=actor,
        subject_kind="supplier",
        organization=x.complainant,
        decision_no=f"投诉-{x.pk}",
        basis="《政府采购质疑和投诉办法》第三十七条",
        facts=f"{months}个月内{count}次投诉查无实据（最近一次：投诉 #{x.pk}）",
        adverse_record=True,
        project_ref=x.project.project_no,
    )
    audit_record(
        actor=actor,
        action="complaint.credit_recorded",
        obj=x,
        organization=x.regulator,
        after={"count": count, "penalty": penalty.pk},
    )


@transaction.atomic
def complaint_withdraw(*, actor: User, complaint: Complaint, reason: str = "") -> Complaint:
    """撤诉 in writing before the decision: the procedure ends (94号令 30)."""
    x = COMPLAINT.lock(complaint)
    _require_complainant(actor, x)
    x = COMPLAINT.move(
        x,
        to=c.ComplaintStatus.WITHDRAWN,
        actor=actor,
        reason=reason.strip()[:500],
        pauses=_close_pause(x.pauses),
        suspended_until=None,
        next_check=None,
    )
    _notify(x, "投诉人已撤回投诉", orgs={x.regulator_id, *_respondent_ids(x)})
    return x


def complaint_timed(obj: Any) -> None:
    """Timed check: the review (94号令 21) or the decision (94号令 26) is overdue — flagged
    and put in the regulator's and the complainant's inboxes."""
    x = obj
    x.next_check = None
    if x.status in (c.ComplaintStatus.SUBMITTED, c.ComplaintStatus.RESUBMITTED):
        x.review_overdue = True
        x.save(update_fields=["review_overdue", "next_check"])
        action, due = "complaint.review_overdue", x.review_due
    elif x.status in c.BLOCKING_COMPLAINT and x.decision_due is not None:
        if clock.today() <= x.decision_due:  # the clock was paused meanwhile
            x.next_check = _check_at(x, x.decision_due)
            x.save(update_fields=["next_check"])
            return
        x.decision_overdue = True
        x.save(update_fields=["decision_overdue", "next_check"])
        action, due = "complaint.decision_overdue", x.decision_due
    else:
        x.save(update_fields=["next_check"])
        return
    audit_record(
        actor=None, action=action, obj=x, organization=x.regulator, after={"due": due.isoformat()}
    )
    label = "审查" if action == "complaint.review_overdue" else "处理决定"
    _notify(x, f"投诉{label}逾期（期限 {due:%Y-%m-%d}）", orgs={x.regulator_id, x.complainant_id})


def complaint_window(challenge: Challenge) -> dt.date | None:
    """The last day to file a 投诉 on `challenge` when the window is open today, else None
    (after the answer or its deadline, ≤ 15 WD: 法 55; 94号令 17, 19)."""
    if challenge.status == c.ChallengeStatus.WITHDRAWN:
        return None
    today, answered_on = clock.today(), _local(challenge.answered_at)
    if not rules.complaint_may_file(
        today=today, answered_on=answered_on, answer_due_on=challenge.answer_due
    ):
        return None
    ends = rules.complaint_window_ends(
        WorkCalendar.load(), answered_on=answered_on, answer_due_on=challenge.answer_due
    )
    return ends if today <= ends else None


def complaint_next_due(x: Complaint) -> dict[str, Any] | None:
    """The next deadline of an open complaint: the review (94号令 21), the respondents'
    answer (94号令 22–23) while none has answered, or the decision (法 56; 94号令 26)."""
    if x.status in (c.ComplaintStatus.SUBMITTED, c.ComplaintStatus.RESUBMITTED):
        label, due = "审查期限", x.review_due
    elif x.status in c.BLOCKING_COMPLAINT and x.response_due and not x.responses:
        label, due = "被投诉人说明期限", x.response_due
    elif x.status in c.BLOCKING_COMPLAINT and x.decision_due:
        label, due = "处理期限", x.decision_due
    else:
        return None
    left = WorkCalendar.load().working_days_between(clock.today(), due)
    return {"label": label, "due": due, "left": left, "overdue": left < 0}


def complaint_roles(x: Complaint, org_id: int | None) -> dict[str, bool]:
    """Which party `org_id` is on `x`: the regulator, a respondent, the complainant."""
    return {
        "regulator": org_id is not None and org_id == x.regulator_id,
        "respondent": org_id is not None and org_id in _respondent_ids(x),
        "complainant": org_id is not None and org_id == x.complainant_id,
    }
