"""The audit chain: append inside the caller's transaction, verify the whole chain.

Design §4 rule 9 and issue "全过程留痕": every state change writes one entry in the same
transaction; entries are hash-chained so that altering, removing or reordering any row is
detected by `verify_chain` (the `verify_audit` command).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection
from django.db.models import Model

from zhengcai.core import clock
from zhengcai.core.models import AuditEntry, AuditHead

if TYPE_CHECKING:
    from zhengcai.accounts.models import Organization, User

GENESIS = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _normalize(value: Any) -> Any:
    """JSON-safe copy of a summary: Decimal, dates and models become strings/ids."""
    if value is None:
        return None
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


def _digest(algorithm: str, payload: bytes) -> str:
    if algorithm == "sm3":
        from cryptography.hazmat.primitives import hashes

        h = hashes.Hash(hashes.SM3())
        h.update(payload)
        return h.finalize().hex()
    if algorithm == "sha256":
        return hashlib.sha256(payload).hexdigest()
    raise ValueError(f"unknown audit hash algorithm {algorithm!r}")


def entry_hash(
    *,
    algorithm: str,
    seq: int,
    created_at: dt.datetime,
    actor_id: int | None,
    actor_label: str,
    organization_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    before: Any,
    after: Any,
    ip: str | None,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        [
            seq,
            created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id,
            actor_label,
            organization_id,
            action,
            object_type,
            object_id,
            object_label,
            before,
            after,
            ip,
            prev_hash,
        ],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return _digest(algorithm, canonical.encode("utf-8"))


def audit_record(
    *,
    actor: User | None,
    action: str,
    obj: Model | None = None,
    organization: Organization | None = None,
    before: Any = None,
    after: Any = None,
    ip: str | None = None,
    object_label: str | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the transaction of the change it records."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    algorithm = str(settings.ZHENGCAI["AUDIT_HASH"])
    if organization is None and actor is not None:
        organization = getattr(actor, "acting_organization", None)
    fields: dict[str, Any] = {
        "seq": head.seq + 1,
        "created_at": clock.now(),
        "actor_id": actor.pk if actor is not None else None,
        "actor_label": (actor.get_full_name() or actor.get_username()) if actor else "系统",
        "organization_id": organization.pk if organization is not None else None,
        "action": action,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk) if obj is not None else "",
        "object_label": (object_label if object_label is not None else str(obj or ""))[:200],
        "before": _normalize(before),
        "after": _normalize(after),
        # Hash the address as the column will store it (IPv6 canonicalized, "" as NULL).
        "ip": AuditEntry._meta.get_field("ip").get_prep_value(ip or None),
        "prev_hash": head.hash,
    }
    digest = entry_hash(algorithm=algorithm, **fields)
    entry = AuditEntry.objects.create(algorithm=algorithm, hash=digest, **fields)
    head.seq, head.hash = entry.seq, digest
    head.save(update_fields=["seq", "hash"])
    return entry


@dataclass(frozen=True)
class ChainHead:
    seq: int
    hash: str
    at: dt.datetime | None


def chain_head() -> ChainHead:
    last = AuditEntry.objects.order_by("-seq").only("seq", "hash", "created_at").first()
    if last is None:
        return ChainHead(0, GENESIS, None)
    return ChainHead(last.seq, last.hash, last.created_at)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _iter_entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> ChainReport:
    """Walk the chain from genesis; report the first entry that was altered, removed or moved."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    for e in _iter_entries():
        if e.seq != expected_seq:
            return ChainReport(
                checked,
                prev,
                ChainProblem(
                    expected_seq,
                    f"第 {expected_seq} 条缺失（下一条为第 {e.seq} 条）：记录被删除或重排",
                ),
            )
        if e.prev_hash != prev:
            return _problem(checked, prev, e.seq, "prev_hash 与上一条不符：记录被删除、插入或重排")
        recomputed = entry_hash(
            algorithm=e.algorithm,
            seq=e.seq,
            created_at=e.created_at,
            actor_id=e.actor_id,
            actor_label=e.actor_label,
            organization_id=e.organization_id,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            object_label=e.object_label,
            before=e.before,
            after=e.after,
            ip=e.ip,
            prev_hash=e.prev_hash,
        )
        if recomputed != e.hash:
            return _problem(checked, prev, e.seq, "内容与哈希不符：记录被篡改")
        prev = e.hash
        expected_seq += 1
        checked += 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and (head.seq != checked or head.hash != prev):
        return _problem(
            checked,
            prev,
            checked + 1 if head.seq > checked else head.seq,
            "链头与最后一条记录不符：末尾记录被删除",
        )
    return ChainReport(checked, prev, None)


def _problem(checked: int, prev: str, seq: int, reason: str) -> ChainReport:
    return ChainReport(checked, prev, ChainProblem(seq, reason))
