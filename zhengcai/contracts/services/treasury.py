"""The 国库集中支付 adapter: a file exchange (docs/contracts.md, "Treasury file format").

* `treasury_export` writes one payment instruction file (JSON, format
  `zhengcai-treasury-payment/v1`) of every approved request into `<dir>/outbox/` and moves each
  request to SENT with its instruction number;
* `treasury_import` reads the treasury's confirmation files (`zhengcai-treasury-confirmation/v1`)
  from `<dir>/inbox/`, records each instruction as paid (the plan's paid amount grows) or
  returned, and moves the file to `<dir>/processed/`.

`<dir>` is `settings.ZHENGCAI["TREASURY_DIR"]` or `VAR_DIR/treasury`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from zhengcai.contracts import constants as c
from zhengcai.contracts.models import PaymentRequest
from zhengcai.contracts.services.machines import PAYMENT
from zhengcai.core import clock
from zhengcai.core.errors import InvalidInput
from zhengcai.plans import services as plans

PAYMENT_FORMAT = "zhengcai-treasury-payment/v1"
CONFIRMATION_FORMAT = "zhengcai-treasury-confirmation/v1"
P = c.PaymentStatus


def treasury_dir() -> Path:
    conf = getattr(settings, "ZHENGCAI", {})
    base = Path(conf.get("TREASURY_DIR") or Path(settings.VAR_DIR) / "treasury")
    for sub in ("outbox", "inbox", "processed"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    return base


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def instruction(p: PaymentRequest, number: str) -> dict[str, Any]:
    k = p.contract
    plan = k.project.plan
    return {
        "instruction_no": number,
        "payer": k.purchaser.name,
        "payer_code": getattr(k.purchaser, "credit_code", "") or "",
        "payee": k.supplier.name,
        "payee_code": getattr(k.supplier, "credit_code", "") or "",
        "amount": str(p.amount),
        "currency": "CNY",
        "contract_no": k.contract_no,
        "milestone": p.milestone.seq,
        "plan_no": getattr(plan, "plan_no", "") if plan is not None else "",
        "purpose": f"{k.title} 第{p.milestone.seq}期 {p.milestone.name}",
        "requested_on": p.requested_on.isoformat(),
        "due_on": p.due_on.isoformat(),
    }


@transaction.atomic
def treasury_export(*, actor: Any = None) -> Path | None:
    """One instruction file of every approved request (None when there is none)."""
    ready = list(
        PaymentRequest.objects.select_for_update()
        .filter(status=P.APPROVED)
        .select_related(
            "contract__purchaser", "contract__supplier", "contract__project__plan", "milestone"
        )
        .order_by("pk")
    )
    if not ready:
        return None
    now = clock.now()
    batch = f"ZCPAY-{now:%Y%m%d%H%M%S}-{ready[0].pk}"
    items = [instruction(p, f"{batch}-{i:04d}") for i, p in enumerate(ready, 1)]
    total = sum((Decimal(x["amount"]) for x in items), Decimal("0"))
    doc = {
        "format": PAYMENT_FORMAT,
        "batch_id": batch,
        "created_at": now.isoformat(),
        "count": len(items),
        "total": str(total),
        "instructions": items,
        "digest": hashlib.sha256(_canonical(items)).hexdigest(),
    }
    path = treasury_dir() / "outbox" / f"{batch}.json"
    tmp = path.with_suffix(".part")
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
    for p, item in zip(ready, items, strict=True):
        PAYMENT.move(p, to=P.SENT, actor=actor, instruction_no=item["instruction_no"],
                     batch_file=path.name, audit={"batch": batch})  # fmt: skip
    return path


@dataclass(frozen=True)
class Imported:
    file: str
    paid: int
    returned: int
    unknown: list[str]


def _parse(path: Path) -> list[dict[str, Any]]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"国库回执文件无法读取：{path.name}", code=c.ERR_TREASURY_FILE) from exc
    if not isinstance(doc, dict) or doc.get("format") != CONFIRMATION_FORMAT:
        raise InvalidInput(f"国库回执文件格式不是 {CONFIRMATION_FORMAT}", code=c.ERR_TREASURY_FILE)
    results = doc.get("results")
    if not isinstance(results, list):
        raise InvalidInput("国库回执缺少 results", code=c.ERR_TREASURY_FILE)
    for r in results:
        if not isinstance(r, dict) or r.get("status") not in ("paid", "returned"):
            raise InvalidInput("国库回执的 status 应为 paid 或 returned", code=c.ERR_TREASURY_FILE)
        if r["status"] == "paid":
            try:
                dt.date.fromisoformat(str(r.get("paid_on")))
                Decimal(str(r.get("amount")))
            except (ValueError, InvalidOperation) as exc:
                raise InvalidInput(
                    "国库回执的 paid_on / amount 无效", code=c.ERR_TREASURY_FILE
                ) from exc
    return results


def _import_file(actor: Any, base: Path, path: Path) -> Imported:
    results = _parse(path)
    with transaction.atomic():
        done = _apply(actor, path.name, results)
    path.replace(base / "processed" / path.name)
    return done


def treasury_import(*, actor: Any = None) -> list[Imported]:
    """Read every confirmation file in the inbox (name order), one transaction per file; a
    bad file stops the run and stays in the inbox (`treasury_file_invalid`)."""
    base = treasury_dir()
    return [_import_file(actor, base, p) for p in sorted((base / "inbox").glob("*.json"))]


def treasury_tick() -> None:
    """The periodic exchange (core.tasks.tick): send the approved requests, read every
    confirmation; a bad confirmation file is moved to `rejected/` with the reason beside it."""
    treasury_export()
    base = treasury_dir()
    for path in sorted((base / "inbox").glob("*.json")):
        try:
            _import_file(None, base, path)
        except InvalidInput as exc:
            rejected = base / "rejected"
            rejected.mkdir(exist_ok=True)
            (rejected / f"{path.name}.error.txt").write_text(exc.message, encoding="utf-8")
            path.replace(rejected / path.name)


def _apply(actor: Any, name: str, results: list[dict[str, Any]]) -> Imported:
    paid = returned = 0
    unknown = []
    for r in results:
        p = (
            PaymentRequest.objects.filter(
                instruction_no=str(r.get("instruction_no")), status=P.SENT
            )
            .select_related("contract__project__plan")
            .first()
        )
        if p is None:
            unknown.append(str(r.get("instruction_no")))
            continue
        if r["status"] == "paid":
            if Decimal(str(r["amount"])) != p.amount:
                raise InvalidInput(
                    f"国库回执金额与支付指令 {p.instruction_no} 不符", code=c.ERR_TREASURY_FILE
                )
            day = dt.date.fromisoformat(str(r["paid_on"]))
            PAYMENT.move(
                p, to=P.PAID, actor=actor, paid_on=day, next_check=None,
                voucher_no=str(r.get("voucher_no", ""))[:60],
                late=p.late or day > p.due_on, audit={"file": name},
            )  # fmt: skip
            plan = p.contract.project.plan
            if plan is not None:
                plans.plan_record_paid(actor=actor, plan=plan, amount=p.amount)
            paid += 1
        else:
            PAYMENT.move(p, to=P.RETURNED, actor=actor, reason=str(r.get("reason", "")),
                         note=str(r.get("reason", ""))[:500], audit={"file": name})  # fmt: skip
            returned += 1
    return Imported(name, paid, returned, unknown)
