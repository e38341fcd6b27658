"""A ban that ends on a chosen day, for the door tests of every app: decided through the credit
services on the platform clock (frozen at the ban's first day), then the clock is put back."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock
from zhengcai.credit import rules, services
from zhengcai.credit.models import Penalty

BASIS = "《政府采购法》第七十七条第一款第（一）项"
AGENCY_BASIS = "《政府采购法》第七十八条"


def ban_ending(
    *, regulator: User, organization: Organization, last_day: dt.date, agency: bool = False
) -> Penalty:
    """A one-year ban (法 77 禁止参加政府采购活动, or with `agency` 法 78 禁止代理政府采购业务) of
    `organization` whose last day is `last_day`."""
    before = clock.now()
    start = rules.add_months(last_day + dt.timedelta(days=1), -12)
    clock.freeze(dt.datetime.combine(start, dt.time(9, 0), tzinfo=clock.SHANGHAI))
    try:
        p = services.penalty_create(
            actor=regulator,
            subject_kind="agency" if agency else "supplier",
            organization=organization,
            decision_no=f"杭财采监〔{start.year}〕{organization.pk}号",
            basis=AGENCY_BASIS if agency else BASIS,
            facts="提供虚假材料谋取中标，经调查属实。",
            warning=agency,
            fine=None if agency else Decimal("6000"),
            procurement_amount=None if agency else Decimal("1000000"),
            ban_scope="agency_business" if agency else "participate",
            ban_months=12,
            adverse_record=True,
        )
        p = services.penalty_decide(actor=regulator, penalty=p)
    finally:
        clock.freeze(before)
    assert p.ban_until == last_day, (p.ban_until, last_day)
    return p
