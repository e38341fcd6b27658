"""Browser tests: Playwright driving Debian's chromium against the live test server."""

from __future__ import annotations

import base64
import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

from zhengcai.accounts.demo import DEMO_PASSWORD

# Playwright's sync API keeps an event loop in this thread; the ORM calls made by the
# tests themselves are synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(
            "Debian chromium is missing: run `make test` (it installs it) "
            "or `scripts/system-deps.sh chromium`"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def demo_data(transactional_db: None) -> None:
    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", "--scale", "small", stdout=devnull)


def shot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


# --- steps shared by the walks ------------------------------------------------------------------


def login(page: Any, base: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("[data-testid=login-form] button")
    page.wait_for_url("**/accounts/workbench/")


def logout(page: Any) -> None:
    page.click("[data-testid=logout]")
    page.wait_for_url("**/")


def open_review(page: Any, stage: str) -> None:
    """Open the 资格/符合性审查 page of `stage` and tick 通过 for every bid.

    The radios are read only once the review form has loaded: reading them while the
    overview is still on screen finds none, and the empty form is then refused."""
    page.click(f"[data-testid=go-{stage}]")
    page.wait_for_url(f"**/review/{stage}/")
    page.wait_for_selector("[data-testid=review-submit]")
    radios = page.locator("input[type=radio][value=passed]")
    assert radios.count() > 0, "the review form lists no bid"
    for radio in radios.all():
        radio.check()


def other_suppliers(n: int, besides: str = "supplier") -> list[str]:
    """Usernames of `n` demo suppliers, each of a different organization, none of `besides`'s."""
    from zhengcai.accounts.models import User

    seen = {User.objects.get(username=besides).organization_id}
    names: list[str] = []
    for u in User.objects.filter(role="supplier").order_by("pk"):
        if u.organization_id not in seen and len(names) < n:
            seen.add(u.organization_id)
            names.append(u.username)
    return names


@dataclass(frozen=True)
class LotSpec:
    name: str
    quantity: str
    unit: str
    bond: str


def e2e_project(
    *,
    no: str,
    name: str,
    method: str,
    object_kind: str,
    item_code: str,
    budget: str,
    lot: LotSpec,
    status: str = "published",
    deadline: dt.datetime | None = None,
) -> Any:
    """A project of the demo agency for the demo purchaser on the first demo plan, made with
    the ORM (the walks test what follows its publication), with one lot."""
    from zhengcai.accounts.models import User
    from zhengcai.core import clock
    from zhengcai.plans.models import Commission, ProcurementPlan
    from zhengcai.tenders.models import Lot, Project

    agency = User.objects.get(username="agency").organization
    purchaser = User.objects.get(username="purchaser").organization
    plan = ProcurementPlan.objects.order_by("pk").first()
    assert plan is not None, "the plans demo made no plan"
    now = clock.now()
    com = Commission.objects.create(
        plan=plan,
        purchaser=purchaser,
        agency=agency,
        handed_at=now,
        holder=agency,
        holder_since=now,
        status="accepted",
    )
    p = Project.objects.create(
        commission=com,
        plan=plan,
        purchaser=purchaser,
        agency=agency,
        project_no=no,
        name=name,
        method=method,
        object_kind=object_kind,
        item_code=item_code,
        budget=Decimal(budget),
        status=status,
        bid_deadline=deadline,
        opening_at=deadline,
        created_at=now,
        updated_at=now,
    )
    Lot.objects.create(
        project=p,
        number=1,
        name=lot.name,
        budget=Decimal(budget),
        quantity=Decimal(lot.quantity),
        unit=lot.unit,
        bid_bond_amount=Decimal(lot.bond),
    )
    return p


def sealed_response(
    p: Any, username: str, price: str, *, file_name: str, algo: str = "ecdsa-p256"
) -> tuple[Any, Any, Any, Any]:
    """A sealed bid (response) through the services with the supplier's own signer, the lot's
    bond paid: (user, signer, key, participation)."""
    from zhengcai.accounts.models import User
    from zhengcai.bidding import client, services

    u = User.objects.get(username=username)
    signer = client.generate(algo)
    key = services.key_register(actor=u, public_key=signer.public_key)
    lot = p.lots.get()
    part = services.participation_register(actor=u, lot=lot)
    services.bond_record(actor=u, participation=part, amount=lot.bid_bond_amount)
    window = services.bid_window(p)
    body = client.bid_payload(
        window_uid=window.uid,
        signer=signer,
        key_id=key.key_id,
        schedule={"total_price": price, "discount": "0", "declarations": {"sme_size": "small"}},
        files={file_name: f"%PDF-1.4 {username}".encode()},
    )
    services.bid_submit(
        actor=u,
        participation=part,
        window=window,
        key_id=key.key_id,
        schedule=body["schedule"],
        schedule_signature=body["schedule_signature"],
        files=[
            services.FileIn(f["name"], base64.b64decode(f["content_b64"]), f["signature"])
            for f in body["files"]
        ],
    )
    return u, signer, key, part
