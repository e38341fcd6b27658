"""Award records, result notices (中标/成交结果公告) and challenges (质疑) — rules.md §6–7."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhengcai.awards import constants as c
from zhengcai.core.models import TimedModel


class Award(TimedModel):
    """The chosen (or deemed chosen, 条例 43) winner of one lot. `next_check`: the result
    notice deadline (2 WD, 条例 43; 87号令 69) — overdue is flagged and escalated."""

    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="awards")
    evaluation = models.ForeignKey(
        "evaluation.Evaluation", on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="中标人"
    )
    bid = models.ForeignKey("bidding.Bid", null=True, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="中标（成交）金额")
    rank = models.PositiveSmallIntegerField(default=1, verbose_name="候选人排序")
    deemed = models.BooleanField(default=False, verbose_name="视为确定")
    reason = models.CharField(max_length=500, blank=True)
    chosen_at = models.DateTimeField()
    notice_due = models.DateField(verbose_name="结果公告期限")
    notice_overdue = models.BooleanField(default=False, verbose_name="结果公告逾期")
    status = models.CharField(
        max_length=12, choices=c.AwardStatus.choices, default=c.AwardStatus.CHOSEN
    )
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )
    ended_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-chosen_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"],
                condition=Q(status__in=["chosen", "announced"]),
                name="uniq_live_award_per_lot",
            )
        ]
        verbose_name = "中标（成交）结果"
        verbose_name_plural = "中标（成交）结果"

    def __str__(self) -> str:
        return f"{self.lot} → {self.supplier_id}"


class ResultNotice(TimedModel):
    """The published 中标/成交结果公告 with every §7 field (`fields`), on display for 1 WD.
    `next_check`: the end of the display period."""

    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="notice")
    title = models.CharField(max_length=300)
    fields = models.JSONField(default=dict, verbose_name="公告要素")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    display_until = models.DateField(verbose_name="公示期限至")
    status = models.CharField(
        max_length=12, choices=c.NoticeStatus.choices, default=c.NoticeStatus.ON_DISPLAY
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = "中标（成交）结果公告"
        verbose_name_plural = "中标（成交）结果公告"

    def __str__(self) -> str:
        return self.title


class Challenge(TimedModel):
    """A 质疑函 (94号令 12) and its answer (94号令 15). `next_check`: the answer deadline
    (7 WD, 法 53; 94号令 13) — overdue is flagged and escalated."""

    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="challenges")
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="质疑人"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=10, choices=c.Subject.choices)
    step = models.CharField(max_length=12, choices=c.Step.choices, blank=True)
    award = models.ForeignKey(
        Award, null=True, blank=True, on_delete=models.PROTECT, related_name="challenges"
    )
    letter = models.JSONField(default=dict, verbose_name="质疑函")  # 94号令 12
    knowledge_day = models.DateField(verbose_name="应知其权益受损之日")  # 条例 53
    window_ends = models.DateField(verbose_name="质疑期限")
    filed_at = models.DateTimeField()
    answer_due = models.DateField(verbose_name="答复期限")
    answer_overdue = models.BooleanField(default=False)
    may_affect_result = models.BooleanField(default=True, verbose_name="可能影响结果")
    assist_request = models.TextField(blank=True, verbose_name="请评审委员会协助的事项")
    answer = models.JSONField(default=dict, verbose_name="质疑答复")  # 94号令 15
    outcome = models.CharField(max_length=20, choices=c.Outcome.choices, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=c.ChallengeStatus.choices, default=c.ChallengeStatus.FILED
    )
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["lot", "status"])]
        verbose_name = "质疑"
        verbose_name_plural = "质疑"

    def __str__(self) -> str:
        return f"质疑 #{self.pk} {self.lot}"


class ChallengePolicy(models.Model):
    """What the documents say about challenges of one project: all challenges about one
    procedural step at once (94号令 10 ¶2). Set by the agency."""

    project = models.OneToOneField(
        "tenders.Project", on_delete=models.PROTECT, related_name="challenge_policy"
    )
    one_at_once = models.BooleanField(default=False, verbose_name="同一环节一次性提出")
    set_at = models.DateTimeField()

    class Meta:
        verbose_name = "质疑规则"
        verbose_name_plural = "质疑规则"


class Inquiry(TimedModel):
    """A supplier's 询问 (法 51), answered ≤ 3 WD (条例 52). `next_check`: the answer due."""

    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="inquiries")
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="询问人"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(max_length=10, choices=c.Subject.choices)
    question = models.TextField(verbose_name="询问事项")
    asked_at = models.DateTimeField()
    answer_due = models.DateField(verbose_name="答复期限")
    answer_overdue = models.BooleanField(default=False)
    may_affect_result = models.BooleanField(default=False, verbose_name="可能影响结果")
    answer = models.TextField(blank=True, verbose_name="答复")
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=c.InquiryStatus.choices, default=c.InquiryStatus.ASKED
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = "询问"
        verbose_name_plural = "询问"

    def __str__(self) -> str:
        return f"询问 #{self.pk} {self.lot}"


class Complaint(TimedModel):
    """A 投诉书 (94号令 18) to the finance department (94号令 6) after a 质疑 on the same
    matter (94号令 19; 条例 55). `next_check`: the review due (5 WD, 94号令 21), then the
    decision due (30 WD, not counting pauses — 94号令 26–27)."""

    challenge = models.ForeignKey(Challenge, on_delete=models.PROTECT, related_name="complaints")
    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="complaints")
    complainant = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="投诉人"
    )
    respondents = models.ManyToManyField(
        "accounts.Organization", related_name="+", verbose_name="被投诉人"
    )
    regulator = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="财政部门"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    letter = models.JSONField(default=dict, verbose_name="投诉书")  # 94号令 18
    evidence = models.JSONField(default=list, verbose_name="证明材料")
    filed_at = models.DateTimeField()
    window_ends = models.DateField(verbose_name="投诉期限")
    review_due = models.DateField(verbose_name="审查期限")
    review_overdue = models.BooleanField(default=False)
    corrections = models.PositiveSmallIntegerField(default=0, verbose_name="补正次数")
    correction_note = models.TextField(blank=True, verbose_name="补正事项")
    accepted_on = models.DateField(null=True, blank=True)
    review_reason = models.TextField(blank=True, verbose_name="不予受理或告知理由")
    response_due = models.DateField(null=True, blank=True, verbose_name="被投诉人说明期限")
    responses = models.JSONField(default=dict, verbose_name="被投诉人说明")  # 94号令 22–23
    pauses = models.JSONField(default=list, verbose_name="期限中止")  # [[start, end|None, why]]
    decision_due = models.DateField(null=True, blank=True, verbose_name="处理期限")
    decision_overdue = models.BooleanField(default=False)
    suspended_until = models.DateField(null=True, blank=True, verbose_name="暂停采购活动至")
    finding = models.CharField(max_length=20, choices=c.Finding.choices, blank=True)
    remedy = models.CharField(max_length=24, choices=c.Remedy.choices, blank=True)
    stage = models.CharField(max_length=14, choices=c.Stage.choices, blank=True)
    decision = models.JSONField(default=dict, verbose_name="投诉处理决定书")  # 94号令 33
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=14, choices=c.ComplaintStatus.choices, default=c.ComplaintStatus.SUBMITTED
    )
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["lot", "status"]), models.Index(fields=["regulator"])]
        verbose_name = "投诉"
        verbose_name_plural = "投诉"

    def __str__(self) -> str:
        return f"投诉 #{self.pk} {self.lot}"
