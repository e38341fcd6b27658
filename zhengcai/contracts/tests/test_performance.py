"""履约验收 and payment: milestones, an acceptance team (experts for a complex project), the
report signed by every member, remedies on failure (rectification, deduction from the
security), payment requests approved and paid through the treasury file exchange (round
trip), late payment flagged, budget execution committed → contracted → paid."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from zhengcai.accounts.tests.factories import user
from zhengcai.contracts import constants as c
from zhengcai.contracts import services as s
from zhengcai.contracts.tests.builders import PASSWORD, awarded, signed
from zhengcai.core import clock, timed
from zhengcai.core.errors import DomainError
from zhengcai.plans import selectors as plan_selectors
from zhengcai.plans.models import ProcurementPlan

pytestmark = pytest.mark.django_db


def code_of(fn, **kw) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as info:
        fn(**kw)
    return str(info.value.code)


def test_acceptance_remedies_payment_and_treasury_round_trip() -> None:
    a = awarded()
    plan = ProcurementPlan.objects.get(pk=a.ready.project.plan_id)
    before = plan_selectors.budget_execution(plan.budget_line)
    assert before.committed >= plan.amount and before.contracted == 0 and before.paid == 0
    k = signed(a, security_amount="50000.00", security_form="guarantee")
    mid = plan_selectors.budget_execution(plan.budget_line)
    assert mid.contracted == Decimal("690000.00") and mid.paid == 0
    today = clock.today()
    m1 = s.milestone_add(actor=a.purchaser, contract=k, name="到货", kind="delivery",
                         due_on=today + dt.timedelta(days=20), amount="414000.00")  # fmt: skip
    m2 = s.milestone_add(actor=a.purchaser, contract=k, name="质保期满", kind="performance",
                         due_on=today + dt.timedelta(days=60), amount="276000.00")  # fmt: skip
    assert code_of(s.milestone_add, actor=a.purchaser, contract=k, name="超额", kind="delivery",
                   due_on=today, amount="0.01") == c.ERR_PAYMENT  # fmt: skip
    s.milestone_deliver(actor=a.winner, milestone=m1)
    org = a.purchaser.organization
    team = [a.purchaser, user(org, username="ys_a"), user(org, username="ys_b")]
    expert = a.ready.experts[0]
    # complex project: experts required (财库〔2016〕205号)
    assert code_of(s.acceptance_open, actor=a.purchaser, milestone=m1, members=team,
                   complex_project=True) == c.ERR_EXPERTS_REQUIRED  # fmt: skip
    assert code_of(s.acceptance_open, actor=a.purchaser, milestone=m1,
                   members=[a.purchaser, a.winner]) == c.ERR_TEAM  # fmt: skip
    acc = s.acceptance_open(actor=a.purchaser, milestone=m1, members=team, experts=[expert],
                            complex_project=True)  # fmt: skip
    acc = s.acceptance_report(actor=a.purchaser, acceptance=acc, passed=False,
                              findings="3台设备屏幕有坏点")  # fmt: skip
    assert code_of(s.acceptance_sign, actor=team[1], acceptance=acc, password="x") == (
        c.ERR_BAD_PASSWORD
    )
    for u in [*team, expert]:
        s.acceptance_sign(actor=u, acceptance=acc, password=PASSWORD)
    acc.refresh_from_db()
    m1.refresh_from_db()
    assert acc.status == c.AcceptanceStatus.FAILED and m1.status == c.MilestoneStatus.REJECTED
    assert all(x.signed_digest == acc.report_digest for x in acc.members.all())
    # remedy: a deduction beyond the security is refused, within it recorded
    assert code_of(s.acceptance_remedy, actor=a.purchaser, acceptance=acc, remedy="deduct",
                   deduction="50000.01") == c.ERR_REMEDY  # fmt: skip
    s.acceptance_remedy(actor=a.purchaser, acceptance=acc, remedy="deduct", deduction="5000")
    k.refresh_from_db()
    assert k.security_deducted == Decimal("5000.00")
    # rectification: delivered again, a new acceptance passes; the result is published
    s.milestone_deliver(actor=a.winner, milestone=m1)
    acc2 = s.acceptance_open(actor=a.purchaser, milestone=m1, members=team[:2])
    acc2 = s.acceptance_report(actor=a.purchaser, acceptance=acc2, passed=True,
                               findings="整改后全部合格")  # fmt: skip
    for u in team[:2]:
        s.acceptance_sign(actor=u, acceptance=acc2, password=PASSWORD)
    acc2.refresh_from_db()
    m1.refresh_from_db()
    assert acc2.status == c.AcceptanceStatus.PASSED and m1.status == c.MilestoneStatus.ACCEPTED
    assert acc2.published_at is None  # not a public-service contract
    # payment: only an accepted milestone; the purchaser approves
    assert code_of(s.payment_request, actor=a.winner, milestone=m2) == c.ERR_PAYMENT
    pay = s.payment_request(actor=a.winner, milestone=m1)
    assert pay.amount == Decimal("414000.00")
    # 2026-11-27 + 30 日 = Sunday 12-27 → the next working day
    assert pay.due_on == dt.date(2026, 12, 28) == clock.today() + dt.timedelta(days=31)
    assert code_of(s.payment_approve, actor=a.winner, payment=pay) == c.ERR_NOT_PARTY
    pay = s.payment_approve(actor=a.purchaser, payment=pay)
    path = s.treasury_export()
    assert path is not None and path.parent.name == "outbox"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == s.PAYMENT_FORMAT and doc["count"] == 1
    ins = doc["instructions"][0]
    assert ins["amount"] == "414000.00" and ins["payee"] == a.winner_org.name
    pay.refresh_from_db()
    assert pay.status == c.PaymentStatus.SENT and pay.instruction_no == ins["instruction_no"]
    assert s.treasury_export() is None  # nothing approved left
    # the treasury answers (paid), the platform reads the confirmation back
    inbox = s.treasury_dir() / "inbox"
    (inbox / "bad.json").write_text('{"format": "other"}', encoding="utf-8")
    assert code_of(s.treasury_import) == c.ERR_TREASURY_FILE
    (inbox / "bad.json").unlink()
    paid_on = clock.today() + dt.timedelta(days=2)
    confirmation = {
        "format": s.CONFIRMATION_FORMAT,
        "batch_id": doc["batch_id"],
        "results": [{"instruction_no": ins["instruction_no"], "status": "paid",
                     "amount": "414000.00", "paid_on": paid_on.isoformat(),
                     "voucher_no": "GK2026-0001"}],
    }  # fmt: skip
    (inbox / "GK-1.json").write_text(json.dumps(confirmation), encoding="utf-8")
    [result] = s.treasury_import()
    assert (result.paid, result.returned, result.unknown) == (1, 0, [])
    assert (s.treasury_dir() / "processed" / "GK-1.json").exists()
    pay.refresh_from_db()
    assert pay.status == c.PaymentStatus.PAID and pay.voucher_no == "GK2026-0001"
    assert pay.paid_on == paid_on and not pay.late
    end = plan_selectors.budget_execution(plan.budget_line)
    assert end.contracted == Decimal("690000.00") and end.paid == Decimal("414000.00")


def test_late_payment_flagged_at_the_end_of_the_term() -> None:
    a = awarded()
    k = signed(a)
    m = s.milestone_add(actor=a.purchaser, contract=k, name="到货", kind="delivery",
                        due_on=clock.today(), amount="690000.00")  # fmt: skip
    s.milestone_deliver(actor=a.winner, milestone=m)
    acc = s.acceptance_open(actor=a.purchaser, milestone=m, members=[a.purchaser, a.ready.agency])
    s.acceptance_report(actor=a.purchaser, acceptance=acc, passed=True, findings="合格")
    for u in (a.purchaser, a.ready.agency):
        s.acceptance_sign(actor=u, acceptance=acc, password=PASSWORD)
    m.refresh_from_db()
    pay = s.payment_request(actor=a.winner, milestone=m)
    last = dt.datetime.combine(pay.due_on, dt.time(23, 0), tzinfo=clock.SHANGHAI)
    clock.freeze(last)
    timed.process_due()
    pay.refresh_from_db()
    assert not pay.late
    clock.freeze(last + dt.timedelta(hours=1, minutes=1))
    timed.process_due()
    pay.refresh_from_db()
    assert pay.late and pay.next_check is None
    # the treasury returns the instruction; approved again, resent, paid late
    pay = s.payment_approve(actor=a.purchaser, payment=pay)
    path = s.treasury_export()
    assert path is not None
    number = json.loads(path.read_text(encoding="utf-8"))["instructions"][0]["instruction_no"]
    inbox = s.treasury_dir() / "inbox"
    back = {"format": s.CONFIRMATION_FORMAT, "batch_id": "b",
            "results": [{"instruction_no": number, "status": "returned", "reason": "账户有误"},
                        {"instruction_no": "nope", "status": "returned"}]}  # fmt: skip
    (inbox / "r1.json").write_text(json.dumps(back), encoding="utf-8")
    [res] = s.treasury_import()
    assert (res.returned, res.unknown) == (1, ["nope"])
    pay.refresh_from_db()
    assert pay.status == c.PaymentStatus.RETURNED and pay.note == "账户有误"
    s.payment_approve(actor=a.purchaser, payment=pay)
    path = s.treasury_export()
    assert path is not None
    number = json.loads(path.read_text(encoding="utf-8"))["instructions"][0]["instruction_no"]
    paid = {"format": s.CONFIRMATION_FORMAT, "batch_id": "c",
            "results": [{"instruction_no": number, "status": "paid", "amount": "1.00",
                         "paid_on": clock.today().isoformat()}]}  # fmt: skip
    (inbox / "r2.json").write_text(json.dumps(paid), encoding="utf-8")
    assert code_of(s.treasury_import) == c.ERR_TREASURY_FILE  # the amount does not match
    paid["results"][0]["amount"] = "690000.00"  # type: ignore[index]
    (inbox / "r2.json").write_text(json.dumps(paid), encoding="utf-8")
    s.treasury_import()
    pay.refresh_from_db()
    assert pay.status == c.PaymentStatus.PAID and pay.late


def test_termination_after_failed_acceptance_and_completion() -> None:
    a = awarded()
    k = signed(a)
    m1 = s.milestone_add(actor=a.purchaser, contract=k, name="到货", kind="delivery",
                         due_on=clock.today(), amount="300000.00")  # fmt: skip
    m2 = s.milestone_add(actor=a.purchaser, contract=k, name="安装", kind="performance",
                         due_on=clock.today(), amount="390000.00")  # fmt: skip
    s.milestone_deliver(actor=a.winner, milestone=m1)
    team = [a.purchaser, a.ready.agency]
    acc = s.acceptance_open(actor=a.purchaser, milestone=m1, members=team)
    s.acceptance_report(actor=a.purchaser, acceptance=acc, passed=False, findings="与合同不符")
    for u in team:
        s.acceptance_sign(actor=u, acceptance=acc, password=PASSWORD)
    acc.refresh_from_db()
    assert code_of(s.contract_complete, actor=a.purchaser, contract=k) == c.ERR_OPEN_MILESTONES
    s.acceptance_remedy(actor=a.purchaser, acceptance=acc, remedy="terminate", note="无法整改")
    k.refresh_from_db()
    m2.refresh_from_db()
    assert k.status == c.ContractStatus.TERMINATED and m2.status == c.MilestoneStatus.CANCELLED
    assert code_of(s.acceptance_remedy, actor=a.purchaser, acceptance=acc,
                   remedy="rectify") == c.ERR_REMEDY  # fmt: skip


def test_the_periodic_tick_runs_the_treasury_exchange_and_rejects_bad_files() -> None:
    from zhengcai.core import tasks

    assert ("contracts.treasury", s.treasury_tick) in tasks.periodic_jobs()
    inbox = s.treasury_dir() / "inbox"
    (inbox / "bad.json").write_text("not json", encoding="utf-8")
    s.treasury_tick()
    assert not (inbox / "bad.json").exists()
    rejected = s.treasury_dir() / "rejected"
    assert (rejected / "bad.json").exists()
    assert "无法读取" in (rejected / "bad.json.error.txt").read_text(encoding="utf-8")
