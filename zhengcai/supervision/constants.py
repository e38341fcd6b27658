"""Vocabulary and error codes of supervision: satisfaction surveys for the agency assessment."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RaterRole(models.TextChoices):
    PURCHASER = "purchaser", _("采购单位")
    SUPPLIER = "supplier", _("供应商")


# The three things the seeds' surveys measure (seed 002: 服务态度、服务质量、服务效果).
ASPECTS = (
    ("attitude", _("服务态度")),
    ("quality", _("服务质量")),
    ("effect", _("服务效果")),
)
SCORE_LABELS = {1: _("很不满意"), 2: _("不满意"), 3: _("一般"), 4: _("满意"), 5: _("非常满意")}

ERR_SURVEY_INVALID = "survey_invalid"
ERR_SURVEY_NOT_PARTY = "survey_not_party"
ERR_SURVEY_NOT_ENDED = "survey_project_not_ended"
ERR_SURVEY_DUPLICATE = "survey_duplicate"

AUDIT_ACTION_LABELS = {"survey.submitted": "提交满意度评价"}
AUDIT_ENTITY_LABELS = {"supervision.satisfactionsurvey": "满意度评价"}
