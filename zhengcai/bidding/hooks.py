"""What bidding does when a lower app reports an event (registered in apps.ready())."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from zhengcai.bidding import constants as c

if TYPE_CHECKING:
    from zhengcai.accounts.models import User
    from zhengcai.tenders.models import Project


def refund_bonds_on_project_end(
    *, project: Project, outcome: str, day: dt.date, actor: User | None
) -> None:
    """A terminated project: every bond it still holds is due back within 5 working days of
    the termination (87号令 38, 29; 条例 33)."""
    from zhengcai.bidding.services import bonds_schedule_for_project_end

    bonds_schedule_for_project_end(
        project=project, reason=c.RefundReason.TERMINATED, day=day, actor=actor
    )
