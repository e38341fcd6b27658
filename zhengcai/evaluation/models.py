"""The evaluation of one lot: committee, reviewed bids, checks, scores, flags, the report and
its signatures. Persistence only: every status changes in `evaluation.services`."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhengcai.core.models import TimedModel
from zhengcai.evaluation import constants as c
from zhengcai.tenders.constants import EvaluationMethod


class Evaluation(TimedModel):
    """评审 of one lot. `next_check`: the report deadline (条例 43, 2 WD after SIGNED, flags
    overdue) and then the purchaser's deadline (5 WD; the first candidate is deemed chosen)."""

    project = models.ForeignKey(
        "tenders.Project", on_delete=models.PROTECT, related_name="evaluations", verbose_name="项目"
    )
    lot = models.ForeignKey(
        "tenders.Lot", on_delete=models.PROTECT, related_name="evaluations", verbose_name="采购包"
    )
    draw = models.ForeignKey(
        "experts.DrawRequest", on_delete=models.PROTECT, related_name="+", verbose_name="专家抽取"
    )
    window = models.ForeignKey(
        "bidding.SubmissionWindow", on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(
        max_length=30, choices=EvaluationMethod.choices, verbose_name="评审方法"
    )
    procedure = models.CharField(max_length=12, default="tender")  # tender | non_tender
    factors = models.JSONField(default=list, verbose_name="评分因素")
    policy = models.JSONField(default=dict, verbose_name="评审参数")
    status = models.CharField(
        max_length=12,
        choices=c.EvaluationStatus.choices,
        default=c.EvaluationStatus.FORMING,
        verbose_name="状态",
    )
    seed_hash = models.CharField(max_length=64, verbose_name="排序种子承诺值 SHA-256")
    seed = models.CharField(max_length=64)  # shown only once revealed (in the report)
    seed_revealed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True, verbose_name="结论说明")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    review_closed_at = models.DateTimeField(null=True, blank=True)
    scoring_closed_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    report_due = models.DateField(null=True, blank=True, verbose_name="报告送交期限")
    report_delivered_at = models.DateTimeField(null=True, blank=True)
    report_overdue = models.BooleanField(default=False, verbose_name="报告送交逾期")
    award_due = models.DateField(null=True, blank=True, verbose_name="采购人确定期限")
    awarded_supplier = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    awarded_at = models.DateTimeField(null=True, blank=True)
    award_reason = models.CharField(max_length=500, blank=True)
    award_deemed = models.BooleanField(default=False, verbose_name="视为确定第一名")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"],
                condition=~Q(status__in=["failed", "stopped"]),
                name="uniq_live_evaluation_per_lot",
            )
        ]
        indexes = [models.Index(fields=["project", "status"])]
        verbose_name = "评审"
        verbose_name_plural = "评审"

    def __str__(self) -> str:
        return f"评审 #{self.pk} {self.lot}"

    @property
    def revealed_seed(self) -> str | None:
        return self.seed if self.seed_revealed_at is not None else None

    @property
    def qualification_by_agency(self) -> bool:
        """资格审查 by the purchaser or agency (87号令 44), not by the panel: a fact of the
        project's method (`MethodConfig.qualification_by`)."""
        return bool(self.project.method_config.qualification_by == "agency")

    @property
    def price_factor(self) -> dict[str, object] | None:
        for f in self.factors:
            if f.get("is_price"):
                return dict(f)
        return None

    @property
    def subjective_factors(self) -> list[dict[str, object]]:
        return [dict(f) for f in self.factors if not f.get("is_price")]


class Member(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=14, choices=c.MemberKind.choices, verbose_name="类别")
    expert = models.ForeignKey(
        "experts.ExpertProfile", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_chair = models.BooleanField(default=False, verbose_name="组长")
    declared_at = models.DateTimeField(null=True, blank=True, verbose_name="回避声明时间")
    conflict = models.BooleanField(default=False, verbose_name="申报利害关系")
    declaration_note = models.CharField(max_length=500, blank=True)
    status = models.CharField(
        max_length=10, choices=c.MemberStatus.choices, default=c.MemberStatus.ACTIVE
    )
    # 87号令 49; 198号 17: a recused or absent member replaced from the same draw; the
    # replaced member's checks and scores are void.
    replaced_at = models.DateTimeField(null=True, blank=True, verbose_name="更换时间")
    replaced_reason = models.CharField(max_length=500, blank=True, verbose_name="更换原因")
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    invitation = models.ForeignKey(
        "experts.DrawInvitation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["evaluation_id", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "user"], name="uniq_eval_member")
        ]
        verbose_name = "评审委员会成员"
        verbose_name_plural = "评审委员会成员"

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.user_id}"


class ReviewedBid(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="bids")
    bid = models.ForeignKey("bidding.Bid", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="供应商"
    )
    opening_price = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="投标报价")
    qualification = models.CharField(
        max_length=8, choices=c.Verdict.choices, default=c.Verdict.PENDING
    )
    compliance = models.CharField(
        max_length=8, choices=c.Verdict.choices, default=c.Verdict.PENDING
    )
    abnormal_low = models.BooleanField(default=False, verbose_name="异常低价")
    abnormal_reasons = models.JSONField(default=list, blank=True)
    abnormal_state = models.CharField(
        max_length=10, choices=c.AbnormalDecision.choices, default="", blank=True
    )
    abnormal_justification = models.TextField(blank=True)
    abnormal_justified_at = models.DateTimeField(null=True, blank=True)
    abnormal_reason = models.CharField(max_length=500, blank=True)  # the committee's reasons
    evaluated_price = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name="评审价"
    )
    deductions = models.JSONField(default=list, blank=True)
    extra_points = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("0"))
    price_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    subjective_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # 214号 25: third ranking key under 磋商 (average of the technical factors).
    technical_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # 合理定价评审抽签法: the supplier accepted the published reasonable price in its bid.
    accepts_reasonable_price = models.BooleanField(default=False)
    life_cycle_cost = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="名次")
    tied = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(null=True, blank=True)  # after tie-break
    valid = models.BooleanField(default=True, verbose_name="有效")
    reason_invalid = models.CharField(max_length=1000, blank=True, verbose_name="无效原因")

    class Meta:
        ordering = ["evaluation_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "bid"], name="uniq_reviewed_bid")
        ]
        verbose_name = "受评投标"
        verbose_name_plural = "受评投标"

    def __str__(self) -> str:
        return f"{self.evaluation_id}:{self.supplier_id}"


class Check(models.Model):
    """One member's (or, for 资格审查 under 招标, the agency's) verdict on one bid."""

    reviewed_bid = models.ForeignKey(ReviewedBid, on_delete=models.CASCADE, related_name="checks")
    stage = models.CharField(max_length=14, choices=c.Stage.choices)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="checks"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField()
    reason = models.CharField(max_length=1000, blank=True)
    at = models.DateTimeField()
    void = models.BooleanField(default=False, verbose_name="作废")  # member replaced (87号令 49)

    class Meta:
        ordering = ["reviewed_bid_id", "stage", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["reviewed_bid", "stage", "by"], name="uniq_eval_check")
        ]


class Score(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="scores")
    reviewed_bid = models.ForeignKey(ReviewedBid, on_delete=models.CASCADE, related_name="scores")
    factor = models.CharField(max_length=100)
    value = models.DecimalField(max_digits=7, decimal_places=2)
    note = models.CharField(max_length=500, blank=True)
    submitted_at = models.DateTimeField()
    revision = models.PositiveSmallIntegerField(default=1)
    void = models.BooleanField(default=False, verbose_name="作废")  # member replaced (87号令 49)

    class Meta:
        ordering = ["reviewed_bid_id", "member_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "reviewed_bid", "factor"], name="uniq_eval_score"
            )
        ]


class Flag(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="flags")
    reviewed_bid = models.ForeignKey(ReviewedBid, on_delete=models.CASCADE, related_name="flags")
    factor = models.CharField(max_length=100)
    low = models.DecimalField(max_digits=7, decimal_places=2)
    high = models.DecimalField(max_digits=7, decimal_places=2)
    reason = models.CharField(max_length=10, choices=c.FlagReason.choices)
    status = models.CharField(max_length=10, choices=c.FlagStatus.choices, default="open")
    resubmitted = models.BooleanField(default=False)  # a member re-scored it after the flag
    note = models.CharField(max_length=1000, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["evaluation_id", "pk"]


class Report(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="reports")
    version = models.PositiveSmallIntegerField()
    final = models.BooleanField(default=False)  # the version with every signature
    html = models.TextField()
    pdf = models.FileField(upload_to="evaluation/reports/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64)
    generated_at = models.DateTimeField()

    class Meta:
        ordering = ["evaluation_id", "version"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "version"], name="uniq_eval_report")
        ]
        verbose_name = "评审报告"
        verbose_name_plural = "评审报告"


class Signature(models.Model):
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="signatures")
    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="signatures")
    digest = models.CharField(max_length=64)
    agrees = models.BooleanField()
    dissent = models.TextField(blank=True)
    payload = models.JSONField()
    platform_signature = models.TextField()  # Ed25519 over canonical JSON of payload
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["report_id", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "report"], name="uniq_eval_signature")
        ]
