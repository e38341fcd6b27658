"""The expert database (评审专家库) and the random draw (随机抽取). Persistence only."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhengcai.core.models import TimedModel
from zhengcai.experts.constants import (
    Attendance,
    ConflictKind,
    DrawStatus,
    ExpertStatus,
    IncidentKind,
    InvitationStatus,
    Procedure,
    RaterSide,
    ShareStatus,
    TitleLevel,
    TrainingStatus,
)
from zhengcai.experts.rules import mask_id_number


class ExpertProfile(TimedModel):
    """One expert (a user with role "expert"). The employer, when it is an organization on the
    platform, is `user.organization`; `employer_name` is what the expert declared."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="expert_profile"
    )
    id_number = models.CharField(max_length=18, unique=True, verbose_name="身份证号码")
    birth_date = models.DateField(null=True, blank=True, verbose_name="出生日期")
    employer_name = models.CharField(max_length=200, blank=True, verbose_name="工作单位")
    title = models.CharField(max_length=60, blank=True, verbose_name="职称")
    title_level = models.CharField(
        max_length=12, choices=TitleLevel.choices, default=TitleLevel.OTHER, verbose_name="职称级别"
    )
    years_in_field = models.PositiveSmallIntegerField(default=0, verbose_name="从业年限")
    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    certificate_no = models.CharField(max_length=40, unique=True, verbose_name="专家证编号")
    certificate_expires = models.DateField(null=True, blank=True, verbose_name="专家证有效期至")
    # The last day of the appointment (聘期) by the finance department (198号 10); None: no term.
    appointment_ends = models.DateField(null=True, blank=True, verbose_name="聘期至")
    training_status = models.CharField(
        max_length=10,
        choices=TrainingStatus.choices,
        default=TrainingStatus.NONE,
        verbose_name="培训考核",
    )
    status = models.CharField(
        max_length=10,
        choices=ExpertStatus.choices,
        default=ExpertStatus.PENDING,
        verbose_name="状态",
    )
    status_reason = models.CharField(max_length=500, blank=True, verbose_name="状态原因")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["status", "region"])]
        verbose_name = "评审专家"
        verbose_name_plural = "评审专家"

    def __str__(self) -> str:
        return self.user.get_full_name()

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)


class ExpertSpecialty(models.Model):
    """A 品目 code the expert may evaluate (matched by prefix, see rules.specialty_matches)."""

    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="specialties")
    code = models.CharField(max_length=9, db_index=True, verbose_name="品目编码")

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="uniq_expert_specialty")
        ]


class ExpertUnavailability(models.Model):
    """A period (inclusive dates) in which the expert cannot evaluate."""

    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="unavailable")
    start = models.DateField(verbose_name="开始日期")
    end = models.DateField(verbose_name="结束日期")
    reason = models.CharField(max_length=200, blank=True, verbose_name="原因")

    class Meta:
        ordering = ["start"]
        indexes = [models.Index(fields=["start", "end"])]


class ExpertConflict(models.Model):
    """A relationship that requires recusal (条例 9; 198号 16): employment, directorship,
    control or kinship with an organization; `until` = when it ended (None: ongoing)."""

    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="conflicts")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="单位"
    )
    kind = models.CharField(max_length=12, choices=ConflictKind.choices, verbose_name="关系")
    until = models.DateField(null=True, blank=True, verbose_name="关系终止日期")
    note = models.CharField(max_length=200, blank=True, verbose_name="说明")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["organization", "profile"])]


class ExpertStatusChange(models.Model):
    """Status history (the audit chain holds the same facts, tamper-evident)."""

    profile = models.ForeignKey(
        ExpertProfile, on_delete=models.CASCADE, related_name="status_history"
    )
    from_status = models.CharField(max_length=10, choices=ExpertStatus.choices)
    to_status = models.CharField(max_length=10, choices=ExpertStatus.choices)
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]


class PoolShare(models.Model):
    """The owner region lets the grantee region draw from its experts (with consent)."""

    owner_region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name="共享方"
    )
    grantee_region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name="使用方"
    )
    status = models.CharField(max_length=10, choices=ShareStatus.choices, default="active")
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_region", "grantee_region"], name="uniq_pool_share"
            )
        ]


class DrawRequest(TimedModel):
    """An agency's request for N experts. The seed is generated and its SHA-256 published
    (`seed_hash`) before any expert is drawn; `seed` is shown only once revealed."""

    agency = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="代理机构"
    )
    purchaser = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="采购人"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    project_code = models.CharField(max_length=60, blank=True, verbose_name="项目编号")
    project_name = models.CharField(max_length=200, verbose_name="项目名称")
    bidder_ids = models.JSONField(default=list, blank=True, verbose_name="投标供应商")
    specialty_codes = models.JSONField(default=list, verbose_name="评审专业")
    region_paths = models.JSONField(default=list, verbose_name="抽取范围")
    evaluation_at = models.DateTimeField(verbose_name="评审开始时间")
    place = models.CharField(max_length=200, blank=True, verbose_name="评审地点")
    count = models.PositiveSmallIntegerField(verbose_name="抽取专家人数")
    purchaser_reps = models.PositiveSmallIntegerField(default=0, verbose_name="采购人代表人数")
    procedure = models.CharField(max_length=12, choices=Procedure.choices, default="tender")
    budget = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="预算金额")
    method = models.CharField(max_length=16, blank=True, verbose_name="采购方式")
    # The 公开招标数额标准 (works: 招标规模标准) in force when the panel was set (74号令 7).
    threshold = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name="公开招标数额标准"
    )
    technically_complex = models.BooleanField(default=False, verbose_name="技术复杂/社会影响较大")
    urgent_exception = models.CharField(
        max_length=200, blank=True, verbose_name="提前抽取的理由（例外情形）"
    )
    confirm_minutes = models.PositiveSmallIntegerField(default=30, verbose_name="答复时限（分钟）")
    seed_hash = models.CharField(max_length=64, verbose_name="种子承诺值 SHA-256")
    seed = models.CharField(max_length=64, verbose_name="随机种子")
    revealed_at = models.DateTimeField(null=True, blank=True, verbose_name="种子公开时间")
    status = models.CharField(
        max_length=10, choices=DrawStatus.choices, default=DrawStatus.COMMITTED
    )
    status_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["agency", "status"])]
        verbose_name = "专家抽取申请"
        verbose_name_plural = "专家抽取申请"

    def __str__(self) -> str:
        return f"抽取 #{self.pk} {self.project_name}"

    @property
    def revealed_seed(self) -> str | None:
        return self.seed if self.revealed_at is not None else None


class DrawRound(models.Model):
    """One run of the draw function: the eligible list it ran over and what it picked."""

    draw = models.ForeignKey(DrawRequest, on_delete=models.CASCADE, related_name="rounds")
    number = models.PositiveSmallIntegerField()
    reason = models.CharField(max_length=40)  # initial | replacement
    eligible_ids = models.JSONField()
    eligible_digest = models.CharField(max_length=64)
    excluded_count = models.PositiveIntegerField(default=0)
    exclusion_summary = models.JSONField(default=dict)  # reason code -> count
    wanted = models.PositiveSmallIntegerField()
    picked_ids = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["draw", "number"]
        constraints = [models.UniqueConstraint(fields=["draw", "number"], name="uniq_draw_round")]


class DrawInvitation(TimedModel):
    """An expert drawn for a request; `next_check` = the answer deadline while pending."""

    draw = models.ForeignKey(DrawRequest, on_delete=models.CASCADE, related_name="invitations")
    round = models.ForeignKey(DrawRound, on_delete=models.PROTECT, related_name="invitations")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="invitations")
    position = models.PositiveSmallIntegerField()  # order of drawing within the request
    status = models.CharField(
        max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    deadline = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.CharField(max_length=300, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    notice_ref = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["draw", "position"]
        constraints = [models.UniqueConstraint(fields=["draw", "expert"], name="uniq_draw_expert")]
        indexes = [models.Index(fields=["expert", "status"])]


class ExpertRating(models.Model):
    """The performance record of one expert in one evaluation, by the draw's agency or its
    purchaser (198号 21; 条例 62): attendance, 评审质量 1–5 (none when absent), flags. The expert
    may read it and reply once (198号 21)."""

    draw = models.ForeignKey(DrawRequest, on_delete=models.PROTECT, related_name="ratings")
    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="ratings")
    rater_org = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="评价单位"
    )
    side = models.CharField(max_length=10, choices=RaterSide.choices, verbose_name="评价方")
    attendance = models.CharField(
        max_length=10, choices=Attendance.choices, verbose_name="到场情况"
    )
    quality = models.PositiveSmallIntegerField(null=True, blank=True, verbose_name="评审质量")
    flag_outlier = models.BooleanField(default=False, verbose_name="评分畸高畸低")
    flag_discipline = models.BooleanField(default=False, verbose_name="违反评审纪律")
    flag_disclosure = models.BooleanField(default=False, verbose_name="泄露评审情况")
    flag_other = models.BooleanField(default=False, verbose_name="其他问题")
    note = models.CharField(max_length=500, blank=True, verbose_name="说明")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    reply = models.CharField(max_length=1000, blank=True, verbose_name="专家说明")
    replied_at = models.DateTimeField(null=True, blank=True, verbose_name="说明时间")

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "expert", "rater_org"], name="uniq_expert_rating"
            ),
            models.CheckConstraint(
                condition=models.Q(quality__isnull=True) | models.Q(quality__gte=1, quality__lte=5),
                name="expert_rating_quality_1_5",
            ),
        ]
        indexes = [models.Index(fields=["expert", "created_at"])]
        verbose_name = "专家履职评价"
        verbose_name_plural = "专家履职评价"

    @property
    def flags(self) -> list[str]:
        return [
            f
            for f in ("outlier", "discipline", "disclosure", "other")
            if getattr(self, f"flag_{f}")
        ]


class ExpertIncident(models.Model):
    """A fact about an expert recorded by the regulator, e.g. a complaint upheld against the
    expert's conduct (投诉处理决定), which counts towards a suspension suggestion."""

    expert = models.ForeignKey(ExpertProfile, on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(max_length=20, choices=IncidentKind.choices, verbose_name="类型")
    reference = models.CharField(max_length=200, verbose_name="文号/依据")
    occurred_on = models.DateField(verbose_name="决定日期")
    note = models.CharField(max_length=500, blank=True, verbose_name="说明")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["expert", "occurred_on"])]
        verbose_name = "专家不良记录"
        verbose_name_plural = "专家不良记录"
