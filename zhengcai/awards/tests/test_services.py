"""The award, the result notice and challenges through the real services (issue 11 items 1–2):
the hook from evaluation, the §7 notice, the timed checks at their boundaries, standing and
time refusals, the 条例 54 suspension and each 94号令 16 outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.tests.factories import organization, user
from zhengcai.awards import constants as c
from zhengcai.awards import selectors, services
from zhengcai.awards.tests.builders import Awarded, awarded, signed
from zhengcai.core import clock, timed
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry, Message
from zhengcai.core.workdays import WorkCalendar

pytestmark = pytest.mark.django_db
FEE = "按国家计委计价格〔2002〕1980号标准的八折收取，计 8,500.00 元，由中标人支付"
LETTER = {
    "name": "",  # filled per supplier
    "address": "杭州市西湖区文三路 1 号",
    "postcode": "310012",
    "contact": "张三",
    "phone": "0571-88888888",
    "items": [{"item": "中标人业绩不符合资格条件", "request": "重新评审"}],
    "facts": "中标人提交的业绩合同未加盖公章。",
    "legal_basis": "《政府采购法实施条例》第五十三条",
    "signatory": "张三（授权代表）",
}


def at(day: dt.date, hh: int = 9, mm: int = 0) -> None:
    clock.freeze(dt.datetime.combine(day, dt.time(hh, mm), tzinfo=clock.SHANGHAI))


def raises(code: str, fn: Any, **kw: Any) -> DomainError:
    with pytest.raises(DomainError) as info:
        fn(**kw)
    assert info.value.code == code, (info.value.code, info.value.message)
    return info.value


def letter_of(a: Awarded, i: int) -> dict[str, Any]:
    return {**LETTER, "name": a.r.supplier_orgs[i].name}


def published(a: Awarded) -> Any:
    return services.notice_publish(actor=a.r.agency, award=a.award, agency_fee=FEE)


def test_award_notice_fields_letters_and_display() -> None:
    a = awarded()
    award = a.award
    assert award.supplier_id == a.ev.awarded_supplier_id and not award.deemed
    cal = WorkCalendar.load()
    assert award.notice_due == cal.add_working_days(clock.today(), 2)
    assert selectors.signing_block(a.r.lot) == (
        "中标（成交）结果公告和中标（成交）通知书尚未发出（条例 43）"
    )
    assert Message.objects.filter(organization=a.r.project.agency, kind="award_notice_due")
    # the agency fee is a §7 field: refused without it, nothing written
    err = raises(c.ERR_NOTICE_INCOMPLETE, services.notice_publish,
                 actor=a.r.agency, award=award, agency_fee=" ")  # fmt: skip
    assert "代理服务收费标准及金额" in err.detail["missing"]
    raises("award_not_agency", services.notice_publish,
           actor=a.r.purchaser, award=award, agency_fee=FEE)  # fmt: skip
    notice = published(a)
    f = notice.fields
    assert f["winner"]["name"] == award.supplier.name and f["winner"]["amount"] == str(award.amount)
    assert f["project"]["number"] == a.r.project.project_no
    assert len(f["panel"]) == a.ev.members.filter(status="active").count()
    assert all(set(m) >= {"name", "purchaser_chosen"} for m in f["panel"])
    assert f["items"][0]["quantity"] and f["agency_fee"] == FEE
    assert f["documents"]["link"]
    assert notice.display_until == cal.add_working_days(clock.today(), 1)
    award.refresh_from_db()
    assert award.status == c.AwardStatus.ANNOUNCED
    assert selectors.signing_block(a.r.lot) is None
    # 中标通知书 to the winner, the result with its reason to every other supplier
    assert Message.objects.filter(organization=award.supplier, kind="award_letter").count() == 1
    for org in a.r.supplier_orgs:
        if org.pk != award.supplier_id:
            m = Message.objects.get(organization=org, kind="award_result")
            assert award.supplier.name in m.body and "排序第" in m.body
    # the display ends by the timed check on the day after its last day
    at(notice.display_until, 23, 59)
    timed.process_due()
    notice.refresh_from_db()
    assert notice.status == c.NoticeStatus.ON_DISPLAY
    at(notice.display_until + dt.timedelta(days=1), 0, 0)
    timed.process_due()
    notice.refresh_from_db()
    assert notice.status == c.NoticeStatus.ENDED


def test_notice_overdue_is_flagged_at_its_boundary_and_escalated() -> None:
    a = awarded()
    due = a.award.notice_due
    at(due, 23, 59)
    timed.process_due()
    a.award.refresh_from_db()
    assert not a.award.notice_overdue
    at(due + dt.timedelta(days=1), 0, 0)
    timed.process_due()
    a.award.refresh_from_db()
    assert a.award.notice_overdue and a.award.next_check is None
    assert AuditEntry.objects.filter(action="award.notice_overdue").count() == 1
    fin = selectors.finance_department(a.r.project)
    assert fin is not None and Message.objects.filter(organization=fin, kind="award_notice_overdue")
    # a late notice can still be published (and says so in its audit)
    notice = published(a)
    assert notice.status == c.NoticeStatus.ON_DISPLAY


def test_deemed_award_after_five_working_days_creates_the_record() -> None:
    r, ev = signed()
    assert ev.award_due is not None
    at(ev.award_due + dt.timedelta(days=1), 0, 0)
    timed.process_due()
    award = selectors.current_award(r.lot)
    assert award is not None and award.deemed and award.rank == 1


def test_result_challenge_window_standing_and_suspension() -> None:
    a = awarded(bidders=3)
    loser = next(u for u in a.r.suppliers if u.organization_id != a.award.supplier_id)
    kw = {"actor": loser, "lot": a.r.lot, "subject": "result", "letter": {**LETTER, "name": "x"}}
    # no result notice yet: the 条例 53 day has not come
    raises(c.ERR_NOT_YET, services.challenge_file, **kw)
    notice = published(a)
    # a supplier that took no part has no standing (94号令 11)
    outsider_org = organization(OrgKind.SUPPLIER, a.r.world.regions["hz"], "局外供应商有限公司")
    outsider = user(outsider_org, username=f"out{a.r.tag}")
    raises(c.ERR_NO_STANDING, services.challenge_file, **{**kw, "actor": outsider})
    raises(c.ERR_NO_STANDING, services.challenge_file,
           **{**kw, "actor": outsider, "subject": "documents"})  # fmt: skip
    # an incomplete letter is refused with the missing 94号令 12 contents
    err = raises(c.ERR_LETTER_INCOMPLETE, services.challenge_file,
                 **{**kw, "letter": {**LETTER, "name": "x", "facts": ""}})  # fmt: skip
    assert err.detail["missing"] == ["事实依据"]
    ends = WorkCalendar.load().add_working_days(notice.display_until, 7)
    at(ends + dt.timedelta(days=1), 9)
    while not WorkCalendar.load().is_workday(clock.today()):
        at(clock.today() + dt.timedelta(days=1))
    err = raises(c.ERR_LATE, services.challenge_file, **kw)
    assert err.detail["window_ends"] == ends.isoformat()
    at(ends, 17, 0)  # the last day is still in time
    ch = services.challenge_file(**kw)
    assert ch.knowledge_day == notice.display_until and ch.window_ends == ends
    assert ch.answer_due == WorkCalendar.load().add_working_days(ends, 7)
    block = selectors.signing_block(a.r.lot)
    assert block is not None and "条例 54" in block
    # the answer: incomplete refused; not upheld → continue, signing resumes
    raises(c.ERR_ANSWER_INCOMPLETE, services.challenge_answer, actor=a.r.agency, challenge=ch,
           outcome="not_upheld", answer={"items_answer": "不成立"})  # fmt: skip
    raises(c.ERR_OUTCOME_INVALID, services.challenge_answer, actor=a.r.agency, challenge=ch,
           outcome="documents_amend", answer={})  # fmt: skip
    ch = services.challenge_answer(
        actor=a.r.agency,
        challenge=ch,
        outcome="not_upheld",
        answer={"items_answer": "业绩合同已盖章", "facts": "原件", "legal_basis": "94号令 16"},
    )
    assert ch.status == c.ChallengeStatus.ANSWERED
    assert ch.answer["challenger"] == loser.organization.name  # type: ignore[union-attr]
    assert "投诉" in ch.answer["right_to_complain"] and ch.answer["answered_by"]
    assert selectors.signing_block(a.r.lot) is None
    assert selectors.current_award(a.r.lot) == a.award
    assert Message.objects.filter(organization=loser.organization, kind="challenge_answer")


def test_answer_overdue_at_its_boundary_and_one_challenge_per_step() -> None:
    a = awarded()
    sup = a.r.suppliers[1]
    services.policy_set(actor=a.r.agency, project=a.r.project, one_at_once=True)
    kw = {"actor": sup, "lot": a.r.lot, "subject": "process", "step": "evaluation",
          "letter": letter_of(a, 1)}  # fmt: skip
    ch = services.challenge_file(**kw)
    raises(c.ERR_ONE_AT_ONCE, services.challenge_file, **kw)
    other = services.challenge_file(**{**kw, "step": "opening"})  # another step is fine
    assert other.knowledge_day <= ch.knowledge_day
    ch = services.challenge_assist(actor=a.r.purchaser, challenge=ch, request="请复核业绩评审")
    assert ch.status == c.ChallengeStatus.ASSISTING
    at(ch.answer_due, 23, 59)
    timed.process_due()
    ch.refresh_from_db()
    assert not ch.answer_overdue
    at(ch.answer_due + dt.timedelta(days=1), 0, 0)
    timed.process_due()
    ch.refresh_from_db()
    assert ch.answer_overdue
    assert Message.objects.filter(organization=sup.organization, kind="challenge_overdue")


def test_upheld_on_the_result_another_candidate_then_restart() -> None:
    a = awarded(bidders=3)
    first = a.award
    published(a)
    sup = next(u for u in a.r.suppliers if u.organization_id != first.supplier_id)
    ch = services.challenge_file(actor=sup, lot=a.r.lot, subject="process", step="evaluation",
                                 letter=letter_of(a, 0))  # fmt: skip
    answer = {"items_answer": "成立", "facts": "业绩不符", "legal_basis": "94号令 16"}
    services.challenge_answer(actor=a.r.agency, challenge=ch, outcome="other_candidate",
                              answer=answer)  # fmt: skip
    first.refresh_from_db()
    assert first.status == c.AwardStatus.SUPERSEDED
    assert first.notice.status == c.NoticeStatus.WITHDRAWN
    new = selectors.current_award(a.r.lot)
    assert new is not None and new.replaces == first and new.rank == 2
    assert new.status == c.AwardStatus.CHOSEN  # a new notice is due in 2 WD
    assert selectors.signing_block(a.r.lot) is not None
    fin = selectors.finance_department(a.r.project)
    assert Message.objects.filter(organization=fin, kind="challenge_result_changed").count() == 1
    assert AuditEntry.objects.filter(action="challenge.result_changed").count() == 1
    # a second upheld result challenge: restart
    ch2 = services.challenge_file(actor=a.r.suppliers[2], lot=a.r.lot, subject="process",
                                  step="opening", letter=letter_of(a, 2))  # fmt: skip
    services.challenge_answer(actor=a.r.purchaser, challenge=ch2, outcome="restart", answer=answer)
    new.refresh_from_db()
    assert new.status == c.AwardStatus.VOID and selectors.current_award(a.r.lot) is None
    block = selectors.signing_block(a.r.lot)
    assert block is not None and "重新开展" in block


def test_documents_challenge_late_and_upheld_without_effect() -> None:
    a = awarded()
    published(a)
    # the documents' period ended long ago: a documents challenge is late now
    err = raises(c.ERR_LATE, services.challenge_file, actor=a.r.suppliers[1], lot=a.r.lot,
                 subject="documents", letter=letter_of(a, 1))  # fmt: skip
    assert err.detail["knowledge_day"] == a.r.project.documents_until.isoformat()
    # a process challenge answered "upheld, no effect" continues
    ch = services.challenge_file(actor=a.r.suppliers[1], lot=a.r.lot, subject="process",
                                 step="evaluation", letter=letter_of(a, 1))  # fmt: skip
    answer = {"items_answer": "部分成立", "facts": "不影响排序", "legal_basis": "94号令 16"}
    services.challenge_answer(actor=a.r.agency, challenge=ch, outcome="no_effect", answer=answer)
    assert selectors.current_award(a.r.lot) == a.award
    assert not AuditEntry.objects.filter(action="challenge.result_changed").exists()


def test_inquiry_answered_in_three_working_days_and_suspends_signing() -> None:
    a = awarded()
    published(a)
    sup = a.r.suppliers[1]
    raises(c.ERR_INQUIRY_INVALID, services.inquiry_ask, actor=sup, lot=a.r.lot,
           subject="result", question=" ")  # fmt: skip
    q = services.inquiry_ask(actor=sup, lot=a.r.lot, subject="result", question="评分依据？")
    assert q.answer_due == WorkCalendar.load().add_working_days(clock.today(), 3)  # 条例 52
    block = selectors.signing_block(a.r.lot)
    assert block is not None and "询问" in block and "条例 54" in block
    at(q.answer_due, 23, 59)
    timed.process_due()
    q.refresh_from_db()
    assert not q.answer_overdue
    at(q.answer_due + dt.timedelta(days=1), 0, 0)
    timed.process_due()
    q.refresh_from_db()
    assert q.answer_overdue
    q = services.inquiry_answer(actor=a.r.agency, inquiry=q, answer="见评审报告第3页")
    assert q.status == c.InquiryStatus.ANSWERED and selectors.signing_block(a.r.lot) is None
    # an inquiry about the documents does not hold the contract
    services.inquiry_ask(actor=sup, lot=a.r.lot, subject="documents", question="条款含义？")
    assert selectors.signing_block(a.r.lot) is None


def test_another_candidate_until_none_remain_then_restart() -> None:
    a = awarded(bidders=3)
    answer = {"items_answer": "成立", "facts": "不符", "legal_basis": "94号令 16"}
    ranks = []
    for i in range(3):
        ch = services.challenge_file(actor=a.r.suppliers[i], lot=a.r.lot, subject="process",
                                     step="evaluation", letter=letter_of(a, i))  # fmt: skip
        services.challenge_answer(actor=a.r.agency, challenge=ch, outcome="other_candidate",
                                  answer=answer)  # fmt: skip
        cur = selectors.current_award(a.r.lot)
        ranks.append(cur.rank if cur is not None else None)
    assert ranks == [2, 3, None]  # 94号令 16: another candidate while any remain, then restart
    last = AuditEntry.objects.filter(action="challenge.result_changed").order_by("-seq").first()
    assert last is not None and last.after["no_candidate_left"] and last.after["restart"]
