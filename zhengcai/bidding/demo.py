"""Demo data of the bidding app: after the tenders demo (INSTALLED_APPS order), the demo
suppliers register for a few published projects and submit sealed bids, made through the
services (signed with client keys; the named demo supplier gets a demo-signer key when the
settings allow it). Nothing happens if the tenders demo made no published project."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import User
from zhengcai.bidding import client, services
from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.tenders.models import Project


def seed(ctx: Any) -> None:
    projects = list(
        Project.objects.filter(status="published", bid_deadline__gt=clock.now()).order_by("pk")[:3]
    )
    if not projects:
        return
    suppliers = list(
        User.objects.filter(role=Role.SUPPLIER, organization__kind=OrgKind.SUPPLIER)
        .select_related("organization")
        .order_by("pk")[:3]
    )
    for u in suppliers:
        signer = client.generate("sm2" if u.pk % 2 else "ecdsa-p256")
        try:
            if u.username == "supplier" and services.demo_signer_enabled():
                services.key_create_demo(actor=u)
            key = services.key_register(actor=u, public_key=signer.public_key, label="演示数据")
        except DomainError:
            continue
        for project in projects:
            lot = project.lots.order_by("number").first()
            if lot is None:
                continue
            try:
                part = services.participation_register(actor=u, lot=lot)
                window = services.bid_window(project)
                price = (lot.budget * Decimal(ctx.rng.randint(82, 98)) / 100).quantize(
                    Decimal("0.01")
                )
                body = client.bid_payload(
                    window_uid=window.uid,
                    signer=signer,
                    key_id=key.key_id,
                    schedule={
                        "total_price": format(price, "f"),
                        "discount": "0",
                        "declarations": {"sme_size": ctx.rng.choice(["", "small", "micro"])},
                    },
                    files={"技术响应文件.pdf": b"%PDF-1.4 demo " + u.username.encode()},
                )
                services.bid_submit(
                    actor=u,
                    participation=part,
                    window=window,
                    key_id=key.key_id,
                    schedule=body["schedule"],
                    schedule_signature=body["schedule_signature"],
                    files=[
                        services.FileIn(
                            "技术响应文件.pdf",
                            b"%PDF-1.4 demo " + u.username.encode(),
                            body["files"][0]["signature"],
                        )
                    ],
                )
            except DomainError:
                continue
