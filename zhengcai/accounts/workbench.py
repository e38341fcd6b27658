"""What each role's workbench shows: read-only data assembled from selectors."""

from __future__ import annotations

import json
from typing import Any

from zhengcai.accounts import access, selectors
from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import User
from zhengcai.core import clock
from zhengcai.core.audit import chain_head
from zhengcai.core.navigation import tiles_for
from zhengcai.core.workdays import WorkCalendar

KIND_ORDER = [
    OrgKind.PURCHASER,
    OrgKind.SUPPLIER,
    OrgKind.CENTRAL_AGENCY,
    OrgKind.SOCIAL_AGENCY,
    OrgKind.FINANCE,
    OrgKind.SUPERVISION,
]


def workbench_context(user: User) -> dict[str, Any]:
    cal = WorkCalendar.load()
    today = clock.today()
    ctx: dict[str, Any] = {
        "today": cal.info(today),
        "in5": cal.add_working_days(today, 5),
        "in20": cal.add_calendar_days(today, 20),
        "recent": access.audit_entries_visible(user).order_by("-seq")[:8],
        "colleagues": (
            access.users_visible(user)
            .filter(organization=user.organization)
            .order_by("-is_org_admin", "username")[:12]
            if user.organization_id
            else []
        ),
        "template": f"accounts/workbench/{user.role}.html",
        "module_tiles": tiles_for(user.role, is_org_admin=user.is_org_admin),
    }
    if user.role in (Role.REGULATOR, Role.SUPERVISOR, Role.ADMIN):
        counts = selectors.organization_counts_by_kind(user=user)
        ctx["kind_counts"] = [(str(OrgKind(k).label), counts.get(k, 0)) for k in KIND_ORDER]
        by_city = selectors.organization_counts_by_city(user=user)
        ctx["chart"] = json.dumps(
            {
                "cities": [name for name, _ in by_city],
                "series": [
                    {"name": str(OrgKind(k).label), "data": [d.get(k, 0) for _, d in by_city]}
                    for k in KIND_ORDER[:4]
                ],
            },
            ensure_ascii=False,
        )
    if user.role in (Role.SUPERVISOR, Role.ADMIN):
        ctx["head"] = chain_head()
    if user.role == Role.ADMIN:
        year = today.year
        ctx["calendar_years"] = [(y, cal.year_is_official(y)) for y in (year, year + 1)]
    return ctx
