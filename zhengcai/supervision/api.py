"""/api/v1/supervision: satisfaction surveys and the agency assessment figures."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema, Status

from zhengcai.accounts.auth import api_auth
from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut, StrictIn
from zhengcai.supervision import access, selectors, services

router = Router(auth=api_auth(), tags=["supervision"])


class SurveyIn(StrictIn):
    project_id: int
    attitude: int
    quality: int
    effect: int
    comment: str = ""


class SurveyOut(Schema):
    id: int
    project_id: int
    rater_role: str
    mean: Decimal
    satisfied: bool


class RateOut(Schema):
    responses: int
    satisfied: int
    percent: Decimal | None


class AgencyFiguresOut(Schema):
    agency_id: int
    agency: str
    purchaser_satisfaction: RateOut
    supplier_satisfaction: RateOut
    success: RateOut


def _rate(r: object) -> RateOut:
    return RateOut(responses=r.responses, satisfied=r.satisfied, percent=r.percent)  # type: ignore[attr-defined]


@router.post("/surveys", response={201: SurveyOut, API_ERRORS: ErrorOut}, summary="提交满意度评价")
def survey_submit(request: HttpRequest, payload: SurveyIn) -> Status[SurveyOut]:
    user = request_user(request)
    project = access.access_project_for_survey(user=user, pk=payload.project_id)
    s = services.survey_submit(
        actor=user,
        project=project,
        scores={"attitude": payload.attitude, "quality": payload.quality, "effect": payload.effect},
        comment=payload.comment,
    )
    return Status(
        201,
        SurveyOut(
            id=s.pk,
            project_id=s.project_id,
            rater_role=s.rater_role,
            mean=s.mean,
            satisfied=s.satisfied,
        ),
    )


@router.get(
    "/agencies",
    response={200: list[AgencyFiguresOut], API_ERRORS: ErrorOut},
    summary="代理机构考核指标：采购单位满意率、供应商满意率、采购成功率",
)
def agency_figures(request: HttpRequest) -> list[AgencyFiguresOut]:
    figures = selectors.agency_figures(access.agencies_visible(request_user(request)))
    return [
        AgencyFiguresOut(
            agency_id=f.agency.pk,
            agency=f.agency.name,
            purchaser_satisfaction=_rate(f.purchaser),
            supplier_satisfaction=_rate(f.supplier),
            success=_rate(f.success),
        )
        for f in figures
    ]
