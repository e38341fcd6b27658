"""Shared pieces of the evaluation pages: who is looking, the steps, the base context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core.errors import DomainError
from zhengcai.evaluation import access, services
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.models import Evaluation, Member

S = c.EvaluationStatus


def _me(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "error.html", {"error": exc}, status=exc.status)


# --- who is looking -------------------------------------------------------------------------------


@dataclass
class Viewer:
    agency: bool
    purchaser: bool
    member: Member | None
    watch: bool
    names: bool

    @property
    def chair(self) -> bool:
        return self.member is not None and self.member.is_chair

    @property
    def signed(self) -> bool:
        return self.member is not None and self.member.signatures.exists()


def _viewer(user: User, ev: Evaluation) -> Viewer:
    member = ev.members.filter(user=user, status=c.MemberStatus.ACTIVE).first()
    return Viewer(
        agency=services.is_agency(user, ev.project),
        purchaser=services.is_purchaser(user, ev.project),
        member=member,
        watch=user.role in (Role.SUPERVISOR, Role.REGULATOR, Role.ADMIN),
        names=access.expert_names_visible(user, ev),
    )


STEPS = [
    (S.FORMING, "组建"),
    (S.REVIEWING, "资格/符合性审查"),
    (S.SCORING, "打分"),
    (S.CONCLUDING, "复核"),
    (S.SIGNING, "签署"),
    (S.SIGNED, "定标"),
]
ORDER: list[str] = [str(s) for s, _label in STEPS] + [str(S.AWARDED)]


def _steps(ev: Evaluation) -> list[dict[str, str]]:
    """The stage progress bar: done / current / failed / pending per stage."""
    ended = ev.status in (S.FAILED, S.STOPPED)
    if ev.status == S.FAILED:
        # Failed at the stage reached: review closes (or conclusion finds) too few valid bids.
        reached = S.CONCLUDING if ev.scoring_closed_at else S.REVIEWING
        here = ORDER.index(reached)
    elif ev.status == S.STOPPED:
        # Stopped where the committee could not be completed (87号令 49).
        if ev.started_at is None:
            here = ORDER.index(S.FORMING)
        else:
            here = ORDER.index(S.SCORING if ev.review_closed_at else S.REVIEWING)
    else:
        here = ORDER.index(ev.status)
    out = []
    for i, (_status, label) in enumerate(STEPS):
        if i < here:
            state = "done"
        elif i == here:
            state = "failed" if ended else "current"
        else:
            state = ""
        out.append({"label": _(label), "state": state})
    return out


def _base_ctx(user: User, ev: Evaluation) -> dict[str, Any]:
    return {
        "ev": ev,
        "viewer": _viewer(user, ev),
        "steps": _steps(ev),
        "has_report": ev.reports.exists(),
    }


def _evaluation(request: HttpRequest, pk: int) -> Evaluation:
    return access.access_evaluation(user=_me(request), pk=pk)


def _names_visible(ev: Evaluation, viewer: Viewer) -> bool:
    """Experts' names are secret before the evaluation starts (87号令 47; 198号 20)."""
    return viewer.names
