"""Demo only: sign a contract with a key whose private half the server keeps (KEK-sealed),
like the bidding demo signer. Never available outside demo/dev settings
(`bidding.services.demo_signer_enabled`)."""

from __future__ import annotations

import json

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.bidding import client, crypto
from zhengcai.bidding import services as bidding
from zhengcai.bidding.selectors import signing_keys
from zhengcai.contracts import constants as c
from zhengcai.contracts import rules
from zhengcai.contracts.models import Contract, PartyKey
from zhengcai.contracts.services.common import party_of
from zhengcai.contracts.services.contracts import contract_sign, party_key_register
from zhengcai.core.errors import PermissionDenied

AAD = b"contract-demo-signer|"


def _purchaser_signer(actor: User) -> tuple[str, client.Signer]:
    key = PartyKey.objects.filter(
        organization=actor.organization, demo_private_sealed__isnull=False
    ).first()
    if key is None or key.demo_private_sealed is None:
        signer = client.generate("sm2")
        key = party_key_register(actor=actor, public_key=signer.public_key)
        key.demo_private_sealed = crypto.seal(
            "aes-256-gcm", crypto.platform_kek(), json.dumps(signer.__dict__).encode(),
            AAD + key.key_id.encode(),
        )  # fmt: skip
        key.save(update_fields=["demo_private_sealed"])
        return key.key_id, signer
    raw = crypto.unseal("aes-256-gcm", crypto.platform_kek(), bytes(key.demo_private_sealed),
                        AAD + key.key_id.encode())  # fmt: skip
    return key.key_id, client.Signer(**json.loads(raw))


def _supplier_signer(actor: User) -> tuple[str, client.Signer]:
    key = signing_keys(actor, active_only=True).filter(demo_private_sealed__isnull=False).first()
    if key is None:
        key = bidding.key_create_demo(actor=actor)
    return key.key_id, bidding.demo_signer(key)


@transaction.atomic
def contract_sign_demo(*, actor: User, contract: Contract) -> Contract:
    if not bidding.demo_signer_enabled():
        raise PermissionDenied("演示签名仅在演示环境可用", code=c.ERR_BAD_KEY)
    party = party_of(actor, contract)
    key_id, signer = (
        _purchaser_signer(actor) if party == c.Party.PURCHASER else _supplier_signer(actor)
    )
    signature = signer.sign(rules.signing_message(contract.uid, party, contract.digest))
    return contract_sign(actor=actor, contract=contract, key_id=key_id, signature=signature)
