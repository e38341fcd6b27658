"""Writes of the bidding app. Each service checks the status through the TRANSITIONS table,
writes its audit entry and saves in one transaction (design §4 rules 2 and 8).

Audit entries never carry a price, a file or its metadata before the window is opened: they
name documents by digest and size only (SEALING.md)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import Organization, User
from zhengcai.bidding import constants as c
from zhengcai.bidding import crypto, evidence, rules
from zhengcai.bidding.client import SCHEDULE_NAME, canonical_schedule
from zhengcai.bidding.models import (
    Bid,
    BidBond,
    BidDocument,
    NegotiationRound,
    Objection,
    Opening,
    Participation,
    Receipt,
    SubmissionWindow,
    SupplierKey,
    UploadEvidence,
)
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders import rules as tender_rules
from zhengcai.tenders.models import Lot, Project


def _transition(table: dict[str, set[str]], current: str, to: str) -> None:
    if to not in table.get(current, set()):
        raise Conflict(
            f"当前状态（{current}）不能变更为 {to}",
            code=c.ERR_BAD_TRANSITION,
            detail={"from": current, "to": to},
        )


def _deadline_passed(deadline: dt.datetime) -> RuleViolation:
    return RuleViolation(
        "已过递交截止时间，平台拒收（87号令 33）",
        code=c.ERR_DEADLINE_PASSED,
        detail={"deadline": deadline.isoformat(), "server_time": clock.now().isoformat()},
        status=409,
    )


# --- supplier keys ------------------------------------------------------------------------------


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


# --- windows and their opening keys --------------------------------------------------------------


def _new_window(
    *, project: Project, kind: str, round_no: int, deadline: dt.datetime
) -> SubmissionWindow:
    uid = uuid.uuid4().hex
    sk, pk = crypto.new_opening_keypair()
    sealed_deadline = deadline.astimezone(clock.SHANGHAI).isoformat()
    share = crypto.xor(sk, crypto.custodian_pad(uid, pk, sealed_deadline))
    sealed = crypto.seal(
        "aes-256-gcm", crypto.platform_kek(), share, b"opening-share|" + uid.encode() + pk
    )
    del sk
    return SubmissionWindow.objects.create(
        uid=uid,
        project=project,
        kind=kind,
        round_no=round_no,
        deadline=deadline,
        opening_public=pk,
        sealed_share=sealed,
        sealed_deadline=sealed_deadline,
        created_at=clock.now(),
    )


def bid_window(project: Project) -> SubmissionWindow:
    """The project's bid window, made on first use with the project's deadline. A later
    extension of `bid_deadline` (clarifications) moves the window's deadline on; the custodian
    still never releases the key before the deadline it was made with."""
    window = SubmissionWindow.objects.filter(project=project, kind=c.WindowKind.BID).first()
    if window is None:
        if project.bid_deadline is None:
            raise Conflict("项目尚未设定投标截止时间", code="no_deadline")
        try:
            with transaction.atomic():
                window = _new_window(
                    project=project,
                    kind=c.WindowKind.BID,
                    round_no=0,
                    deadline=project.bid_deadline,
                )
        except IntegrityError:
            window = SubmissionWindow.objects.get(project=project, kind=c.WindowKind.BID)
    elif (
        window.status == c.WindowStatus.OPEN
        and project.bid_deadline is not None
        and project.bid_deadline > window.deadline
        and rules.accepting(window.deadline, clock.now())
    ):
        SubmissionWindow.objects.filter(pk=window.pk).update(deadline=project.bid_deadline)
        window.deadline = project.bid_deadline
    return window


class Custodian:
    """The opening service's half of each opening key. It answers only from the deadline on,
    by the server clock, for the deadline the key was bound to (SEALING.md). Deployments may
    replace `release` with a call to a separate process or an HSM holding the custodian key."""

    def release(self, window: SubmissionWindow) -> bytes:
        now = clock.now()
        bound = dt.datetime.fromisoformat(window.sealed_deadline)
        if rules.accepting(bound, now) or rules.accepting(window.deadline, now):
            raise RuleViolation(
                "未到截止时间，开标密钥不予释放",
                code=c.ERR_DEADLINE_NOT_REACHED,
                detail={"deadline": window.deadline.isoformat()},
                status=409,
            )
        return crypto.custodian_pad(
            window.uid, bytes(window.opening_public), window.sealed_deadline
        )


CUSTODIAN = Custodian()


def _opening_private_key(window: SubmissionWindow) -> bytes:
    pk = bytes(window.opening_public)
    share = crypto.unseal(
        "aes-256-gcm",
        crypto.platform_kek(),
        bytes(window.sealed_share),
        b"opening-share|" + window.uid.encode() + pk,
    )
    return crypto.xor(share, CUSTODIAN.release(window))


# --- participation and bonds ---------------------------------------------------------------------


@transaction.atomic
def participation_register(*, actor: User, lot: Lot) -> Participation:
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以报名")
    project = lot.project
    if project.bid_deadline is None or not rules.accepting(project.bid_deadline, clock.now()):
        raise _deadline_passed(project.bid_deadline or clock.now())
    existing = Participation.objects.filter(lot=lot, supplier=actor.organization).first()
    if existing is not None:
        return existing
    part = Participation.objects.create(
        project=project,
        lot=lot,
        supplier=actor.organization,
        registered_by=actor,
        registered_at=clock.now(),
    )
    audit_record(actor=actor, action="bidding.participation_register", obj=part)
    return part


@transaction.atomic
def bond_record(
    *,
    actor: User,
    participation: Participation,
    amount: Decimal,
    form: str = "保函",
    payer_account: str = "",
    sme_size: str = "",
    special: str = "",
) -> BidBond:
    """Record the supplier's bid security (条例 33: never above 2% of the budget)."""
    lot = participation.lot
    cap = rules.bond_cap(lot.budget)
    if amount > cap:
        raise RuleViolation(
            f"投标保证金不得超过采购预算的2%（{cap} 元）",
            code=c.ERR_BOND_TOO_HIGH,
            detail={"article": "条例 33", "cap": str(cap)},
        )
    required = rules.bond_required(
        lot.bid_bond_amount, lot.budget, sme_size=sme_size, special=special
    )
    status = c.BondStatus.NOT_REQUIRED if required == 0 and amount == 0 else c.BondStatus.PAID
    bond, _ = BidBond.objects.update_or_create(
        participation=participation,
        defaults={
            "status": status,
            "required_amount": required,
            "amount": amount,
            "form": form[:20],
            "payer_account": payer_account[:60],
            "paid_at": clock.now() if status == c.BondStatus.PAID else None,
            "exemption": "" if required == lot.bid_bond_amount else f"{sme_size or special} 减免 ⚠",
        },
    )
    audit_record(
        actor=actor,
        action="bidding.bond_record",
        obj=bond,
        after={"amount": amount, "required": required, "status": status},
    )
    return bond


def bond_refund_schedule(*, bond: BidBond, event_day: dt.date) -> BidBond:
    bond.refund_due = rules.bond_refund_due(WorkCalendar.load(), event_day)
    bond.save(update_fields=["refund_due"])
    return bond


def _require_bond_officer(actor: User, project: Project) -> None:
    """Bid security is refunded by the purchaser or its agency (条例 33; 87号令 38)."""
    if actor.role == Role.AGENCY and actor.organization_id == project.agency_id:
        return
    if actor.role == Role.PURCHASER and actor.organization_id == project.purchaser_id:
        return
    raise PermissionDenied("只有本项目的采购人或代理机构可以办理保证金", code=c.ERR_BOND_OFFICER)


@transaction.atomic
def bond_refund(*, actor: User, bond: BidBond) -> BidBond:
    bond = (
        BidBond.objects.select_for_update().select_related("participation__project").get(pk=bond.pk)
    )
    _require_bond_officer(actor, bond.participation.project)
    _transition(c.BOND_TRANSITIONS, bond.status, c.BondStatus.REFUNDED)
    bond.status = c.BondStatus.REFUNDED
    bond.refunded_at = clock.now()
    bond.save(update_fields=["status", "refunded_at"])
    audit_record(actor=actor, action="bidding.bond_refund", obj=bond)
    return bond


# --- sealed submission ---------------------------------------------------------------------------


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
    if not rules.accepting(window.deadline, clock.now()):
        raise _deadline_passed(window.deadline)
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
        return _bid_store(
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
        raise _deadline_passed(window.deadline)
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
    window = SubmissionWindow.objects.select_for_update().get(pk=bid.window_id)
    bid = Bid.objects.select_for_update().get(pk=bid.pk)
    if actor.organization_id != bid.participation.supplier_id:
        raise PermissionDenied("只能撤回本单位的投标")
    if not rules.accepting(window.deadline, clock.now()):
        raise _deadline_passed(window.deadline)
    _transition(c.BID_TRANSITIONS, bid.status, c.BidStatus.WITHDRAWN)
    bid.status = c.BidStatus.WITHDRAWN
    bid.withdrawn_at = clock.now()
    bid.save(update_fields=["status", "withdrawn_at"])
    paths = [d.storage_name for d in bid.documents.all()]

    def _delete() -> None:
        for path in paths:
            default_storage.delete(path)

    transaction.on_commit(_delete)
    audit_record(actor=actor, action="bidding.bid_withdraw", obj=bid)
    return bid


# --- opening -------------------------------------------------------------------------------------


@dataclass
class OpeningResult:
    """What the opening led to. `outcome` is for the tenders project status: `opened` →
    OPENED; `terminate` → FAILED/TERMINATED and procure again; `needs_method_change` → FAILED
    with an approved change of method required (87号令 43; 74号令 27 ¶2)."""

    opening: Opening
    outcome: str
    count: int
    minimum: int
    flagged: list[str] = field(default_factory=list)


def _require_agency(actor: User, project: Project) -> None:
    if actor.role != Role.AGENCY or actor.organization_id != project.agency_id:
        raise PermissionDenied("只有本项目的代理机构可以主持开标")


def _open_bid(bid: Bid, sk: bytes) -> list[str]:
    problems: list[str] = []
    data_key = crypto.unwrap_key(sk, bytes(bid.wrapped_key), bid.uid.encode())
    for doc in bid.documents.all():
        aad = f"{bid.uid}|{doc.name}".encode()
        ok = True
        try:
            with default_storage.open(doc.storage_name, "rb") as fh:
                plain = crypto.unseal(bid.cipher, data_key, fh.read(), aad)
        except (crypto.CryptoError, FileNotFoundError, OSError):
            problems.append(f"{doc.name}：密文损坏或缺失")
            doc.verified = False
            doc.save(update_fields=["verified"])
            continue
        d = crypto.digest(plain, doc.digest_algo)
        if d != doc.digest:
            problems.append(f"{doc.name}：文件与递交时的摘要不一致")
            ok = False
        elif not crypto.verify_signature(
            bid.key.algo,
            bid.key.public_key,
            crypto.signing_message(bid.window.uid, doc.name, d),
            doc.signature,
        ):
            problems.append(f"{doc.name}：签名验证失败")
            ok = False
        if doc.sealed_meta:
            try:
                doc.meta = json.loads(
                    crypto.unseal(bid.cipher, data_key, bytes(doc.sealed_meta), aad + b"|meta")
                )
            except crypto.CryptoError:
                doc.meta = {}
        doc.verified = ok
        doc.save(update_fields=["verified", "meta"])
        if doc.kind == c.DocKind.SCHEDULE and ok:
            bid.schedule = json.loads(plain)
            bid.total_price = Decimal(str(bid.schedule["total_price"]))
    bid.opened_key_sealed = crypto.seal(
        "aes-256-gcm", crypto.platform_kek(), data_key, b"opened|" + bid.uid.encode()
    )
    bid.problems = problems
    bid.status = c.BidStatus.FLAGGED if problems else c.BidStatus.OPENED
    bid.save(update_fields=["schedule", "total_price", "opened_key_sealed", "problems", "status"])
    return problems


def _record(window: SubmissionWindow, opening: Opening) -> dict[str, Any]:
    rows = []
    bids = (
        window.bids.filter(status__in=[c.BidStatus.OPENED, c.BidStatus.FLAGGED])
        .select_related("participation__supplier", "participation__lot", "receipt")
        .order_by("participation__lot__number", "submitted_at")
    )
    for bid in bids:
        sched = bid.schedule or {}
        decl = sched.get("declarations") or {}
        bond = BidBond.objects.filter(participation=bid.participation).first()
        rows.append(
            {
                "lot": bid.participation.lot.number,
                "supplier": bid.participation.supplier.name,
                "credit_code": bid.participation.supplier.credit_code,
                "receipt": bid.receipt.receipt_id,
                "submitted_at": bid.submitted_at.astimezone(clock.SHANGHAI).isoformat(),
                "total_price": str(bid.total_price) if bid.total_price is not None else None,
                "discount": str(sched.get("discount", "")),
                "delivery": str(sched.get("delivery", "")),
                "bond": bond.status if bond else c.BondStatus.NOT_REQUIRED,
                "bond_amount": str(bond.amount) if bond else "0.00",
                "sme_size": str(decl.get("sme_size", "")),
                "prison_enterprise": bool(decl.get("prison_enterprise", False)),
                "disabled_welfare": bool(decl.get("disabled_welfare", False)),
                "problems": bid.problems,
            }
        )
    project = window.project
    return {
        "project_no": project.project_no,
        "project": project.name,
        "method": project.method,
        "window": window.uid,
        "kind": window.kind,
        "round": window.round_no,
        "deadline": window.deadline.astimezone(clock.SHANGHAI).isoformat(),
        "opened_at": opening.started_at.astimezone(clock.SHANGHAI).isoformat(),
        "bidders": rows,
    }


def _project_status(actor: User, project: Project, outcome: str) -> None:
    """Move the tenders project: close bidding if the timed task has not yet, then OPENED, or
    FAILED with the outcome (terminate / needs_method_change) for the project to act on."""
    from zhengcai.tenders import services as tender_services
    from zhengcai.tenders.constants import ProjectStatus

    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status == ProjectStatus.PUBLISHED:
        tender_services.project_deadline_reached(project)
        project.refresh_from_db()
    if project.status != ProjectStatus.BIDDING_CLOSED:
        return
    to = ProjectStatus.OPENED if outcome == c.OpeningOutcome.OPENED else ProjectStatus.FAILED
    tender_services.project_transition(
        actor=actor, project=project, to_status=to, opening_outcome=outcome
    )


@transaction.atomic
def opening_start(*, actor: User, window: SubmissionWindow) -> OpeningResult:
    """开标: from the deadline on, by the server clock. Counts the live envelopes; fewer than
    the method's minimum → not opened (the statutory outcome is returned); otherwise every
    envelope is decrypted and checked and the opening record is generated."""
    project = window.project
    _require_agency(actor, project)
    window = SubmissionWindow.objects.select_for_update().get(pk=window.pk)
    now = clock.now()
    if rules.accepting(window.deadline, now):
        raise RuleViolation(
            "未到截止时间，不能开标",
            code=c.ERR_DEADLINE_NOT_REACHED,
            detail={"deadline": window.deadline.isoformat(), "server_time": now.isoformat()},
            status=409,
        )
    cfg = project.method_config
    if window.kind == c.WindowKind.BID and not cfg.has_opening:
        # Methods without a public opening still open their envelopes, only to the panel.
        pass
    live = list(
        window.bids.filter(status=c.BidStatus.SUBMITTED).select_related(
            "key", "window", "participation"
        )
    )
    # 2 instead of 3 for a 竞争性磋商 on a recorded basis (214号 21 ¶3; 财库〔2015〕124号).
    minimum = tender_rules.min_suppliers_to_open(cfg, project.two_supplier_basis)
    if window.kind == c.WindowKind.FINAL_QUOTE:
        minimum = tender_rules.min_suppliers_to_continue(cfg, project.two_supplier_basis)
    outcome = rules.opening_outcome(len(live), minimum, project.method)
    if window.kind == c.WindowKind.BID:
        _project_status(actor, project, outcome)
    if outcome != c.OpeningOutcome.OPENED:
        _transition(c.WINDOW_TRANSITIONS, window.status, c.WindowStatus.FAILED)
        window.status = c.WindowStatus.FAILED
        window.save(update_fields=["status"])
        opening = Opening.objects.create(
            window=window,
            status=c.OpeningStatus.NOT_OPENED,
            outcome=outcome,
            started_by=actor,
            started_at=now,
            record={"count": len(live), "minimum": minimum, "outcome": outcome},
        )
        audit_record(
            actor=actor,
            action="bidding.opening_not_opened",
            obj=opening,
            after={"count": len(live), "minimum": minimum, "outcome": outcome},
        )
        return OpeningResult(opening, outcome, len(live), minimum)
    sk = _opening_private_key(window)
    _transition(c.WINDOW_TRANSITIONS, window.status, c.WindowStatus.OPENED)
    window.status = c.WindowStatus.OPENED
    window.save(update_fields=["status"])
    flagged = []
    for bid in live:
        if _open_bid(bid, sk):
            flagged.append(bid.uid)
    del sk
    opening = Opening(
        window=window,
        status=c.OpeningStatus.IN_SESSION,
        outcome=outcome,
        started_by=actor,
        started_at=now,
    )
    opening.record = _record(window, opening)
    opening.save()
    audit_record(
        actor=actor,
        action="bidding.opening_start",
        obj=opening,
        after={"count": len(live), "flagged": flagged},
    )
    return OpeningResult(opening, outcome, len(live), minimum, flagged)


@transaction.atomic
def objection_raise(*, actor: User, opening: Opening, text: str) -> Objection:
    opening = Opening.objects.select_for_update().get(pk=opening.pk)
    if opening.status != c.OpeningStatus.IN_SESSION:
        raise Conflict("开标记录已签署，异议环节已结束", code=c.ERR_OBJECTION_CLOSED)
    if not opening.window.bids.filter(participation__supplier_id=actor.organization_id).exists():
        raise PermissionDenied("只有本次开标的投标人可以提出异议")
    text = text.strip()
    if not text or actor.organization is None:
        raise InvalidInput("请填写异议内容", code="empty")
    obj = Objection.objects.create(
        opening=opening,
        supplier=actor.organization,
        raised_by=actor,
        text=text[:2000],
        raised_at=clock.now(),
    )
    audit_record(actor=actor, action="bidding.objection_raise", obj=obj, after={"text": obj.text})
    return obj


@transaction.atomic
def objection_answer(*, actor: User, objection: Objection, answer: str) -> Objection:
    _require_agency(actor, objection.opening.window.project)
    if objection.opening.status != c.OpeningStatus.IN_SESSION:
        raise Conflict("开标记录已签署", code=c.ERR_OBJECTION_CLOSED)
    if not answer.strip():
        raise InvalidInput("请填写答复", code="empty")
    objection.answer = answer.strip()[:2000]
    objection.answered_by = actor
    objection.answered_at = clock.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(actor=actor, action="bidding.objection_answer", obj=objection)
    return objection


@transaction.atomic
def opening_sign(*, actor: User, opening: Opening) -> Opening:
    """The agency confirms; the platform signs the record (with objections and answers); the
    record is immutable from then on (no service changes a signed opening)."""
    opening = Opening.objects.select_for_update().get(pk=opening.pk)
    _require_agency(actor, opening.window.project)
    _transition(c.OPENING_TRANSITIONS, opening.status, c.OpeningStatus.SIGNED)
    if opening.objections.filter(answered_at__isnull=True).exists():
        raise Conflict("尚有未答复的异议", code=c.ERR_UNANSWERED_OBJECTIONS)
    now = clock.now()
    record = dict(opening.record)
    record["objections"] = [
        {
            "supplier": o.supplier.name,
            "text": o.text,
            "answer": o.answer,
            "raised_at": o.raised_at.astimezone(clock.SHANGHAI).isoformat(),
        }
        for o in opening.objections.select_related("supplier")
    ]
    record["confirmed_by"] = actor.get_full_name()
    record["confirmed_at"] = now.isoformat()
    opening.record = record
    opening.record_digest = crypto.digest(crypto.canonical_json(record), "sha256")
    opening.platform_signature = crypto.platform_sign(record)
    opening.status = c.OpeningStatus.SIGNED
    opening.confirmed_by = actor
    opening.confirmed_at = now
    opening.save()
    audit_record(
        actor=actor,
        action="bidding.opening_sign",
        obj=opening,
        after={"digest": opening.record_digest},
    )
    return opening


def document_plaintext(doc: BidDocument) -> bytes:
    """A document of an opened bid (after the opening only: the data key exists under the KEK
    only once the opening unwrapped it)."""
    bid = doc.bid
    if not bid.opened_key_sealed:
        raise PermissionDenied("投标文件在开标前处于加密状态", code=c.ERR_SEALED)
    key = crypto.unseal(
        "aes-256-gcm",
        crypto.platform_kek(),
        bytes(bid.opened_key_sealed),
        b"opened|" + bid.uid.encode(),
    )
    with default_storage.open(doc.storage_name, "rb") as fh:
        return crypto.unseal(bid.cipher, key, fh.read(), f"{bid.uid}|{doc.name}".encode())


# --- negotiation rounds and final quotations -----------------------------------------------------


@transaction.atomic
def round_create(
    *, actor: User, lot: Lot, changes: str, final_deadline: dt.datetime | None = None
) -> NegotiationRound:
    """Record a round's requirement changes sent to every remaining supplier (74号令 32;
    214号 18). With `final_deadline`, the round closes talks and invites sealed final
    quotations (最后报价), opened together after that deadline."""
    project = lot.project
    _require_agency(actor, project)
    if not project.method_config.has_negotiation_rounds:
        raise RuleViolation("该采购方式没有谈判/磋商轮次", code="no_rounds")
    if not changes.strip():
        raise InvalidInput("请填写本轮需求变更内容", code="empty")
    number = NegotiationRound.objects.filter(lot=lot).count() + 1
    remaining = list(
        Participation.objects.filter(lot=lot, status=c.ParticipationStatus.REGISTERED)
        .order_by("pk")
        .values_list("supplier_id", flat=True)
    )
    window = None
    if final_deadline is not None:
        if not rules.accepting(final_deadline, clock.now()):
            raise InvalidInput("最后报价截止时间须晚于当前时间", code="bad_deadline")
        if not project.method_config.has_final_quotations:
            raise RuleViolation("该采购方式没有最后报价环节", code="no_final_quotes")
        used = SubmissionWindow.objects.filter(project=project, kind=c.WindowKind.FINAL_QUOTE)
        window = _new_window(
            project=project,
            kind=c.WindowKind.FINAL_QUOTE,
            round_no=used.count() + 1,
            deadline=final_deadline,
        )
    rnd = NegotiationRound.objects.create(
        project=project,
        lot=lot,
        number=number,
        changes=changes.strip(),
        recipients=remaining,
        final_window=window,
        created_by=actor,
        created_at=clock.now(),
    )
    audit_record(
        actor=actor,
        action="bidding.round_create",
        obj=rnd,
        after={"number": number, "recipients": remaining, "final": bool(window)},
    )
    return rnd


@transaction.atomic
def participation_eliminate(
    *, actor: User, participation: Participation, reason: str
) -> Participation:
    _require_agency(actor, participation.project)
    current = Participation.objects.select_for_update().get(pk=participation.pk)
    _transition(c.PARTICIPATION_TRANSITIONS, current.status, c.ParticipationStatus.ELIMINATED)
    reason = reason.strip()
    if not reason:  # the supplier is told why (74号令 32 ⚠: 书面通知)
        raise InvalidInput("请填写淘汰理由（将告知该供应商）", code=c.ERR_REASON_REQUIRED)
    participation.status = c.ParticipationStatus.ELIMINATED
    participation.eliminated_reason = reason[:2000]
    participation.eliminated_at = clock.now()
    participation.save(update_fields=["status", "eliminated_reason", "eliminated_at"])
    audit_record(
        actor=actor,
        action="bidding.participation_eliminate",
        obj=participation,
        after={"reason": reason},
    )
    return participation


def supplier_org(user: User) -> Organization | None:
    return user.organization if user.role == Role.SUPPLIER else None


# --- rounds as the web pages run them; final quotations; bonds after award and contract -------


@transaction.atomic
def round_open(
    *,
    actor: User,
    lot: Lot,
    changes: str,
    purchaser_rep: str,
    final_deadline: dt.datetime | None = None,
) -> NegotiationRound:
    """A round of 谈判/磋商 as the agency records it for the panel: talks start once the
    responses are opened; the panel may change only technical and service requirements and
    contract terms, each change confirmed by the 采购人代表 (74号令 32; 214号 18 ⚠); the
    changes go in writing to every supplier still in the talks (the round's `recipients`).
    With `final_deadline` the round ends the talks and invites sealed final quotations
    (74号令 33; 214号 21)."""
    project = lot.project
    _require_agency(actor, project)
    rep = purchaser_rep.strip()
    if not rep:
        raise InvalidInput(
            "需求变更须经采购人代表确认（74号令 32；214号 18），请填写确认人",
            code=c.ERR_REP_REQUIRED,
        )
    opened = SubmissionWindow.objects.filter(
        project=project, kind=c.WindowKind.BID, status=c.WindowStatus.OPENED
    ).exists()
    if not opened:
        raise Conflict("响应文件开启后方可开始谈判/磋商", code=c.ERR_RESPONSES_NOT_OPENED)
    if not Participation.objects.filter(lot=lot, status=c.ParticipationStatus.REGISTERED).exists():
        raise Conflict("本包已没有继续参加谈判/磋商的供应商", code=c.ERR_NO_REMAINING)
    if final_deadline is not None:
        pending = SubmissionWindow.objects.filter(
            project=project, kind=c.WindowKind.FINAL_QUOTE, status=c.WindowStatus.OPEN
        )
        if pending.exists():
            raise Conflict("上一轮最后报价尚未开启", code=c.ERR_FINAL_PENDING)
    rnd = round_create(actor=actor, lot=lot, changes=changes, final_deadline=final_deadline)
    rnd.purchaser_rep = rep[:60]
    rnd.save(update_fields=["purchaser_rep"])
    audit_record(
        actor=actor,
        action="bidding.round_confirm",
        obj=rnd,
        after={"purchaser_rep": rnd.purchaser_rep, "recipients": rnd.recipients},
    )
    return rnd


def final_quote_submit(
    *,
    actor: User,
    rnd: NegotiationRound,
    participation: Participation,
    key_id: str,
    schedule: dict[str, Any],
    schedule_signature: str,
    files: list[FileIn],
    evidence_in: EvidenceIn | None = None,
) -> Submitted:
    """A sealed final quotation (最后报价) into the round's window: only a supplier the round
    was sent to, still in the talks, for the round's lot (74号令 33; 214号 21). Sealing,
    signatures and the deadline are those of `bid_submit` (SEALING.md)."""
    if rnd.final_window is None:
        raise Conflict("本轮未要求提交最后报价", code=c.ERR_NO_FINAL_WINDOW)
    if participation.lot_id != rnd.lot_id or participation.supplier_id not in rnd.recipients:
        raise PermissionDenied("本轮最后报价邀请未发送给该供应商", code=c.ERR_NOT_INVITED)
    return bid_submit(
        actor=actor,
        participation=participation,
        window=rnd.final_window,
        key_id=key_id,
        schedule=schedule,
        schedule_signature=schedule_signature,
        files=files,
        evidence_in=evidence_in,
    )


@transaction.atomic
def bond_contract_signed(
    *, actor: User, lot: Lot, supplier: Organization, signed_on: dt.date
) -> BidBond:
    """Record the day the winner signed the contract and schedule its bid security refund:
    5 working days after the contract is signed (条例 33; 87号令 38). The unsuccessful
    suppliers' refunds run from the award notice (`bond_refund_schedule`, called when the
    award is confirmed)."""
    from zhengcai.tenders.constants import ProjectStatus

    project = lot.project
    _require_bond_officer(actor, project)
    if project.status != ProjectStatus.AWARDED:
        raise Conflict("项目确定中标（成交）后方可登记合同签订", code=c.ERR_NOT_AWARDED)
    if signed_on > clock.today():
        raise InvalidInput("合同签订日不能晚于今天", code="date_invalid")
    bond = (
        BidBond.objects.select_for_update()
        .filter(participation__lot=lot, participation__supplier=supplier)
        .first()
    )
    if bond is None or bond.status != c.BondStatus.PAID:
        raise Conflict("该供应商没有待退还的投标保证金", code=c.ERR_NO_BOND)
    if bond.contract_signed_on is not None:
        raise Conflict("已登记合同签订日", code=c.ERR_ALREADY_SIGNED)
    bond.contract_signed_on = signed_on
    bond.save(update_fields=["contract_signed_on"])
    bond_refund_schedule(bond=bond, event_day=signed_on)
    audit_record(
        actor=actor,
        action="bidding.bond_contract_signed",
        obj=bond,
        after={
            "supplier": supplier.pk,
            "signed_on": signed_on.isoformat(),
            "refund_due": bond.refund_due.isoformat() if bond.refund_due else None,
        },
    )
    return bond
