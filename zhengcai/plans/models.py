"""Budgets (政府采购预算), implementation plans (采购实施计划), intentions (采购意向),
approvals (变更采购方式 / 单一来源公示 / 进口产品 / exceptions), split-purchase cases and
commissions (网上委托). Persistence only: every status changes in `plans.services`."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from zhengcai.core.models import TimedModel
from zhengcai.plans import constants as c


class PlanPolicy(models.Model):
    """Configurable periods of this app, per region and effective date (rules.md §0: ⚠ items
    are configuration). The nearest region with a row in force wins; else the defaults."""

    region = models.ForeignKey(
        "accounts.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划"
    )
    effective_from = models.DateField(verbose_name="生效日期")
    intention_lead_days = models.PositiveSmallIntegerField(
        default=c.DEFAULT_INTENTION_LEAD_DAYS,
        validators=[MinValueValidator(c.MIN_INTENTION_LEAD_DAYS)],
        verbose_name="采购意向提前公开天数",
        help_text="不少于30日（财库〔2020〕10号）",
    )
    commission_accept_workdays = models.PositiveSmallIntegerField(
        default=c.DEFAULT_COMMISSION_ACCEPT_WORKDAYS, verbose_name="委托接收时限（工作日）"
    )
    commission_start_workdays = models.PositiveSmallIntegerField(
        default=c.DEFAULT_COMMISSION_START_WORKDAYS, verbose_name="接收后启动采购时限（工作日）"
    )
    split_prefix_len = models.PositiveSmallIntegerField(
        default=c.DEFAULT_SPLIT_PREFIX_LEN, verbose_name="化整为零汇总品目位数"
    )
    basis = models.CharField(max_length=200, blank=True, verbose_name="依据文件")

    class Meta:
        ordering = ["region__path", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "effective_from"], name="uniq_plan_policy_version"
            )
        ]
        verbose_name = "计划管理参数"
        verbose_name_plural = "计划管理参数"

    def __str__(self) -> str:
        return f"{self.region} {self.effective_from}"


class BudgetLine(models.Model):
    """One line of a unit's 政府采购预算 for a fiscal year."""

    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name="预算单位",
    )
    fiscal_year = models.PositiveSmallIntegerField(verbose_name="预算年度")
    project_code = models.CharField(max_length=40, verbose_name="预算项目编码")
    project_name = models.CharField(max_length=200, verbose_name="预算项目名称")
    item_code = models.CharField(max_length=9, verbose_name="品目编码")
    item_name = models.CharField(max_length=120, blank=True, verbose_name="品目名称")
    description = models.CharField(max_length=300, verbose_name="采购内容")
    quantity = models.DecimalField(max_digits=12, decimal_places=2, verbose_name="数量")
    unit = models.CharField(max_length=20, blank=True, verbose_name="计量单位")
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="预算金额（元）")
    funding_source = models.CharField(
        max_length=20, choices=c.FundingSource.choices, verbose_name="资金来源"
    )
    org_form = models.CharField(max_length=12, choices=c.OrgForm.choices, verbose_name="组织形式")
    is_import = models.BooleanField(default=False, verbose_name="采购进口产品")
    status = models.CharField(
        max_length=12,
        choices=c.BudgetStatus.choices,
        default=c.BudgetStatus.DRAFT,
        verbose_name="状态",
    )
    decision_note = models.CharField(max_length=500, blank=True, verbose_name="审核意见")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name="审核时间")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-fiscal_year", "organization_id", "project_code", "id"]
        indexes = [
            models.Index(fields=["organization", "fiscal_year", "status"]),
            models.Index(fields=["status"]),
        ]
        verbose_name = "采购预算"
        verbose_name_plural = "采购预算"

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.project_name} · {self.description}"

    @property
    def unit_price(self) -> Decimal:
        return (
            (self.amount / self.quantity).quantize(Decimal("0.01"))
            if self.quantity
            else self.amount
        )


class ProcurementPlan(TimedModel):
    """采购实施计划 (条例 29) drawn from one approved budget line."""

    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="plans", verbose_name="预算"
    )
    organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="procurement_plans",
        verbose_name="采购人",
    )
    fiscal_year = models.PositiveSmallIntegerField(verbose_name="预算年度")
    plan_no = models.CharField(max_length=30, blank=True, db_index=True, verbose_name="计划编号")
    name = models.CharField(max_length=200, verbose_name="项目名称")
    item_code = models.CharField(max_length=9, verbose_name="品目编码")
    quantity = models.DecimalField(max_digits=12, decimal_places=2, verbose_name="数量")
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="计划金额（元）")
    requirements = models.TextField(blank=True, verbose_name="需求概况")
    expected_month = models.DateField(verbose_name="预计采购时间（月）")
    org_form = models.CharField(max_length=12, choices=c.OrgForm.choices, verbose_name="组织形式")
    default_method = models.CharField(
        max_length=16, choices=c.PlanMethod.choices, verbose_name="法定默认方式"
    )
    method = models.CharField(max_length=16, choices=c.PlanMethod.choices, verbose_name="采购方式")
    single_source_ground = models.CharField(
        max_length=12,
        choices=c.SingleSourceGround.choices,
        blank=True,
        verbose_name="单一来源理由",
    )
    is_import = models.BooleanField(default=False, verbose_name="采购进口产品")
    # Goods or services tied to works (条例 7 第二款: 构成工程不可分割的组成部分、为实现工程基本
    # 功能所必需的设备、材料；为完成工程所需的勘察、设计、监理等服务). Works themselves are the
    # 品目 category B.
    works_related = models.BooleanField(default=False, verbose_name="与工程建设有关的货物或服务")
    # The original contract of a single-source addition (法 31 ③), until a contracts app holds
    # contracts: all additions to one contract together stay within 10% of its amount.
    original_contract_no = models.CharField(
        max_length=60, blank=True, db_index=True, verbose_name="原合同编号"
    )
    original_supplier = models.CharField(max_length=200, blank=True, verbose_name="原合同供应商")
    original_contract_amount = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name="原合同金额（元）"
    )
    original_contract_signed_on = models.DateField(
        null=True, blank=True, verbose_name="原合同签订日期"
    )
    open_tender_threshold = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name="适用公开招标数额标准"
    )
    determination = models.JSONField(default=dict, verbose_name="方式确定依据")
    is_urgent = models.BooleanField(default=False, verbose_name="紧急采购（免意向公开期）")
    urgent_reason = models.CharField(max_length=500, blank=True, verbose_name="紧急事由")
    status = models.CharField(
        max_length=12, choices=c.PlanStatus.choices, default=c.PlanStatus.DRAFT, verbose_name="状态"
    )
    decision_note = models.CharField(max_length=500, blank=True, verbose_name="审核意见")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Budget execution filled in by later apps (contracts, payments) through services.
    contracted_amount = models.DecimalField(
        max_digits=16, decimal_places=2, default=Decimal("0.00")
    )
    paid_amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0.00"))
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "fiscal_year", "status"]),
            models.Index(fields=["status"]),
        ]
        verbose_name = "采购实施计划"
        verbose_name_plural = "采购实施计划"

    def __str__(self) -> str:
        return f"{self.plan_no or '（未编号）'} {self.name}"


class ProcurementIntention(models.Model):
    """采购意向, public once published (财库〔2020〕10号 ⚠; rules.md §7 fields)."""

    plan = models.ForeignKey(
        ProcurementPlan, on_delete=models.PROTECT, related_name="intentions", verbose_name="计划"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="采购人"
    )
    project_name = models.CharField(max_length=200, verbose_name="采购项目名称")
    requirements = models.TextField(verbose_name="采购需求概况")
    budget_amount = models.DecimalField(
        max_digits=16, decimal_places=2, verbose_name="预算金额（元）"
    )
    expected_month = models.DateField(verbose_name="预计采购时间")
    notes = models.CharField(max_length=500, blank=True, verbose_name="备注")
    status = models.CharField(
        max_length=12,
        choices=c.IntentionStatus.choices,
        default=c.IntentionStatus.PUBLISHED,
        verbose_name="状态",
    )
    published_at = models.DateTimeField(verbose_name="公开时间")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["status", "published_at"])]
        verbose_name = "采购意向"
        verbose_name_plural = "采购意向"

    def __str__(self) -> str:
        return self.project_name


class ApprovalRequest(TimedModel):
    """An application to the finance department; single-source requests first run a public
    notice of at least 5 working days (条例 38; 74号令 38–40)."""

    kind = models.CharField(max_length=20, choices=c.ApprovalKind.choices, verbose_name="类型")
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="申请单位"
    )
    plan = models.ForeignKey(
        ProcurementPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
        verbose_name="采购计划",
    )
    budget_line = models.ForeignKey(
        BudgetLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approvals",
        verbose_name="采购预算",
    )
    proposed_method = models.CharField(
        max_length=16, choices=c.PlanMethod.choices, blank=True, verbose_name="拟采用方式"
    )
    single_source_ground = models.CharField(
        max_length=12, choices=c.SingleSourceGround.choices, blank=True, verbose_name="单一来源理由"
    )
    reasons = models.TextField(verbose_name="申请理由")
    supplier_name = models.CharField(max_length=200, blank=True, verbose_name="拟定供应商")
    supplier_address = models.CharField(max_length=200, blank=True, verbose_name="供应商地址")
    expert_opinion = models.TextField(blank=True, verbose_name="专家论证意见")
    status = models.CharField(
        max_length=12,
        choices=c.ApprovalStatus.choices,
        default=c.ApprovalStatus.DRAFT,
        verbose_name="状态",
    )
    publicity_start = models.DateTimeField(null=True, blank=True, verbose_name="公示开始")
    publicity_end = models.DateField(null=True, blank=True, verbose_name="公示截止日")
    review_conclusion = models.CharField(
        max_length=10,
        choices=c.ReviewConclusion.choices,
        blank=True,
        verbose_name="补充论证结论",
    )
    review_note = models.TextField(blank=True, verbose_name="补充论证意见")
    submitted_at = models.DateTimeField(null=True, blank=True)
    consented_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    consented_at = models.DateTimeField(null=True, blank=True)
    consent_note = models.CharField(max_length=1000, blank=True, verbose_name="主管预算单位意见")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=1000, blank=True, verbose_name="审批意见")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "status"])]
        verbose_name = "审批申请"
        verbose_name_plural = "审批申请"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class ApprovalAttachment(models.Model):
    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to="plans/approvals/%Y/%m/", verbose_name="附件")
    name = models.CharField(max_length=200, verbose_name="文件名")
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = "申请附件"
        verbose_name_plural = "申请附件"

    def __str__(self) -> str:
        return self.name


class PublicityObjection(models.Model):
    """An objection to a single-source notice (74号令 39)."""

    request = models.ForeignKey(
        ApprovalRequest, on_delete=models.CASCADE, related_name="objections"
    )
    objector_name = models.CharField(max_length=200, verbose_name="异议人")
    objector_org = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    content = models.TextField(verbose_name="异议内容")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return f"{self.objector_name}: {self.content[:30]}"


class SplitCase(models.Model):
    """A suspected 化整为零 (法 28; 条例 28) found when a unit filed a plan or an order,
    recorded for supervision whatever happened next."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="采购人"
    )
    fiscal_year = models.PositiveSmallIntegerField(verbose_name="预算年度")
    budget_project_code = models.CharField(max_length=40, verbose_name="预算项目编码")
    category_prefix = models.CharField(max_length=9, verbose_name="品目类别")
    plan = models.ForeignKey(
        ProcurementPlan,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="split_cases",
        verbose_name="触发的计划",
    )
    source = models.CharField(max_length=20, default="plan", verbose_name="来源")
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="本次金额")
    total = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="年度累计")
    threshold = models.DecimalField(
        max_digits=16, decimal_places=2, verbose_name="公开招标数额标准"
    )
    parts = models.JSONField(default=list, verbose_name="构成")
    message = models.CharField(max_length=500, verbose_name="说明")
    status = models.CharField(
        max_length=10, choices=c.SplitCaseStatus.choices, verbose_name="处理结果"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "化整为零线索"
        verbose_name_plural = "化整为零线索"

    def __str__(self) -> str:
        return f"{self.organization} {self.fiscal_year} {self.category_prefix}"


class Commission(TimedModel):
    """网上委托: an approved plan handed to an agency, tracked (业务跟踪) until the project
    procurement of a later issue takes it over. Named to grow into the project handoff."""

    plan = models.ForeignKey(
        ProcurementPlan, on_delete=models.PROTECT, related_name="commissions", verbose_name="计划"
    )
    purchaser = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="采购人"
    )
    agency = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="commissions_received",
        verbose_name="代理机构",
    )
    project_no = models.CharField(max_length=30, blank=True, db_index=True, verbose_name="项目编号")
    status = models.CharField(
        max_length=12,
        choices=c.CommissionStatus.choices,
        default=c.CommissionStatus.SENT,
        verbose_name="状态",
    )
    note = models.CharField(max_length=500, blank=True, verbose_name="委托说明")
    urgent_exemption = models.BooleanField(default=False, verbose_name="紧急采购免意向期")
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    handed_at = models.DateTimeField(verbose_name="委托时间")
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="接收人",
    )
    received_at = models.DateTimeField(null=True, blank=True, verbose_name="接收时间")
    holder = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="当前办理单位",
    )
    holder_since = models.DateTimeField(verbose_name="办理起始")
    due_at = models.DateTimeField(null=True, blank=True, verbose_name="当前环节时限")
    due_step = models.CharField(max_length=60, blank=True, verbose_name="当前环节")
    is_overdue = models.BooleanField(default=False, verbose_name="已逾期")
    decline_reason = models.CharField(max_length=500, blank=True, verbose_name="退回理由")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-handed_at", "-id"]
        indexes = [models.Index(fields=["agency", "status"])]
        verbose_name = "网上委托"
        verbose_name_plural = "网上委托"

    def __str__(self) -> str:
        return f"{self.project_no or '（未编号）'} {self.plan.name}"
