"""开标: opening a window from its deadline on (or not, with too few envelopes), the bidders'
objections and their answers, the platform-signed record; reading an opened document."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.bidding import constants as c
from zhengcai.bidding import crypto, rules
from zhengcai.bidding.models import (
    Bid,
    BidBond,
    BidDocument,
    NegotiationRound,
    Objection,
    Opening,
    SubmissionWindow,
)
from zhengcai.bidding.services.bonds import (
    bonds_schedule_for_lot_end,
    bonds_schedule_for_project_end,
)
from zhengcai.bidding.services.common import require_agency
from zhengcai.bidding.services.machines import BID, OPENING, WINDOW
from zhengcai.bidding.services.windows import opening_private_key
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.tenders import rules as tender_rules
from zhengcai.tenders.models import Project


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


def _open_bid(bid: Bid, sk: bytes, actor: User) -> list[str]:
    """Decrypt one envelope, re-check every digest and signature, reveal its metadata, keep
    its data key under the KEK for the evaluators, and move it to 已开启 (or 校验异常)."""
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
    # Set on the row, not passed as changes: the sealed key and the schedule stay out of the
    # audit entry (the record of the opening carries what is read out).
    bid.opened_key_sealed = crypto.seal(
        "aes-256-gcm", crypto.platform_kek(), data_key, b"opened|" + bid.uid.encode()
    )
    bid.problems = problems
    BID.move(
        bid,
        to=c.BidStatus.FLAGGED if problems else c.BidStatus.OPENED,
        actor=actor,
        audit={"problems": problems},
    )
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


def _refund_after_failure(actor: User, window: SubmissionWindow) -> None:
    """Too few envelopes: the procurement (of the project, or of the round's lot for final
    quotations) fails, and the bonds held are due back within 5 working days (87号令 43, 29 ⚠;
    74号令 37)."""
    today = clock.today()
    if window.kind == c.WindowKind.BID:
        bonds_schedule_for_project_end(
            project=window.project, reason=c.RefundReason.FAILED, day=today, actor=actor
        )
        return
    rnd = NegotiationRound.objects.filter(final_window=window).select_related("lot").first()
    if rnd is not None:
        bonds_schedule_for_lot_end(
            lot=rnd.lot, reason=c.RefundReason.FAILED, day=today, actor=actor
        )


@transaction.atomic
def opening_start(*, actor: User, window: SubmissionWindow) -> OpeningResult:
    """开标: from the deadline on, by the server clock. Counts the live envelopes; fewer than
    the method's minimum → not opened (the statutory outcome is returned); otherwise every
    envelope is decrypted and checked and the opening record is generated. Methods without a
    public opening still open their envelopes this way, only to the panel."""
    project = window.project
    require_agency(actor, project)
    window = WINDOW.lock(window)
    now = clock.now()
    if rules.accepting(window.deadline, now):
        raise RuleViolation(
            "未到截止时间，不能开标",
            code=c.ERR_DEADLINE_NOT_REACHED,
            detail={"deadline": window.deadline.isoformat(), "server_time": now.isoformat()},
            status=409,
        )
    cfg = project.method_config
    live = list(
        window.bids.filter(status=c.BidStatus.SUBMITTED).select_related(
            "key", "window", "participation"
        )
    )
    # 2 instead of 3 for a 竞争性磋商 on a recorded basis (214号 21 ¶3; 财库〔2015〕124号).
    minimum = tender_rules.min_suppliers_to_open(cfg, project.two_supplier_basis)
    if window.kind == c.WindowKind.FINAL_QUOTE:
        minimum = tender_rules.min_suppliers_to_continue(cfg, project.two_supplier_basis)
    outcome = rules.opening_outcome(
        len(live), minimum, two_may_change_method=cfg.two_bidders_may_change_method
    )
    if window.kind == c.WindowKind.BID:
        _project_status(actor, project, outcome)
    summary = {"count": len(live), "minimum": minimum, "outcome": outcome}
    if outcome != c.OpeningOutcome.OPENED:
        WINDOW.move(window, to=c.WindowStatus.FAILED, actor=actor, audit=summary)
        opening = Opening.objects.create(
            window=window,
            status=c.OpeningStatus.NOT_OPENED,
            outcome=outcome,
            started_by=actor,
            started_at=now,
            record=summary,
        )
        audit_record(actor=actor, action="bidding.opening_not_opened", obj=opening, after=summary)
        _refund_after_failure(actor, window)
        return OpeningResult(opening, outcome, len(live), minimum)
    sk = opening_private_key(window)
    WINDOW.move(window, to=c.WindowStatus.OPENED, actor=actor, audit=summary)
    flagged = []
    for bid in live:
        if _open_bid(bid, sk, actor):
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
    require_agency(actor, objection.opening.window.project)
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
    record is immutable from then on (a signed opening has no transition out)."""
    opening = OPENING.lock(opening)
    require_agency(actor, opening.window.project)
    OPENING.check(opening, c.OpeningStatus.SIGNED)
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
    # The record itself is signed, not copied into the audit entry (its digest is).
    opening.record = record
    opening.record_digest = crypto.digest(crypto.canonical_json(record), "sha256")
    opening.platform_signature = crypto.platform_sign(record)
    opening.confirmed_by = actor
    opening.confirmed_at = now
    return OPENING.move(
        opening,
        to=c.OpeningStatus.SIGNED,
        actor=actor,
        action="bidding.opening_sign",
        audit={"digest": opening.record_digest},
    )


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
