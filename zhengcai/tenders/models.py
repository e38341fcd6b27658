"""Projects (项目) with lots (包/标段), document templates (范本), procurement documents,
compliance findings, notices, clarifications, the download log and the public feed outbox.
Persistence only: every status changes in `tenders.services`.

Stable names other apps build on (bidding, evaluation, awards): `Project`, `Lot`,
`Project.bid_deadline`, `Project.opening_at`, `Project.method_config`, `DocumentDownload`
(who obtained the documents: `selectors.project_document_holders`)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from zhengcai.core.models import TimedModel
from zhengcai.plans.constants import Method
from zhengcai.tenders import compliance
from zhengcai.tenders import constants as c

if TYPE_CHECKING:
    from zhengcai.tenders.methods import MethodConfig


class DocumentTemplate(models.Model):
    """采购文件范本 maintained by an agency; a project's documents start from one."""

    agency = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="document_templates",
        verbose_name="代理机构",
    )
    name = models.CharField(max_length=200, verbose_name="范本名称")
    method = models.CharField(
        max_length=16, choices=Method.choices, blank=True, verbose_name="适用采购方式"
    )
    object_kind = models.CharField(
        max_length=10, choices=c.ObjectKind.choices, blank=True, verbose_name="适用对象"
    )
    requirements = models.TextField(blank=True, verbose_name="采购需求")
    qualifications = models.TextField(blank=True, verbose_name="资格条件")
    evaluation_method = models.CharField(
        max_length=30, choices=c.EvaluationMethod.choices, verbose_name="评审方法"
    )
    # [{"name": str, "points": "30.00", "objective": bool, "is_price": bool, "criteria": str}]
    factors = models.JSONField(default=list, verbose_name="评分因素")
    contract_terms = models.TextField(blank=True, verbose_name="合同条款")
    bid_bond_percent = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("1.00"), verbose_name="投标保证金比例（%）"
    )
    is_active = models.BooleanField(default=True, verbose_name="启用")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["agency_id", "name", "id"]
        verbose_name = "采购文件范本"
        verbose_name_plural = "采购文件范本"

    def __str__(self) -> str:
        return self.name


class Project(TimedModel):
    """采购项目, grown from an accepted commission and held by the agency.

    `next_check` is the bid deadline while the project is published: the timed handler
    `services.project_deadline_tick` calls `services.project_deadline_reached`."""

    commission = models.OneToOneField(
        "plans.Commission",
        on_delete=models.PROTECT,
        related_name="project",
        verbose_name="委托",
    )
    plan = models.ForeignKey(
        "plans.ProcurementPlan",
        on_delete=models.PROTECT,
        related_name="projects",
        verbose_name="采购计划",
    )
    purchaser = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="采购人"
    )
    agency = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="tender_projects",
        verbose_name="代理机构",
    )
    project_no = models.CharField(max_length=30, unique=True, verbose_name="项目编号")
    name = models.CharField(max_length=200, verbose_name="项目名称")
    method = models.CharField(max_length=16, choices=Method.choices, verbose_name="采购方式")
    method_variant = models.CharField(max_length=20, blank=True, verbose_name="方式变体")
    object_kind = models.CharField(
        max_length=10, choices=c.ObjectKind.choices, verbose_name="采购对象"
    )
    item_code = models.CharField(max_length=9, verbose_name="品目编码")
    budget = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="预算金额（元）")
    status = models.CharField(
        max_length=20,
        choices=c.ProjectStatus.choices,
        default=c.ProjectStatus.DRAFT,
        verbose_name="状态",
    )
    accepts_consortium = models.BooleanField(default=False, verbose_name="接受联合体")
    contract_period = models.CharField(max_length=100, blank=True, verbose_name="合同履行期限")
    sme_reservation = models.CharField(
        max_length=12,
        choices=c.SmeReservation.choices,
        default=c.SmeReservation.NONE,
        verbose_name="中小企业预留",
    )
    sme_reserved_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0"), verbose_name="预留份额（%）"
    )
    # Timeline, set when the notice is published (and moved by corrections).
    notice_published_at = models.DateTimeField(null=True, blank=True, verbose_name="公告发布时间")
    notice_display_until = models.DateField(null=True, blank=True, verbose_name="公告期限至")
    documents_from = models.DateTimeField(null=True, blank=True, verbose_name="文件获取开始")
    documents_until = models.DateField(null=True, blank=True, verbose_name="文件获取截止")
    bid_deadline = models.DateTimeField(null=True, blank=True, verbose_name="投标（响应）截止时间")
    opening_at = models.DateTimeField(null=True, blank=True, verbose_name="开标时间")
    opening_place = models.CharField(max_length=200, blank=True, verbose_name="开标地点")
    clarification_cutoff = models.DateField(null=True, blank=True, verbose_name="澄清截止日")
    public_comment_until = models.DateField(null=True, blank=True, verbose_name="文件征求意见截止")
    contact_name = models.CharField(max_length=60, blank=True, verbose_name="项目联系人")
    contact_phone = models.CharField(max_length=30, blank=True, verbose_name="联系电话")
    termination_reason = models.CharField(max_length=500, blank=True, verbose_name="终止原因")
    # 竞争性磋商 only: the lawful ground for standing with 2 suppliers (214号 21 ¶3;
    # 财库〔2015〕124号), set by the agency before publication (services.project_two_supplier_set);
    # the minimums are read through rules.min_suppliers_to_open / min_suppliers_to_continue.
    two_supplier_basis = models.CharField(
        max_length=20,
        choices=c.TwoSupplierBasis.choices,
        default=c.TwoSupplierBasis.NONE,
        verbose_name="2家供应商例外情形",
    )
    two_supplier_justification = models.TextField(blank=True, verbose_name="例外情形说明")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["purchaser", "status"]),
            models.Index(fields=["status", "bid_deadline"]),
        ]
        verbose_name = "采购项目"
        verbose_name_plural = "采购项目"

    def __str__(self) -> str:
        return f"{self.project_no} {self.name}"

    @property
    def method_config(self) -> MethodConfig:
        from zhengcai.tenders import methods

        return methods.get(self.method, self.method_variant)


class Lot(models.Model):
    """包 / 标段: evaluated and awarded separately."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="lots", verbose_name="项目"
    )
    number = models.PositiveSmallIntegerField(verbose_name="包号")
    name = models.CharField(max_length=200, verbose_name="包名称")
    budget = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="预算金额（元）")
    ceiling_price = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name="最高限价（元）"
    )
    quantity = models.DecimalField(max_digits=12, decimal_places=2, verbose_name="数量")
    unit = models.CharField(max_length=20, blank=True, verbose_name="单位")
    requirements = models.TextField(blank=True, verbose_name="技术与商务要求")
    sme_reserved = models.BooleanField(default=False, verbose_name="专门面向中小企业")
    bid_bond_amount = models.DecimalField(
        max_digits=16, decimal_places=2, default=Decimal("0.00"), verbose_name="投标保证金（元）"
    )
    # 合理定价评审抽签法 (seed 001): the budget as reviewed (财政评审价 / 控制价), ≤ budget; the
    # reasonable price = reviewed_budget × (1 − document.lottery_discount). Set through
    # services.document_update (`reviewed_budgets`); read through selectors.lottery_terms.
    reviewed_budget = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name="审核后的预算（元）"
    )
    status = models.CharField(
        max_length=12, choices=c.LotStatus.choices, default=c.LotStatus.ACTIVE, verbose_name="状态"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["project_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_lot_number")
        ]
        verbose_name = "采购包"
        verbose_name_plural = "采购包"

    def __str__(self) -> str:
        return f"第{self.number}包 {self.name}"


class ProcurementDocument(models.Model):
    """采购文件 (招标文件 / 谈判文件 / 磋商文件 / 询价通知书) of a project; one row per
    project, `version` grows with every change after publication (corrections)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="document", verbose_name="项目"
    )
    template = models.ForeignKey(
        DocumentTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="范本",
    )
    status = models.CharField(
        max_length=10,
        choices=c.DocumentStatus.choices,
        default=c.DocumentStatus.DRAFT,
        verbose_name="状态",
    )
    requirements = models.TextField(blank=True, verbose_name="采购需求")
    qualifications = models.TextField(blank=True, verbose_name="资格条件")
    evaluation_method = models.CharField(
        max_length=30, choices=c.EvaluationMethod.choices, verbose_name="评审方法"
    )
    factors = models.JSONField(default=list, verbose_name="评分因素")
    contract_terms = models.TextField(blank=True, verbose_name="合同条款")
    bid_bond_percent = models.DecimalField(
        max_digits=4, decimal_places=2, default=Decimal("0.00"), verbose_name="投标保证金比例（%）"
    )
    # 46号 9; 19号: the SME price deduction the documents publish, chosen inside the band in force
    # (tenders.sme_rates); evaluation applies exactly these.
    sme_rate = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, verbose_name="小微企业价格扣除比例"
    )
    sme_partial_rate = models.DecimalField(
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        verbose_name="联合体/分包小微企业份额价格扣除比例",
    )
    # 合理定价评审抽签法 (seed 001): the published discount on the reviewed budget, 0 < d < 1.
    lottery_discount = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, verbose_name="下浮率"
    )
    # 全生命周期成本法 (seed 004): the service life over which running costs are counted, what
    # bidders must quote (running, energy, maintenance, disposal …) and the discount rate
    # applied to future costs (0 = undiscounted).
    service_life_years = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name="使用寿命（年）"
    )
    life_cycle_costs = models.TextField(blank=True, verbose_name="须报价的运行与处置成本")
    life_cycle_discount_rate = models.DecimalField(
        max_digits=5, decimal_places=4, null=True, blank=True, verbose_name="折现率"
    )
    checked_at = models.DateTimeField(null=True, blank=True, verbose_name="合规审查时间")
    checked_version = models.PositiveIntegerField(default=0, verbose_name="已审查版本")
    html = models.TextField(blank=True, verbose_name="文件正文（HTML）")
    pdf = models.FileField(upload_to="tenders/documents/%Y/%m/", blank=True, verbose_name="PDF")
    pdf_sha256 = models.CharField(max_length=64, blank=True, verbose_name="文件摘要")
    pdf_size = models.PositiveIntegerField(default=0)
    rendered_version = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = "采购文件"
        verbose_name_plural = "采购文件"

    def __str__(self) -> str:
        return f"{self.project.project_no} 采购文件 v{self.version}"


class ComplianceFinding(models.Model):
    """A clause of the documents the law forbids; blocks publication until fixed or justified
    in writing (the justification stays for supervision)."""

    document = models.ForeignKey(
        ProcurementDocument, on_delete=models.CASCADE, related_name="findings"
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="findings")
    rule = models.CharField(max_length=40, verbose_name="规则")
    article = models.CharField(max_length=100, verbose_name="依据")
    section = models.CharField(max_length=30, verbose_name="所在部分")
    excerpt = models.CharField(max_length=300, blank=True, verbose_name="原文")
    message = models.CharField(max_length=500, verbose_name="问题")
    fingerprint = models.CharField(max_length=64, verbose_name="指纹")
    status = models.CharField(
        max_length=10,
        choices=c.FindingStatus.choices,
        default=c.FindingStatus.OPEN,
        verbose_name="状态",
    )
    justification = models.TextField(blank=True, verbose_name="书面理由")
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="处理人",
    )
    resolved_at = models.DateTimeField(null=True, blank=True, verbose_name="处理时间")
    found_at = models.DateTimeField(verbose_name="发现时间")
    found_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["found_at", "id"]
        indexes = [models.Index(fields=["project", "status"])]
        verbose_name = "合规审查问题"
        verbose_name_plural = "合规审查问题"

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"

    @property
    def justifiable(self) -> bool:
        """Only findings the law lets stand with written reasons (compliance.JUSTIFIABLE_RULES)."""
        return compliance.justifiable(self.rule)


class Notice(models.Model):
    """A published notice (公告), public on the portal. Fields follow rules.md §7."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=20, choices=c.NoticeKind.choices, verbose_name="类型")
    title = models.CharField(max_length=300, verbose_name="标题")
    status = models.CharField(
        max_length=12,
        choices=c.NoticeStatus.choices,
        default=c.NoticeStatus.PUBLISHED,
        verbose_name="状态",
    )
    fields = models.JSONField(default=dict, verbose_name="公告要素")
    body = models.TextField(blank=True, verbose_name="正文")
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name="更正的原公告",
    )
    published_at = models.DateTimeField(verbose_name="发布时间")
    display_until = models.DateField(null=True, blank=True, verbose_name="公告期限至")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-published_at", "-id"]
        indexes = [models.Index(fields=["kind", "published_at"])]
        verbose_name = "采购公告"
        verbose_name_plural = "采购公告"

    def __str__(self) -> str:
        return self.title


class DocumentDownload(models.Model):
    """Each time a supplier obtains the documents (who, when, IP, digest of the file).
    Never public before the deadline (87号令 28 ⚠: who or how many obtained them)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="downloads")
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="供应商"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="下载人"
    )
    downloaded_at = models.DateTimeField(verbose_name="下载时间")
    ip = models.GenericIPAddressField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, verbose_name="文件摘要")
    document_version = models.PositiveIntegerField(verbose_name="文件版本")

    class Meta:
        ordering = ["downloaded_at", "id"]
        indexes = [models.Index(fields=["project", "supplier"])]
        verbose_name = "采购文件下载记录"
        verbose_name_plural = "采购文件下载记录"

    def __str__(self) -> str:
        return f"{self.project_id} {self.supplier_id} {self.downloaded_at:%Y-%m-%d %H:%M}"


class Clarification(models.Model):
    """A supplier's question and the agency's answer, published to every participant
    without naming who asked."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="clarifications")
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="提问单位"
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(verbose_name="问题")
    asked_at = models.DateTimeField(verbose_name="提问时间")
    status = models.CharField(
        max_length=10,
        choices=c.ClarificationStatus.choices,
        default=c.ClarificationStatus.ASKED,
        verbose_name="状态",
    )
    answer = models.TextField(blank=True, verbose_name="答复")
    changes_documents = models.BooleanField(default=False, verbose_name="涉及修改采购文件")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name="答复时间")
    notice = models.ForeignKey(
        Notice,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="澄清（更正）公告",
    )

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = "澄清答疑"
        verbose_name_plural = "澄清答疑"

    def __str__(self) -> str:
        return self.question[:40]


class DocumentComment(models.Model):
    """A comment on the documents during the public comment period (采购文件征求意见,
    platform practice ⚠), and the agency's answer. The public sees answered comments without
    the commenter's name."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="提出单位",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(verbose_name="意见")
    submitted_at = models.DateTimeField(verbose_name="提出时间")
    status = models.CharField(
        max_length=10,
        choices=c.CommentStatus.choices,
        default=c.CommentStatus.SUBMITTED,
        verbose_name="状态",
    )
    answer = models.TextField(blank=True, verbose_name="答复")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True, verbose_name="答复时间")

    class Meta:
        ordering = ["submitted_at", "id"]
        verbose_name = "采购文件意见"
        verbose_name_plural = "采购文件意见"

    def __str__(self) -> str:
        return self.text[:40]


class PublicationHead(models.Model):
    """Singleton holding the last feed sequence; locking it serializes publication so the
    sequence is gap-free in commit order (design §4 rule 11)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)


class PublicationEvent(models.Model):
    """Transactional outbox of the public feed: written in the publishing transaction."""

    seq = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=40)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["seq"]
        verbose_name = "公开发布事件"
        verbose_name_plural = "公开发布事件"

    def __str__(self) -> str:
        return f"#{self.seq} {self.kind}"


# The 资格预审 call of 邀请招标 (its own module to keep this one small).
from zhengcai.tenders.prequal_models import Prequalification  # noqa: E402, F401
