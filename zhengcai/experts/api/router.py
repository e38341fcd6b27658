"""The router of the experts API and what its endpoints share."""

from __future__ import annotations

from ninja import Router

from zhengcai.accounts.auth import api_auth
from zhengcai.accounts.models import Region
from zhengcai.core.errors import InvalidInput
from zhengcai.experts import selectors

router = Router(auth=api_auth(), tags=["experts"])

MAX_PAGE = 200


def region_from_code(code: str, field: str = "region_code") -> Region:
    region = selectors.region_by_code(code)
    if region is None:
        raise InvalidInput("区划代码不存在", code="region_unknown", detail={"field": field})
    return region
