"""The one place the contracts app reads an award from: `zhengcai.awards` —
`selectors.current_award(lot)` (the live award: supplier, amount, the bid it was awarded on,
its result notice) and `selectors.signing_block(lot)` (条例 54 suspension, void result, no
notice yet)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from zhengcai.core import clock

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization
    from zhengcai.tenders.models import Lot, Project


@dataclass(frozen=True)
class Award:
    project: Project
    lot: Lot
    supplier: Organization
    amount: Decimal
    award_on: dt.date
    notice_on: dt.date  # 中标（成交）通知书 — today the award day (awards app: its notice)
    items: list[dict[str, Any]] = field(default_factory=list)
    sme_size: str = ""


def award_for_lot(lot: Lot) -> Award | None:
    """The lot's current award (`awards.selectors.current_award`: chosen or announced, not
    void), with the winner's final prices from the bid it was awarded on, or None."""
    from zhengcai.awards.selectors import current_award

    a = current_award(lot)
    if a is None:
        return None
    items: list[dict[str, Any]] = []
    size = ""
    if a.bid is not None:
        schedule = a.bid.schedule or {}
        for it in schedule.get("items") or []:
            items.append(
                {
                    "name": str(it.get("name", "")),
                    "spec": str(it.get("spec", it.get("model", ""))),
                    "quantity": str(it.get("quantity", "")),
                    "unit_price": str(it.get("unit_price", "")),
                }
            )
        size = str((schedule.get("declarations") or {}).get("sme_size", ""))
    award_on = a.chosen_at.astimezone(clock.SHANGHAI).date()
    notice = getattr(a, "notice", None)
    # The 30 days of 法 46 run from the 中标（成交）通知书, sent with the result notice.
    notice_on = notice.published_at.astimezone(clock.SHANGHAI).date() if notice else award_on
    return Award(
        project=a.project,
        lot=a.lot,
        supplier=a.supplier,
        amount=a.amount,
        award_on=award_on,
        notice_on=notice_on,
        items=items,
        sme_size=size,
    )


def signing_block(lot: Lot) -> str | None:
    """Why the contract of `lot` may not be signed (or performed) now, or None: an open
    challenge that may affect the result (条例 54), a void result (94号令 16), no result
    notice yet (条例 43) — answered by `awards.selectors.signing_block`."""
    from zhengcai.awards.selectors import signing_block as awards_block

    return awards_block(lot)


def terms_of(project: Project) -> tuple[str, str]:
    """(合同条款, 合同履行期限) from the procurement documents."""
    from zhengcai.tenders.models import ProcurementDocument

    doc = ProcurementDocument.objects.filter(project=project).first()
    return (doc.contract_terms if doc is not None else "", project.contract_period)


def awarded_lots(purchaser_id: int) -> list[Lot]:
    """The purchaser's lots with a current award (the contract desk lists those without one)."""
    from zhengcai.awards import constants as award_c
    from zhengcai.awards.models import Award as AwardRecord

    awards = (
        AwardRecord.objects.filter(
            project__purchaser_id=purchaser_id, status__in=award_c.LIVE_AWARD
        )
        .select_related("lot__project")
        .order_by("-chosen_at", "-pk")
    )
    return [a.lot for a in awards]
