"""Invitations, the expert's side: the list and the answer."""

from __future__ import annotations

from django.http import HttpRequest

from zhengcai.core.http import request_user
from zhengcai.core.schemas import API_ERRORS, ErrorOut
from zhengcai.experts import access, services
from zhengcai.experts.api.router import MAX_PAGE, router
from zhengcai.experts.api.schemas import (
    MyInvitationOut,
    RespondIn,
)

# --- invitations (the expert's side) -------------------------------------------------------------


@router.get(
    "/invitations", response={200: list[MyInvitationOut], API_ERRORS: ErrorOut}, summary="我的邀请"
)
def invitation_list(request: HttpRequest) -> list[MyInvitationOut]:
    from zhengcai.experts.selectors import invitations_for_expert

    profile = access.own_profile(request_user(request))
    return [
        MyInvitationOut(
            id=i.pk,
            draw_id=i.draw_id,
            project_name=i.draw.project_name,
            agency_name=i.draw.agency.name,
            evaluation_at=i.draw.evaluation_at,
            place=i.draw.place,
            status=i.status,
            deadline=i.deadline,
        )
        for i in invitations_for_expert(profile)[:MAX_PAGE]
    ]


@router.post(
    "/invitations/{int:invitation_id}/respond",
    response={200: MyInvitationOut, API_ERRORS: ErrorOut},
    summary="确认或拒绝参加评审",
)
def invitation_respond(
    request: HttpRequest, invitation_id: int, payload: RespondIn
) -> MyInvitationOut:
    user = request_user(request)
    inv = access.access_invitation(user=user, pk=invitation_id)
    inv = services.invitation_respond(
        actor=user, invitation=inv, accept=payload.accept, note=payload.note
    )
    return MyInvitationOut(
        id=inv.pk,
        draw_id=inv.draw_id,
        project_name=inv.draw.project_name,
        agency_name=inv.draw.agency.name,
        evaluation_at=inv.draw.evaluation_at,
        place=inv.draw.place,
        status=inv.status,
        deadline=inv.deadline,
    )
