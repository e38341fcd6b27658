"""Demo data of the bidding app, after the tenders demo (INSTALLED_APPS order), made through
the services and signed with client keys (the named demo supplier also gets a demo-signer key
when the settings allow it):

* two suppliers submit sealed bids to the published 公开招标 (the named supplier is left free
  to bid in the browser);
* one 公开招标 already opened: its whole life — commission, notice, three sealed bids, opening
  and the platform-signed opening record — is made with the platform clock set back to a
  working morning about six weeks ago, then the clock is restored (unfrozen, or refrozen where
  it stood).

Nothing happens if the tenders demo made no published project."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import User
from zhengcai.bidding import client, services
from zhengcai.bidding.models import SupplierKey
from zhengcai.core import clock
from zhengcai.core.errors import DomainError
from zhengcai.core.workdays import WorkCalendar
from zhengcai.tenders.models import Project

FILE_NAME = "技术响应文件.pdf"


def _bid(
    ctx: Any, u: User, signer: client.Signer, key: SupplierKey, project: Project, pct: int
) -> None:
    lot = project.lots.order_by("number").first()
    if lot is None:
        return
    part = services.participation_register(actor=u, lot=lot)
    window = services.bid_window(project)
    price = (lot.budget * Decimal(pct) / 100).quantize(Decimal("0.01"))
    content = b"%PDF-1.4 demo " + u.username.encode()
    body = client.bid_payload(
        window_uid=window.uid,
        signer=signer,
        key_id=key.key_id,
        schedule={
            "total_price": format(price, "f"),
            "discount": "0",
            "declarations": client.sme_declarations(
                ctx.rng.choice(["", "small", "micro"]), name=u.username
            ),
        },
        files={FILE_NAME: content},
    )
    services.bid_submit(
        actor=u,
        participation=part,
        window=window,
        key_id=key.key_id,
        schedule=body["schedule"],
        schedule_signature=body["schedule_signature"],
        files=[services.FileIn(FILE_NAME, content, body["files"][0]["signature"])],
    )


def _opened_project(
    ctx: Any, signers: dict[int, tuple[User, client.Signer, SupplierKey]]
) -> Project | None:
    """A 公开招标 from the past to its signed opening record (clock set back, then restored)."""
    from zhengcai.tenders import demo as tenders_demo

    agency_user = User.objects.filter(username="agency").first()
    if agency_user is None or len(signers) < 3:
        return None
    before = clock.now() if clock.is_frozen() else None
    cal = WorkCalendar.load()
    start = cal.next_workday(clock.today() - dt.timedelta(days=42), include_self=True)
    try:
        clock.freeze(dt.datetime.combine(start, dt.time(9, 0), tzinfo=clock.SHANGHAI))
        com = tenders_demo.accepted_commission(
            item_code="A02010108",
            description="多媒体教室便携式计算机",
            amount=Decimal("650000.00"),
            quantity=100,
            unit="台",
            method="open_tender",
            tag="ZB-KB",
        )
        if com is None:
            return None
        project = tenders_demo.publish(agency_user, com)
        for n, (u, signer, key) in enumerate(signers.values()):
            clock.advance(dt.timedelta(days=2, minutes=7 * n))
            _bid(ctx, u, signer, key, project, ctx.rng.randint(84, 97))
        assert project.bid_deadline is not None
        clock.freeze(project.bid_deadline + dt.timedelta(minutes=1))
        result = services.opening_start(actor=agency_user, window=services.bid_window(project))
        clock.advance(dt.timedelta(minutes=12))
        services.opening_sign(actor=agency_user, opening=result.opening)
        return project
    finally:
        if before is None:
            clock.unfreeze()
        else:
            clock.freeze(before)


def seed(ctx: Any) -> None:
    published = list(
        Project.objects.filter(status="published", bid_deadline__gt=clock.now()).order_by("pk")
    )
    if not published:
        return
    suppliers = list(
        User.objects.filter(role=Role.SUPPLIER, organization__kind=OrgKind.SUPPLIER)
        .select_related("organization")
        .order_by("pk")[:3]
    )
    signers: dict[int, tuple[User, client.Signer, SupplierKey]] = {}
    for u in suppliers:
        signer = client.generate("sm2" if u.pk % 2 else "ecdsa-p256")
        try:
            if u.username == "supplier" and services.demo_signer_enabled():
                services.key_create_demo(actor=u)
            key = services.key_register(actor=u, public_key=signer.public_key, label="演示数据")
        except DomainError:
            continue
        signers[u.pk] = (u, signer, key)
    # A couple of sealed bids in a published project with a public opening — the open tender
    # of the tenders demo — (not from the named supplier).
    tender = next((p for p in published if p.method_config.has_opening), published[0])
    bids = 0
    for u, signer, key in signers.values():
        if u.username == "supplier" or bids >= 2:
            continue
        try:
            _bid(ctx, u, signer, key, tender, ctx.rng.randint(82, 98))
            bids += 1
        except DomainError:
            continue
    ctx.counts["bidding:sealed_bids"] = bids
    opened = _opened_project(ctx, signers)
    ctx.counts["bidding:opened_projects"] = int(opened is not None)
