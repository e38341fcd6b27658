"""A party's satisfaction with one ended procurement and its agency."""

from __future__ import annotations

from django.db import models

from zhengcai.supervision import constants as c


class SatisfactionSurvey(models.Model):
    project = models.ForeignKey("tenders.Project", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="代理机构"
    )
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+", verbose_name="评价单位"
    )
    rater_role = models.CharField(max_length=10, choices=c.RaterRole.choices)
    submitted_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()
    attitude = models.PositiveSmallIntegerField(verbose_name="服务态度")
    quality = models.PositiveSmallIntegerField(verbose_name="服务质量")
    effect = models.PositiveSmallIntegerField(verbose_name="服务效果")
    mean = models.DecimalField(max_digits=4, decimal_places=2)
    satisfied = models.BooleanField()
    comment = models.TextField(blank=True, verbose_name="意见和建议")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "organization"], name="uniq_survey_party")
        ]
        verbose_name = "满意度评价"
        verbose_name_plural = "满意度评价"

    def __str__(self) -> str:
        return f"{self.project_id}:{self.organization_id}"
