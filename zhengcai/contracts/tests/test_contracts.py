"""Contracts through the services on a lot taken to AWARDED by the real services: drafting
from the template with the award, the security cap, both parties' signatures (verified;
a tampered text or a wrong signature fails), the bond refund and budget execution on signing,
announcement and filing with their timed checks at the boundary, supplementary contracts at
exactly 10 % and beyond."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from zhengcai.bidding.models import BidBond
from zhengcai.contracts import constants as c
from zhengcai.contracts import rules
from zhengcai.contracts import services as s
from zhengcai.contracts.models import Contract
from zhengcai.contracts.tests.builders import awarded, sign_both, signature
from zhengcai.core import clock, timed
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans.models import ProcurementPlan

pytestmark = pytest.mark.django_db


def code_of(fn, **kw) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        fn(**kw)
    return str(info.value.code)


def _end(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(23, 0), tzinfo=clock.SHANGHAI)


def test_contract_from_award_signed_announced_filed_with_supplements() -> None:
    a = awarded()
    lot = a.ready.lot
    k = s.contract_draft(actor=a.purchaser, lot=lot, place="杭州市")
    cal = WorkCalendar.load()
    assert k.status == c.ContractStatus.DRAFT and k.supplier_id == a.winner_org.pk
    assert k.amount == Decimal("690000.00") and k.items[0]["unit_price"] == "690000.00"
    assert k.terms == "交货期30日；验收合格后付款" and k.kind == "goods"
    assert k.sign_due == rules.sign_due(cal, k.notice_on).date
    assert code_of(s.contract_draft, actor=a.purchaser, lot=lot) == c.ERR_EXISTS
    assert code_of(s.contract_draft, actor=a.winner, lot=lot) == c.ERR_NOT_PARTY
    # 履约保证金 ≤ 10 % (条例 48), non-cash
    over = {"security_amount": "69000.01", "security_form": "guarantee"}
    assert code_of(s.contract_update, actor=a.purchaser, contract=k, values=over) == (
        c.ERR_SECURITY_CAP
    )
    cash = {"security_amount": "1000", "security_form": "none"}
    assert code_of(s.contract_update, actor=a.purchaser, contract=k, values=cash) == (
        c.ERR_SECURITY_FORM
    )
    k = s.contract_update(
        actor=a.purchaser,
        contract=k,
        values={"security_amount": "69000.00", "security_form": "guarantee",
                "secrets": ["三年原厂保修"], "public_service": True},
    )  # fmt: skip
    assert k.security_amount == Decimal("69000.00")
    k = s.contract_issue(actor=a.purchaser, contract=k)
    assert k.status == c.ContractStatus.SIGNING and k.digest == rules.text_digest(k.body)
    assert a.winner_org.name in k.body and "69000.00" in k.body and "交货期30日" in k.body
    # a wrong signature (the supplier's signature used for the purchaser's side) fails
    bad = signature(a.supplier_signer, k, "supplier")
    assert code_of(s.contract_sign, actor=a.purchaser, contract=k,
                   key_id=a.purchaser_key_id, signature=bad) == c.ERR_BAD_SIGNATURE  # fmt: skip
    assert code_of(s.contract_sign, actor=a.winner, contract=k, key_id=a.purchaser_key_id,
                   signature=bad) == c.ERR_BAD_KEY  # fmt: skip
    # a signature over another text (tampered) fails
    tampered = Contract.objects.get(pk=k.pk)
    tampered.digest = rules.text_digest(k.body + " ")
    forged = signature(a.supplier_signer, tampered, "supplier")
    assert code_of(s.contract_sign, actor=a.winner, contract=k, key_id=a.supplier_key_id,
                   signature=forged) == c.ERR_BAD_SIGNATURE  # fmt: skip
    plan_before = ProcurementPlan.objects.get(pk=a.ready.project.plan_id).contracted_amount
    k = sign_both(a, k)
    assert k.status == c.ContractStatus.SIGNED and k.signed_on == clock.today()
    sigs = list(k.signatures.order_by("party"))
    assert [x.party for x in sigs] == ["purchaser", "supplier"]
    assert all(s.signature_valid(x, k) for x in sigs)
    k.body = k.body.replace("690000.00", "960000.00")  # tampered text: signatures no longer hold
    assert not any(s.signature_valid(x, k) for x in sigs)
    k.refresh_from_db()
    # the winner's bond refund: 5 working days after signing (87号令 38)
    bond = BidBond.objects.get(participation__lot=lot, participation__supplier=a.winner_org)
    assert bond.contract_signed_on == k.signed_on
    assert bond.refund_due == cal.add_working_days(k.signed_on, 5)
    plan = ProcurementPlan.objects.get(pk=a.ready.project.plan_id)
    assert plan.contracted_amount == plan_before + Decimal("690000.00")
    assert k.announce_due == cal.add_working_days(k.signed_on, 2)
    assert k.filing_due == cal.add_working_days(k.signed_on, 7)
    # timed check: on the announcement's last day nothing; the day after, flagged
    clock.freeze(_end(k.announce_due))
    timed.process_due()
    k.refresh_from_db()
    assert not k.announce_overdue
    clock.freeze(_end(k.announce_due) + dt.timedelta(hours=1, minutes=1))
    timed.process_due()
    k.refresh_from_db()
    assert k.announce_overdue and not k.filing_overdue
    assert AuditEntry.objects.filter(action="contract.overdue", object_id=str(k.pk)).count() == 1
    k = s.contract_announce(actor=a.purchaser, contract=k)
    n = k.notice
    assert n is not None and n["contract_no"] == k.contract_no and n["amount"] == "690000.00"
    assert n["supplier"] == a.winner_org.name and n["signed_on"] == str(k.signed_on)
    assert "三年原厂保修" not in n["text"] and n["method"]
    # filing on its last day is on time
    clock.freeze(_end(k.filing_due))
    timed.process_due()
    k = s.contract_file(actor=a.purchaser, contract=k, filing_no="杭财备2026-001")
    assert k.filed_at is not None and not k.filing_overdue and k.next_check is None
    # supplementary contracts: 10 % exactly accepted, beyond refused (法 49)
    s.supplement_add(actor=a.purchaser, contract=k, amount="40000.00", basis="追加同类货物")
    assert code_of(s.supplement_add, actor=a.purchaser, contract=k, amount="29000.01",
                   basis="再追加") == c.ERR_SUPPLEMENT_OVER  # fmt: skip
    assert code_of(s.supplement_add, actor=a.purchaser, contract=k, amount="1",
                   basis=" ") == c.ERR_SUPPLEMENT_BASIS  # fmt: skip
    s.supplement_add(actor=a.purchaser, contract=k, amount="29000.00", basis="再追加")
    assert sum(x.amount for x in k.supplements.all()) == Decimal("69000.00")
    plan.refresh_from_db()
    assert plan.contracted_amount == plan_before + Decimal("759000.00")


def test_signing_overdue_is_flagged_by_the_timed_check_at_the_boundary() -> None:
    a = awarded()
    k = s.contract_draft(actor=a.purchaser, lot=a.ready.lot)
    clock.freeze(_end(k.sign_due))
    timed.process_due()
    k.refresh_from_db()
    assert not k.sign_overdue
    clock.freeze(_end(k.sign_due) + dt.timedelta(hours=2))
    timed.process_due()
    k.refresh_from_db()
    assert k.sign_overdue and k.next_check is None


def test_announcement_and_filing_timed_checks_across_national_day() -> None:
    """Signed Wed 2026-09-30: 合同公告 due Fri 10-09 (条例 50), 备案 due Thu 10-15 (法 47,
    the make-up Saturday 10-10 counted); flagged only after the last day."""
    a = awarded()
    k = s.contract_draft(actor=a.purchaser, lot=a.ready.lot)
    k = s.contract_issue(actor=a.purchaser, contract=k)
    clock.freeze(dt.datetime(2026, 9, 30, 10, 0, tzinfo=clock.SHANGHAI))
    k = sign_both(a, k)
    assert k.signed_on == dt.date(2026, 9, 30)
    assert (k.announce_due, k.filing_due) == (dt.date(2026, 10, 9), dt.date(2026, 10, 15))
    clock.freeze(_end(dt.date(2026, 10, 9)))
    timed.process_due()
    k.refresh_from_db()
    assert not k.announce_overdue
    clock.freeze(dt.datetime(2026, 10, 10, 0, 0, 5, tzinfo=clock.SHANGHAI))
    timed.process_due()
    k.refresh_from_db()
    assert k.announce_overdue and not k.filing_overdue
    clock.freeze(_end(dt.date(2026, 10, 15)))
    timed.process_due()
    k.refresh_from_db()
    assert not k.filing_overdue
    clock.freeze(dt.datetime(2026, 10, 16, 0, 0, 5, tzinfo=clock.SHANGHAI))
    timed.process_due()
    k.refresh_from_db()
    assert k.filing_overdue and k.next_check is None
    # late announcement is still made, and recorded as late
    k = s.contract_announce(actor=a.purchaser, contract=k)
    assert k.announce_overdue and k.notice is not None


def test_sme_reserved_contract_is_labelled_in_the_notice() -> None:
    facts = rules.NoticeFacts(
        contract_no="HT-1", title="t", project_no="P", project_name="n", purchaser="甲",
        supplier="乙", items=[{"name": "x", "spec": "s", "quantity": "1", "unit_price": "2",
                              "secret": "z"}],
        amount=Decimal("2"), period="30日", place="杭州", method="竞争性谈判",
        signed_on=dt.date(2026, 9, 30), announced_on=dt.date(2026, 10, 8), sme_reserved=True,
        text="正文 机密条款", secrets=["机密条款"],
    )  # fmt: skip
    n = rules.contract_notice(facts)
    assert n["sme_label"] == "中小企业预留合同" and "机密条款" not in n["text"]
    assert n["items"] == [{"name": "x", "spec": "s", "quantity": "1", "unit_price": "2"}]
    assert set(n) >= {"contract_no", "project_no", "purchaser", "supplier", "amount", "period",
                      "place", "method", "signed_on", "announced_on", "text"}  # fmt: skip


def test_signing_refused_while_suspended_or_banned(monkeypatch: pytest.MonkeyPatch) -> None:
    from zhengcai.contracts import award_source
    from zhengcai.credit import services as credit

    a = awarded()
    k = s.contract_draft(actor=a.purchaser, lot=a.ready.lot)
    monkeypatch.setattr(
        award_source, "signing_block", lambda lot: "质疑处理期间暂停签订合同（条例 54）"
    )
    assert code_of(s.contract_issue, actor=a.purchaser, contract=k) == c.ERR_SIGNING_BLOCKED
    monkeypatch.setattr(award_source, "signing_block", lambda lot: None)
    k = s.contract_issue(actor=a.purchaser, contract=k)
    reg = a.ready.world.users["reg_hz"]
    p = credit.penalty_create(
        actor=reg, subject_kind="supplier", organization=a.winner_org,
        decision_no="杭财采监〔2026〕9号", basis="《政府采购法》第七十七条第一款第（一）项",
        facts="提供虚假材料谋取中标，经调查属实。", fine=Decimal("6000"),
        procurement_amount=Decimal("690000"), ban_scope="participate", ban_months=12,
    )  # fmt: skip
    credit.penalty_decide(actor=reg, penalty=p)
    sig = signature(a.supplier_signer, k, "supplier")
    assert code_of(s.contract_sign, actor=a.winner, contract=k, key_id=a.supplier_key_id,
                   signature=sig) == "credit_banned"  # fmt: skip
    assert not k.signatures.exists()


def test_bond_refund_scheduled_when_the_project_is_not_awarded_as_a_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from zhengcai.bidding import services as bidding
    from zhengcai.core.errors import Conflict

    def not_awarded(**kw: object) -> None:
        raise Conflict("项目确定中标（成交）后方可登记合同签订", code="not_awarded")

    monkeypatch.setattr(bidding, "bond_contract_signed", not_awarded)
    a = awarded()
    k = s.contract_draft(actor=a.purchaser, lot=a.ready.lot)
    k = sign_both(a, s.contract_issue(actor=a.purchaser, contract=k))
    bond = BidBond.objects.get(participation__lot=a.ready.lot, participation__supplier=a.winner_org)
    assert bond.refund_reason == "contract"
    assert bond.refund_due == WorkCalendar.load().add_working_days(k.signed_on, 5)
