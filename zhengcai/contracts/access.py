"""Who reaches which contract (design §4 rule 6): the two parties; the agency of the project;
regulators and supervisors in the purchaser's region subtree; admins. The public sees only
announced contracts (selectors.public_contracts)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from zhengcai.accounts.access import require_login
from zhengcai.accounts.constants import REGIONAL_ROLES, Role
from zhengcai.accounts.models import User
from zhengcai.contracts import award_source
from zhengcai.contracts.models import Acceptance, Contract, Milestone, PaymentRequest
from zhengcai.core.errors import NotFound, PermissionDenied
from zhengcai.tenders.models import Lot


def contracts_visible(user: User) -> QuerySet[Contract]:
    require_login(user)
    qs = Contract.objects.select_related("purchaser", "supplier", "project", "lot")
    if user.role == Role.ADMIN:
        return qs
    if user.role in REGIONAL_ROLES and user.region is not None:
        return qs.filter(purchaser__region__path__startswith=user.region.path)
    if user.organization_id is None:
        return qs.none()
    org = user.organization_id
    return qs.filter(Q(purchaser_id=org) | Q(supplier_id=org) | Q(project__agency_id=org))


def access_contract(*, user: User, pk: int) -> Contract:
    k = contracts_visible(user).filter(pk=pk).first()
    if k is None:
        raise NotFound("合同不存在或您无权查看")
    return k


def access_awarded_lot(*, user: User, pk: int) -> Lot:
    """A lot of the purchaser's own with a current award."""
    require_login(user)
    if user.role != Role.PURCHASER or user.organization_id is None:
        raise PermissionDenied("只有采购人可以草拟合同", code="contract_not_party")
    for lot in award_source.awarded_lots(user.organization_id):
        if lot.pk == pk:
            return lot
    raise NotFound("采购包不存在或尚未确定中标（成交）供应商")


def access_milestone(*, user: User, pk: int) -> Milestone:
    m = Milestone.objects.filter(pk=pk, contract__in=contracts_visible(user)).first()
    if m is None:
        raise NotFound("履约节点不存在或您无权查看")
    return m


def access_acceptance(*, user: User, pk: int) -> Acceptance:
    a = (
        Acceptance.objects.filter(pk=pk)
        .filter(Q(contract__in=contracts_visible(user)) | Q(members__user=user))
        .distinct()
        .first()
    )
    if a is None:
        raise NotFound("验收不存在或您无权查看")
    return a


def access_payment(*, user: User, pk: int) -> PaymentRequest:
    p = PaymentRequest.objects.filter(pk=pk, contract__in=contracts_visible(user)).first()
    if p is None:
        raise NotFound("支付申请不存在或您无权查看")
    return p


def can_view(user: User, contract_id: int) -> bool:
    return contracts_visible(user).filter(pk=contract_id).exists()
