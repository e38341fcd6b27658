"""Bid bonds: who sees which, their refund basis and day, overdue and late flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet

from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import Organization, User
from zhengcai.bidding import constants as c
from zhengcai.bidding import rules
from zhengcai.bidding.models import BidBond
from zhengcai.core import clock
from zhengcai.tenders.constants import ProjectStatus
from zhengcai.tenders.models import Lot, Project

BOND_RELATED = (
    "participation__project__agency",
    "participation__project__purchaser__region",
    "participation__lot",
    "participation__supplier",
)


def lending_rates() -> tuple[rules.LendingRate, ...]:
    """The benchmark lending rates for late-refund interest (87号令 38): the dated defaults
    of `rules.LENDING_RATES` and any rows a deployment adds in
    `settings.ZHENGCAI["BOND_LENDING_RATES"]` — each a mapping with `effective_from`
    (YYYY-MM-DD), `annual_rate` (percent), `max_term_days` (null: longer) and `basis`."""
    extra = getattr(settings, "ZHENGCAI", {}).get("BOND_LENDING_RATES") or ()
    rows = [
        rules.LendingRate(
            effective_from=dt.date.fromisoformat(str(r["effective_from"])),
            annual_rate=Decimal(str(r["annual_rate"])),
            max_term_days=None if r.get("max_term_days") is None else int(r["max_term_days"]),
            basis=str(r.get("basis", "")),
            uncertain=bool(r.get("uncertain", False)),
        )
        for r in extra
    ]
    return (*rules.LENDING_RATES, *rows)


@dataclass
class BondRow:
    bond: BidBond
    project: Project
    lot: Lot
    supplier: Organization
    basis: str
    overdue: bool
    late: bool
    reason: str = ""
    # 超期资金占用费 (87号令 38): days late and the interest owed so far (to the refund, or to
    # today for a bond still held); None when a late day has no configured rate.
    days_late: int = 0
    late_interest: Decimal | None = Decimal("0.00")
    interest_rate: Decimal | None = None  # annual, percent, with the 20% markup
    interest_basis: str = ""


def bonds_visible(user: User, *, project_id: int | None = None) -> QuerySet[BidBond]:
    """Bonds the user may see: the project's agency and purchaser, the supplier its own,
    regulators and supervisors their region, admins all; `project_id` narrows to one project."""
    qs = _bonds_visible(user)
    return qs if project_id is None else qs.filter(participation__project_id=project_id)


def _bonds_visible(user: User) -> QuerySet[BidBond]:
    qs = BidBond.objects.select_related(*BOND_RELATED)
    org = user.organization_id
    if user.role == Role.ADMIN:
        return qs
    if user.role == Role.AGENCY and org:
        return qs.filter(participation__project__agency_id=org)
    if user.role == Role.PURCHASER and org:
        return qs.filter(participation__project__purchaser_id=org)
    if user.role == Role.SUPPLIER and org:
        return qs.filter(participation__supplier_id=org)
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(
            participation__project__purchaser__region__path__startswith=user.region.path
        )
    return qs.none()


def bonds_overdue(*, today: dt.date) -> QuerySet[BidBond]:
    """逾期未退: paid bonds whose refund day has passed (条例 33; 87号令 38). The flag is
    computed from the clock at read time, so no stored state can go stale."""
    return BidBond.objects.filter(status=c.BondStatus.PAID, refund_due__lt=today)


def _reason(bond: BidBond) -> str:
    """The refund reason; rows scheduled before reasons were stored: the contract for the
    winner, the award notice for the others."""
    if bond.refund_reason:
        return bond.refund_reason
    if bond.contract_signed_on:
        return c.RefundReason.CONTRACT
    return c.RefundReason.AWARD if bond.refund_due else ""


def bond_rows(qs: QuerySet[BidBond], *, today: dt.date) -> list[BondRow]:
    rows = []
    rates = lending_rates()
    for bond in qs.order_by(
        "-participation__project__created_at", "participation__lot__number", "pk"
    ):
        part = bond.participation
        reason = _reason(bond)
        refunded_on = (
            bond.refunded_at.astimezone(clock.SHANGHAI).date() if bond.refunded_at else None
        )
        until = refunded_on if bond.status == c.BondStatus.REFUNDED else today
        due = bond.refund_due if bond.status != c.BondStatus.NOT_REQUIRED else None
        late = rules.bond_late_interest(bond.amount, due, until, rates)
        rows.append(
            BondRow(
                bond=bond,
                project=part.project,
                lot=part.lot,
                supplier=part.supplier,
                basis=rules.refund_basis(reason),
                overdue=rules.bond_overdue(
                    status=bond.status, refund_due=bond.refund_due, today=today
                ),
                late=rules.bond_refunded_late(refund_due=bond.refund_due, refunded_on=refunded_on),
                reason=reason,
                days_late=late.days,
                late_interest=late.interest,
                interest_rate=late.annual_rate,
                interest_basis=late.basis,
            )
        )
    return rows


def bond_page(
    qs: QuerySet[BidBond],
    *,
    today: dt.date,
    overdue_only: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[int, list[BondRow]]:
    """One page of `bond_rows` (the API's list) and the total count; `overdue_only` keeps the
    逾期未退 ones (the same test as `bonds_overdue`). Three queries whatever the page size."""
    if overdue_only:
        qs = qs.filter(status=c.BondStatus.PAID, refund_due__lt=today)
    ordered = qs.order_by("-participation__project__created_at", "participation__lot__number", "pk")
    total = ordered.count()
    pks = list(ordered.values_list("pk", flat=True)[offset : offset + limit])
    return total, bond_rows(qs.filter(pk__in=pks), today=today)


def bond_row(bond: BidBond, *, today: dt.date) -> BondRow:
    return bond_rows(BidBond.objects.filter(pk=bond.pk).select_related(*BOND_RELATED), today=today)[
        0
    ]


@dataclass
class BondGroup:
    """The bonds of one project on the bond page, and the lots whose winner's contract the
    officer may still record (the bond held, no refund day yet: the others' refunds were
    scheduled from the award notice), once per lot."""

    project: Project
    rows: list[BondRow] = field(default_factory=list)
    signable: list[tuple[Lot, list[Organization]]] = field(default_factory=list)


def bond_groups(rows: list[BondRow]) -> list[BondGroup]:
    groups: dict[int, BondGroup] = {}
    candidates: dict[int, dict[int, tuple[Lot, list[Organization]]]] = {}
    signed: dict[int, set[int]] = {}
    for row in rows:
        g = groups.setdefault(row.project.pk, BondGroup(project=row.project))
        g.rows.append(row)
        if row.bond.contract_signed_on is not None:
            signed.setdefault(row.project.pk, set()).add(row.lot.pk)
        if (
            row.project.status == ProjectStatus.AWARDED
            and row.bond.status == c.BondStatus.PAID
            and row.bond.contract_signed_on is None
            and row.bond.refund_due is None
        ):
            lots = candidates.setdefault(row.project.pk, {})
            lots.setdefault(row.lot.pk, (row.lot, []))[1].append(row.supplier)
    for pk, g in groups.items():
        done = signed.get(pk, set())
        g.signable = [v for lot_pk, v in candidates.get(pk, {}).items() if lot_pk not in done]
    return list(groups.values())
