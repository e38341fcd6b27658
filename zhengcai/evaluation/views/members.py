"""The overview with its live status and the members' pages: declaration, review, scores."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhengcai.core import clock
from zhengcai.core.errors import DomainError, NotFound
from zhengcai.evaluation import access, selectors, services
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.forms import (
    DeclareForm,
    ReviewForm,
    ScoreForm,
)
from zhengcai.evaluation.models import Evaluation, ReviewedBid, Signature
from zhengcai.evaluation.views.committee import _short
from zhengcai.evaluation.views.common import (
    S,
    Viewer,
    _base_ctx,
    _error,
    _evaluation,
    _me,
    _names_visible,
    _viewer,
)

# --- overview with live status -----------------------------------------------------------------


def _live(ev: Evaluation, viewer: Viewer) -> dict[str, Any]:
    """Who has submitted what (counts only; no member sees another's verdicts or scores)."""
    members = list(ev.members.select_related("user").order_by("position", "pk"))
    bids = ev.bids.count()
    valid = ev.bids.filter(valid=True).count() if ev.review_closed_at else bids
    checks = selectors.member_check_counts(ev)
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
        sigs = selectors.signatures_by_member(ev)
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
    if ev.qualification_by_agency:
        agency_qual = selectors.agency_qualification_count(ev)
    return {
        "rows": rows,
        "bids": bids,
        "valid_bids": valid,
        "has_qualification": not ev.qualification_by_agency,
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
        seat = selectors.seat_of(user, pk)
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
    mine = selectors.own_checks(ev, stage, user)
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
