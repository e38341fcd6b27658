"""The lists and the agency's pages: opening, the committee, its actions, the start."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengcai.accounts.constants import Role
from zhengcai.core.errors import DomainError, InvalidInput
from zhengcai.evaluation import access, selectors, services
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.forms import (
    ChairForm,
    OpenForm,
)
from zhengcai.evaluation.models import Evaluation, Member
from zhengcai.evaluation.views.common import S, _base_ctx, _error, _evaluation, _me, _names_visible

# --- lists ------------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    ctx: dict[str, Any] = {
        "ready": None,
        "memberships": None,
        "explanations": None,
        "evaluations": None,
    }
    if user.role == Role.AGENCY:
        ctx["ready"] = selectors.lots_ready(user)
    if user.role in (Role.EXPERT, Role.PURCHASER):
        ctx["memberships"] = [_todo(m) for m in selectors.memberships(user)]
    if user.role == Role.SUPPLIER:
        ctx["explanations"] = list(
            selectors.supplier_requests(user).exclude(abnormal_state="").order_by("-pk")[:100]
        )
    if user.role != Role.EXPERT and user.role != Role.SUPPLIER:
        ctx["evaluations"] = list(selectors.evaluations_for_user(user)[:100])
    return render(request, "evaluation/home.html", ctx)


def _todo(m: Member) -> dict[str, Any]:
    """The next thing this member has to do, for the worklist."""
    ev = m.evaluation
    todo, url = "", ""
    if m.status != c.MemberStatus.ACTIVE:
        pass
    elif m.declared_at is None and ev.status in c.REPLACEABLE_STATUSES:
        # before the start, or a replacement seated after it (条例 9; 87号令 49)
        todo, url = _("填写回避声明"), reverse("evaluation:declare", args=[ev.pk])
    elif ev.status == S.REVIEWING:
        todo, url = _("资格与符合性审查"), reverse("evaluation:review", args=[ev.pk, "compliance"])
    elif ev.status == S.SCORING:
        todo, url = _("填写评分表"), reverse("evaluation:scores", args=[ev.pk])
    elif ev.status == S.CONCLUDING and m.is_chair:
        todo, url = _("评分复核与汇总"), reverse("evaluation:conclude", args=[ev.pk])
    elif ev.status == S.SIGNING and not m.signatures.exists():
        todo, url = _("签署评审报告"), reverse("evaluation:report", args=[ev.pk])
    can_enter = ev.status in c.STARTED_STATUSES or m.kind == c.MemberKind.PURCHASER_REP
    return {"member": m, "todo": todo, "todo_url": url, "can_enter": can_enter}


# --- agency: open, committee, start ---------------------------------------------------------------


@login_required
def open_evaluation(request: HttpRequest, lot_pk: int) -> HttpResponse:
    user = _me(request)
    try:
        lot = access.access_lot_for_evaluation(user=user, pk=lot_pk)
    except DomainError as exc:
        return _error(request, exc)
    form = OpenForm(
        request.POST or None,
        draws=selectors.draws_for_lot(lot),
        reps=selectors.purchaser_reps_for_lot(lot),
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                ev = services.evaluation_open(
                    actor=user,
                    lot=lot,
                    draw=form.cleaned_data["draw"],
                    purchaser_reps=list(form.cleaned_data["purchaser_reps"]),
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("评审委员会已组建，请成员完成回避声明"))
                return redirect("evaluation:committee", ev.pk)
    return render(request, "evaluation/open.html", {"lot": lot, "form": form}, status=status)


def _committee_members(ev: Evaluation) -> Any:
    return ev.members.select_related("user").order_by("position", "pk")


@login_required
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
    except DomainError as exc:
        return _error(request, exc)
    ctx = _base_ctx(user, ev)
    members = list(_committee_members(ev))
    active = [m for m in members if m.status == c.MemberStatus.ACTIVE]
    chair_qs = ev.members.filter(status=c.MemberStatus.ACTIVE).select_related("user")
    chair_form = ChairForm(
        request.POST if request.method == "POST" else None,
        members=chair_qs,
        initial={"member": next((m.pk for m in active if m.is_chair), None)},
    )
    names = _names_visible(ev, ctx["viewer"])
    if not names:
        seats = {m.pk: n for n, m in enumerate(members, start=1)}
        field = chair_form.fields["member"]
        field.label_from_instance = lambda m: (  # type: ignore[attr-defined]
            m.user.get_full_name()
            if m.kind == c.MemberKind.PURCHASER_REP
            else _("评审专家 %(n)s") % {"n": seats.get(m.pk, "")}
        )
    status = 200
    chair_error = ""
    if request.method == "POST":
        status = 400
        if chair_form.is_valid():
            try:
                services.chair_elect(
                    actor=user, evaluation=ev, member=chair_form.cleaned_data["member"]
                )
            except DomainError as exc:
                chair_error = exc.message
                status = exc.status
            else:
                messages.success(request, _("评审组长已确定"))
                return redirect("evaluation:committee", ev.pk)
    views = {v.pk: v for v in selectors.members(ev, user)}
    for m in members:
        m.view = views.get(m.pk)
    ctx.update(
        members=members,
        replaceable=ev.status in c.REPLACEABLE_STATUSES and ctx["viewer"].agency,
        vacant=any(m.status in (c.MemberStatus.RECUSED, c.MemberStatus.ABSENT) for m in members),
        pending=services.pending_replacements(ev) if ev.status in c.REPLACEABLE_STATUSES else [],
        spares=services.replacement_invitations(ev) if ev.status in c.REPLACEABLE_STATUSES else [],
        chair_needed=ev.status != S.FORMING
        and ev.status in c.REPLACEABLE_STATUSES
        and not any(m.is_chair for m in active),
        active=len(active),
        declared=sum(1 for m in active if m.declared_at),
        chair_form=chair_form,
        chair_error=chair_error,
        names_visible=names,
    )
    return render(request, "evaluation/committee.html", ctx, status=status)


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-button transitions: start (agency), close review / scoring (chair)."""
    user = _me(request)
    op = request.POST.get("op", "")
    try:
        ev = _evaluation(request, pk)
        if op == "start":
            services.evaluation_start(actor=user, evaluation=ev)
            done = _("评审已开始，专家姓名已公开")
        elif op == "review_close":
            ev = services.review_close(actor=user, evaluation=ev)
            done = (
                _("审查结束，有效供应商不足，评审终止")
                if ev.status == S.FAILED
                else _("审查已结束")
            )
        elif op == "scoring_close":
            services.scoring_close(actor=user, evaluation=ev)
            done = _("评分已结束，请进行评分复核与汇总")
        elif op in ("absent", "replace"):
            member = ev.members.filter(pk=_int(request.POST.get("member"))).first()
            if member is None:
                raise InvalidInput(_("成员不存在"))
            reason = request.POST.get("reason", "")[:500]
            if op == "absent":
                services.member_absent(actor=user, member=member, reason=reason)
                done = _("已记录成员缺席，其评审意见作废")
            else:
                got = services.member_replace(actor=user, member=member, reason=reason)
                done = (
                    _("替补专家已入席，请其先作回避声明")
                    if got.pk != member.pk
                    else _("已发起补抽，待抽中的专家确认参加后入席")
                )
        elif op == "stop":
            services.evaluation_stop(
                actor=user, evaluation=ev, reason=request.POST.get("reason", "")[:300]
            )
            done = _("评审已终止，已作出的评审意见无效")
        else:
            raise InvalidInput(_("未知操作"))
    except DomainError as exc:
        messages.error(request, exc.message)
        if op in ("start", "absent", "replace", "stop"):
            return redirect("evaluation:committee", pk)
    else:
        messages.success(request, done)
        if op in ("absent", "replace", "stop"):
            return redirect("evaluation:committee", pk)
    return redirect("evaluation:overview", pk)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _short(name: str, limit: int = 12) -> str:
    """Axis labels of the chart: long company names would overlap."""
    return name if len(name) <= limit else name[: limit - 1] + "…"
