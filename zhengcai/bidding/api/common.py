"""The bidding API's router and what its topic modules share: operation ids kept as they
were before the split (clients generated from the OpenAPI keep their method names), the
sealed-envelope request body, the answers for a participation and a receipt."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.http import HttpRequest
from ninja import Router

from zhengcai.accounts.auth import api_auth
from zhengcai.bidding import services
from zhengcai.bidding.api.schemas import BidIn
from zhengcai.core.errors import InvalidInput

router = Router(auth=api_auth(), tags=["bidding"])


def op(name: str) -> str:
    """The operation id of a handler, as it was when the API was one module."""
    return f"zhengcai_bidding_api_{name}"


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def part_out(part: Any) -> dict[str, Any]:
    window = services.bid_window(part.project)
    return {
        "id": part.pk,
        "project_id": part.project_id,
        "lot_id": part.lot_id,
        "status": part.status,
        "window_id": window.pk,
        "window_uid": window.uid,
        "deadline": window.deadline,
    }


def files_in(body: BidIn) -> list[services.FileIn]:
    files = []
    for f in body.files:
        try:
            files.append(
                services.FileIn(f.name, base64.b64decode(f.content_b64, validate=True), f.signature)
            )
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(f"文件内容不是有效的 base64：{f.name}", code="bad_base64") from exc
    return files


def evidence_in(request: HttpRequest, body: BidIn) -> services.EvidenceIn:
    return services.EvidenceIn(
        ip=client_ip(request),
        fingerprint=body.fingerprint or request.headers.get("X-Client-Fingerprint", ""),
        user_agent=request.headers.get("User-Agent", ""),
    )


def receipt_out(bid: Any, warnings: list[str] | None = None) -> dict[str, Any]:
    return {
        "bid_id": bid.pk,
        "status": bid.status,
        "receipt": bid.receipt.payload,
        "signature": bid.receipt.signature,
        "warnings": list(warnings or []),
    }
