from typing import Any

from django.conf import settings
from django.http import HttpRequest

from zhengcai.core import clock, selectors
from zhengcai.core.navigation import tiles_for

REGIONAL_OR_ADMIN = {"regulator", "supervisor", "admin"}


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    role = getattr(user, "role", None)
    org_admin = bool(getattr(user, "is_org_admin", False))
    return {
        "PLATFORM_NAME": settings.ZHENGCAI["PLATFORM_NAME"],
        "server_time": clock.now().strftime("%Y-%m-%d %H:%M"),
        "nav_regional": role in REGIONAL_OR_ADMIN,
        "nav_org_admin": org_admin,
        "nav_links": [t for t in tiles_for(role, is_org_admin=org_admin) if t.in_navbar],
        "sandbox_clock": clock.sandbox_enabled(),
        "inbox_unread": (
            selectors.unread_count(getattr(user, "organization_id", None))
            if getattr(user, "is_authenticated", False)
            else 0
        ),
    }
