"""One view per performance operation: milestones, delivery, acceptance (team, report,
signatures, remedy), payment requests and their approval, the treasury exchange."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from zhengcai.contracts import access, selectors, services
from zhengcai.contracts.views.common import date_of, me, money, run
from zhengcai.core.errors import DomainError, PermissionDenied

DETAIL = "contracts:detail"


@login_required
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    k = access.access_contract(user=user, pk=pk)
    post = request.POST
    return run(request, "履约节点已添加。", DETAIL, pk, lambda: services.milestone_add(
        actor=user, contract=k, name=post.get("name", ""), kind=post.get("kind", ""),
        due_on=date_of(post.get("due_on", "")), amount=money(post.get("amount", ""))))  # fmt: skip


@login_required
@require_POST
def milestone_deliver(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    m = access.access_milestone(user=user, pk=pk)
    return run(request, "已报告交付，等待采购人组织验收。", DETAIL, m.contract_id,
               lambda: services.milestone_deliver(actor=user, milestone=m))  # fmt: skip


def _users(names: str) -> list:  # type: ignore[type-arg]
    out = []
    for name in names.replace("，", ",").replace("\n", ",").split(","):
        if name.strip():
            u = selectors.user_named(name.strip())
            if u is None:
                raise PermissionDenied(f"用户 {name.strip()} 不存在")
            out.append(u)
    return out


@login_required
@require_POST
def acceptance_open(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    m = access.access_milestone(user=user, pk=pk)
    post = request.POST
    return run(request, "验收小组已组成。", DETAIL, m.contract_id, lambda: services.acceptance_open(
        actor=user, milestone=m, members=[user, *_users(post.get("members", ""))],
        experts=_users(post.get("experts", "")),
        complex_project=post.get("complex") == "on"))  # fmt: skip


@login_required
@require_POST
def acceptance_report(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    a = access.access_acceptance(user=user, pk=pk)
    post = request.POST
    return run(request, "验收报告已提交成员签署。", DETAIL, a.contract_id,
               lambda: services.acceptance_report(actor=user, acceptance=a,
                                                  passed=post.get("passed") == "yes",
                                                  findings=post.get("findings", "")))  # fmt: skip


@login_required
@require_POST
def acceptance_sign(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    a = access.access_acceptance(user=user, pk=pk)
    post = request.POST
    try:
        services.acceptance_sign(actor=user, acceptance=a, password=post.get("password", ""),
                                 agrees=post.get("agrees", "yes") == "yes",
                                 opinion=post.get("opinion", ""))  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签署验收报告。")
    if access.can_view(user, a.contract_id):
        return redirect(DETAIL, pk=a.contract_id)
    return redirect("contracts:acceptance", pk=a.pk)


@login_required
@require_POST
def acceptance_remedy(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    a = access.access_acceptance(user=user, pk=pk)
    post = request.POST
    return run(request, "已记录验收不合格的处理。", DETAIL, a.contract_id,
               lambda: services.acceptance_remedy(
                   actor=user, acceptance=a, remedy=post.get("remedy", ""),
                   note=post.get("note", ""), deduction=money(post.get("deduction", "")),
               ))  # fmt: skip


@login_required
@require_POST
def payment_request(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    m = access.access_milestone(user=user, pk=pk)
    amount = request.POST.get("amount", "").strip() or None
    return run(request, "支付申请已提交。", DETAIL, m.contract_id, lambda: services.payment_request(
        actor=user, milestone=m, amount=amount))  # fmt: skip


@login_required
@require_POST
def payment_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    p = access.access_payment(user=user, pk=pk)
    return run(request, "支付申请已审核，将随下一批支付指令送国库。", DETAIL, p.contract_id,
               lambda: services.payment_approve(actor=user, payment=p))  # fmt: skip


@login_required
@require_POST
def payment_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    user = me(request)
    p = access.access_payment(user=user, pk=pk)
    return run(request, "支付申请已退回。", DETAIL, p.contract_id, lambda: services.payment_refuse(
        actor=user, payment=p, reason=request.POST.get("reason", "")))  # fmt: skip
