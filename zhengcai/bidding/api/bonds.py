"""Bid bonds after the award and the contract: the list, refunds, the contract signing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query

from zhengcai.bidding import access, selectors, services
from zhengcai.bidding.api.common import op, router
from zhengcai.bidding.api.schemas import (
    BondFilter,
    BondPage,
    BondRowOut,
    ContractSignedIn,
)
from zhengcai.bidding.models import BidBond
from zhengcai.core import clock
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut


def _bond_row_out(row: selectors.BondRow) -> BondRowOut:
    bond = row.bond
    return BondRowOut(
        id=bond.pk,
        project_id=row.project.pk,
        project_no=row.project.project_no,
        lot_id=row.lot.pk,
        lot_number=row.lot.number,
        supplier_id=row.supplier.pk,
        supplier_name=row.supplier.name,
        status=bond.status,
        amount=bond.amount,
        required_amount=bond.required_amount,
        form=bond.form,
        paid_at=bond.paid_at,
        refund_due=bond.refund_due,
        refunded_at=bond.refunded_at,
        contract_signed_on=bond.contract_signed_on,
        basis=row.basis,
        overdue=row.overdue,
        late=row.late,
        refund_reason=row.reason,
        refund_event_on=bond.refund_event_on,
        document_fee=bond.document_fee,
        days_late=row.days_late,
        late_interest=row.late_interest,
        interest_rate=row.interest_rate,
        interest_basis=row.interest_basis,
    )


def _bond_out(bond: BidBond) -> BondRowOut:
    return _bond_row_out(selectors.bond_row(bond, today=clock.today()))


@router.get(
    "/bonds",
    response={200: BondPage, API_ERRORS: ErrorOut},
    summary="投标保证金（项目的代理机构、采购人；供应商只见自己的）",
    operation_id=op("bond_list"),
)
def bond_list(request: HttpRequest, filters: Query[BondFilter]) -> Any:
    """Status, refund reason, basis and due day, 逾期未退 (`overdue`) and 逾期退还 (`late`)
    flags and the late-refund interest (`days_late`, `late_interest`, `interest_rate`)
    computed from the server clock (条例 33; 87号令 38, 29). `overdue=true` lists only the bonds
    still held after their refund day."""
    qs = selectors.bonds_visible(request_user(request), project_id=filters.project_id)
    total, rows = selectors.bond_page(
        qs,
        today=clock.today(),
        overdue_only=filters.overdue,
        limit=filters.limit,
        offset=filters.offset,
    )
    return BondPage(count=total, items=[_bond_row_out(r) for r in rows])


@router.post(
    "/bonds/{pk}/refund",
    response={200: BondRowOut, API_ERRORS: ErrorOut},
    summary="登记退还投标保证金（项目的采购人或代理机构）",
    operation_id=op("bond_refund"),
)
def bond_refund(request: HttpRequest, pk: int) -> Any:
    """403 `not_bond_officer` for anyone but the project's purchaser or agency; 409
    `bad_transition` if already refunded or none was required."""
    user = request_user(request)
    bond = access.access_bond(user=user, pk=pk)
    return _bond_out(services.bond_refund(actor=user, bond=bond))


@router.post(
    "/lots/{lot_id}/contract-signed",
    response={200: BondRowOut, API_ERRORS: ErrorOut},
    summary="登记中标（成交）供应商合同签订日，起算其保证金退还期限",
    operation_id=op("bond_contract_signed"),
)
def bond_contract_signed(request: HttpRequest, lot_id: int, body: ContractSignedIn) -> Any:
    """The winner's bid security is refunded within 5 working days after the contract is
    signed (条例 33; 87号令 38): this records the day and schedules `refund_due`. 409
    `not_awarded`, `no_bond_to_refund`, `contract_already_recorded`; 422 `date_invalid` for a
    day in the future; 403 `not_bond_officer`."""
    user = request_user(request)
    bond = access.access_lot_bond(user=user, lot_id=lot_id, supplier_id=body.supplier_id)
    bond = services.bond_contract_signed(
        actor=user,
        lot=bond.participation.lot,
        supplier=bond.participation.supplier,
        signed_on=body.signed_on,
    )
    return _bond_out(bond)
