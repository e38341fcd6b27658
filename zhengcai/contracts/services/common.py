"""Who may act on a contract."""

from __future__ import annotations

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.contracts import constants as c
from zhengcai.contracts.models import Contract
from zhengcai.core.errors import PermissionDenied


def is_purchaser(user: User, contract: Contract) -> bool:
    return user.role == Role.PURCHASER and user.organization_id == contract.purchaser_id


def is_supplier(user: User, contract: Contract) -> bool:
    return user.role == Role.SUPPLIER and user.organization_id == contract.supplier_id


def require_purchaser(user: User, contract: Contract) -> None:
    if not is_purchaser(user, contract):
        raise PermissionDenied("只有本合同的采购人可以办理此事项", code=c.ERR_NOT_PARTY)


def require_supplier(user: User, contract: Contract) -> None:
    if not is_supplier(user, contract):
        raise PermissionDenied("只有本合同的供应商可以办理此事项", code=c.ERR_NOT_PARTY)


def party_of(user: User, contract: Contract) -> str:
    if is_purchaser(user, contract):
        return c.Party.PURCHASER
    if is_supplier(user, contract):
        return c.Party.SUPPLIER
    raise PermissionDenied("只有合同双方可以签署合同", code=c.ERR_NOT_PARTY)
