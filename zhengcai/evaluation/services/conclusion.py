"""Ranking (87号令 56, 57; 214号 25), the report and its signatures (87号令 62; 条例 41)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.bidding import crypto
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import duties, rules
from zhengcai.evaluation.machines import EVALUATION
from zhengcai.evaluation.models import (
    Evaluation,
    Report,
    ReviewedBid,
    Signature,
)
from zhengcai.evaluation.services.common import (
    ZERO,
    S,
    _active,
    _lock,
    _member,
    _require_chair,
    _require_status,
    _text,
)
from zhengcai.evaluation.services.review import _fail, _minimum
from zhengcai.evaluation.services.scoring import _score_matrix
from zhengcai.tenders.constants import (
    EvaluationMethod,
)

# --- conclusion ----------------------------------------------------------------------------------


def _technical_factors(ev: Evaluation) -> set[str]:
    """The factors behind 214号 25's third key 技术指标: the non-price factors whose name
    says 技术 (⚠ the documents carry no explicit flag), else every non-price factor."""
    names = [str(f["name"]) for f in ev.subjective_factors]
    return {n for n in names if "技术" in n} or set(names)


def _rank(ev: Evaluation, valid: list[ReviewedBid]) -> list[rules.Ranked]:
    if ev.method == EvaluationMethod.COMPREHENSIVE:
        price = ev.price_factor
        matrix = _score_matrix(ev)
        weight = Decimal(str(price["points"])) / 100 if price else ZERO
        evaluated = {rb.pk: rb.evaluated_price or rb.opening_price for rb in valid}
        scores = rules.price_scores(evaluated, weight) if price else {}
        technical = _technical_factors(ev)
        for rb in valid:
            totals = [
                sum(per_bid.get(rb.pk, {}).values(), ZERO)
                for per_bid in matrix.values()
                if rb.pk in per_bid
            ]
            tech = [
                sum((v for f, v in per_bid.get(rb.pk, {}).items() if f in technical), ZERO)
                for per_bid in matrix.values()
                if rb.pk in per_bid
            ]
            rb.subjective_score = rules.member_average(totals) if totals else ZERO
            rb.technical_score = rules.member_average(tech) if tech else ZERO
            rb.price_score = scores.get(rb.pk, ZERO)
            rb.total_score = rb.subjective_score + rb.price_score + rb.extra_points
        # 87号令 57: score, then bid price; 214号 25 (磋商): score, final quote, technical.
        # Under 磋商 the evaluated window is the final-quotation window, so `opening_price`
        # is the final quote.
        return rules.rank_comprehensive(
            [
                rules.ScoreEntry(
                    rb.pk, rb.total_score or ZERO, rb.opening_price, rb.technical_score or ZERO
                )
                for rb in valid
            ],
            technical_tiebreak=ev.project.method_config.technical_tiebreak,
        )
    if ev.method == EvaluationMethod.LIFE_CYCLE_COST:
        return rules.rank_life_cycle(
            {rb.pk: rb.life_cycle_cost or rb.opening_price for rb in valid}
        )
    if ev.method == EvaluationMethod.REASONABLE_PRICE_LOTTERY:
        lottery = rules.reasonable_price_lottery(
            reviewed_budget=Decimal(ev.policy["reviewed_budget"]),
            discount=Decimal(ev.policy["discount"]),
            accepting_ids=[rb.pk for rb in valid if rb.accepts_reasonable_price],
            seed=ev.seed,
        )
        for rb in valid:  # the contract price is the reasonable price itself
            rb.evaluated_price = lottery.price
        return [rules.Ranked(b, i, False) for i, b in enumerate(lottery.order, start=1)]
    return rules.rank_lowest_price({rb.pk: rb.evaluated_price or rb.opening_price for rb in valid})


@transaction.atomic
def evaluation_conclude(*, actor: User, evaluation: Evaluation) -> Evaluation:
    """No open flag, no undecided abnormal-low: rank (87号令 56, 57; 214号 25), settle ties by
    the seed committed at opening (87号令 68), reveal it, render the report → SIGNING."""
    from zhengcai.evaluation import report

    ev = _lock(evaluation)
    _require_chair(actor, ev)
    _require_status(ev, S.CONCLUDING)
    open_flags = list(ev.flags.filter(status=c.FlagStatus.OPEN).values_list("pk", flat=True))
    pending = list(
        ev.bids.filter(
            abnormal_state__in=[c.AbnormalDecision.PENDING, c.AbnormalDecision.JUSTIFIED]
        ).values_list("pk", flat=True)
    )
    if open_flags or pending:
        raise Conflict(
            "尚有未处理的评分异常或异常低价",
            code=c.ERR_OPEN_ITEMS,
            detail={"flags": open_flags, "abnormal_low": pending},
        )
    valid = list(ev.bids.filter(valid=True).order_by("pk"))
    minimum = _minimum(ev)
    now = clock.now()
    ev.concluded_at = now
    if len(valid) < minimum:
        _fail(
            actor,
            ev,
            f"有效供应商不足{minimum}家（{len(valid)}家），依法废标（法 36）",
            action="evaluation.failed",
            audit={"valid": len(valid)},
        )
        return ev
    ranked = _rank(ev, valid)
    order = rules.break_ties(ranked, seed=ev.seed)
    by_id = {rb.pk: rb for rb in valid}
    for r in ranked:
        rb = by_id[r.bidder_id]
        rb.rank, rb.tied = r.rank, r.tied
        rb.order = order.index(r.bidder_id) + 1
        rb.save(
            update_fields=[
                "rank",
                "tied",
                "order",
                "price_score",
                "subjective_score",
                "technical_score",
                "total_score",
                "evaluated_price",
            ]
        )
    ev.seed_revealed_at = now
    rep = report.render(ev)
    return EVALUATION.move(
        ev,
        to=S.SIGNING,
        actor=actor,
        action="evaluation.conclude",
        audit={
            "order": [by_id[b].supplier.name for b in order],
            "seed": ev.seed,
            "seed_hash": ev.seed_hash,
            "report_sha256": rep.sha256,
        },
    )


def current_report(ev: Evaluation) -> Report | None:
    return ev.reports.filter(final=False).order_by("-version").first()


@transaction.atomic
def report_sign(
    *, actor: User, evaluation: Evaluation, agrees: bool, dissent: str = "", password: str
) -> Signature:
    """Each member signs the report after re-entering the password; a member who disagrees
    states the dissent and reasons (87号令 62; 条例 41). The last signature → SIGNED; the
    report is delivered to the purchaser and the 5-working-day decision period starts
    (条例 43)."""
    from zhengcai.evaluation import report

    ev = _lock(evaluation)
    _require_status(ev, S.SIGNING)
    member = _member(actor, ev)
    if not password or not actor.check_password(password):
        raise PermissionDenied("密码验证失败，请重新输入登录密码", code=c.ERR_BAD_PASSWORD)
    dissent = _text(dissent, 5000)
    if not agrees and not dissent:
        raise InvalidInput("不同意评审结论的，须写明不同意见和理由", code=c.ERR_DISSENT_REQUIRED)
    if agrees:
        dissent = ""
    rep = current_report(ev)
    assert rep is not None
    if Signature.objects.filter(member=member, report=rep).exists():
        raise Conflict("您已签署该评审报告", code=c.ERR_ALREADY_SIGNED)
    now = clock.now()
    payload = {
        "evaluation": ev.pk,
        "report_version": rep.version,
        "report_sha256": rep.sha256,
        "member": member.pk,
        "user": actor.username,
        "name": actor.get_full_name(),
        "agrees": agrees,
        "dissent": dissent,
        "signed_at": now.astimezone(clock.SHANGHAI).isoformat(),
    }
    sig = Signature.objects.create(
        member=member,
        report=rep,
        digest=rep.sha256,
        agrees=agrees,
        dissent=dissent,
        payload=payload,
        platform_signature=crypto.platform_sign(payload),
        signed_at=now,
    )
    audit_record(
        actor=actor,
        action="evaluation.report_sign",
        obj=sig,
        organization=ev.project.agency,
        after={"evaluation": ev.pk, "agrees": agrees, "dissent": dissent, "digest": rep.sha256},
    )
    signed = set(Signature.objects.filter(report=rep).values_list("member_id", flat=True))
    if {m.pk for m in _active(ev)} <= signed:
        cal = WorkCalendar.load()
        today = clock.today()
        ev.signed_at = now
        ev.report_delivered_at = now  # the platform delivers it to the purchaser at once
        duties.schedule_signed(ev, cal, today)  # 条例 43; 暂定 in an unconfirmed year
        final = report.render(ev, final=True)
        EVALUATION.move(
            ev,
            to=S.SIGNED,
            actor=None,
            action="evaluation.signed",
            audit={"award_due": ev.award_due, "final_report_sha256": final.sha256},
        )
    return sig
