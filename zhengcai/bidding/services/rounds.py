"""谈判/磋商 rounds: requirement changes in writing to every supplier still in the talks, and
the sealed final quotations (最后报价) a round may invite (74号令 32–33; 214号 18, 21)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.bidding import constants as c
from zhengcai.bidding import rules
from zhengcai.bidding.models import NegotiationRound, Participation, SubmissionWindow
from zhengcai.bidding.services.common import require_agency
from zhengcai.bidding.services.submission import EvidenceIn, FileIn, Submitted, bid_submit
from zhengcai.bidding.services.windows import new_window
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.tenders.models import Lot


@transaction.atomic
def round_create(
    *, actor: User, lot: Lot, changes: str, final_deadline: dt.datetime | None = None
) -> NegotiationRound:
    """Record a round's requirement changes sent to every remaining supplier (74号令 32;
    214号 18). With `final_deadline`, the round closes talks and invites sealed final
    quotations (最后报价), opened together after that deadline."""
    project = lot.project
    require_agency(actor, project)
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
        window = new_window(
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
    require_agency(actor, project)
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
