"""Pages of the awards app: the agency's award and notice desk, the supplier's challenge page,
the answer page and the public result notices. Thin: parse, access, one service, render."""

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
from zhengcai.core.errors import DomainError


def _me(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _int(value: str | None) -> int | None:
    return int(value) if value and value.strip().isdigit() else None


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    return render(
        request,
        "awards/desk.html",
        {
            "awards": list(selectors.awards_for_agency(me.organization_id)[:100]),
            "challenges": access.challenges_visible(me),
            "inquiries": access.inquiries_visible(me),
            "is_supplier": me.role == "supplier",
            "subjects": c.Subject.choices,
            "steps": c.Step.choices,
            "letter_fields": list(rules.LETTER_FIELDS.items()),
        },
    )


@login_required
def award(request: HttpRequest, pk: int) -> HttpResponse:
    a = access.access_award(user=_me(request), pk=pk)
    return render(
        request,
        "awards/award.html",
        {
            "a": a,
            "notice": getattr(a, "notice", None),
            "block": selectors.signing_block(a.lot),
            "can_publish": a.status == c.AwardStatus.CHOSEN
            and _me(request).role == "agency"
            and _me(request).organization_id == a.project.agency_id,
        },
    )


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    a = access.access_award(user=_me(request), pk=pk, action="manage")
    try:
        services.notice_publish(
            actor=_me(request),
            award=a,
            agency_fee=request.POST.get("agency_fee", ""),
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "结果公告已发布，中标（成交）通知书和结果通知已发出。")
    return redirect("awards:award", pk=pk)


@login_required
@require_POST
def challenge_file(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        lot = access.access_lot(user=_me(request), pk=_int(post.get("lot_id")) or 0)
        letter = {k: post.get(k, "") for k in rules.LETTER_FIELDS}
        ch = services.challenge_file(
            actor=_me(request),
            lot=lot,
            subject=post.get("subject", ""),
            step=post.get("step", ""),
            letter=letter,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("awards:desk")
    messages.success(request, f"质疑已受理，答复期限 {ch.answer_due:%Y-%m-%d}。")
    return redirect("awards:challenge", pk=ch.pk)


@login_required
def challenge(request: HttpRequest, pk: int) -> HttpResponse:
    me = _me(request)
    ch = access.access_challenge(user=me, pk=pk)
    answerer = me.organization_id in (ch.project.agency_id, ch.project.purchaser_id)
    return render(
        request,
        "awards/challenge.html",
        {
            "ch": ch,
            "can_answer": answerer and ch.status in c.OPEN_CHALLENGE,
            "can_withdraw": me.organization_id == ch.supplier_id and ch.status in c.OPEN_CHALLENGE,
            "outcomes": c.Outcome.choices,
            "complaint_ends": services.complaint_window(ch)
            if me.organization_id == ch.supplier_id
            else None,
            "letter_rows": [(label, ch.letter.get(k)) for k, label in rules.LETTER_FIELDS.items()],
        },
    )


@login_required
@require_POST
def challenge_answer(request: HttpRequest, pk: int) -> HttpResponse:
    ch = access.access_challenge(user=_me(request), pk=pk, action="manage")
    post = request.POST
    try:
        services.challenge_answer(
            actor=_me(request),
            challenge=ch,
            outcome=post.get("outcome", ""),
            answer={k: post.get(k, "") for k in rules.ANSWER_FIELDS},
            expected_version=_int(post.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "质疑已答复，答复已送达质疑供应商和相关供应商。")
    return redirect("awards:challenge", pk=pk)


@login_required
@require_POST
def challenge_assist(request: HttpRequest, pk: int) -> HttpResponse:
    ch = access.access_challenge(user=_me(request), pk=pk, action="manage")
    try:
        services.challenge_assist(
            actor=_me(request),
            challenge=ch,
            request=request.POST.get("request", ""),
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已请原评审委员会协助答复。")
    return redirect("awards:challenge", pk=pk)


@login_required
@require_POST
def challenge_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    ch = access.access_challenge(user=_me(request), pk=pk)
    try:
        services.challenge_withdraw(actor=_me(request), challenge=ch)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "质疑已撤回。")
    return redirect("awards:challenge", pk=pk)


@login_required
@require_POST
def inquiry_ask(request: HttpRequest) -> HttpResponse:
    post = request.POST
    try:
        lot = access.access_lot(user=_me(request), pk=_int(post.get("lot_id")) or 0)
        q = services.inquiry_ask(
            actor=_me(request),
            lot=lot,
            subject=post.get("subject", ""),
            question=post.get("question", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"询问已提交，答复期限 {q.answer_due:%Y-%m-%d}（条例 52）。")
    return redirect("awards:desk")


@login_required
@require_POST
def inquiry_answer(request: HttpRequest, pk: int) -> HttpResponse:
    q = access.access_inquiry(user=_me(request), pk=pk, action="manage")
    try:
        services.inquiry_answer(
            actor=_me(request),
            inquiry=q,
            answer=request.POST.get("answer", ""),
            expected_version=_int(request.POST.get("version")),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "询问已答复。")
    return redirect("awards:desk")


def public_notices(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.public_notices(), 20).get_page(request.GET.get("page") or 1)
    return render(request, "awards/public_notices.html", {"page": page})


def public_notice(request: HttpRequest, pk: int) -> HttpResponse:
    n = selectors.public_notice_get(pk)
    if n is None or n.status == c.NoticeStatus.WITHDRAWN:
        raise Http404("公告不存在")
    return render(request, "awards/public_notice.html", {"n": n, "f": n.fields})
