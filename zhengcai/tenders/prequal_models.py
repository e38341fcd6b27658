"""The 资格预审 call of an invited tender (邀请招标: 法 34; 87号令 14; 条例 21): the list of
qualified suppliers the invitations are drawn from. Persistence only: the status changes
through `tenders.prequal_services.PREQUAL` (core.transitions). The suppliers' applications,
the review, the draw and the invitations belong to the bidding app (supplier participation)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhengcai.tenders import constants as c


class Prequalification(models.Model):
    """One per invited-tender project. `source` says how the list is built (87号令 14 ¶1)."""

    project = models.OneToOneField(
        "tenders.Project",
        on_delete=models.PROTECT,
        related_name="prequalification",
        verbose_name="项目",
    )
    source = models.CharField(
        max_length=20,
        choices=c.PrequalSource.choices,
        default=c.PrequalSource.PREQUALIFICATION,
        verbose_name="供应商产生方式",
    )
    status = models.CharField(
        max_length=12,
        choices=c.PrequalStatus.choices,
        default=c.PrequalStatus.OPEN,
        verbose_name="状态",
    )
    requirements = models.TextField(blank=True, verbose_name="资格条件")
    review_method = models.TextField(blank=True, verbose_name="资格预审标准和方法")
    invite_count = models.PositiveSmallIntegerField(default=3, verbose_name="拟邀请供应商数")
    notice = models.ForeignKey(
        "tenders.Notice",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="资格预审公告",
    )
    published_at = models.DateTimeField(null=True, blank=True, verbose_name="公告发布时间")
    display_until = models.DateField(null=True, blank=True, verbose_name="公告期限至")
    applications_until = models.DateTimeField(
        null=True, blank=True, verbose_name="资格预审申请截止时间"
    )
    application_place = models.CharField(
        max_length=200, default="本平台在线提交", verbose_name="申请提交方式"
    )
    failed_reason = models.CharField(max_length=500, blank=True, verbose_name="失败原因")
    invited_at = models.DateTimeField(null=True, blank=True, verbose_name="投标邀请发出时间")
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "资格预审"
        verbose_name_plural = "资格预审"

    def __str__(self) -> str:
        return f"{self.project_id} 资格预审"
