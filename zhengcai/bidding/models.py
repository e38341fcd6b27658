"""Supplier keys, participations, submission windows (with their opening keys), sealed bids,
receipts, bonds, upload evidence, openings, objections and negotiation rounds.
Persistence only: every status changes in `bidding.services`. What is sealed and how is
explained in SEALING.md; nothing here holds a bid's plaintext before its window is opened."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from zhengcai.bidding import constants as c


class SupplierKey(models.Model):
    """A supplier's signing public key (the private key stays with the supplier)."""

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="signing_keys"
    )
    algo = models.CharField(max_length=12, choices=c.SignAlgo.choices, verbose_name="算法")
    public_key = models.TextField(verbose_name="公钥")
    key_id = models.CharField(max_length=16, unique=True, verbose_name="密钥标识")
    label = models.CharField(max_length=100, blank=True, verbose_name="说明")
    is_active = models.BooleanField(default=True, verbose_name="有效")
    # Demo mode only: the demo supplier's private key, encrypted under the platform KEK.
    demo_private_sealed = models.BinaryField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "签名公钥"
        verbose_name_plural = "签名公钥"

    def __str__(self) -> str:
        return f"{self.key_id} ({self.algo})"


class SubmissionWindow(models.Model):
    """A period in which sealed envelopes are received, closed by a deadline, with its own
    opening key pair: the bids of a project, or the final quotations of a round."""

    uid = models.CharField(max_length=32, unique=True)
    project = models.ForeignKey(
        "tenders.Project", on_delete=models.PROTECT, related_name="submission_windows"
    )
    kind = models.CharField(max_length=12, choices=c.WindowKind.choices)
    round_no = models.PositiveSmallIntegerField(default=0)
    deadline = models.DateTimeField(verbose_name="截止时间")
    status = models.CharField(
        max_length=10, choices=c.WindowStatus.choices, default=c.WindowStatus.OPEN
    )
    opening_public = models.BinaryField()  # X25519 public key (raw 32 bytes)
    # AES-GCM(KEK, sk XOR custodian pad): useless without the KEK file AND the custodian.
    sealed_share = models.BinaryField()
    sealed_deadline = models.CharField(max_length=40)  # the deadline the custodian pad binds
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "round_no"], name="uniq_bidding_window"
            )
        ]
        verbose_name = "递交窗口"
        verbose_name_plural = "递交窗口"

    def __str__(self) -> str:
        return f"{self.project_id}:{self.kind}:{self.round_no}"


class Participation(models.Model):
    """A supplier registered for one lot of a project (报名)."""

    project = models.ForeignKey(
        "tenders.Project", on_delete=models.PROTECT, related_name="participations"
    )
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="participations")
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="participations"
    )
    status = models.CharField(
        max_length=12,
        choices=c.ParticipationStatus.choices,
        default=c.ParticipationStatus.REGISTERED,
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField()
    # 谈判/磋商: why and when the panel excluded this supplier (told to the supplier).
    eliminated_reason = models.TextField(blank=True, verbose_name="淘汰理由")
    eliminated_at = models.DateTimeField(null=True, blank=True, verbose_name="淘汰时间")

    class Meta:
        ordering = ["lot_id", "registered_at"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "supplier"], name="uniq_participation")
        ]
        verbose_name = "报名"
        verbose_name_plural = "报名"

    def __str__(self) -> str:
        return f"{self.supplier_id}@{self.lot_id}"


class Bid(models.Model):
    """One sealed envelope (投标/响应文件 or 最后报价) of a participation in a window."""

    uid = models.CharField(max_length=32, unique=True)
    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="bids")
    window = models.ForeignKey(SubmissionWindow, on_delete=models.PROTECT, related_name="bids")
    status = models.CharField(max_length=10, choices=c.BidStatus.choices)
    key = models.ForeignKey(SupplierKey, on_delete=models.PROTECT, related_name="bids")
    cipher = models.CharField(max_length=16)  # aes-256-gcm | sm4-gcm
    wrapped_key = models.BinaryField()  # data key wrapped for the window's opening key
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # Filled by the opening (after the deadline): the opened schedule and integrity checks.
    opened_key_sealed = models.BinaryField(null=True, blank=True)  # data key under the KEK
    total_price = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    schedule = models.JSONField(null=True, blank=True)
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "window"],
                condition=Q(status="submitted"),
                name="uniq_live_bid",
            )
        ]
        verbose_name = "密封投标"
        verbose_name_plural = "密封投标"

    def __str__(self) -> str:
        return self.uid


class BidDocument(models.Model):
    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=c.DocKind.choices)
    name = models.CharField(max_length=200)
    size = models.PositiveBigIntegerField()
    digest_algo = models.CharField(max_length=8)
    digest = models.CharField(max_length=64, db_index=True)
    signature = models.TextField()
    storage_name = models.CharField(max_length=300)  # ciphertext in Django storage
    sealed_meta = models.BinaryField(null=True, blank=True)  # document metadata, sealed too
    meta = models.JSONField(null=True, blank=True)  # revealed at opening
    verified = models.BooleanField(null=True)  # digest + signature re-checked at opening

    class Meta:
        ordering = ["bid_id", "kind", "pk"]


class Receipt(models.Model):
    """The platform-signed proof of submission (回执)."""

    receipt_id = models.CharField(max_length=40, unique=True)
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="receipt")
    payload = models.JSONField()
    signature = models.TextField()  # Ed25519 over canonical JSON of payload
    issued_at = models.DateTimeField()


class UploadEvidence(models.Model):
    """Who uploaded from where (87号令 37 evidence), kept for supervision."""

    bid = models.OneToOneField(Bid, on_delete=models.CASCADE, related_name="evidence")
    ip = models.GenericIPAddressField(null=True, blank=True)
    fingerprint = models.CharField(max_length=128, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    recorded_at = models.DateTimeField()


class BidBond(models.Model):
    """投标保证金 of a participation (条例 33: ≤2% of the budget; 87号令 38 refunds)."""

    participation = models.OneToOneField(
        Participation, on_delete=models.PROTECT, related_name="bond"
    )
    status = models.CharField(max_length=14, choices=c.BondStatus.choices)
    required_amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    amount = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal("0"))
    form = models.CharField(max_length=20, blank=True, verbose_name="形式")  # 保函/汇票…
    payer_account = models.CharField(max_length=60, blank=True, verbose_name="付款账户")
    paid_at = models.DateTimeField(null=True, blank=True)
    refund_due = models.DateField(null=True, blank=True)
    refunded_at = models.DateTimeField(null=True, blank=True)
    # The winner's refund runs from the contract signing (条例 33; 87号令 38).
    contract_signed_on = models.DateField(null=True, blank=True, verbose_name="合同签订日")
    exemption = models.CharField(max_length=200, blank=True)
    # Why and from which day the refund is due (条例 33; 87号令 38, 29), set with refund_due.
    refund_reason = models.CharField(
        max_length=12, choices=c.RefundReason.choices, blank=True, verbose_name="退还事由"
    )
    refund_event_on = models.DateField(null=True, blank=True, verbose_name="退还起算日")
    # 87号令 29: on termination the documents' fee is refunded with the bond.
    document_fee = models.DecimalField(
        max_digits=12, decimal_places=2, default=Decimal("0"), verbose_name="应退采购文件费用"
    )


class Opening(models.Model):
    """开标 (or the opening of final quotations) of one window."""

    window = models.OneToOneField(
        SubmissionWindow, on_delete=models.PROTECT, related_name="opening"
    )
    status = models.CharField(max_length=12, choices=c.OpeningStatus.choices)
    outcome = models.CharField(max_length=20, choices=c.OpeningOutcome.choices)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    record = models.JSONField(default=dict)
    record_digest = models.CharField(max_length=64, blank=True)
    platform_signature = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)


class Objection(models.Model):
    """A bidder's objection during the opening session (开标异议), and its answer."""

    opening = models.ForeignKey(Opening, on_delete=models.PROTECT, related_name="objections")
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    raised_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["raised_at"]


class NegotiationRound(models.Model):
    """One round of 谈判/磋商: requirement changes sent to every remaining supplier."""

    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey("tenders.Lot", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    changes = models.TextField(verbose_name="需求变更内容")
    # The 采购人代表 who confirmed the changes (74号令 32; 214号 18 ⚠).
    purchaser_rep = models.CharField(max_length=60, blank=True, verbose_name="采购人代表确认")
    recipients = models.JSONField(default=list)  # supplier organization ids notified
    final_window = models.ForeignKey(
        SubmissionWindow, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["lot_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["lot", "number"], name="uniq_negotiation_round")
        ]


# 邀请招标: applications, the draw and the invitations (own module to keep this one small).
from zhengcai.bidding.prequal_models import (  # noqa: E402, F401
    PrequalApplication,
    SupplierDraw,
    TenderInvitation,
)
