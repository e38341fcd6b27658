"""政府采购合同, its signatures and supplementary contracts; 履约验收 (milestones, teams,
reports, remedies); payment requests and the treasury exchange. Persistence only: every
status changes in `contracts.services` through its machine."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from zhengcai.contracts import constants as c
from zhengcai.core.models import TimedModel


class ContractTemplate(models.Model):
    """合同范本 of one kind; `body` holds `{placeholders}` (rules.TEMPLATE_FIELDS)."""

    kind = models.CharField(max_length=10, choices=c.ContractKind.choices, verbose_name="合同类型")
    name = models.CharField(max_length=100, verbose_name="范本名称")
    body = models.TextField(verbose_name="范本正文")
    is_default = models.BooleanField(default=False, verbose_name="默认范本")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["kind", "-is_default", "pk"]
        verbose_name = "合同范本"

    def __str__(self) -> str:
        return self.name


class Contract(TimedModel):
    """A 政府采购合同 of one awarded lot. `next_check`: the next of the signing (法 46), the
    announcement (条例 50) and the filing (法 47) deadlines still open — flags it overdue."""

    uid = models.CharField(max_length=32, unique=True)
    contract_no = models.CharField(max_length=40, unique=True, verbose_name="合同编号")
    title = models.CharField(max_length=200, verbose_name="合同名称")
    kind = models.CharField(max_length=10, choices=c.ContractKind.choices, verbose_name="合同类型")
    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="+")
    purchaser = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="采购人"
    )
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="供应商"
    )
    template = models.ForeignKey(
        ContractTemplate, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=c.ContractStatus.choices, default=c.ContractStatus.DRAFT
    )
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="合同金额（元）")
    items = models.JSONField(default=list, verbose_name="主要标的")
    terms = models.TextField(blank=True, verbose_name="采购文件合同条款")
    period = models.CharField(max_length=100, blank=True, verbose_name="履约期限")
    place = models.CharField(max_length=200, blank=True, verbose_name="履约地点")
    method_name = models.CharField(max_length=40, blank=True, verbose_name="采购方式")
    sme_reserved = models.BooleanField(default=False, verbose_name="中小企业预留合同")
    public_service = models.BooleanField(default=False, verbose_name="向社会公众提供的公共服务")
    security_amount = models.DecimalField(
        max_digits=16, decimal_places=2, default=Decimal("0"), verbose_name="履约保证金"
    )
    security_form = models.CharField(
        max_length=12, choices=c.SecurityForm.choices, default=c.SecurityForm.NONE
    )
    security_deducted = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    secrets = models.JSONField(default=list, blank=True, verbose_name="公告时删除的涉密内容")
    body = models.TextField(blank=True, verbose_name="合同文本")
    digest = models.CharField(max_length=64, blank=True, verbose_name="合同文本摘要 SHA-256")
    award_on = models.DateField(verbose_name="确定中标（成交）日")
    notice_on = models.DateField(verbose_name="中标（成交）通知书发出日")
    sign_due = models.DateField(verbose_name="签订期限")
    sign_overdue = models.BooleanField(default=False)
    signed_on = models.DateField(null=True, blank=True, verbose_name="签订日期")
    announce_due = models.DateField(null=True, blank=True, verbose_name="公告期限")
    announce_overdue = models.BooleanField(default=False)
    announced_at = models.DateTimeField(null=True, blank=True, verbose_name="公告时间")
    notice = models.JSONField(null=True, blank=True, verbose_name="合同公告")
    filing_due = models.DateField(null=True, blank=True, verbose_name="备案期限")
    filing_overdue = models.BooleanField(default=False)
    filed_at = models.DateTimeField(null=True, blank=True, verbose_name="备案时间")
    filing_no = models.CharField(max_length=40, blank=True, verbose_name="备案编号")
    payment_days = models.PositiveSmallIntegerField(default=30, verbose_name="付款期限（日）")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # one contract in force per lot (the same statuses as c.NOT_IN_FORCE)
            models.UniqueConstraint(
                fields=["lot"],
                condition=~models.Q(status__in=[str(s) for s in c.NOT_IN_FORCE]),
                name="uniq_live_contract_per_lot",
            )
        ]
        verbose_name = "政府采购合同"

    def __str__(self) -> str:
        return f"{self.contract_no} {self.title}"


class PartyKey(models.Model):
    """A purchaser's contract signing public key (suppliers sign with their bidding key)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    algo = models.CharField(max_length=12)
    public_key = models.TextField()
    key_id = models.CharField(max_length=16, unique=True)
    demo_private_sealed = models.BinaryField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]


class ContractSignature(models.Model):
    """One party's signature over `rules.signing_message(uid, party, digest)`."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(max_length=10, choices=c.Party.choices)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    algo = models.CharField(max_length=12)
    public_key = models.TextField()
    key_id = models.CharField(max_length=16)
    digest = models.CharField(max_length=64)
    signature = models.TextField()
    signed_at = models.DateTimeField()

    class Meta:
        ordering = ["contract_id", "party"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "party"], name="uniq_contract_party_sig")
        ]


class Supplement(models.Model):
    """补充合同 (法 49): same subject, ≤ 10 % of the original together with the others."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="supplements")
    number = models.PositiveSmallIntegerField()
    basis = models.TextField(verbose_name="签订依据")
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="补充合同金额")
    signed_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="uniq_supplement_no")
        ]


class Milestone(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="milestones")
    seq = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100, verbose_name="节点")
    kind = models.CharField(max_length=12, choices=c.MilestoneKind.choices)
    due_on = models.DateField(verbose_name="约定日期")
    amount = models.DecimalField(max_digits=16, decimal_places=2, verbose_name="对应付款金额")
    status = models.CharField(
        max_length=10, choices=c.MilestoneStatus.choices, default=c.MilestoneStatus.PENDING
    )
    delivered_on = models.DateField(null=True, blank=True)
    accepted_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["contract_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "seq"], name="uniq_milestone_seq")
        ]

    def __str__(self) -> str:
        return f"{self.contract.contract_no} #{self.seq} {self.name}"


class Acceptance(models.Model):
    """履约验收 of one milestone by a team (条例 45; 财库〔2016〕205号)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="acceptances")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="acceptances")
    status = models.CharField(
        max_length=10, choices=c.AcceptanceStatus.choices, default=c.AcceptanceStatus.OPEN
    )
    passed = models.BooleanField(null=True)
    findings = models.TextField(blank=True, verbose_name="验收意见")
    report_digest = models.CharField(max_length=64, blank=True)
    remedy = models.CharField(max_length=10, choices=c.Remedy.choices, blank=True)
    remedy_note = models.CharField(max_length=500, blank=True)
    deduction = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    published_at = models.DateTimeField(null=True, blank=True, verbose_name="验收结果公开时间")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    concluded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["contract_id", "pk"]


class AcceptanceMember(models.Model):
    acceptance = models.ForeignKey(Acceptance, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    is_expert = models.BooleanField(default=False, verbose_name="专家")
    signed_at = models.DateTimeField(null=True, blank=True)
    agrees = models.BooleanField(null=True)
    opinion = models.CharField(max_length=500, blank=True)
    signed_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["acceptance_id", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["acceptance", "user"], name="uniq_acceptance_member")
        ]


class PaymentRequest(TimedModel):
    """A 支付申请 against an accepted milestone. `next_check`: the end of the payment term
    (rules.payment_due) — flags it late while unpaid."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=16, decimal_places=2)
    status = models.CharField(
        max_length=10, choices=c.PaymentStatus.choices, default=c.PaymentStatus.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_on = models.DateField()
    due_on = models.DateField(verbose_name="付款期限")
    late = models.BooleanField(default=False, verbose_name="逾期")
    approved_at = models.DateTimeField(null=True, blank=True)
    instruction_no = models.CharField(max_length=40, blank=True, verbose_name="支付指令号")
    batch_file = models.CharField(max_length=200, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    voucher_no = models.CharField(max_length=60, blank=True, verbose_name="国库支付凭证号")
    note = models.CharField(max_length=500, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["contract_id", "pk"]
