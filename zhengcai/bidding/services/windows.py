"""Submission windows and their opening keys, and the opening custodian (SEALING.md)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction

from zhengcai.bidding import constants as c
from zhengcai.bidding import crypto, rules
from zhengcai.bidding.models import SubmissionWindow
from zhengcai.core import clock
from zhengcai.core.errors import Conflict, RuleViolation
from zhengcai.tenders.models import Project


def new_window(
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
                window = new_window(
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


def opening_private_key(window: SubmissionWindow) -> bytes:
    pk = bytes(window.opening_public)
    share = crypto.unseal(
        "aes-256-gcm",
        crypto.platform_kek(),
        bytes(window.sealed_share),
        b"opening-share|" + window.uid.encode() + pk,
    )
    return crypto.xor(share, CUSTODIAN.release(window))
