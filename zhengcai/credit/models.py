"""Penalties and records of conduct (行政处罚, 不良行为记录, 严重违法失信名单).

Low in the layers (right above accounts) so that every door that must refuse a banned party —
registration, bidding, award, contract signing, the e-mall, agency business, expert draws —
can ask `credit.selectors.refusal` without importing the apps above it."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from zhengcai.core.models import TimedModel
from zhengcai.credit import constants as c


class Penalty(TimedModel):
    """One decision of a finance department against a supplier, an agency or an expert."""

    decision_no = models.CharField(max_length=80, verbose_name="处罚决定书文号")
    subject_kind = models.CharField(max_length=10, choices=c.SubjectKind.choices)
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalties",
        verbose_name="被处罚单位",
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalties",
        verbose_name="被处罚专家",
    )
    subject_name = models.CharField(max_length=200)  # as published
    authority = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="处罚机关"
    )
    warning = models.BooleanField(default=False, verbose_name="警告")
    fine = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    confiscation = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    procurement_amount = models.DecimalField(
        max_digits=16, decimal_places=2, null=True, blank=True, verbose_name="采购金额"
    )
    ban_scope = models.CharField(max_length=20, choices=c.BanScope.choices, default="none")
    ban_months = models.PositiveSmallIntegerField(null=True, blank=True)
    adverse_record = models.BooleanField(default=False, verbose_name="列入不良行为记录")
    blacklist = models.BooleanField(default=False, verbose_name="列入严重违法失信名单")
    basis = models.CharField(max_length=300, verbose_name="法律依据")
    facts = models.TextField(verbose_name="违法事实")
    project_ref = models.CharField(max_length=120, blank=True, verbose_name="涉及项目")
    effective_from = models.DateField(null=True, blank=True)
    ban_until = models.DateField(null=True, blank=True)  # last day the ban runs; None = open
    record_until = models.DateField(null=True, blank=True)  # last day the record is shown
    status = models.CharField(max_length=10, choices=c.PenaltyStatus.choices, default="draft")
    revoked_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "ban_scope"])]
        verbose_name = "行政处罚"
        verbose_name_plural = "行政处罚"

    def __str__(self) -> str:
        return f"{self.decision_no} {self.subject_name}"
