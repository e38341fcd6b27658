"""Reads of the contracts app for the pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from zhengcai.accounts.models import User
from zhengcai.contracts import award_source, performance, rules
from zhengcai.contracts import constants as c
from zhengcai.contracts.models import (
    Acceptance,
    Contract,
    ContractSignature,
    ContractTemplate,
    Milestone,
    PartyKey,
    PaymentRequest,
    Supplement,
)
from zhengcai.core import deadlines
from zhengcai.core.errors import NotFound
from zhengcai.tenders.models import Lot


def lots_awaiting_contract(user: User) -> list[Lot]:
    if user.role != "purchaser" or user.organization_id is None:
        return []
    taken = set(
        Contract.objects.filter(purchaser_id=user.organization_id)
        .exclude(status__in=c.NOT_IN_FORCE)
        .values_list("lot_id", flat=True)
    )
    return [lot for lot in award_source.awarded_lots(user.organization_id) if lot.pk not in taken]


@dataclass(frozen=True)
class ContractPage:
    contract: Contract
    signatures: list[tuple[ContractSignature, bool]]
    supplements: list[Supplement]
    supplement_room: Decimal
    security_cap: Decimal
    milestones: list[Milestone]
    acceptances: list[Acceptance]
    payments: list[PaymentRequest]
    provisional: set[str]
    party: str | None
    message: str
    purchaser_keys: list[PartyKey]


def contract_page(k: Contract, user: User) -> ContractPage:
    from zhengcai.contracts.services import signature_valid

    sups = list(k.supplements.all())
    party = None
    if user.organization_id == k.purchaser_id and user.role == "purchaser":
        party = "purchaser"
    elif user.organization_id == k.supplier_id and user.role == "supplier":
        party = "supplier"
    return ContractPage(
        contract=k,
        signatures=[(s, signature_valid(s, k)) for s in k.signatures.all()],
        supplements=sups,
        supplement_room=rules.supplement_room(k.amount, [s.amount for s in sups]),
        security_cap=rules.security_cap(k.amount),
        milestones=list(k.milestones.all()),
        acceptances=list(
            k.acceptances.select_related("milestone").prefetch_related("members__user")
        ),
        payments=list(k.payments.select_related("milestone")),
        provisional=deadlines.provisional_fields(k),
        party=party,
        message=(
            rules.signing_message(k.uid, party, k.digest).decode() if party and k.digest else ""
        ),
        purchaser_keys=list(PartyKey.objects.filter(organization_id=k.purchaser_id))
        if party == "purchaser"
        else [],
    )


def supplier_keys(user: User) -> list[Any]:
    from zhengcai.bidding.selectors import signing_keys

    return list(signing_keys(user, active_only=True))


def public_contracts() -> QuerySet[Contract]:
    return (
        Contract.objects.filter(announced_at__isnull=False)
        .select_related("purchaser", "supplier")
        .order_by("-announced_at", "-pk")
    )


def public_contract(pk: int) -> Contract:
    k = public_contracts().filter(pk=pk).first()
    if k is None:
        raise NotFound("合同公告不存在")
    return k


def public_acceptances() -> QuerySet[Acceptance]:
    """Public-service acceptance results (条例 45)."""
    return (
        Acceptance.objects.filter(published_at__isnull=False)
        .select_related("contract__purchaser", "contract__supplier", "milestone")
        .order_by("-published_at", "-pk")
    )


def late_payments() -> QuerySet[PaymentRequest]:
    return PaymentRequest.objects.filter(late=True).exclude(status="paid").order_by("due_on", "pk")


def user_named(username: str) -> User | None:
    """An active user by login name (acceptance team members and experts)."""
    return User.objects.filter(username=username, is_active=True).first()


def demo_signing() -> bool:
    from zhengcai.bidding.services import demo_signer_enabled

    return demo_signer_enabled()


def templates() -> QuerySet[ContractTemplate]:
    return ContractTemplate.objects.all()


def template_get(pk: int) -> ContractTemplate:
    tpl = ContractTemplate.objects.filter(pk=pk).first()
    if tpl is None:
        raise NotFound("合同范本不存在")
    return tpl


def acceptances_to_sign(user: User) -> QuerySet[Acceptance]:
    """The acceptance reports waiting for this member's signature."""
    return (
        Acceptance.objects.filter(
            status="signing", members__user=user, members__signed_at__isnull=True
        )
        .select_related("contract", "milestone")
        .order_by("pk")
    )


def acceptance_report_text(a: Acceptance) -> str:
    from zhengcai.contracts.services import report_text

    return report_text(a)


def lot_stage(lot: Lot) -> str | None:
    """Where the lot's contract stands on the platform for a complaint decision (94号令
    31–32, through `awards.hooks.contract_stage`): "performed", "signed" or None."""
    held = list(
        Contract.objects.filter(
            lot=lot, status__in=(c.ContractStatus.SIGNED, c.ContractStatus.COMPLETED)
        ).order_by("pk")
    )
    if not held:
        return None
    return "performed" if any(performance.begun(k) for k in held) else "signed"
