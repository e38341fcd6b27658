"""Complaints (投诉) through the real services: filing in time after a challenge (法 55;
94号令 17, 19), the review and the one correction (94号令 21), suspension and signing
(法 57; 94号令 28), the clock pauses (94号令 26–27), each outcome (94号令 29–32), withdrawal
(94号令 30), the timed checks and the adverse record (94号令 37 ⚠)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from zhengcai.accounts.tests.factories import user
from zhengcai.awards import constants as c
from zhengcai.awards import selectors, services
from zhengcai.awards.tests.builders import Awarded, awarded
from zhengcai.awards.tests.test_services import FEE, LETTER, at, raises
from zhengcai.core import clock, timed
from zhengcai.core.models import AuditEntry, Message

pytestmark = pytest.mark.django_db
CLETTER = {
    "contact": "张三 0571-88888888",
    "items": "中标人业绩不符合资格条件",
    "requests": "认定中标结果无效，另行确定中标供应商",
    "facts": "中标人提交的业绩合同未加盖公章。",
    "legal_basis": "《政府采购法》第五十五条",
    "signatory": "张三（授权代表）",
}
ANSWER = {"items_answer": "不成立", "facts": "业绩真实", "legal_basis": "94号令 16"}


def _answered(bidders: int = 3) -> tuple[Awarded, Any, Any]:
    a = awarded(bidders=bidders)
    services.notice_publish(actor=a.r.agency, award=a.award, agency_fee=FEE)
    i = next(i for i, o in enumerate(a.r.supplier_orgs) if o.pk != a.award.supplier_id)
    sup = a.r.suppliers[i]
    ch = services.challenge_file(actor=sup, lot=a.r.lot, subject="process", step="evaluation",
                                 letter={**LETTER, "name": a.r.supplier_orgs[i].name})  # fmt: skip
    ch = services.challenge_answer(actor=a.r.agency, challenge=ch, outcome="not_upheld",
                                   answer=ANSWER)  # fmt: skip
    return a, sup, ch


def _regulator(a: Awarded) -> Any:
    fin = selectors.finance_department(a.r.project)
    assert fin is not None
    return user(fin, role="regulator")


def test_file_review_correction_once_accept_and_suspend_blocks_signing() -> None:
    a, sup, ch = _answered()
    reg = _regulator(a)
    raises(c.ERR_COMPLAINT_INCOMPLETE, services.complaint_file, actor=sup, challenge=ch,
           letter={**CLETTER, "facts": ""})  # fmt: skip
    stranger = a.r.suppliers[0] if a.r.suppliers[0] != sup else a.r.suppliers[1]
    raises(c.ERR_COMPLAINT_NO_CHALLENGE, services.complaint_file, actor=stranger, challenge=ch,
           letter=CLETTER)  # fmt: skip
    x = services.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    assert x.regulator == reg.organization and x.status == c.ComplaintStatus.SUBMITTED
    assert set(x.respondents.values_list("pk", flat=True)) >= {a.r.project.agency_id}
    other = user(a.r.supplier_orgs[0] if a.r.supplier_orgs[0].pk != sup.organization_id
                 else a.r.supplier_orgs[1], role="supplier")  # fmt: skip
    raises(c.ERR_COMPLAINT_NOT_REGULATOR, services.complaint_accept, actor=other, complaint=x)
    x = services.complaint_request_correction(actor=reg, complaint=x, note="补充证据")
    x = services.complaint_resubmit(actor=sup, complaint=x, letter=CLETTER)
    raises(c.ERR_COMPLAINT_CORRECTION_ONCE, services.complaint_request_correction, actor=reg,
           complaint=x, note="再补")  # fmt: skip
    x = services.complaint_accept(actor=reg, complaint=x)
    assert x.decision_due is not None and x.response_due is not None
    block = selectors.signing_block(a.r.lot)
    assert block is not None and "投诉" in block
    raises(c.ERR_COMPLAINT_SUSPENSION_TOO_LONG, services.complaint_suspend, actor=reg,
           complaint=x, days=31)  # fmt: skip
    x = services.complaint_suspend(actor=reg, complaint=x, days=30)
    assert x.suspended_until == clock.today() + dt.timedelta(days=30)
    x = services.complaint_resume(actor=reg, complaint=x)
    resp = user(a.r.project.agency, role="agency")
    x = services.complaint_answer(actor=resp, complaint=x, text="说明如下")
    assert str(a.r.project.agency_id) in x.responses
    before = x.decision_due
    x = services.complaint_clock(actor=reg, complaint=x, pause=True, why="专家评审")
    at(clock.today() + dt.timedelta(days=7))
    x = services.complaint_clock(actor=reg, complaint=x, pause=False)
    assert x.decision_due > before  # the paused working days do not count
    x = services.complaint_withdraw(actor=sup, complaint=x)
    assert x.status == c.ComplaintStatus.WITHDRAWN
    assert selectors.signing_block(a.r.lot) is None or "投诉" not in str(
        selectors.signing_block(a.r.lot)
    )


def test_upheld_result_void_another_candidate_reuses_the_challenge_machinery() -> None:
    a, sup, ch = _answered()
    reg = _regulator(a)
    first = a.award
    x = services.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    x = services.complaint_accept(actor=reg, complaint=x)
    raises(c.ERR_COMPLAINT_REMEDY_INVALID, services.complaint_decide, actor=reg, complaint=x,
           finding="upheld", remedy="amend_continue", facts="f", legal_basis="l")  # fmt: skip
    x = services.complaint_decide(actor=reg, complaint=x, finding="upheld",
                                  remedy="result_void_other", facts="业绩不实",
                                  legal_basis="94号令 32")  # fmt: skip
    first.refresh_from_db()
    assert first.status == c.AwardStatus.SUPERSEDED
    new = selectors.current_award(a.r.lot)
    assert new is not None and new.replaces == first
    assert x.stage == c.Stage.AWARDED and x.decision["applied"]["new_award"] == new.pk
    assert Message.objects.filter(organization=sup.organization, kind="complaint").exists()


def test_three_unfounded_in_a_year_proposes_an_adverse_record() -> None:
    from zhengcai.credit.models import Penalty

    a, sup, ch = _answered()
    reg = _regulator(a)
    for n in range(3):
        x = services.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
        x = services.complaint_accept(actor=reg, complaint=x)
        x = services.complaint_decide(actor=reg, complaint=x, finding="unfounded",
                                      remedy="continue", facts="无",
                                      legal_basis="94号令 29")  # fmt: skip
        assert Penalty.objects.filter(organization=sup.organization).count() == (n == 2)
    assert AuditEntry.objects.filter(action="complaint.credit_recorded").count() == 1


def test_refusals_late_and_timed_review_overdue() -> None:
    a, sup, ch = _answered()
    reg = _regulator(a)
    x = services.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    x = services.complaint_refuse(actor=reg, complaint=x, to="redirected", reason="非本级")
    assert x.status == c.ComplaintStatus.REDIRECTED
    y = services.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    at(y.review_due, 23, 0)
    timed.process_due()
    y.refresh_from_db()
    assert not y.review_overdue
    at(y.review_due + dt.timedelta(days=1), 0, 1)
    timed.process_due()
    y.refresh_from_db()
    assert y.review_overdue and AuditEntry.objects.filter(action="complaint.review_overdue")
    at(y.window_ends + dt.timedelta(days=1))
    raises(c.ERR_COMPLAINT_LATE, services.complaint_file, actor=sup, challenge=ch, letter=CLETTER)
