"""The challenge-and-complaint path of issue 11, end to end through the services: the award
and its result notice; a losing supplier's 质疑 answered "not upheld" (94号令 16); its 投诉 to
the finance department at the purchaser's level (94号令 6), accepted (94号令 21), answered by
the respondents (94号令 22) and decided "upheld — result void, another supplier" (94号令 32);
signing is blocked while the complaint is open (法 57; 条例 54); the decision is public
(94号令 34); the contract is then signed with the next supplier at its own final quotation,
and the archive of the procurement holds the complaint. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from zhengcai.accounts.tests.factories import user
from zhengcai.awards import constants as ac
from zhengcai.awards import selectors as award_selectors
from zhengcai.awards import services as awards
from zhengcai.awards.tests.test_complaints import ANSWER, CLETTER
from zhengcai.awards.tests.test_services import LETTER
from zhengcai.bidding import client
from zhengcai.bidding import services as bidding
from zhengcai.contracts import constants as cc
from zhengcai.contracts.models import Contract
from zhengcai.contracts.tests.builders import awarded, signed
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_challenge_not_upheld_complaint_upheld_another_supplier_signs() -> None:
    a = awarded()
    r = a.ready
    first = award_selectors.current_award(r.lot)
    assert first is not None and first.supplier == a.winner_org
    # the runner-up (700 000.00) challenges the evaluation; the agency answers: not upheld
    ranked = list(a.evaluation.bids.filter(valid=True).order_by("order"))
    runner_up = ranked[1].supplier
    i = r.supplier_orgs.index(runner_up)
    sup = r.suppliers[i]
    ch = awards.challenge_file(actor=sup, lot=r.lot, subject="process", step="evaluation",
                               letter={**LETTER, "name": runner_up.name})  # fmt: skip
    ch = awards.challenge_answer(actor=r.agency, challenge=ch, outcome="not_upheld", answer=ANSWER)
    assert ch.status == ac.ChallengeStatus.ANSWERED

    # the complaint, to the finance department at the purchaser's level (94号令 6)
    fin = award_selectors.finance_department(r.project)
    assert fin is not None
    reg = user(fin, role="regulator")
    x = awards.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    assert x.regulator == fin
    x = awards.complaint_accept(actor=reg, complaint=x)
    assert x.status == ac.ComplaintStatus.ACCEPTED and x.decision_due is not None
    # while it is open the contract cannot be signed (法 57; 条例 54)
    assert award_selectors.signing_block(r.lot) is not None
    with pytest.raises(DomainError):
        signed(a)
    awards.complaint_answer(actor=r.agency, complaint=x, text="评审按招标文件进行，业绩经核验。")
    x.refresh_from_db()
    x = awards.complaint_decide(actor=reg, complaint=x, finding="upheld",
                                remedy="result_void_other", facts="中标人业绩合同不实",
                                legal_basis="《政府采购质疑和投诉办法》第三十二条")  # fmt: skip
    assert x.status == ac.ComplaintStatus.DECIDED
    first.refresh_from_db()
    assert first.status == ac.AwardStatus.SUPERSEDED
    new = award_selectors.current_award(r.lot)
    assert new is not None and new.replaces == first and new.supplier == runner_up
    # the decision is published (94号令 34)
    assert x.pk in [d.pk for d in award_selectors.public_complaint_decisions()]

    # the other supplier signs at its own final quotation
    awards.notice_publish(actor=r.agency, award=new, agency_fee="按标准收取，计 1 万元")
    a.winner, a.winner_org = sup, runner_up
    a.supplier_signer = client.generate("ecdsa-p256")
    a.supplier_key_id = bidding.key_register(actor=sup, public_key=a.supplier_signer.public_key,
                                             label="合同").key_id  # fmt: skip
    k = signed(a)
    assert k.status == cc.ContractStatus.SIGNED
    assert k.supplier == runner_up and k.amount == Decimal("700000.00")
    # the unsigned contract drafted for the first winner was voided, through the machine
    stale = Contract.objects.get(lot=r.lot, supplier=first.supplier)
    assert stale.status == cc.ContractStatus.VOID
    assert AuditEntry.objects.filter(action="contract.void", object_id=str(stale.pk)).exists()


def _complaint_after_signing(a: Any) -> Any:
    """The runner-up's challenge is answered "not upheld", the winner's contract is signed,
    and then the runner-up complains (within 15 working days, 法 55); the regulator accepts."""
    r = a.ready
    ranked = list(a.evaluation.bids.filter(valid=True).order_by("order"))
    runner_up = ranked[1].supplier
    sup = r.suppliers[r.supplier_orgs.index(runner_up)]
    ch = awards.challenge_file(actor=sup, lot=r.lot, subject="process", step="evaluation",
                               letter={**LETTER, "name": runner_up.name})  # fmt: skip
    ch = awards.challenge_answer(actor=r.agency, challenge=ch, outcome="not_upheld", answer=ANSWER)
    k = signed(a)
    assert k.status == cc.ContractStatus.SIGNED
    fin = award_selectors.finance_department(r.project)
    assert fin is not None
    reg = user(fin, role="regulator")
    x = awards.complaint_file(actor=sup, challenge=ch, letter=CLETTER)
    x = awards.complaint_accept(actor=reg, complaint=x)
    awards.complaint_answer(actor=r.agency, complaint=x, text="评审按招标文件进行，业绩经核验。")
    x.refresh_from_db()
    return k, x, reg, runner_up


def test_upheld_complaint_revokes_the_signed_contract_and_another_supplier_is_chosen() -> None:
    """94号令 32 (三): 政府采购合同已经签订但尚未履行的，撤销合同 — and another supplier is
    determined from the candidates; the budget line's contracted amount is released."""
    from zhengcai.plans.models import ProcurementPlan

    a = awarded()
    r = a.ready
    first = award_selectors.current_award(r.lot)
    assert first is not None
    k, x, reg, runner_up = _complaint_after_signing(a)
    plan = ProcurementPlan.objects.get(pk=r.project.plan_id) if r.project.plan_id else None
    before = plan.contracted_amount if plan else None
    # the platform holds the contract as signed: the regulator cannot decide as if it were not
    with pytest.raises(DomainError) as err:
        awards.complaint_decide(actor=reg, complaint=x, finding="upheld",
                                remedy="result_void_other", facts="中标人业绩合同不实",
                                legal_basis="94号令 32", stage="awarded")  # fmt: skip
    assert err.value.code == ac.ERR_COMPLAINT_REMEDY_INVALID
    x = awards.complaint_decide(actor=reg, complaint=x, finding="upheld",
                                remedy="contract_void_other", facts="中标人业绩合同不实",
                                legal_basis="《政府采购质疑和投诉办法》第三十二条")  # fmt: skip
    assert x.stage == ac.Stage.SIGNED
    k.refresh_from_db()
    assert k.status == cc.ContractStatus.REVOKED
    assert x.decision["applied"]["revoked"] == [k.contract_no]
    assert AuditEntry.objects.filter(action="contract.revoked", object_id=str(k.pk)).exists()
    first.refresh_from_db()
    assert first.status == ac.AwardStatus.SUPERSEDED
    new = award_selectors.current_award(r.lot)
    assert new is not None and new.supplier == runner_up
    if plan is not None:
        plan.refresh_from_db()
        assert plan.contracted_amount == before - k.amount
    # the next supplier's contract can be drafted: the revoked one is no longer in force
    awards.notice_publish(actor=r.agency, award=new, agency_fee="按标准收取，计 1 万元")
    a.winner, a.winner_org = r.suppliers[r.supplier_orgs.index(runner_up)], runner_up
    a.supplier_signer = client.generate("ecdsa-p256")
    pem = a.supplier_signer.public_key
    key = bidding.key_register(actor=a.winner, public_key=pem, label="合同")
    a.supplier_key_id = key.key_id
    k2 = signed(a)
    assert k2.status == cc.ContractStatus.SIGNED and k2.contract_no != k.contract_no


def test_a_contract_in_performance_is_not_revoked_only_damages() -> None:
    """94号令 32 (四): once the contract is being performed, the remedy is damages, not
    revocation."""
    from zhengcai.contracts import services as contracts

    a = awarded()
    k, x, reg, _ = _complaint_after_signing(a)
    m = contracts.milestone_add(actor=a.purchaser, contract=k, name="到货", kind="delivery",
                                due_on=k.signed_on, amount=k.amount)  # fmt: skip
    contracts.milestone_deliver(actor=a.winner, milestone=m)
    with pytest.raises(DomainError):
        awards.complaint_decide(actor=reg, complaint=x, finding="upheld",
                                remedy="contract_void_other", facts="业绩不实",
                                legal_basis="94号令 32")  # fmt: skip
    x = awards.complaint_decide(actor=reg, complaint=x, finding="upheld", remedy="damages",
                                facts="业绩不实", legal_basis="94号令 32")  # fmt: skip
    assert x.stage == ac.Stage.PERFORMED
    k.refresh_from_db()
    assert k.status == cc.ContractStatus.SIGNED
