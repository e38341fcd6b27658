"""Whether a contract's performance has begun (合同已经履行, 94号令 32 (四)): read by the
complaint stage (selectors.lot_stage) and by the revocation (services.contracts_revoke)."""

from __future__ import annotations

from zhengcai.contracts import constants as c
from zhengcai.contracts.models import Contract

# What counts as performance begun (合同已经履行, 94号令 32 (四)): a delivery made or
# inspected, or money sent to or paid by the treasury.
_PERFORMED_MILESTONES = (
    c.MilestoneStatus.DELIVERED,
    c.MilestoneStatus.ACCEPTED,
    c.MilestoneStatus.REJECTED,
)
_PERFORMED_PAYMENTS = (c.PaymentStatus.SENT, c.PaymentStatus.PAID)


def begun(k: Contract) -> bool:
    """Whether performance of `k` has begun (see `_PERFORMED_*`), or it is performed."""
    return (
        k.status == c.ContractStatus.COMPLETED
        or k.milestones.filter(status__in=_PERFORMED_MILESTONES).exists()
        or k.payments.filter(status__in=_PERFORMED_PAYMENTS).exists()
    )
