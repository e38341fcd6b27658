"""The chair's summary, the report and its signatures, the supplier's explanation of a low
price, the purchaser's award."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zhengcai.core.errors import DomainError, InvalidInput, NotFound
from zhengcai.evaluation import access, selectors, services
from zhengcai.evaluation import constants as c
from zhengcai.evaluation.forms import (
    AbnormalDecideForm,
    AwardForm,
    FlagForm,
    JustifyForm,
    SignForm,
)
from zhengcai.evaluation.models import Evaluation, Report
from zhengcai.evaluation.views.common import (
    S,
    Viewer,
    _base_ctx,
    _error,
    _evaluation,
    _me,
    _names_visible,
)
from zhengcai.evaluation.views.members import _scorable

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
    sigs = selectors.signatures_by_member(ev, draft_only=True)
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
