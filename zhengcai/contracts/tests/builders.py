"""A lot taken to AWARDED through the real services (plans → tenders → bidding → experts →
evaluation), then the contracts helpers: the parties' signers and a signed contract.

`awarded()` runs 竞争性谈判 with 最低报价 (three experts, final quotations): the quickest
lawful path to an award; the winner is the lowest final quotation (690 000.00)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zhengcai.accounts.models import Organization, User
from zhengcai.awards import selectors as award_selectors
from zhengcai.awards import services as award_services
from zhengcai.bidding import client
from zhengcai.bidding import services as bidding
from zhengcai.contracts import rules
from zhengcai.contracts import services as s
from zhengcai.contracts.models import Contract
from zhengcai.core import clock
from zhengcai.evaluation import services as ev_services
from zhengcai.evaluation.models import Evaluation
from zhengcai.evaluation.tests.builders import (
    PASSWORD,
    Ready,
    chair,
    declared,
    evaluation_ready,
    review_all,
)

__all__ = ["PASSWORD", "Awarded", "awarded", "sign_both", "signed"]


@dataclass
class Awarded:
    ready: Ready
    evaluation: Evaluation
    winner: User
    winner_org: Organization
    purchaser: User
    supplier_signer: client.Signer
    supplier_key_id: str
    purchaser_signer: client.Signer
    purchaser_key_id: str


def awarded(**kw: Any) -> Awarded:
    r = evaluation_ready(
        project_method="negotiation",
        method="lowest_quote",
        sizes=["", "", ""],
        prices=["760000.00", "742000.00", "735000.00"],
        final_prices=["700000.00", "690000.00", "710000.00"],
        **kw,
    )
    ev = declared(r)
    clock.freeze(r.evaluation_at)
    ev = ev_services.evaluation_start(actor=r.agency, evaluation=ev)
    review_all(r, ev)
    ev = ev_services.review_close(actor=chair(ev), evaluation=ev)
    ev = ev_services.evaluation_conclude(actor=chair(ev), evaluation=ev)
    for m in ev.members.filter(status="active"):
        ev_services.report_sign(actor=m.user, evaluation=ev, agrees=True, password=PASSWORD)
    ev.refresh_from_db()
    first = ev.bids.filter(valid=True).order_by("order").first()
    assert first is not None
    ev = ev_services.award_confirm(actor=r.purchaser, evaluation=ev, supplier=first.supplier)
    # the result notice and the 中标（成交）通知书 (条例 43): signing waits for them
    award = award_selectors.current_award(ev.lot)
    assert award is not None
    award_services.notice_publish(actor=r.agency, award=award, agency_fee="按标准收取，计 1 万元")
    winner = r.suppliers[r.supplier_orgs.index(first.supplier)]
    sup_signer = client.generate("ecdsa-p256")
    sup_key = bidding.key_register(actor=winner, public_key=sup_signer.public_key, label="合同")
    pur_signer = client.generate("sm2")
    pur_key = s.party_key_register(actor=r.purchaser, public_key=pur_signer.public_key)
    return Awarded(r, ev, winner, first.supplier, r.purchaser, sup_signer, sup_key.key_id,
                   pur_signer, pur_key.key_id)  # fmt: skip


def signature(signer: client.Signer, k: Contract, party: str) -> str:
    return signer.sign(rules.signing_message(k.uid, party, k.digest))


def sign_both(a: Awarded, k: Contract) -> Contract:
    s.contract_sign(actor=a.purchaser, contract=k, key_id=a.purchaser_key_id,
                    signature=signature(a.purchaser_signer, k, "purchaser"))  # fmt: skip
    k.refresh_from_db()
    k = s.contract_sign(actor=a.winner, contract=k, key_id=a.supplier_key_id,
                        signature=signature(a.supplier_signer, k, "supplier"))  # fmt: skip
    k.refresh_from_db()
    return k


def signed(a: Awarded, **values: Any) -> Contract:
    k = s.contract_draft(actor=a.purchaser, lot=a.ready.lot, place="采购人指定地点")
    if values:
        k = s.contract_update(actor=a.purchaser, contract=k, values=values)
    k = s.contract_issue(actor=a.purchaser, contract=k)
    return sign_both(a, k)
