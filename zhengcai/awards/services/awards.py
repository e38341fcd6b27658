"""Award records and the 中标/成交结果公告 (条例 43; 87号令 69; 74号令 18; rules.md §7)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction

from zhengcai.awards import constants as c
from zhengcai.awards import rules, selectors
from zhengcai.awards.models import Award, ResultNotice
from zhengcai.awards.services.machines import AWARD, NOTICE
from zhengcai.bidding import constants as bc
from zhengcai.bidding.models import BidBond
from zhengcai.bidding.selectors import sme_declaration
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import PermissionDenied, RuleViolation
from zhengcai.core.services import message_send
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation import constants as ec

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization, User
    from zhengcai.evaluation.models import Evaluation, ReviewedBid


def _midnight_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=clock.SHANGHAI)


def _reviewed(ev: Evaluation, supplier: Organization) -> ReviewedBid | None:
    return ev.bids.filter(supplier=supplier).select_related("bid").first()


def award_create(
    *,
    actor: User | None,
    evaluation: Evaluation,
    supplier: Organization,
    deemed: bool,
    reason: str = "",
    replaces: Award | None = None,
) -> Award:
    """Record the winner of the lot; the result notice is due in 2 WD (条例 43). Runs in the
    caller's transaction (the evaluation award, or a challenge outcome)."""
    rb = _reviewed(evaluation, supplier)
    amount = rb.opening_price if rb is not None else Decimal("0")
    now = clock.now()
    due = rules.notice_due(WorkCalendar.load(), clock.today())
    award = Award.objects.create(
        project=evaluation.project,
        lot=evaluation.lot,
        evaluation=evaluation,
        supplier=supplier,
        bid=rb.bid if rb is not None else None,
        amount=amount,
        rank=(rb.order or 1) if rb is not None else 1,
        deemed=deemed,
        reason=reason[:500],
        chosen_at=now,
        notice_due=due,
        replaces=replaces,
        created_at=now,
        updated_at=now,
        next_check=_midnight_after(due),
    )
    audit_record(
        actor=actor,
        action="award.created",
        obj=award,
        organization=evaluation.project.agency,
        after={
            "supplier": supplier.name,
            "amount": str(amount),
            "deemed": deemed,
            "notice_due": due.isoformat(),
            "replaces": replaces.pk if replaces else None,
        },
    )
    message_send(
        organization_id=evaluation.project.agency_id,
        kind="award_notice_due",
        subject=f"请于{due:%Y-%m-%d}前发布中标（成交）结果公告：{evaluation.project.name}",
        body="确定中标（成交）供应商后2个工作日内发出通知书并公告结果（条例 43；87号令 69）。",
        link=f"/awards/{award.pk}/",
    )
    return award


def on_evaluation_award(evaluation: Evaluation) -> None:
    """evaluation.hooks.on_award callback: the award of evaluation._award becomes a record."""
    assert evaluation.awarded_supplier is not None
    award_create(
        actor=evaluation.awarded_by,
        evaluation=evaluation,
        supplier=evaluation.awarded_supplier,
        deemed=evaluation.award_deemed,
        reason=evaluation.award_reason,
    )


def _member_row(m: Any) -> dict[str, Any]:
    name = m.user.get_full_name() or m.user.get_username()
    chosen = m.kind == ec.MemberKind.PURCHASER_REP
    return {
        "name": name,
        "kind": str(ec.MemberKind(m.kind).label),
        "purchaser_chosen": chosen,  # 条例 43; 87号令 69: flagged
        "chair": m.is_chair,
    }


def _sme(award: Award, rb: ReviewedBid | None) -> tuple[bool, dict[str, Any] | None]:
    project, lot = award.project, award.lot
    applied = bool(
        lot.sme_reserved or project.sme_reservation != "none" or (rb is not None and rb.deductions)
    )
    if not applied or rb is None:
        return applied, None
    d = sme_declaration(rb.bid)
    return applied, {
        "complete": d.complete,
        "size": d.size,
        "small_micro": d.small_micro,
        "reasons": list(d.reasons),
    }


def notice_fields(award: Award, *, agency_fee: str, display_until: dt.date) -> dict[str, Any]:
    """Every field of the 中标/成交结果公告 (rules.md §7) from the award's records."""
    project, lot, ev = award.project, award.lot, award.evaluation
    rb = _reviewed(ev, award.supplier)
    unit_price = (award.amount / lot.quantity).quantize(Decimal("0.01")) if lot.quantity else None
    sme_applied, declaration = _sme(award, rb)
    doc = getattr(project, "document", None)

    def org(o: Any) -> dict[str, str]:
        return {
            "name": o.name,
            "address": o.address,
            "contact": o.contact_name,
            "phone": o.contact_phone,
        }

    members = ev.members.filter(status=ec.MemberStatus.ACTIVE).select_related("user")
    return {
        "purchaser": org(project.purchaser),
        "agency": org(project.agency),
        "project": {"name": project.name, "number": project.project_no, "lot": lot.name},
        "winner": {
            "name": award.supplier.name,
            "address": award.supplier.address,
            "amount": str(award.amount),
            "deemed": award.deemed,
        },
        "items": [
            {
                "name": lot.name,
                "spec": "见中标（成交）供应商响应文件及采购需求",
                "quantity": str(lot.quantity),
                "unit": lot.unit,
                "unit_price": str(unit_price) if unit_price is not None else "",
                "service": lot.requirements[:500],
            }
        ],
        "display": {"days": c.NOTICE_DISPLAY_WORKING_DAYS, "until": display_until.isoformat()},
        "panel": [_member_row(m) for m in members],
        "documents": {
            "sha256": doc.pdf_sha256 if doc is not None else "",
            "link": f"/tenders/public/notices/?q={project.project_no}",
        },
        "sme_applied": sme_applied,
        "sme_declaration": declaration,
        "agency_fee": agency_fee.strip()[:300],
    }


def _require_agency(actor: User, award: Award) -> None:
    if actor.role != "agency" or actor.organization_id != award.project.agency_id:
        raise PermissionDenied("只有本项目的采购代理机构可以发布结果公告", code=c.ERR_NOT_AGENCY)


def _loser_reason(rb: Any) -> str:
    if not rb.valid:
        return f"投标（响应）无效：{rb.reason_invalid or '未通过审查'}"
    score = f"，得分 {rb.total_score}" if rb.total_score is not None else ""
    return f"评审排序第 {rb.order or rb.rank or '-'} 名{score}，未被确定为中标（成交）供应商"


@transaction.atomic
def notice_publish(
    *, actor: User, award: Award, agency_fee: str, expected_version: int | None = None
) -> ResultNotice:
    """Publish the result notice with every §7 field, on display for 1 WD (87号令 69); send
    the 中标/成交通知书 to the winner and the result with its reason to every other supplier
    (87号令 69: its own score and rank)."""
    award = AWARD.lock(award)
    _require_agency(actor, award)
    today = clock.today()
    until = rules.display_until(WorkCalendar.load(), today)
    fields = notice_fields(award, agency_fee=agency_fee, display_until=until)
    gaps = rules.missing(rules.NOTICE_FIELDS, fields) + rules.sme_missing(
        fields["sme_applied"], fields["sme_declaration"]
    )
    if gaps:
        raise RuleViolation(
            f"结果公告缺少：{'、'.join(gaps)}（条例 43；87号令 69）",
            code=c.ERR_NOTICE_INCOMPLETE,
            detail={"missing": gaps},
        )
    AWARD.move(
        award,
        to=c.AwardStatus.ANNOUNCED,
        actor=actor,
        expected_version=expected_version,
        next_check=None,
        audit={"late": today > award.notice_due},
    )
    project = award.project
    notice = ResultNotice.objects.create(
        award=award,
        title=f"{project.name}（{project.project_no}）{award.lot.name}中标（成交）结果公告",
        fields=fields,
        published_at=clock.now(),
        published_by=actor,
        display_until=until,
        next_check=_midnight_after(until),
    )
    link = f"/awards/public/{notice.pk}/"
    message_send(
        organization_id=award.supplier_id,
        kind="award_letter",
        subject=f"中标（成交）通知书：{project.name} {award.lot.name}",
        body=f"贵单位被确定为中标（成交）供应商，金额 {award.amount} 元。请在通知书发出之日起"
        "30日内签订政府采购合同（法 46）。",
        link=link,
    )
    for rb in award.evaluation.bids.exclude(supplier=award.supplier).order_by("pk"):
        message_send(
            organization_id=rb.supplier_id,
            kind="award_result",
            subject=f"采购结果通知：{project.name} {award.lot.name}",
            body=f"中标（成交）供应商：{award.supplier.name}。贵单位：{_loser_reason(rb)}。",
            link=link,
        )
    return notice


def award_timed(obj: Any) -> None:
    """Timed check: the result notice is not published 2 WD after the choice (条例 43) —
    flagged, and the agency, the purchaser and the finance department are told."""
    award = obj
    if award.status != c.AwardStatus.CHOSEN:
        award.next_check = None
        award.save(update_fields=["next_check"])
        return
    award.notice_overdue = True
    award.next_check = None
    award.save(update_fields=["notice_overdue", "next_check"])
    audit_record(
        actor=None,
        action="award.notice_overdue",
        obj=award,
        organization=award.project.agency,
        after={"notice_due": award.notice_due.isoformat()},
    )
    finance = selectors.finance_department(award.project)
    for org_id in {award.project.agency_id, award.project.purchaser_id} | (
        {finance.pk} if finance else set()
    ):
        message_send(
            organization_id=org_id,
            kind="award_notice_overdue",
            subject=f"结果公告逾期：{award.project.name}（期限 {award.notice_due:%Y-%m-%d}）",
            body="中标（成交）结果应在确定后2个工作日内公告（条例 43；87号令 69）。",
            link=f"/awards/{award.pk}/",
        )


def notice_timed(obj: Any) -> None:
    """Timed check: the 1-WD display ends (87号令 69); the result challenge window counts
    from this day (条例 53)."""
    notice = obj
    if notice.status == c.NoticeStatus.ON_DISPLAY and clock.today() > notice.display_until:
        NOTICE.move(notice, to=c.NoticeStatus.ENDED, actor=None, next_check=None)
    else:
        notice.next_check = None
        notice.save(update_fields=["next_check"])


def award_end(*, actor: User | None, award: Award, to: str, reason: str) -> None:
    """Supersede or void a live award (challenge outcome, 94号令 16); its notice is withdrawn
    and the former winner's bid bond refund is scheduled (条例 33)."""
    award = AWARD.lock(award)
    AWARD.move(award, to=to, actor=actor, reason=reason, ended_reason=reason[:500], next_check=None)
    notice = ResultNotice.objects.filter(award=award).first()
    if notice is not None and NOTICE.can(notice, c.NoticeStatus.WITHDRAWN):
        NOTICE.move(
            notice, to=c.NoticeStatus.WITHDRAWN, actor=actor, reason=reason, next_check=None
        )
    from zhengcai.bidding.services import bond_refund_schedule

    for bond in BidBond.objects.filter(
        participation__lot=award.lot,
        participation__supplier=award.supplier,
        status=bc.BondStatus.PAID,
    ):
        bond_refund_schedule(bond=bond, event_day=clock.today(), actor=actor)
