"""Supplier signing keys (the private key stays with the supplier) and the demo signer."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.bidding import constants as c
from zhengcai.bidding import crypto
from zhengcai.bidding.models import SupplierKey
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied


def demo_signer_enabled() -> bool:
    """The server-side demo signer exists only in demo/dev settings or when explicitly enabled;
    it is never available in production settings."""
    module = getattr(settings, "SETTINGS_MODULE", "") or ""
    conf = getattr(settings, "ZHENGCAI", {})
    return bool(conf.get("BIDDING_DEMO_SIGNER")) or module.endswith((".demo", ".dev"))


@transaction.atomic
def key_register(*, actor: User, public_key: str, label: str = "") -> SupplierKey:
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以登记签名公钥")
    try:
        algo, normalized = crypto.parse_public_key(public_key)
    except crypto.CryptoError as exc:
        raise InvalidInput(str(exc), code=c.ERR_BAD_KEY) from exc
    kid = crypto.key_id(normalized)
    existing = SupplierKey.objects.filter(key_id=kid).first()
    if existing is not None:
        if existing.organization_id != actor.organization_id:
            raise Conflict("该公钥已被其他单位登记", code="duplicate")
        return existing
    key = SupplierKey.objects.create(
        organization=actor.organization,
        algo=algo,
        public_key=normalized,
        key_id=kid,
        label=label[:100],
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(actor=actor, action="bidding.key_register", obj=key, after={"key_id": kid})
    return key


@transaction.atomic
def key_create_demo(*, actor: User, algo: str = "ecdsa-p256") -> SupplierKey:
    """Demo convenience: a key pair whose private half is kept (KEK-encrypted) by the server."""
    from zhengcai.bidding import client

    if not demo_signer_enabled():
        raise PermissionDenied("演示签名仅在演示环境可用", code=c.ERR_DEMO_SIGNER_DISABLED)
    signer = client.generate(algo)
    key = key_register(
        actor=actor, public_key=signer.public_key, label="演示签名（服务器保管私钥）"
    )
    key.demo_private_sealed = crypto.seal(
        "aes-256-gcm",
        crypto.platform_kek(),
        json.dumps(signer.__dict__).encode(),
        b"demo-signer|" + key.key_id.encode(),
    )
    key.save(update_fields=["demo_private_sealed"])
    return key


def demo_signer(key: SupplierKey) -> Any:
    from zhengcai.bidding import client

    if not demo_signer_enabled() or not key.demo_private_sealed:
        raise PermissionDenied("演示签名仅在演示环境可用", code=c.ERR_DEMO_SIGNER_DISABLED)
    raw = crypto.unseal(
        "aes-256-gcm",
        crypto.platform_kek(),
        bytes(key.demo_private_sealed),
        b"demo-signer|" + key.key_id.encode(),
    )
    return client.Signer(**json.loads(raw))
