"""Web pages of the electronic evaluation: the agency's lots and committee, the members' review
and scoring sheets, the chair's summary, the report and its signatures, the supplier's
explanation of an abnormally low price and the purchaser's confirmation.

Thin (design §4 rule 1): parse with a form, fetch through `access`, call one service, render.
A refused service answers with its Chinese message on the same page, the input kept."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zhengcai.accounts.constants import Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, InvalidInput, NotFound
from zhengcai.evaluation import access, selectors, services
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.forms import (
    AbnormalDecideForm,
    AwardForm,
    ChairForm,
    DeclareForm,
    FlagForm,
    JustifyForm,
    OpenForm,
    ReviewForm,
    ScoreForm,
    SignForm,
)
from zhengcai.evaluation.models import Check, Evaluation, Member, Report, ReviewedBid, Signature

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
        ctx["memberships"] = [
            _todo(m)
            for m in Member.objects.filter(user=user)
            .select_related("evaluation__project", "evaluation__lot", "evaluation__draw")
            .order_by("-evaluation__opened_at", "-pk")[:100]
        ]
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
        reps=User.objects.filter(
            role=Role.PURCHASER, organization_id=lot.project.purchaser_id, is_active=True
        ).order_by("pk"),
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


# --- overview with live status -----------------------------------------------------------------


def _live(ev: Evaluation, viewer: Viewer) -> dict[str, Any]:
    """Who has submitted what (counts only; no member sees another's verdicts or scores)."""
    members = list(ev.members.select_related("user").order_by("position", "pk"))
    bids = ev.bids.count()
    valid = ev.bids.filter(valid=True).count() if ev.review_closed_at else bids
    checks = {
        (row["member_id"], row["stage"]): row["n"]
        for row in Check.objects.filter(reviewed_bid__evaluation=ev, member__isnull=False)
        .values("member_id", "stage")
        .annotate(n=Count("id"))
    }
    n_factors = len(ev.subjective_factors)
    scored = {}
    for m in members:
        per_bid = (
            m.scores.filter(reviewed_bid__valid=True)
            .values("reviewed_bid")
            .annotate(n=Count("id"))
            .filter(n__gte=n_factors)
        )
        scored[m.pk] = per_bid.count() if n_factors else 0
    report = ev.reports.order_by("-version").first()
    sigs: dict[int, Signature] = {}
    if report is not None:
        sigs = {s.member_id: s for s in Signature.objects.filter(report__evaluation=ev)}
    names = _names_visible(ev, viewer)
    rows = []
    for n, m in enumerate(members, start=1):
        visible = (
            names
            or m.kind == c.MemberKind.PURCHASER_REP
            or (viewer.member is not None and viewer.member.pk == m.pk)
        )
        rows.append(
            {
                "member": m,
                "name": m.user.get_full_name() if visible else _("评审专家 %(n)s") % {"n": n},
                "qualification": checks.get((m.pk, c.Stage.QUALIFICATION), 0),
                "compliance": checks.get((m.pk, c.Stage.COMPLIANCE), 0),
                "scored": scored.get(m.pk, 0),
                "signature": sigs.get(m.pk),
            }
        )
    agency_qual = None
    if ev.procedure == "tender":
        agency_qual = Check.objects.filter(
            reviewed_bid__evaluation=ev, stage=c.Stage.QUALIFICATION, member__isnull=True
        ).count()
    return {
        "rows": rows,
        "bids": bids,
        "valid_bids": valid,
        "has_qualification": ev.procedure != "tender",
        "has_scoring": ev.method in services.SCORED_METHODS and bool(n_factors),
        "agency_qualification": agency_qual,
        "polling": ev.status not in (S.AWARDED, S.FAILED, S.SIGNED, S.STOPPED),
        "at": clock.now(),
    }


@login_required
def overview(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
    except DomainError as exc:
        return _error(request, exc)
    ctx = _base_ctx(user, ev)
    ranked = ev.concluded_at is not None and ev.status != S.FAILED
    bids = list(ev.bids.select_related("supplier").order_by("pk"))
    if ranked:
        bids.sort(key=lambda rb: (not rb.valid, rb.order or 999, rb.pk))
    chart = None
    if ranked:
        scored = [rb for rb in bids if rb.valid and rb.total_score is not None]
        chart = json.dumps(
            {
                "cities": [_short(rb.supplier.name) for rb in scored],
                "series": [
                    {
                        "name": _("评审得分"),
                        "data": [float(rb.subjective_score or 0) for rb in scored],
                    },
                    {"name": _("价格分"), "data": [float(rb.price_score or 0) for rb in scored]},
                    {
                        "name": _("政策加分"),
                        "data": [float(rb.extra_points or 0) for rb in scored],
                    },
                ],
            },
            ensure_ascii=False,
        )
    ctx.update(
        bids=bids,
        ranked=ranked,
        chart=chart,
        live=_live(ev, ctx["viewer"]),
        factors=ev.factors,
        open_flags=ev.flags.filter(status=c.FlagStatus.OPEN).count(),
        open_abnormal=ev.bids.filter(
            abnormal_state__in=[c.AbnormalDecision.PENDING, c.AbnormalDecision.JUSTIFIED]
        ).count(),
    )
    return render(request, "evaluation/overview.html", ctx)


@login_required
def live(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment the overview polls (HTMX, every 5 s)."""
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
    except DomainError as exc:
        return _error(request, exc)
    return render(request, "evaluation/_live.html", {"live": _live(ev, _viewer(user, ev))})


# --- members: declaration, review, scoring --------------------------------------------------------


@login_required
def declare(request: HttpRequest, pk: int) -> HttpResponse:
    """回避声明 and 承诺书 before the start: the member sees the project and the bidders, not
    the other members (the evaluation itself opens to experts at the start)."""
    user = _me(request)
    try:
        seat = Member.objects.filter(evaluation_id=pk, user=user).first()
        if seat is None:
            raise NotFound(_("评审席位不存在"))
        member = access.access_own_member(user=user, pk=seat.pk)
    except DomainError as exc:
        return _error(request, exc)
    ev = member.evaluation
    form = DeclareForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.member_declare(
                    actor=user,
                    member=member,
                    conflict=form.cleaned_data["conflict"] == "1",
                    note=form.cleaned_data["note"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                started = ev.status != S.FORMING  # a replacement seated after the start
                if form.cleaned_data["conflict"] == "1":
                    done = _("已申报利害关系，您已回避本次评审")
                elif started:
                    done = _("回避声明及承诺书已提交，请开始评审工作")
                else:
                    done = _("回避声明及承诺书已提交，请等待评审开始")
                messages.success(request, done)
                if started and form.cleaned_data["conflict"] != "1":
                    return redirect("evaluation:overview", ev.pk)
                return redirect("evaluation:home")
    return render(
        request,
        "evaluation/declare.html",
        {
            "ev": ev,
            "member": member,
            "form": form,
            "bids": ev.bids.select_related("supplier").order_by("pk"),
        },
        status=status,
    )


@login_required
def review(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
        if stage not in c.Stage.values:
            raise NotFound()
    except DomainError as exc:
        return _error(request, exc)
    bids = list(ev.bids.select_related("supplier").order_by("pk"))
    mine = {
        ch.reviewed_bid_id: (ch.passed, ch.reason)
        for ch in Check.objects.filter(reviewed_bid__evaluation=ev, stage=stage, by=user)
    }
    form = ReviewForm(request.POST or None, bids=bids, initial_checks=mine)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                for rb, passed, reason in form.verdicts():
                    services.check_record(
                        actor=user, reviewed_bid=rb, stage=stage, passed=passed, reason=reason
                    )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("审查结论已提交"))
                return redirect("evaluation:overview", ev.pk)
    ctx = _base_ctx(user, ev)
    ctx.update(
        form=form,
        stage=stage,
        stage_label=c.Stage(stage).label,
        saved=len(mine) == len(bids) and bool(bids),
    )
    return render(request, "evaluation/review.html", ctx, status=status)


def _scorable(ev: Evaluation) -> list[ReviewedBid]:
    return list(ev.bids.filter(valid=True).select_related("supplier").order_by("pk"))


@login_required
def scores(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
    except DomainError as exc:
        return _error(request, exc)
    ctx = _base_ctx(user, ev)
    member = ctx["viewer"].member
    n = len(ev.subjective_factors)
    sheets = []
    for rb in _scorable(ev):
        rows = list(rb.scores.filter(member=member)) if member else []
        sheets.append(
            {
                "bid": rb,
                "done": bool(n) and len(rows) >= n,
                "total": sum((s.value for s in rows), Decimal(0)),
            }
        )
    ctx["sheets"] = sheets
    return render(request, "evaluation/scores.html", ctx)


@login_required
def score(request: HttpRequest, pk: int, rb_pk: int) -> HttpResponse:
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
        rb = ev.bids.select_related("supplier").filter(pk=rb_pk).first()
        if rb is None:
            raise NotFound()
    except DomainError as exc:
        return _error(request, exc)
    ctx = _base_ctx(user, ev)
    member = ctx["viewer"].member
    current = {
        s.factor: (s.value, s.note)
        for s in (rb.scores.filter(member=member) if member else rb.scores.none())
    }
    factors = ev.subjective_factors
    if ev.status == S.CONCLUDING:
        # While a deviation flag is open only the flagged factors may be re-submitted (87号令 64).
        flagged = set(
            ev.flags.filter(reviewed_bid=rb, status=c.FlagStatus.OPEN).values_list(
                "factor", flat=True
            )
        )
        factors = [f for f in factors if str(f["name"]) in flagged]
    form = ScoreForm(request.POST or None, factors=factors, current=current)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.score_submit(
                    actor=user, reviewed_bid=rb, scores=form.scores(), notes=form.notes()
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("已提交对 %(s)s 的评分") % {"s": rb.supplier.name})
                nxt = next(
                    (
                        b
                        for b in _scorable(ev)
                        if member is not None
                        and b.pk != rb.pk
                        and b.scores.filter(member=member).count() < len(ev.subjective_factors)
                    ),
                    None,
                )
                if ev.status == S.CONCLUDING:
                    return redirect("evaluation:conclude", ev.pk)
                if nxt is not None:
                    return redirect("evaluation:score", ev.pk, nxt.pk)
                return redirect("evaluation:scores", ev.pk)
    ctx.update(
        rb=rb,
        form=form,
        price=ev.price_factor,
        saved=bool(current),
        others=[b for b in _scorable(ev) if b.pk != rb.pk],
    )
    return render(request, "evaluation/score.html", ctx, status=status)


# --- chair: flags, abnormal-low, conclusion -------------------------------------------------------


@login_required
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
    except DomainError as exc:
        return _error(request, exc)
    op = request.POST.get("op") if request.method == "POST" else None
    status = 200
    bound: dict[str, Any] = {}
    errors: dict[str, str] = {}
    conclude_error = ""
    if op in ("flag", "abnormal", "conclude"):
        status = 400
        try:
            if op == "flag":
                flag = ev.flags.filter(pk=int(request.POST.get("flag", "0") or 0)).first()
                if flag is None:
                    raise NotFound()
                f: FlagForm | AbnormalDecideForm = FlagForm(request.POST)
                bound[f"flag-{flag.pk}"] = f
                if f.is_valid():
                    try:
                        services.flag_settle(
                            actor=user,
                            flag=flag,
                            action=f.cleaned_data["action"],
                            note=f.cleaned_data["note"],
                        )
                    except DomainError as exc:
                        errors[f"flag-{flag.pk}"] = exc.message
                        status = exc.status
                    else:
                        messages.success(request, _("评分复核意见已记录"))
                        return redirect("evaluation:conclude", ev.pk)
            elif op == "abnormal":
                rb = ev.bids.filter(pk=int(request.POST.get("bid", "0") or 0)).first()
                if rb is None:
                    raise NotFound()
                f = AbnormalDecideForm(request.POST)
                bound[f"bid-{rb.pk}"] = f
                if f.is_valid():
                    try:
                        services.abnormal_decide(
                            actor=user,
                            reviewed_bid=rb,
                            accepted=f.cleaned_data["accepted"] == "1",
                            reason=f.cleaned_data["reason"],
                        )
                    except DomainError as exc:
                        errors[f"bid-{rb.pk}"] = exc.message
                        status = exc.status
                    else:
                        messages.success(request, _("异常低价认定已记录"))
                        return redirect("evaluation:conclude", ev.pk)
            else:
                try:
                    ev = services.evaluation_conclude(actor=user, evaluation=ev)
                except DomainError as exc:
                    conclude_error = exc.message
                    status = exc.status
                else:
                    if ev.status == S.FAILED:
                        messages.warning(request, ev.outcome)
                        return redirect("evaluation:overview", ev.pk)
                    messages.success(request, _("已汇总排序，评审报告已生成，请全体成员签署"))
                    return redirect("evaluation:report", ev.pk)
        except ValueError:
            return _error(request, InvalidInput(_("请求参数无效")))
        except DomainError as exc:
            return _error(request, exc)
    ctx = _base_ctx(user, ev)
    flags = [
        {
            "flag": fl,
            "form": bound.get(f"flag-{fl.pk}") or FlagForm(initial={"action": "confirmed"}),
            "error": errors.get(f"flag-{fl.pk}", ""),
        }
        for fl in ev.flags.select_related("reviewed_bid__supplier").order_by("pk")
    ]
    abnormal = [
        {
            "bid": rb,
            "form": bound.get(f"bid-{rb.pk}") or AbnormalDecideForm(),
            "error": errors.get(f"bid-{rb.pk}", ""),
        }
        for rb in ev.bids.filter(abnormal_low=True).select_related("supplier").order_by("pk")
    ]
    scorers = list(
        ev.members.filter(status=c.MemberStatus.ACTIVE).select_related("user").order_by("position")
    )
    matrix = []
    for rb in _scorable(ev):
        per = {
            row["member_id"]: row["total"]
            for row in rb.scores.values("member_id").annotate(total=Sum("value"))
        }
        matrix.append({"bid": rb, "values": [per.get(m.pk) for m in scorers]})
    ctx.update(
        flags=flags,
        abnormal=abnormal,
        scorers=scorers,
        matrix=matrix,
        conclude_error=conclude_error,
        names_visible=_names_visible(ev, ctx["viewer"]),
    )
    return render(request, "evaluation/conclude.html", ctx, status=status)


# --- report and signatures ------------------------------------------------------------------------


def _report(ev: Evaluation) -> Report | None:
    return ev.reports.order_by("-final", "-version").first()


@login_required
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
        rep = _report(ev)
        if rep is None:
            raise NotFound(_("评审报告尚未生成"))
    except DomainError as exc:
        return _error(request, exc)
    ctx = _base_ctx(user, ev)
    viewer: Viewer = ctx["viewer"]
    form = SignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            agrees = form.cleaned_data["agrees"] == "1"
            try:
                services.report_sign(
                    actor=user,
                    evaluation=ev,
                    agrees=agrees,
                    dissent=form.cleaned_data["dissent"],
                    password=form.cleaned_data["password"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request,
                    _("已签署评审报告") if agrees else _("已签署评审报告，不同意见已记录"),
                )
                return redirect("evaluation:report", ev.pk)
    sigs = {
        s.member_id: s for s in Signature.objects.filter(report__evaluation=ev, report__final=False)
    }
    signers = [
        {"member": m, "signature": sigs.get(m.pk)}
        for m in ev.members.filter(status=c.MemberStatus.ACTIVE)
        .select_related("user")
        .order_by("position")
    ]
    ctx.update(
        report=rep,
        form=form,
        signers=signers,
        signed_count=sum(1 for r in signers if r["signature"]),
        can_sign=ev.status == S.SIGNING
        and viewer.member is not None
        and viewer.member.pk not in sigs,
    )
    return render(request, "evaluation/report_page.html", ctx, status=status)


@login_required
def report_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        ev = _evaluation(request, pk)
        rep = _report(ev)
        if rep is None or not rep.pdf:
            raise NotFound(_("评审报告 PDF 尚未生成"))
    except DomainError as exc:
        return _error(request, exc)
    name = f"evaluation-{ev.pk}-report-v{rep.version}.pdf"
    return FileResponse(rep.pdf.open("rb"), content_type="application/pdf", filename=name)


# --- supplier: explanation of an abnormally low price ---------------------------------------------


@login_required
def explain(request: HttpRequest, rb_pk: int) -> HttpResponse:
    user = _me(request)
    try:
        rb = access.access_supplier_request(user=user, pk=rb_pk)
    except DomainError as exc:
        return _error(request, exc)
    form = JustifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.abnormal_justify(
                    actor=user, reviewed_bid=rb, text=form.cleaned_data["text"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("书面说明已提交评审委员会"))
                return redirect("evaluation:explain", rb.pk)
    return render(request, "evaluation/explain.html", {"rb": rb, "form": form}, status=status)


# --- purchaser: the result -----------------------------------------------------------------------


@login_required
def award(request: HttpRequest, pk: int) -> HttpResponse:
    user = _me(request)
    try:
        ev = _evaluation(request, pk)
    except DomainError as exc:
        return _error(request, exc)
    ctx = _base_ctx(user, ev)
    cands = services.candidates(ev)
    form = AwardForm(request.POST or None, candidates=cands)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = form.chosen()
            try:
                services.award_confirm(
                    actor=user,
                    evaluation=ev,
                    supplier=chosen.supplier,
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(
                    request, _("已确定中标（成交）供应商：%(s)s") % {"s": chosen.supplier.name}
                )
                return redirect("evaluation:overview", ev.pk)
    ctx.update(form=form, candidates=cands)
    return render(request, "evaluation/award.html", ctx, status=status)
