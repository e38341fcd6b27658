"""Writes of supervision: a party's satisfaction survey of an ended procurement."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction

from zhengcai.archives.services import CLOSED
from zhengcai.bidding.selectors import took_part
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.supervision import constants as c
from zhengcai.supervision import rules
from zhengcai.supervision.models import SatisfactionSurvey

if TYPE_CHECKING:
    from zhengcai.accounts.models import User
    from zhengcai.tenders.models import Project

ASPECT_KEYS = tuple(k for k, _ in c.ASPECTS)
MAX_COMMENT = 1000


def rater_role(actor: User, project: Project) -> str | None:
    """The actor's part in the project: its purchaser, or a supplier that took part."""
    if actor.organization_id is None:
        return None
    if actor.role == "purchaser" and actor.organization_id == project.purchaser_id:
        return c.RaterRole.PURCHASER
    if actor.role == "supplier" and took_part(actor, project.pk):
        return c.RaterRole.SUPPLIER
    return None


@transaction.atomic
def survey_submit(
    *, actor: User, project: Project, scores: dict[str, Any], comment: str = ""
) -> SatisfactionSurvey:
    """The purchaser, or a supplier that took part, rates an ended procurement and its
    agency once (the seeds' 采购单位满意率 and 供应商满意率 of the agency assessment)."""
    role = rater_role(actor, project)
    if role is None:
        raise PermissionDenied(
            "只有本项目的采购人和参加本项目的供应商可以评价", code=c.ERR_SURVEY_NOT_PARTY
        )
    if project.status not in CLOSED:  # the result is known: awarded, failed or terminated
        raise RuleViolation(
            "采购结束（确定结果、废标或终止）后方可评价", code=c.ERR_SURVEY_NOT_ENDED
        )
    clean: dict[str, Any] = {k: scores.get(k) for k in ASPECT_KEYS}
    for k, v in clean.items():
        if isinstance(v, str) and v.strip().isdigit():
            clean[k] = int(v)
    bad = rules.score_problems(clean, ASPECT_KEYS)
    if bad:
        labels = dict(c.ASPECTS)
        raise InvalidInput(
            "请为每一项选择 1–5 分：" + "、".join(str(labels[b]) for b in bad),
            code=c.ERR_SURVEY_INVALID,
            detail={"fields": bad},
        )
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise InvalidInput(f"意见和建议不超过 {MAX_COMMENT} 字", code=c.ERR_SURVEY_INVALID)
    values = [int(clean[k]) for k in ASPECT_KEYS]  # type: ignore[arg-type]
    org = actor.organization
    assert org is not None
    if SatisfactionSurvey.objects.filter(project=project, organization=org).exists():
        raise Conflict("本单位已评价过本项目", code=c.ERR_SURVEY_DUPLICATE)
    try:
        with transaction.atomic():
            survey = SatisfactionSurvey.objects.create(
                project=project,
                agency=project.agency,
                organization=org,
                rater_role=role,
                submitted_by=actor,
                submitted_at=clock.now(),
                mean=rules.mean(values),
                satisfied=rules.satisfied(values),
                comment=comment,
                **dict(zip(ASPECT_KEYS, values, strict=True)),
            )
    except IntegrityError as exc:  # a concurrent second submission
        raise Conflict("本单位已评价过本项目", code=c.ERR_SURVEY_DUPLICATE) from exc
    audit_record(
        actor=actor,
        action="survey.submitted",
        obj=survey,
        organization=org,
        after={
            "project": project.project_no,
            "role": role,
            **dict(zip(ASPECT_KEYS, values, strict=True)),
            "satisfied": survey.satisfied,
        },
    )
    return survey
