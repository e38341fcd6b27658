"""Services of the evaluation app through the real upstream services (builders.evaluation_ready):
the full path for 综合评分法 and 最低评标价法, and the rejection paths (stable code, data
unchanged, audit entry only on success)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from decimal import Decimal
from typing import Any

import pytest

from zhengcai.bidding import crypto
from zhengcai.bidding.models import BidBond
from zhengcai.core import clock, timed
from zhengcai.core.errors import DomainError
from zhengcai.core.models import AuditEntry
from zhengcai.core.workdays import WorkCalendar
from zhengcai.evaluation import constants as c
from zhengcai.evaluation import services as s
from zhengcai.evaluation.models import Evaluation, Flag, Member, ReviewedBid
from zhengcai.evaluation.tests.builders import PASSWORD, Ready, evaluation_ready
from zhengcai.tenders.constants import LotStatus, ProjectStatus


def raises(code: str, fn: Any, **kw: Any) -> DomainError:
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as info:
        fn(**kw)
    assert info.value.code == code, (info.value.code, info.value.message)
    assert AuditEntry.objects.count() == before
    return info.value


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def opened(r: Ready) -> Evaluation:
    ev = s.evaluation_open(actor=r.agency, lot=r.lot, draw=r.draw)
    assert audited("evaluation.open") == 1
    return ev


def started(r: Ready) -> Evaluation:
    ev = opened(r)
    for m in ev.members.all():
        s.member_declare(actor=m.user, member=m, conflict=False)
    s.chair_elect(actor=r.agency, evaluation=ev, member=ev.members.get(position=1))
    clock.freeze(r.evaluation_at)
    return s.evaluation_start(actor=r.agency, evaluation=ev)


def reviewed(r: Ready, *, fail_bid: ReviewedBid | None = None) -> Evaluation:
    ev = started(r)
    for rb in ev.bids.all():
        s.check_record(actor=r.agency, reviewed_bid=rb, stage="qualification", passed=True)
        for m in ev.members.filter(status="active"):
            bad = fail_bid is not None and rb.pk == fail_bid.pk
            s.check_record(
                actor=m.user,
                reviewed_bid=rb,
                stage="compliance",
                passed=not bad,
                reason="未响应三年原厂保修的实质性要求" if bad else "",
            )
    chair = ev.members.get(is_chair=True).user
    return s.review_close(actor=chair, evaluation=ev)


def chair_of(ev: Evaluation) -> Any:
    return ev.members.get(is_chair=True).user


def pdf_text(path: str) -> str:
    return (
        subprocess.run(["pdftotext", path, "-"], check=True, capture_output=True, text=True)
        .stdout.replace("\n", "")
        .replace(" ", "")
    )


@pytest.mark.django_db(transaction=False)
def test_full_path_comprehensive() -> None:
    r = evaluation_ready(
        bidders=4,
        prices=["760000.00", "742000.00", "300000.00", "728000.00"],
        sizes=["small", "", "", "micro"],
    )
    ev = reviewed(r)
    assert ev.status == c.EvaluationStatus.SCORING
    r.project.refresh_from_db()
    assert r.project.status == ProjectStatus.EVALUATING
    bids = list(ev.bids.order_by("pk"))
    # SME deduction (19号: 10% from 2022-07-01, lower bound of the band) on the small bid only
    assert bids[0].evaluated_price == Decimal("684000.00")
    assert bids[1].evaluated_price == Decimal("742000.00")
    members = list(ev.members.order_by("position"))
    # scoring: member 0 scores bid 0 far apart from the others on 技术方案
    for i, m in enumerate(members):
        for rb in bids:
            tech = "45" if (i == 0 and rb.pk == bids[0].pk) else "20"
            s.score_submit(
                actor=m.user, reviewed_bid=rb, scores={"技术方案": tech, "售后服务": "10"}
            )
    ev = s.scoring_close(actor=chair_of(ev), evaluation=ev)
    assert ev.status == c.EvaluationStatus.CONCLUDING
    flag = Flag.objects.get(evaluation=ev)
    assert (flag.reviewed_bid_id, flag.factor, flag.reason) == (bids[0].pk, "技术方案", "spread")
    low = ReviewedBid.objects.get(pk=bids[2].pk)
    assert low.abnormal_low and low.abnormal_state == c.AbnormalDecision.PENDING
    # conclude refused while items are open
    raises(c.ERR_OPEN_ITEMS, s.evaluation_conclude, actor=chair_of(ev), evaluation=ev)
    # corrected requires a re-submission first
    raises(
        c.ERR_NOT_RESUBMITTED,
        s.flag_settle,
        actor=chair_of(ev),
        flag=flag,
        action="corrected",
        note="复核后纠正",
    )
    s.score_submit(actor=members[0].user, reviewed_bid=bids[0], scores={"技术方案": "22"})
    s.flag_settle(actor=chair_of(ev), flag=flag, action="corrected", note="成员复核后纠正评分")
    # abnormal-low: the supplier explains, the committee rejects → bid invalid
    s.abnormal_justify(actor=r.suppliers[2], reviewed_bid=low, text="库存清仓，成本证明见附件")
    s.abnormal_decide(
        actor=chair_of(ev), reviewed_bid=low, accepted=False, reason="不能证明低于成本价的合理性"
    )
    low.refresh_from_db()
    assert not low.valid and "87号令 60" in low.reason_invalid
    ev = s.evaluation_conclude(actor=chair_of(ev), evaluation=ev)
    assert ev.status == c.EvaluationStatus.SIGNING and ev.seed_revealed_at is not None
    ranked = list(ev.bids.filter(valid=True).order_by("order"))
    assert [rb.order for rb in ranked] == [1, 2, 3]
    # price score: the lowest evaluated price (728000 micro − 10% = 655200) scores 40
    first = ranked[0]
    assert first.pk == bids[3].pk and first.evaluated_price == Decimal("655200.00")
    assert first.price_score == Decimal("40.00")
    second = ranked[1]  # 684000: 40 × 655200 / 684000 = 38.32; (32 + 4 × 30) / 5 = 30.40
    assert second.pk == bids[0].pk
    assert (second.price_score, second.subjective_score) == (Decimal("38.32"), Decimal("30.40"))
    assert first.total_score == first.subjective_score + first.price_score
    # signing: one dissent, wrong password refused
    raises(
        c.ERR_BAD_PASSWORD,
        s.report_sign,
        actor=members[0].user,
        evaluation=ev,
        agrees=True,
        password="wrong",
    )
    raises(
        c.ERR_DISSENT_REQUIRED,
        s.report_sign,
        actor=members[0].user,
        evaluation=ev,
        agrees=False,
        password=PASSWORD,
    )
    for i, m in enumerate(members):
        sig = s.report_sign(
            actor=m.user,
            evaluation=ev,
            agrees=i != 1,
            dissent="技术方案评分偏高，不同意排序" if i == 1 else "",
            password=PASSWORD,
        )
        assert crypto.platform_verify(
            sig.payload, sig.platform_signature, crypto.platform_public_key_pem()
        )
    raises(
        c.ERR_BAD_TRANSITION,
        s.report_sign,
        actor=members[0].user,
        evaluation=ev,
        agrees=True,
        password=PASSWORD,
    )
    ev.refresh_from_db()
    assert ev.status == c.EvaluationStatus.SIGNED
    cal = WorkCalendar.load()
    assert ev.award_due == cal.add_working_days(clock.today(), 5)
    final = ev.reports.get(final=True)
    text = pdf_text(final.pdf.path)
    assert "评审报告" in text and "技术方案评分偏高，不同意排序" in text
    assert ranked[0].supplier.name in text
    # award: a non-first candidate needs a reason; the purchaser only
    raises(
        "permission_denied",
        s.award_confirm,
        actor=r.agency,
        evaluation=ev,
        supplier=ranked[0].supplier,
    )
    raises(
        c.ERR_REASON_REQUIRED,
        s.award_confirm,
        actor=r.purchaser,
        evaluation=ev,
        supplier=ranked[1].supplier,
    )
    raises(
        c.ERR_NOT_CANDIDATE,
        s.award_confirm,
        actor=r.purchaser,
        evaluation=ev,
        supplier=low.supplier,
    )
    ev = s.award_confirm(actor=r.purchaser, evaluation=ev, supplier=ranked[0].supplier)
    assert ev.status == c.EvaluationStatus.AWARDED and not ev.award_deemed
    r.lot.refresh_from_db()
    r.project.refresh_from_db()
    assert r.lot.status == LotStatus.AWARDED and r.project.status == ProjectStatus.AWARDED
    due = cal.add_working_days(clock.today(), 5)
    bonds = BidBond.objects.filter(participation__lot=r.lot)
    losers = bonds.exclude(participation__supplier=ranked[0].supplier)
    assert losers.count() == 3 and all(b.refund_due == due for b in losers)
    assert bonds.get(participation__supplier=ranked[0].supplier).refund_due is None
    assert audited("evaluation.award_confirm") == 1


@pytest.mark.django_db
def test_full_path_lowest_price_and_deemed_choice() -> None:
    r = evaluation_ready(method="lowest_price", bidders=3)
    ev = reviewed(r)
    # no subjective factors: straight to CONCLUDING
    assert ev.status == c.EvaluationStatus.CONCLUDING
    ev = s.evaluation_conclude(actor=chair_of(ev), evaluation=ev)
    ranked = list(ev.bids.order_by("order"))
    # 760000 small → 684000; 742000; 735000 micro → 661500: lowest evaluated first (87号令 56)
    assert [rb.evaluated_price for rb in ranked] == [
        Decimal("661500.00"),
        Decimal("684000.00"),
        Decimal("742000.00"),
    ]
    for m in ev.members.all():
        s.report_sign(actor=m.user, evaluation=ev, agrees=True, password=PASSWORD)
    ev.refresh_from_db()
    assert ev.status == c.EvaluationStatus.SIGNED and ev.next_check is not None
    # 条例 43: the purchaser does not decide within 5 working days → first candidate deemed
    clock.freeze(ev.next_check + dt.timedelta(minutes=1))
    assert timed.process_due() >= 1
    ev.refresh_from_db()
    assert ev.status == c.EvaluationStatus.AWARDED and ev.award_deemed
    assert ev.awarded_supplier_id == ranked[0].supplier_id
    r.lot.refresh_from_db()
    assert r.lot.status == LotStatus.AWARDED


@pytest.mark.django_db
def test_failed_when_too_few_valid_bids() -> None:
    r = evaluation_ready(method="lowest_price", bidders=3)
    ev0 = opened(r)
    bad = ev0.bids.first()
    # reuse the flow on the same evaluation
    for m in ev0.members.all():
        s.member_declare(actor=m.user, member=m, conflict=False)
    s.chair_elect(actor=r.agency, evaluation=ev0, member=ev0.members.get(position=1))
    clock.freeze(r.evaluation_at)
    ev = s.evaluation_start(actor=r.agency, evaluation=ev0)
    for rb in ev.bids.all():
        s.check_record(actor=r.agency, reviewed_bid=rb, stage="qualification", passed=True)
        for m in ev.members.all():
            ok = rb.pk != bad.pk
            s.check_record(
                actor=m.user,
                reviewed_bid=rb,
                stage="compliance",
                passed=ok,
                reason="" if ok else "交货期不满足",
            )
    ev = s.review_close(actor=chair_of(ev), evaluation=ev)
    assert ev.status == c.EvaluationStatus.FAILED and "法 36" in ev.outcome
    r.lot.refresh_from_db()
    r.project.refresh_from_db()
    assert r.lot.status == LotStatus.FAILED and r.project.status == ProjectStatus.FAILED
    bad.refresh_from_db()
    assert not bad.valid and "交货期不满足" in bad.reason_invalid


@pytest.mark.django_db
def test_open_rejections() -> None:
    r = evaluation_ready(method="lowest_price", bidders=3)
    raises("permission_denied", s.evaluation_open, actor=r.purchaser, lot=r.lot, draw=r.draw)
    raises(
        c.ERR_COMMITTEE,
        s.evaluation_open,
        actor=r.agency,
        lot=r.lot,
        draw=r.draw,
        purchaser_reps=[r.purchaser],  # 6 members: even (87号令 47)
    )
    assert not Evaluation.objects.exists()
    ev = opened(r)
    assert ev.members.count() == 5 and ev.bids.count() == 3
    raises(c.ERR_EXISTS, s.evaluation_open, actor=r.agency, lot=r.lot, draw=r.draw)


@pytest.mark.django_db
def test_forming_rejections_and_recusal() -> None:
    r = evaluation_ready(method="lowest_price", bidders=3)
    ev = opened(r)
    m1, m2 = list(ev.members.order_by("position"))[:2]
    raises("permission_denied", s.member_declare, actor=m2.user, member=m1, conflict=False)
    raises(c.ERR_REASON_REQUIRED, s.member_declare, actor=m1.user, member=m1, conflict=True)
    raises("permission_denied", s.chair_elect, actor=m1.user, evaluation=ev, member=m1)
    s.chair_elect(actor=r.agency, evaluation=ev, member=m1)
    raises(c.ERR_TOO_EARLY, s.evaluation_start, actor=r.agency, evaluation=ev)
    clock.freeze(r.evaluation_at)
    raises(c.ERR_NOT_DECLARED, s.evaluation_start, actor=r.agency, evaluation=ev)
    for m in ev.members.exclude(pk=m2.pk):
        s.member_declare(actor=m.user, member=m, conflict=False)
    m2 = s.member_declare(actor=m2.user, member=m2, conflict=True, note="曾在投标人处任职")
    assert m2.status == c.MemberStatus.RECUSED
    # 4 members left: below the 5 of a tender committee (87号令 47)
    raises(c.ERR_COMMITTEE, s.evaluation_start, actor=r.agency, evaluation=ev)
    ev.refresh_from_db()
    assert ev.status == c.EvaluationStatus.FORMING


@pytest.mark.django_db
def test_review_and_scoring_rejections() -> None:
    r = evaluation_ready(bidders=3)
    ev = started(r)
    rb = ev.bids.first()
    assert rb is not None
    m = ev.members.get(position=2)
    raises(
        c.ERR_REASON_REQUIRED,
        s.check_record,
        actor=m.user,
        reviewed_bid=rb,
        stage="compliance",
        passed=False,
    )
    # qualification under 招标 belongs to the agency (87号令 44)
    raises(
        "permission_denied",
        s.check_record,
        actor=m.user,
        reviewed_bid=rb,
        stage="qualification",
        passed=True,
    )
    raises(
        c.ERR_NOT_MEMBER,
        s.check_record,
        actor=r.suppliers[0],
        reviewed_bid=rb,
        stage="compliance",
        passed=True,
    )
    # a member's verdict is replaced by the resubmission
    s.check_record(actor=m.user, reviewed_bid=rb, stage="compliance", passed=False, reason="缺页")
    s.check_record(actor=m.user, reviewed_bid=rb, stage="compliance", passed=True)
    assert rb.checks.filter(by=m.user).count() == 1
    raises(c.ERR_CHAIR, s.review_close, actor=m.user, evaluation=ev)
    raises(c.ERR_CHECKS_MISSING, s.review_close, actor=chair_of(ev), evaluation=ev)
    raises(
        c.ERR_BAD_TRANSITION,
        s.score_submit,
        actor=m.user,
        reviewed_bid=rb,
        scores={"技术方案": "10", "售后服务": "5"},
    )
    for b in ev.bids.all():
        s.check_record(actor=r.agency, reviewed_bid=b, stage="qualification", passed=True)
        for mm in ev.members.all():
            s.check_record(actor=mm.user, reviewed_bid=b, stage="compliance", passed=True)
    ev = s.review_close(actor=chair_of(ev), evaluation=ev)
    assert ev.status == c.EvaluationStatus.SCORING
    for scores, code in [
        ({"价格": "30", "技术方案": "10", "售后服务": "5"}, c.ERR_SCORE_INVALID),
        ({"技术方案": "46", "售后服务": "5"}, c.ERR_SCORE_INVALID),
        ({"技术方案": "-1", "售后服务": "5"}, c.ERR_SCORE_INVALID),
        ({"技术方案": "abc", "售后服务": "5"}, c.ERR_SCORE_INVALID),
        ({"技术方案": "10"}, c.ERR_SCORE_INVALID),
        ({"外观": "1", "技术方案": "10", "售后服务": "5"}, c.ERR_SCORE_INVALID),
    ]:
        raises(code, s.score_submit, actor=m.user, reviewed_bid=rb, scores=scores)
    assert not rb.scores.exists()
    raises(c.ERR_SCORES_MISSING, s.scoring_close, actor=chair_of(ev), evaluation=ev)
    raises(
        "permission_denied",
        s.abnormal_justify,
        actor=r.suppliers[1],
        reviewed_bid=rb,
        text="说明",
    )
    own = ev.bids.get(supplier=r.supplier_orgs[0])
    raises(
        c.ERR_ABNORMAL_STATE, s.abnormal_justify, actor=r.suppliers[0], reviewed_bid=own, text="x"
    )


@pytest.mark.django_db
def test_member_sees_only_after_start() -> None:
    from zhengcai.evaluation import access, selectors

    r = evaluation_ready(method="lowest_price", bidders=3)
    ev = opened(r)
    expert = r.experts[0]
    assert ev not in list(selectors.evaluations_for_user(expert))
    with pytest.raises(DomainError):
        access.access_evaluation(user=expert, pk=ev.pk)
    assert access.access_evaluation(user=r.agency, pk=ev.pk) == ev
    assert access.access_evaluation(user=r.purchaser, pk=ev.pk) == ev
    assert not access.expert_names_visible(r.purchaser, ev)
    assert access.expert_names_visible(r.agency, ev)
    with pytest.raises(DomainError):
        access.access_evaluation(user=r.suppliers[0], pk=ev.pk)
    for m in ev.members.all():
        s.member_declare(actor=m.user, member=m, conflict=False)
    assert Member.objects.filter(evaluation=ev, declared_at__isnull=False).count() == 5
    s.chair_elect(actor=r.agency, evaluation=ev, member=ev.members.get(position=1))
    clock.freeze(r.evaluation_at)
    ev = s.evaluation_start(actor=r.agency, evaluation=ev)
    assert access.access_evaluation(user=expert, pk=ev.pk) == ev
    assert access.expert_names_visible(r.purchaser, ev)
    assert os.environ.get("ZHENGCAI_BIDDING_KEYS_DIR")
