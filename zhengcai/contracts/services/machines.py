"""The state machines of the contracts app (core.transitions)."""

from __future__ import annotations

from zhengcai.contracts import constants as c
from zhengcai.contracts.models import Acceptance, Contract, Milestone, PaymentRequest
from zhengcai.core import transitions

CONTRACT = transitions.register(
    transitions.Machine(
        Contract,
        c.CONTRACT_TRANSITIONS,
        what="合同",
        action="contract",
        labels=c.ContractStatus,
        organization=lambda k: k.purchaser,
    )
)
MILESTONE = transitions.register(
    transitions.Machine(
        Milestone,
        c.MILESTONE_TRANSITIONS,
        what="履约节点",
        action="milestone",
        labels=c.MilestoneStatus,
        organization=lambda m: m.contract.purchaser,
    )
)
ACCEPTANCE = transitions.register(
    transitions.Machine(
        Acceptance,
        c.ACCEPTANCE_TRANSITIONS,
        what="履约验收",
        action="acceptance",
        labels=c.AcceptanceStatus,
        organization=lambda a: a.contract.purchaser,
    )
)
PAYMENT = transitions.register(
    transitions.Machine(
        PaymentRequest,
        c.PAYMENT_TRANSITIONS,
        what="支付申请",
        action="payment",
        labels=c.PaymentStatus,
        organization=lambda p: p.contract.purchaser,
    )
)
