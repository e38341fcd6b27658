"""邀请招标 on the suppliers' side (法 34; 87号令 14): the prequalification applications
(资格预审申请文件) and their review, the recorded random draw of the suppliers to invite, and
the invitations (投标邀请书). Persistence only: statuses change in `bidding.services.prequal`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhengcai.bidding import constants as c


class PrequalApplication(models.Model):
    """A supplier's 资格预审申请文件 for a call, and the review's answer (with its reason)."""

    prequal = models.ForeignKey(
        "tenders.Prequalification", on_delete=models.PROTECT, related_name="applications"
    )
    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    supplier = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    materials = models.TextField(verbose_name="资格证明材料")
    status = models.CharField(
        max_length=14,
        choices=c.ApplicationStatus.choices,
        default=c.ApplicationStatus.SUBMITTED,
        verbose_name="状态",
    )
    reason = models.TextField(blank=True, verbose_name="审查意见")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(verbose_name="提交时间")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, verbose_name="审查时间")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prequal", "supplier"], name="uniq_prequal_application")
        ]
        verbose_name = "资格预审申请"
        verbose_name_plural = "资格预审申请"

    def __str__(self) -> str:
        return f"{self.prequal_id} {self.supplier_id}"


class SupplierDraw(models.Model):
    """The random draw of the suppliers to invite (87号令 14 ¶4: witnessed by at least two
    purchaser staff, recorded in writing, archived with the project). Reproducible: anyone
    with the seed and the pool re-runs `invitation_rules.draw` and gets the same names."""

    prequal = models.OneToOneField(
        "tenders.Prequalification", on_delete=models.PROTECT, related_name="draw"
    )
    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=20, verbose_name="供应商产生方式")
    pool_ids = models.JSONField(default=list, verbose_name="备选供应商")
    pool_digest = models.CharField(max_length=64, verbose_name="备选名单摘要")
    wanted = models.PositiveSmallIntegerField(verbose_name="抽取数量")
    seed = models.CharField(max_length=64, verbose_name="随机种子")
    seed_hash = models.CharField(max_length=64, verbose_name="种子摘要")
    picked_ids = models.JSONField(default=list, verbose_name="抽中供应商")
    witnesses = models.JSONField(default=list, verbose_name="监督人员（采购人）")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(verbose_name="抽取时间")

    class Meta:
        ordering = ["-drawn_at", "-id"]
        verbose_name = "受邀供应商抽取记录"
        verbose_name_plural = "受邀供应商抽取记录"

    def __str__(self) -> str:
        return f"{self.project_id} 抽取 {self.wanted} 家"


class TenderInvitation(models.Model):
    """投标邀请书 to one drawn supplier; all sent at once (87号令 14 ¶5). Only a supplier with
    a sent invitation may register and bid (法 34)."""

    draw = models.ForeignKey(SupplierDraw, on_delete=models.PROTECT, related_name="invitations")
    project = models.ForeignKey(
        "tenders.Project", on_delete=models.PROTECT, related_name="tender_invitations"
    )
    supplier = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="受邀供应商",
    )
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name="发出时间")

    class Meta:
        ordering = ["project_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "supplier"], name="uniq_tender_invitation")
        ]
        verbose_name = "投标邀请书"
        verbose_name_plural = "投标邀请书"

    def __str__(self) -> str:
        return f"{self.project_id} → {self.supplier_id}"
