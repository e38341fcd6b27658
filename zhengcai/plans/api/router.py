"""The router of the plans API (mounted at /api/v1/ by config.api)."""

from __future__ import annotations

from ninja import Router

from zhengcai.accounts.auth import api_auth

router = Router(auth=api_auth(), tags=["plans"])
MAX_PAGE = 200
