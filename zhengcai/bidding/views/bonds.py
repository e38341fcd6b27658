"""保证金管理: the bond page, and one view per action — register a refund, record the
winner's contract signing (which schedules its refund)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from zhengcai.accounts.constants import Role
from zhengcai.bidding import access, selectors, services
from zhengcai.bidding.views.common import int_field, me, message_of
from zhengcai.core import clock
from zhengcai.core.errors import DomainError, InvalidInput


@login_required
@require_GET
def bonds(request: HttpRequest) -> HttpResponse:
    """The agency's / purchaser's bonds per project (status, refund basis and day, 逾期未退,
    late interest, refund, contract signed); a supplier's own bonds; watchers read only."""
    user = me(request)
    project_pk = request.GET.get("project", "")
    overdue_only = request.GET.get("overdue") == "1"
    today = clock.today()
    qs = selectors.bonds_visible(user, project_id=int(project_pk) if project_pk.isdigit() else None)
    rows = selectors.bond_rows(qs, today=today)
    if overdue_only:
        rows = [r for r in rows if r.overdue]
    return render(
        request,
        "bidding/bonds.html",
        {
            "groups": selectors.bond_groups(rows),
            "today": today,
            "officer": user.role in {Role.AGENCY, Role.PURCHASER},
            "is_supplier": user.role == Role.SUPPLIER,
            "overdue_only": overdue_only,
            "overdue_count": sum(1 for r in rows if r.overdue),
            "project_pk": project_pk,
        },
    )


def _back(request: HttpRequest) -> str:
    back = reverse("bidding:bonds")
    project = request.POST.get("project", "")
    return back + f"?project={project}" if project.isdigit() else back


@login_required
@require_POST
def bond_refund(request: HttpRequest, bond_pk: int) -> HttpResponse:
    user = me(request)
    try:
        bond = access.access_bond(user=user, pk=bond_pk)
        services.bond_refund(actor=user, bond=bond)
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, "已退还保证金")
    return redirect(_back(request))


@login_required
@require_POST
def bond_contract_signed(request: HttpRequest, lot_pk: int) -> HttpResponse:
    user = me(request)
    try:
        bond = access.access_lot_bond(
            user=user, lot_id=lot_pk, supplier_id=int_field(request.POST.get("supplier"))
        )
        try:
            signed_on = dt.date.fromisoformat(request.POST.get("signed_on", ""))
        except ValueError as exc:
            raise InvalidInput("请填写合同签订日", code="date_invalid") from exc
        bond = services.bond_contract_signed(
            actor=user,
            lot=bond.participation.lot,
            supplier=bond.participation.supplier,
            signed_on=signed_on,
        )
    except DomainError as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, f"已登记合同签订日，保证金应于 {bond.refund_due:%Y-%m-%d} 前退还")
    return redirect(_back(request))
