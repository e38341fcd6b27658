"""Scores (87号令 55), deviation flags (87号令 64) and abnormally low prices (87号令 60)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import rules
from zhengcai.evaluation.machines import EVALUATION, FLAG
from zhengcai.evaluation.models import (
    Evaluation,
    Flag,
    ReviewedBid,
    Score,
)
from zhengcai.evaluation.services.common import (
    CENT,
    S,
    _active,
    _lock,
    _require_chair,
    _require_status,
    _text,
    _working_member,
)
from zhengcai.evaluation.services.review import _abnormal

# --- scoring -------------------------------------------------------------------------------------


def _as_decimal(value: Any, what: str) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError) as e:
        raise InvalidInput(f"「{what}」的分值不是有效数字", code=c.ERR_SCORE_INVALID) from e
    if not d.is_finite():
        raise InvalidInput(f"「{what}」的分值不是有效数字", code=c.ERR_SCORE_INVALID)
    return d


@transaction.atomic
def score_submit(
    *,
    actor: User,
    reviewed_bid: ReviewedBid,
    scores: Mapping[str, Decimal | str | int],
    notes: Mapping[str, str] | None = None,
) -> list[Score]:
    """A member's sheet for one bid: every non-price factor, 0 ≤ score ≤ its points (87号令
    55); the price score is computed, never entered. While flags are open (CONCLUDING) a
    member may re-submit the flagged factors only (87号令 64)."""
    rb = ReviewedBid.objects.get(pk=reviewed_bid.pk)
    ev = _lock(rb.evaluation)
    _require_status(ev, S.SCORING, S.CONCLUDING)
    member = _working_member(actor, ev)
    if not rb.valid:
        raise Conflict("无效投标不参加详细评审", code=c.ERR_INVALID_BID)
    factors = {str(f["name"]): f for f in ev.subjective_factors}
    price = ev.price_factor
    if not isinstance(scores, Mapping) or not scores:
        raise InvalidInput("请填写评分", code=c.ERR_SCORE_INVALID)
    for name in scores:
        if price is not None and name == price.get("name"):
            raise InvalidInput("价格分由系统计算，不能录入（87号令 55）", code=c.ERR_SCORE_INVALID)
        if name not in factors:
            raise InvalidInput(f"评分因素「{name}」不存在", code=c.ERR_SCORE_INVALID)
    if ev.status == S.SCORING:
        missing = sorted(set(factors) - set(scores))
        if missing:
            raise InvalidInput(
                "须对每一项评分因素打分", code=c.ERR_SCORE_INVALID, detail={"missing": missing}
            )
    else:
        open_factors = set(
            ev.flags.filter(reviewed_bid=rb, status=c.FlagStatus.OPEN).values_list(
                "factor", flat=True
            )
        )
        extra = sorted(set(scores) - open_factors)
        if extra:
            raise Conflict(
                "汇总阶段只能修改存在异常标记的评分项",
                code=c.ERR_FLAG_SETTLED,
                detail={"factors": extra},
            )
    notes = notes or {}
    values: dict[str, Decimal] = {}
    for name, raw in scores.items():
        v = _as_decimal(raw, name)
        points = Decimal(str(factors[name]["points"]))
        if v < 0 or v > points:
            raise InvalidInput(
                f"「{name}」的得分应在 0 至 {points} 之间",
                code=c.ERR_SCORE_INVALID,
                detail={"factor": name, "max": str(points)},
            )
        values[name] = v.quantize(CENT, rounding=ROUND_HALF_UP)
    now = clock.now()
    out = []
    before = {s.factor: str(s.value) for s in Score.objects.filter(member=member, reviewed_bid=rb)}
    for name, v in values.items():
        row, created = Score.objects.get_or_create(
            member=member,
            reviewed_bid=rb,
            factor=name,
            defaults={"value": v, "note": _text(notes.get(name, ""), 500), "submitted_at": now},
        )
        if not created:
            row.value = v
            row.note = _text(notes.get(name, row.note), 500)
            row.submitted_at = now
            row.revision += 1
            row.save()
        out.append(row)
    if ev.status == S.CONCLUDING:
        ev.flags.filter(reviewed_bid=rb, status=c.FlagStatus.OPEN, factor__in=values).update(
            resubmitted=True
        )
    audit_record(
        actor=actor,
        action="evaluation.score_submit",
        obj=rb,
        organization=ev.project.agency,
        before=before or None,
        after={"evaluation": ev.pk, "member": member.pk, "scores": values},
    )
    return out


def _score_matrix(ev: Evaluation) -> dict[int, dict[int, dict[str, Decimal]]]:
    matrix: dict[int, dict[int, dict[str, Decimal]]] = {}
    for s in Score.objects.filter(
        reviewed_bid__evaluation=ev,
        reviewed_bid__valid=True,
        member__status=c.MemberStatus.ACTIVE,
        void=False,
    ):
        matrix.setdefault(s.member_id, {}).setdefault(s.reviewed_bid_id, {})[s.factor] = s.value
    return matrix


@transaction.atomic
def scoring_close(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """Every member scored every valid bid; deviation flags (87号令 64) and abnormally low
    prices (87号令 60) are computed."""
    ev = _lock(evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.SCORING)
    active = _active(ev)
    factors = {str(f["name"]): f for f in ev.subjective_factors}
    valid = list(ev.bids.filter(valid=True))
    matrix = _score_matrix(ev)
    missing = [
        {"member": m.pk, "bid": rb.pk}
        for m in active
        for rb in valid
        if set(matrix.get(m.pk, {}).get(rb.pk, {})) != set(factors)
    ]
    if missing:
        raise Conflict("尚有成员未完成评分", code=c.ERR_SCORES_MISSING, detail=missing)
    ratio = Decimal(ev.policy.get("spread_ratio", str(c.DEFAULT_SPREAD_RATIO)))
    now = clock.now()
    flags: list[Flag] = []
    for name, f in factors.items():
        per = {
            m: {b: {name: v[name]} for b, v in per_bid.items() if name in v}
            for m, per_bid in matrix.items()
        }
        found = rules.score_deviation_flags(
            per,
            spread=Decimal(str(f["points"])) * ratio,
            objective_factors=[name] if f.get("objective") else [],
        )
        flags += [
            Flag(
                evaluation=ev,
                reviewed_bid_id=d.bidder_id,
                factor=d.factor,
                low=d.low,
                high=d.high,
                reason=d.reason,
                created_at=now,
            )
            for d in found
        ]
    Flag.objects.bulk_create(flags)
    abnormal = _abnormal(ev)
    ev.scoring_closed_at = now
    return EVALUATION.move(
        ev,
        to=S.CONCLUDING,
        actor=actor,
        action="evaluation.scoring_close",
        audit={"flags": len(flags), "abnormal_low": abnormal},
    )


@transaction.atomic
def flag_settle(*, actor: User, flag: Flag, action: str, note: str) -> Flag:
    """The committee reviews a deviation (87号令 64): `confirmed` keeps the scores with the
    reasons; `corrected` only after a member re-submitted the factor."""
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    ev = _lock(flag.evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.CONCLUDING)
    if flag.status != c.FlagStatus.OPEN:
        raise Conflict("该标记已处理", code=c.ERR_FLAG_SETTLED)
    if action not in c.FlagAction.values:
        raise InvalidInput("处理方式无效", code="action_invalid")
    note = _text(note, 1000)
    if not note:
        raise InvalidInput("请写明复核意见", code=c.ERR_REASON_REQUIRED)
    if action == c.FlagAction.CORRECTED and not flag.resubmitted:
        raise Conflict("尚无成员重新提交该项评分，不能标记为已纠正", code=c.ERR_NOT_RESUBMITTED)
    flag.note = note
    flag.settled_by = actor
    flag.settled_at = clock.now()
    return FLAG.move(
        flag,
        to=action,
        actor=actor,
        action="evaluation.flag_settle",
        audit={"evaluation": ev.pk, "action": action, "note": note},
    )


@transaction.atomic
def abnormal_justify(*, actor: User, reviewed_bid: ReviewedBid, text: str) -> ReviewedBid:
    """The supplier's written explanation of an abnormally low price (87号令 60)."""
    rb = ReviewedBid.objects.select_for_update().get(pk=reviewed_bid.pk)
    ev = _lock(rb.evaluation)
    if actor.role != Role.SUPPLIER or actor.organization_id != rb.supplier_id:
        raise PermissionDenied("只有该投标供应商可以提交说明")
    _require_status(ev, S.SCORING, S.CONCLUDING)
    if rb.abnormal_state not in (c.AbnormalDecision.PENDING, c.AbnormalDecision.JUSTIFIED):
        raise Conflict("该投标无需或已不能提交报价说明", code=c.ERR_ABNORMAL_STATE)
    text = _text(text, 5000)
    if not text:
        raise InvalidInput("请填写书面说明", code=c.ERR_REASON_REQUIRED)
    rb.abnormal_justification = text
    rb.abnormal_justified_at = clock.now()
    rb.abnormal_state = c.AbnormalDecision.JUSTIFIED
    rb.save(update_fields=["abnormal_justification", "abnormal_justified_at", "abnormal_state"])
    audit_record(
        actor=actor,
        action="evaluation.abnormal_justify",
        obj=rb,
        after={"evaluation": ev.pk, "length": len(text)},
    )
    return rb


@transaction.atomic
def abnormal_decide(
    *, actor: User, reviewed_bid: ReviewedBid, accepted: bool, reason: str
) -> ReviewedBid:
    """The committee decides on the explanation; not accepted (or none given) → the bid is
    invalid (87号令 60)."""
    rb = ReviewedBid.objects.select_for_update().get(pk=reviewed_bid.pk)
    ev = _lock(rb.evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.SCORING, S.CONCLUDING)
    if rb.abnormal_state == c.AbnormalDecision.PENDING and accepted:
        raise Conflict("供应商尚未提交说明，不能认定为合理", code=c.ERR_ABNORMAL_STATE)
    if rb.abnormal_state not in (c.AbnormalDecision.PENDING, c.AbnormalDecision.JUSTIFIED):
        raise Conflict("该投标没有待认定的异常低价", code=c.ERR_ABNORMAL_STATE)
    reason = _text(reason, 500)
    if not reason:
        raise InvalidInput("请写明认定理由", code=c.ERR_REASON_REQUIRED)
    rb.abnormal_state = c.AbnormalDecision.ACCEPTED if accepted else c.AbnormalDecision.REJECTED
    rb.abnormal_reason = reason
    fields = ["abnormal_state", "abnormal_reason"]
    if not accepted:
        rb.valid = False
        rb.reason_invalid = f"报价明显低于其他报价且不能证明其合理性（87号令 60）：{reason}"[:1000]
        fields += ["valid", "reason_invalid"]
    rb.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="evaluation.abnormal_decide",
        obj=rb,
        organization=ev.project.agency,
        after={"evaluation": ev.pk, "accepted": accepted, "reason": reason},
    )
    return rb
