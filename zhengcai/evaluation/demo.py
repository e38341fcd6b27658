"""Demo data: one evaluation in progress (committee being formed) when the demo holds an opened
project with a signed opening record and a COMPLETE expert draw of the same agency and
purchaser. Built through `services.evaluation_open`; skipped quietly otherwise."""

from __future__ import annotations

from typing import Any

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core.errors import DomainError
from zhengcai.evaluation import services
from zhengcai.evaluation.models import Evaluation
from zhengcai.experts.constants import DrawStatus
from zhengcai.experts.models import DrawRequest
from zhengcai.tenders.constants import LotStatus, ProjectStatus
from zhengcai.tenders.models import Project


def seed(ctx: Any) -> None:
    for project in Project.objects.filter(status=ProjectStatus.OPENED).order_by("pk"):
        lot = project.lots.filter(status=LotStatus.ACTIVE).order_by("number").first()
        if lot is None or Evaluation.objects.filter(lot=lot).exists():
            continue
        draw = (
            DrawRequest.objects.filter(
                agency_id=project.agency_id,
                purchaser_id=project.purchaser_id,
                status=DrawStatus.COMPLETE,
            )
            .order_by("-evaluation_at")
            .first()
        )
        actor = (
            User.objects.filter(role=Role.AGENCY, organization_id=project.agency_id)
            .order_by("pk")
            .first()
        )
        if draw is None or actor is None:
            continue
        try:
            services.evaluation_open(actor=actor, lot=lot, draw=draw)
        except DomainError:
            continue
        return
