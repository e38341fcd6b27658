"""Pages of complaints (投诉, 94号令): the supplier's filing form, the desk of the regulator and
the parties, the detail with the actions the viewer may take, the public 投诉处理结果公告.
Thin: parse, access, one service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhengcai.accounts.models import User
from zhengcai.awards import access, rules, selectors, services
from zhengcai.awards import constants as c
from zhengcai.awards.models import Complaint
from zhengcai.core.errors import DomainError


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


def _stale(request: HttpRequest, x: Complaint) -> bool:
    """The form's version is not the complaint's (someone acted meanwhile)."""
    version = _int(request.POST.get("version"))
    if version is not None and version != x.version:
        messages.error(request, "投诉已被他人更新，请刷新后重试。")
        return True
    return False


def _letter(request: HttpRequest) -> dict[str, str]:
    return {k: request.POST.get(k, "") for k in rules.COMPLAINT_FIELDS}


@login_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    pk = _int(request.GET.get("challenge") or request.POST.get("challenge")) or 0
    ch = access.access_challenge(user=me, pk=pk)
    if request.method == "POST":
        evidence = [e for e in request.POST.get("evidence", "").splitlines() if e.strip()]
        try:
            x = services.complaint_file(
                actor=me, challenge=ch, letter=_letter(request), evidence=evidence
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"投诉已提交，财政部门审查期限 {x.review_due:%Y-%m-%d}。")
            return redirect("awards:complaint", pk=x.pk)
    return render(
        request,
        "awards/complaint_new.html",
        {
            "ch": ch,
            "window_ends": services.complaint_window(ch),
            "fields": [(k, v, request.POST.get(k, "")) for k, v in rules.COMPLAINT_FIELDS.items()],
        },
    )


@login_required
def complaints_desk(request: HttpRequest) -> HttpResponse:
    rows = [(x, services.complaint_next_due(x)) for x in access.complaints_visible(_me(request))]
    return render(request, "awards/complaints_desk.html", {"rows": rows})


@login_required
def complaint(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    x = access.access_complaint(user=me, pk=pk)
    roles = services.complaint_roles(x, me.organization_id)
    status = c.ComplaintStatus
    reviewable = x.status in (status.SUBMITTED, status.RESUBMITTED)
    blocking = x.status in c.BLOCKING_COMPLAINT
    paused = bool(x.pauses) and x.pauses[-1][1] is None
    return render(
        request,
        "awards/complaint.html",
        {
            "x": x,
            "due": services.complaint_next_due(x),
            "letter_rows": [
                (label, x.letter.get(k)) for k, label in rules.COMPLAINT_FIELDS.items()
            ],
            "fields": [(k, v, x.letter.get(k, "")) for k, v in rules.COMPLAINT_FIELDS.items()],
            "responses": sorted(x.responses.values(), key=lambda r: str(r.get("on", ""))),
            "can_review": roles["regulator"] and reviewable,
            "can_suspend": roles["regulator"] and x.status == status.ACCEPTED,
            "can_resume": roles["regulator"] and x.status == status.SUSPENDED,
            "can_clock": roles["regulator"] and blocking,
            "paused": paused,
            "can_decide": roles["regulator"] and blocking,
            "can_answer": roles["respondent"] and blocking,
            "can_resubmit": roles["complainant"] and x.status == status.CORRECTION,
            "can_withdraw": roles["complainant"] and x.status in c.OPEN_COMPLAINT,
            "findings": c.Finding.choices,
            "remedies": c.Remedy.choices,
            "stages": c.Stage.choices,
        },
    )


def _done(request: HttpRequest, pk: int, ok: str, action: object, **kwargs: object) -> HttpResponse:
    try:
        action(**kwargs)  # type: ignore[operator]
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)
    return redirect("awards:complaint", pk=pk)


@login_required
@require_POST
def complaint_review(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    x = access.access_complaint(user=me, pk=pk, action="manage")
    if _stale(request, x):
        return redirect("awards:complaint", pk=pk)
    action, reason = request.POST.get("action", ""), request.POST.get("reason", "")
    if action == "accept":
        return _done(
            request,
            pk,
            "投诉已受理，副本已发送被投诉人。",
            services.complaint_accept,
            actor=me,
            complaint=x,
        )
    if action == "correction":
        return _done(
            request,
            pk,
            "已一次性书面通知投诉人补正。",
            services.complaint_request_correction,
            actor=me,
            complaint=x,
            note=reason,
        )
    return _done(
        request,
        pk,
        "审查结论已作出并告知投诉人。",
        services.complaint_refuse,
        actor=me,
        complaint=x,
        to=action,
        reason=reason,
    )


@login_required
@require_POST
def complaint_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    x = access.access_complaint(user=me, pk=pk, action="manage")
    if _stale(request, x):
        return redirect("awards:complaint", pk=pk)
    days = _int(request.POST.get("days")) or 0
    if days:
        return _done(
            request,
            pk,
            "已书面通知暂停采购活动。",
            services.complaint_suspend,
            actor=me,
            complaint=x,
            days=days,
        )
    return _done(request, pk, "已恢复采购活动。", services.complaint_resume, actor=me, complaint=x)


@login_required
@require_POST
def complaint_clock(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    x = access.access_complaint(user=me, pk=pk, action="manage")
    if _stale(request, x):
        return redirect("awards:complaint", pk=pk)
    pause = request.POST.get("pause") == "1"
    return _done(
        request,
        pk,
        "处理期限已中止计算。" if pause else "处理期限已恢复计算。",
        services.complaint_clock,
        actor=me,
        complaint=x,
        pause=pause,
        why=request.POST.get("why", ""),
    )


@login_required
@require_POST
def complaint_decide(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    x = access.access_complaint(user=me, pk=pk, action="manage")
    post = request.POST
    return _done(
        request,
        pk,
        "投诉处理决定已作出，处理结果已公告。",
        services.complaint_decide,
        actor=me,
        complaint=x,
        finding=post.get("finding", ""),
        remedy=post.get("remedy", ""),
        facts=post.get("facts", ""),
        legal_basis=post.get("legal_basis", ""),
        stage=post.get("stage", ""),
        expected_version=_int(post.get("version")),
    )


@login_required
@require_POST
def complaint_answer(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    x = access.access_complaint(user=me, pk=pk)
    return _done(
        request,
        pk,
        "书面说明已提交。",
        services.complaint_answer,
        actor=me,
        complaint=x,
        text=request.POST.get("text", ""),
    )


@login_required
@require_POST
def complaint_resubmit(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    x = access.access_complaint(user=me, pk=pk)
    if _stale(request, x):
        return redirect("awards:complaint", pk=pk)
    return _done(
        request,
        pk,
        "投诉书已补正。",
        services.complaint_resubmit,
        actor=me,
        complaint=x,
        letter=_letter(request),
    )


@login_required
@require_POST
def complaint_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    x = access.access_complaint(user=me, pk=pk)
    return _done(
        request,
        pk,
        "投诉已撤回。",
        services.complaint_withdraw,
        actor=me,
        complaint=x,
        reason=request.POST.get("reason", ""),
    )


def public_decisions(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_complaint_decisions(), 20).get_page(
        request.GET.get("page") or 1
    )
    return render(request, "awards/public_complaint_decisions.html", {"page": page})


def public_decision(request: HttpRequest, pk: int) -> HttpResponse:
    x = selectors.public_complaint_decision(pk)
    if x is None:
        raise Http404("公告不存在")
    return render(request, "awards/public_complaint_decision.html", {"x": x})
