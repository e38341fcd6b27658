"""Challenges (质疑): filing with standing and in time (法 52; 条例 53; 94号令 10–12), the
answer (法 53; 94号令 13–15), the suspension (条例 54) and the outcomes (94号令 16)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhengcai.awards import constants as c
from zhengcai.awards import rules, selectors
from zhengcai.awards.models import Award, Challenge, ChallengePolicy
from zhengcai.awards.services.awards import _midnight_after, award_create, award_end
from zhengcai.awards.services.machines import CHALLENGE
from zhengcai.bidding.models import Participation
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.services import message_send
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation.models import Evaluation
from zhengcai.evaluation.services import candidates
from zhengcai.tenders.models import DocumentDownload, Lot, Project

if TYPE_CHECKING:
    from zhengcai.accounts.models import User


def _evaluation(lot: Lot) -> Evaluation | None:
    return Evaluation.objects.filter(lot=lot).exclude(status__in=["failed", "stopped"]).first()


def _local(value: dt.datetime | None) -> dt.date | None:
    return value.astimezone(clock.SHANGHAI).date() if value is not None else None


def _knowledge_day(lot: Lot, supplier_id: int, subject: str, step: str) -> dt.date | None:
    """The facts 条例 53 counts from, as the platform recorded them."""
    project = lot.project
    if subject == c.Subject.DOCUMENTS:
        first = DocumentDownload.objects.filter(project=project, supplier_id=supplier_id).first()
        return rules.knowledge_day(
            subject,
            documents_obtained=_local(first.downloaded_at) if first else None,
            documents_period_end=project.documents_until,
        )
    if subject == c.Subject.PROCESS:
        ev = _evaluation(lot)
        if step == c.Step.OPENING:
            opening = getattr(ev.window, "opening", None) if ev is not None else None
            end = _local(opening.confirmed_at) if opening is not None else None
        elif step == c.Step.EVALUATION:
            end = _local(ev.signed_at) if ev is not None else None
        else:
            raise InvalidInput("请选择被质疑的采购程序环节", code=c.ERR_LETTER_INCOMPLETE)
        return rules.knowledge_day(subject, step_end=end)
    award = selectors.current_award(lot)
    notice = getattr(award, "notice", None) if award is not None else None
    return rules.knowledge_day(
        subject, display_end=notice.display_until if notice is not None else None
    )


def _standing(lot: Lot, supplier_id: int, subject: str) -> str | None:
    """Why the supplier may not challenge (94号令 11), or None: a participant may challenge
    anything; a potential supplier that lawfully obtained the documents only the documents."""
    took_part = Participation.objects.filter(lot=lot, supplier_id=supplier_id).exists()
    if took_part:
        return None
    if subject == c.Subject.DOCUMENTS:
        obtained = DocumentDownload.objects.filter(
            project=lot.project, supplier_id=supplier_id
        ).exists()
        if obtained:
            return None
        return "未依法获取采购文件的供应商不能对采购文件提出质疑（94号令 11）"
    return "未参与本项目采购活动的供应商不能对采购过程或结果提出质疑（94号令 11）"


def _letter(raw: Mapping[str, Any], project: Project) -> dict[str, Any]:
    letter = {k: raw.get(k) for k in rules.LETTER_FIELDS}
    for k, v in list(letter.items()):
        if isinstance(v, str):
            letter[k] = v.strip()[:5000]
    gaps = rules.missing(rules.LETTER_FIELDS, letter)
    if gaps:
        raise InvalidInput(
            f"质疑函缺少：{'、'.join(gaps)}（94号令 12）",
            code=c.ERR_LETTER_INCOMPLETE,
            detail={"missing": gaps},
        )
    letter.update(
        project_name=project.name,
        project_number=project.project_no,
        date=clock.today().isoformat(),
    )
    return letter


@transaction.atomic
def challenge_file(
    *, actor: User, lot: Lot, subject: str, letter: Mapping[str, Any], step: str = ""
) -> Challenge:
    """File a 质疑函. Refused without standing (94号令 11), before the knowledge day is known,
    after 7 WD from it (法 52; 条例 53; 94号令 10), or a second time on the same step when
    the documents require all challenges at once (94号令 10 ¶2)."""
    if actor.role != "supplier" or actor.organization_id is None:
        raise PermissionDenied("只有供应商可以提出质疑", code=c.ERR_NO_STANDING)
    if subject not in c.Subject.values:
        raise InvalidInput(
            "请选择质疑对象（采购文件、采购过程或中标结果）", code=c.ERR_LETTER_INCOMPLETE
        )
    step = step if subject == c.Subject.PROCESS else ""
    supplier_id = actor.organization_id
    project = lot.project
    why = _standing(lot, supplier_id, subject)
    if why:
        raise PermissionDenied(why, code=c.ERR_NO_STANDING)
    day = _knowledge_day(lot, supplier_id, subject, step)
    if day is None:
        raise RuleViolation(
            "质疑期限的起算日尚未到来（条例 53），暂不能就此提出质疑", code=c.ERR_NOT_YET
        )
    cal = WorkCalendar.load()
    ends = rules.challenge_window_ends(cal, day)
    today = clock.today()
    if today > ends:
        raise RuleViolation(
            f"已超过质疑期限：应在 {day:%Y-%m-%d} 起7个工作日内（至 {ends:%Y-%m-%d}）提出"
            "（法 52；条例 53；94号令 10）",
            code=c.ERR_LATE,
            detail={"knowledge_day": day.isoformat(), "window_ends": ends.isoformat()},
        )
    pol = selectors.policy(project)
    if pol is not None and pol.one_at_once:
        earlier = Challenge.objects.filter(
            lot=lot, supplier_id=supplier_id, subject=subject, step=step
        ).exists()
        if earlier:
            raise RuleViolation(
                "采购文件要求对同一采购程序环节的质疑一次性提出（94号令 10），本环节已提出过质疑",
                code=c.ERR_ONE_AT_ONCE,
            )
    body = _letter(letter, project)
    due = rules.answer_due(cal, today)
    now = clock.now()
    ch = Challenge.objects.create(
        project=project,
        lot=lot,
        supplier_id=supplier_id,
        filed_by=actor,
        subject=subject,
        step=step,
        award=selectors.current_award(lot),
        letter=body,
        knowledge_day=day,
        window_ends=ends,
        filed_at=now,
        answer_due=due,
        updated_at=now,
        next_check=_midnight_after(due),
    )
    audit_record(
        actor=actor,
        action="challenge.filed",
        obj=ch,
        organization=project.agency,
        after={
            "subject": subject,
            "step": step,
            "knowledge_day": day.isoformat(),
            "window_ends": ends.isoformat(),
            "answer_due": due.isoformat(),
        },
    )
    for org_id in (project.agency_id, project.purchaser_id):
        message_send(
            organization_id=org_id,
            kind="challenge_filed",
            subject=f"收到质疑：{project.name}（{due:%Y-%m-%d}前答复）",
            body="质疑处理期间可能影响中标（成交）结果的，暂停签订合同（条例 54）。",
            link=f"/awards/challenges/{ch.pk}/",
        )
    return ch


def _require_answerer(actor: User, ch: Challenge) -> None:
    """The purchaser answers; the agency within its mandate (法 54)."""
    org = actor.organization_id
    if org is None or org not in (ch.project.agency_id, ch.project.purchaser_id):
        raise PermissionDenied(
            "只有本项目的采购人或采购代理机构可以答复质疑", code=c.ERR_NOT_ANSWERER
        )


@transaction.atomic
def challenge_assist(
    *, actor: User, challenge: Challenge, request: str, expected_version: int | None = None
) -> Challenge:
    """Ask the original committee to help answer (94号令 14); the answer deadline stands."""
    ch = CHALLENGE.lock(challenge)
    _require_answerer(actor, ch)
    text = request.strip()
    if not text:
        raise InvalidInput("请写明请评审委员会协助的事项", code=c.ERR_ANSWER_INCOMPLETE)
    ev = _evaluation(ch.lot)
    members = (
        [
            m.user.get_full_name() or m.user.get_username()
            for m in ev.members.filter(status="active")
        ]
        if ev is not None
        else []
    )
    return CHALLENGE.move(
        ch,
        to=c.ChallengeStatus.ASSISTING,
        actor=actor,
        expected_version=expected_version,
        assist_request=text[:5000],
        audit={"committee": members},
    )


def _remaining_candidates(lot: Lot, award: Award) -> list[Any]:
    """The report's qualified candidates in order, without any supplier awarded before."""
    taken = set(Award.objects.filter(lot=lot).values_list("supplier_id", flat=True))
    return [rb for rb in candidates(award.evaluation) if rb.supplier_id not in taken]


def _apply(actor: User, ch: Any, cons: rules.Consequence, origin: str = "") -> dict[str, Any]:
    """Do what 94号令 16 says (also for an upheld 投诉, 94号令 31–32: `ch` a Complaint and
    `origin` its name); returns what was done (for the audit)."""
    origin = origin or f"质疑 #{ch.pk}"
    project = ch.project
    done: dict[str, Any] = {}
    if cons.amend_documents:
        message_send(
            organization_id=project.agency_id,
            kind="challenge_amend",
            subject=f"质疑成立，请澄清或修改采购文件：{project.name}",
            body="发布更正公告（87号令 27）" + ("后重新开展采购活动" if cons.restart else "后继续"),
        )
        done["amend_documents"] = True
    award = selectors.current_award(ch.lot)
    if cons.another_candidate and award is None:
        # no winner chosen yet: the purchaser chooses from the report's candidates (条例 43)
        done["no_award_yet"] = True
        return done
    if cons.another_candidate and award is not None:
        remaining = _remaining_candidates(ch.lot, award)
        if rules.another_candidate_possible(len(remaining)):
            nxt = remaining[0]
            award_end(
                actor=actor, award=award, to=c.AwardStatus.SUPERSEDED, reason=f"{origin} 成立"
            )
            new = award_create(
                actor=actor,
                evaluation=award.evaluation,
                supplier=nxt.supplier,
                deemed=False,
                reason=f"{origin} 成立，依法另行确定（94号令 16、32）",
                replaces=award,
            )
            done.update(superseded=award.pk, new_award=new.pk, supplier=nxt.supplier.name)
            return done
        cons = rules.CONSEQUENCES[c.Outcome.RESTART]
        done["no_candidate_left"] = True
    if cons.restart:
        if award is not None:
            award_end(actor=actor, award=award, to=c.AwardStatus.VOID, reason=f"{origin} 成立")
            done["void"] = award.pk
        done["restart"] = True
    return done


@transaction.atomic
def challenge_answer(
    *,
    actor: User,
    challenge: Challenge,
    outcome: str,
    answer: Mapping[str, Any],
    expected_version: int | None = None,
) -> Challenge:
    """Answer in writing with the 94号令 15 contents to the challenger and the other suppliers
    concerned; apply the 94号令 16 outcome; a changed result is reported to the finance
    department in writing."""
    ch = CHALLENGE.lock(challenge)
    _require_answerer(actor, ch)
    cons = rules.consequence(outcome, ch.subject)
    if cons is None:
        raise RuleViolation("该处理结论不适用于此类质疑（94号令 16）", code=c.ERR_OUTCOME_INVALID)
    body = {k: str(answer.get(k) or "").strip()[:5000] for k in rules.ANSWER_FIELDS}
    gaps = rules.missing(rules.ANSWER_FIELDS, body)
    if gaps:
        raise InvalidInput(
            f"质疑答复缺少：{'、'.join(gaps)}（94号令 15）",
            code=c.ERR_ANSWER_INCOMPLETE,
            detail={"missing": gaps},
        )
    now = clock.now()
    assert actor.organization is not None
    body.update(
        challenger=ch.supplier.name,
        received_on=_local(ch.filed_at).isoformat(),  # type: ignore[union-attr]
        project_name=ch.project.name,
        project_number=ch.project.project_no,
        outcome_label=str(c.Outcome(outcome).label),
        right_to_complain=rules.RIGHT_TO_COMPLAIN,
        answered_by=actor.organization.name,
        answered_on=clock.today().isoformat(),
    )
    ch = CHALLENGE.move(
        ch,
        to=c.ChallengeStatus.ANSWERED,
        actor=actor,
        expected_version=expected_version,
        answer=body,
        outcome=outcome,
        answered_at=now,
        answered_by=actor,
        next_check=None,
        audit={"late": clock.today() > ch.answer_due},
    )
    done = _apply(actor, ch, cons)
    link = f"/awards/challenges/{ch.pk}/"
    others = set(Participation.objects.filter(lot=ch.lot).values_list("supplier_id", flat=True)) - {
        ch.supplier_id
    }
    message_send(
        organization_id=ch.supplier_id,
        kind="challenge_answer",
        subject=f"质疑答复：{ch.project.name}",
        body=f"{body['outcome_label']}。{rules.RIGHT_TO_COMPLAIN}",
        link=link,
    )
    for org_id in sorted(others):
        message_send(
            organization_id=org_id,
            kind="challenge_answer",
            subject=f"质疑答复（相关供应商）：{ch.project.name}",
            body=str(body["outcome_label"]),
            link=link,
        )
    if (cons.changes_result and not done.get("no_award_yet")) or done.get("restart"):
        finance = selectors.finance_department(ch.project)
        audit_record(
            actor=actor,
            action="challenge.result_changed",
            obj=ch,
            organization=ch.project.agency,
            after={"outcome": outcome, **done, "reported_to": finance.name if finance else None},
        )
        if finance is not None:
            message_send(
                organization_id=finance.pk,
                kind="challenge_result_changed",
                subject=f"质疑答复导致采购结果改变的书面报告：{ch.project.name}",
                body=f"质疑 #{ch.pk}：{body['outcome_label']}（94号令 16）。",
                link=link,
            )
    return ch


@transaction.atomic
def challenge_withdraw(*, actor: User, challenge: Challenge) -> Challenge:
    ch = CHALLENGE.lock(challenge)
    if actor.organization_id != ch.supplier_id:
        raise PermissionDenied("只有质疑供应商可以撤回质疑", code=c.ERR_NO_STANDING)
    return CHALLENGE.move(ch, to=c.ChallengeStatus.WITHDRAWN, actor=actor, next_check=None)


@transaction.atomic
def policy_set(*, actor: User, project: Project, one_at_once: bool) -> ChallengePolicy:
    """Record what the documents say: all challenges on one step at once (94号令 10)."""
    if actor.role != "agency" or actor.organization_id != project.agency_id:
        raise PermissionDenied("只有本项目的采购代理机构可以设置", code=c.ERR_NOT_AGENCY)
    pol, _ = ChallengePolicy.objects.update_or_create(
        project=project, defaults={"one_at_once": one_at_once, "set_at": clock.now()}
    )
    audit_record(
        actor=actor,
        action="challenge.policy",
        obj=pol,
        organization=project.agency,
        after={"one_at_once": one_at_once},
    )
    return pol


def challenge_timed(obj: Any) -> None:
    """Timed check: no answer 7 WD after receipt (法 53; 94号令 13) — flagged; the challenger
    may complain (94号令 17) and the finance department is told."""
    ch = obj
    ch.next_check = None
    if ch.status not in c.OPEN_CHALLENGE:
        ch.save(update_fields=["next_check"])
        return
    ch.answer_overdue = True
    ch.save(update_fields=["answer_overdue", "next_check"])
    audit_record(
        actor=None,
        action="challenge.answer_overdue",
        obj=ch,
        organization=ch.project.agency,
        after={"answer_due": ch.answer_due.isoformat()},
    )
    finance = selectors.finance_department(ch.project)
    for org_id in {ch.project.agency_id, ch.project.purchaser_id, ch.supplier_id} | (
        {finance.pk} if finance else set()
    ):
        message_send(
            organization_id=org_id,
            kind="challenge_overdue",
            subject=f"质疑答复逾期：{ch.project.name}（期限 {ch.answer_due:%Y-%m-%d}）",
            body=rules.RIGHT_TO_COMPLAIN,
            link=f"/awards/challenges/{ch.pk}/",
        )
