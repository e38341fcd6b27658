"""Sealed submission (before the deadline only) and withdrawal (SEALING.md): signatures
verified, every document sealed under a fresh data key wrapped for the window's opening key,
the row written in one transaction that re-reads the clock, a signed receipt.

Audit entries never carry a price, a file or its metadata before the window is opened: they
name documents by digest and size only."""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.bidding import constants as c
from zhengcai.bidding import crypto, evidence, rules
from zhengcai.bidding.client import SCHEDULE_NAME, canonical_schedule
from zhengcai.bidding.models import (
    Bid,
    BidDocument,
    Participation,
    Receipt,
    SubmissionWindow,
    SupplierKey,
    UploadEvidence,
)
from zhengcai.bidding.services.bonds import (
    bond_withdrawal_refund,
    bond_withdrawal_refund_cancel,
)
from zhengcai.bidding.services.common import deadline_passed
from zhengcai.bidding.services.machines import BID
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied
from zhengcai.credit import doors as credit_doors


@dataclass
class FileIn:
    name: str
    content: bytes
    signature: str


@dataclass
class EvidenceIn:
    ip: str | None = None
    fingerprint: str = ""
    user_agent: str = ""


@dataclass
class Submitted:
    bid: Bid
    receipt: Receipt
    problems: list[str] = field(default_factory=list)


def _validate_schedule(schedule: dict[str, Any]) -> Decimal:
    try:
        total = Decimal(str(schedule["total_price"]))
    except (KeyError, InvalidOperation) as exc:
        raise InvalidInput("报价一览表须包含总价 total_price", code=c.ERR_BAD_SCHEDULE) from exc
    if total <= 0 or total.as_tuple().exponent < -2:  # type: ignore[operator]
        raise InvalidInput("总价须为正数，最多两位小数", code=c.ERR_BAD_SCHEDULE)
    nonce = str(schedule.get("nonce", ""))
    if len(nonce) < 16:
        raise InvalidInput(
            "报价一览表须包含至少16位随机数 nonce（防止由摘要反推报价）", code=c.ERR_BAD_SCHEDULE
        )
    return total


def _declaration_warnings(
    schedule: dict[str, Any], participation: Participation, window: SubmissionWindow
) -> list[str]:
    """The 中小企业声明函 in the schedule (46号 4): a value of the wrong kind is refused (422
    `bad_declaration`); an incomplete declaration is accepted — it only gets no SME measure —
    and the supplier is told why in the answer to its own submission. Nothing of it is stored
    or audited in the clear: the declaration is sealed with the schedule until the opening."""
    parsed, errors = rules.sme_declaration_parse(schedule.get("declarations"))
    if errors:
        raise InvalidInput(
            "中小企业声明函格式不正确：" + "；".join(errors[:5]),
            code=c.ERR_BAD_DECLARATION,
            detail={"errors": errors},
        )
    if window.kind != c.WindowKind.BID:
        return []
    declared = schedule.get("declarations") or {}
    claims = (
        parsed.present
        or parsed.prison_enterprise
        or parsed.disabled_welfare
        or declared.get("sme_size") in rules.SME_SIZES
    )
    check = rules.sme_declaration_check(parsed, object_kind=participation.project.object_kind)
    if not claims or check.complete:
        return []
    return [f"中小企业声明函不完整，不享受中小企业扶持政策：{r}" for r in check.reasons]


def bid_submit(
    *,
    actor: User,
    participation: Participation,
    window: SubmissionWindow,
    key_id: str,
    schedule: dict[str, Any],
    schedule_signature: str,
    files: list[FileIn],
    evidence_in: EvidenceIn | None = None,
) -> Submitted:
    """Seal and store one envelope; refuse at or after the deadline; verify every signature."""
    if actor.organization_id != participation.supplier_id:
        raise PermissionDenied("只能为本单位递交")
    if participation.status != c.ParticipationStatus.REGISTERED:
        raise Conflict("该供应商已不在本项目中", code=c.ERR_NOT_REGISTERED)
    credit_doors.require_clear(credit_doors.Activity.BID, organization=participation.supplier)
    if not rules.accepting(window.deadline, clock.now()):
        raise deadline_passed(window.deadline)
    key = SupplierKey.objects.filter(
        key_id=key_id, organization_id=participation.supplier_id, is_active=True
    ).first()
    if key is None:
        raise InvalidInput("签名公钥未登记或已停用", code=c.ERR_UNKNOWN_KEY)
    if not files and window.kind == c.WindowKind.BID:
        raise InvalidInput("请上传响应文件", code="no_files")
    if len(files) > c.MAX_FILES or len({f.name for f in files}) != len(files):
        raise InvalidInput("文件数量过多或文件名重复", code="bad_files")
    _validate_schedule(schedule)
    warnings = _declaration_warnings(schedule, participation, window)
    algo = crypto.DIGEST_FOR_SIGN[key.algo]
    cipher = crypto.CIPHER_FOR_SIGN[key.algo]
    schedule_bytes = canonical_schedule(schedule)
    documents: list[tuple[str, str, bytes, str]] = [
        (str(c.DocKind.SCHEDULE), SCHEDULE_NAME, schedule_bytes, schedule_signature)
    ]
    documents += [(str(c.DocKind.FILE), f.name, f.content, f.signature) for f in files]
    bad = []
    for _, name, data, sig in documents:
        if len(data) > c.MAX_FILE_BYTES:
            raise InvalidInput(f"文件过大：{name}", code="file_too_large")
        d = crypto.digest(data, algo)
        if not crypto.verify_signature(
            key.algo, key.public_key, crypto.signing_message(window.uid, name, d), sig
        ):
            bad.append(name)
    if bad:
        raise InvalidInput(
            "签名验证失败：签名须覆盖文件摘要", code=c.ERR_BAD_SIGNATURE, detail={"documents": bad}
        )
    # Seal outside the transaction (CPU); store ciphertext files before the row exists; a
    # refused row leaves only orphan ciphertext that nobody can open without the data key.
    bid_uid = uuid.uuid4().hex
    data_key = crypto.new_data_key(cipher)
    wrapped = crypto.wrap_key(bytes(window.opening_public), data_key, bid_uid.encode())
    stored: list[dict[str, Any]] = []
    for kind, name, data, sig in documents:
        aad = f"{bid_uid}|{name}".encode()
        blob = crypto.seal(cipher, data_key, data, aad)
        path = default_storage.save(
            f"bidding/{window.uid}/{bid_uid}/{secrets.token_hex(8)}.bin", ContentFile(blob)
        )
        meta: dict[str, str] = {}
        if kind == c.DocKind.FILE:  # sealed too; SHA-256 always, to compare across 国密/国际
            meta = {**evidence.metadata(name, data), "sha256": crypto.digest(data, "sha256")}
        stored.append(
            {
                "kind": kind,
                "name": name,
                "size": len(data),
                "digest_algo": algo,
                "digest": crypto.digest(data, algo),
                "signature": sig,
                "storage_name": path,
                "sealed_meta": crypto.seal(
                    cipher, data_key, json.dumps(meta).encode(), aad + b"|meta"
                ),
            }
        )
    del data_key
    try:
        submitted = _bid_store(
            actor=actor,
            participation=participation,
            window_pk=window.pk,
            key=key,
            cipher=cipher,
            bid_uid=bid_uid,
            wrapped=wrapped,
            stored=stored,
            evidence_in=evidence_in or EvidenceIn(),
        )
    except Exception:
        for doc in stored:
            default_storage.delete(doc["storage_name"])
        raise
    submitted.problems = warnings
    return submitted


@transaction.atomic
def _bid_store(
    *,
    actor: User,
    participation: Participation,
    window_pk: int,
    key: SupplierKey,
    cipher: str,
    bid_uid: str,
    wrapped: bytes,
    stored: list[dict[str, Any]],
    evidence_in: EvidenceIn,
) -> Submitted:
    window = SubmissionWindow.objects.select_for_update().get(pk=window_pk)
    now = clock.now()  # the time of record: read after the lock, inside the transaction
    if window.status != c.WindowStatus.OPEN or not rules.accepting(window.deadline, now):
        raise deadline_passed(window.deadline)
    # The participation's status as stored (an exclusion from the talks locks the same row).
    held = Participation.objects.select_for_update().filter(pk=participation.pk)
    if held.values_list("status", flat=True).first() != c.ParticipationStatus.REGISTERED:
        raise Conflict("该供应商已不在本项目中", code=c.ERR_NOT_REGISTERED)
    if Bid.objects.filter(
        participation=participation, window=window, status=c.BidStatus.SUBMITTED
    ).exists():
        raise Conflict("已有有效的密封投标；如需修改请先撤回", code=c.ERR_ALREADY_SUBMITTED)
    bid = Bid.objects.create(
        uid=bid_uid,
        participation=participation,
        window=window,
        status=c.BidStatus.SUBMITTED,
        key=key,
        cipher=cipher,
        wrapped_key=wrapped,
        submitted_by=actor,
        submitted_at=now,
    )
    BidDocument.objects.bulk_create([BidDocument(bid=bid, **doc) for doc in stored])
    if window.kind == c.WindowKind.BID:
        bond_withdrawal_refund_cancel(actor=actor, participation=participation)
    UploadEvidence.objects.create(
        bid=bid,
        ip=evidence_in.ip or None,
        fingerprint=evidence_in.fingerprint[:128],
        user_agent=evidence_in.user_agent[:300],
        recorded_at=now,
    )
    payload: dict[str, Any] = {
        "receipt_id": f"R{now:%Y%m%d%H%M%S}-{bid_uid[:12]}",
        "bid": bid_uid,
        "window": window.uid,
        "project_no": participation.project.project_no,
        "lot": participation.lot.number,
        "supplier": participation.supplier.name,
        "supplier_credit_code": participation.supplier.credit_code,
        "key_id": key.key_id,
        "received_at": now.isoformat(),
        "documents": [
            {"name": d["name"], "algo": d["digest_algo"], "digest": d["digest"], "size": d["size"]}
            for d in stored
        ],
    }
    receipt = Receipt.objects.create(
        receipt_id=payload["receipt_id"],
        bid=bid,
        payload=payload,
        signature=crypto.platform_sign(payload),
        issued_at=now,
    )
    audit_record(
        actor=actor,
        action="bidding.bid_submit",
        obj=bid,
        after={"receipt": receipt.receipt_id, "documents": payload["documents"]},
        ip=evidence_in.ip,
    )
    return Submitted(bid=bid, receipt=receipt)


@transaction.atomic
def bid_withdraw(*, actor: User, bid: Bid) -> Bid:
    """Withdraw a sealed envelope before the deadline: its ciphertext is deleted once the
    withdrawal commits (SEALING.md); a new envelope may then be submitted."""
    window = SubmissionWindow.objects.select_for_update().get(pk=bid.window_id)
    bid = BID.lock(bid)
    if actor.organization_id != bid.participation.supplier_id:
        raise PermissionDenied("只能撤回本单位的投标")
    if not rules.accepting(window.deadline, clock.now()):
        raise deadline_passed(window.deadline)
    bid = BID.move(
        bid,
        to=c.BidStatus.WITHDRAWN,
        actor=actor,
        action="bidding.bid_withdraw",
        withdrawn_at=clock.now(),
    )
    if window.kind == c.WindowKind.BID:  # 87号令 38: the bond is due back in 5 working days
        bond_withdrawal_refund(actor=actor, participation=bid.participation)
    paths = [d.storage_name for d in bid.documents.all()]

    def _delete() -> None:
        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(_delete)
    return bid
