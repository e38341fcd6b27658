"""Build an evaluation-ready lot through the real services of plans, tenders, bidding and
experts — no ORM writes: an open-tender project with one lot, documents with the chosen
evaluation method, N sealed bids from distinct suppliers (with bid bonds and SME
declarations), the deadline passed on the platform clock, the opening signed, and an expert
draw COMPLETE with every drawn expert confirmed.

Usable from pytest unit tests (with the clock frozen by the caller or here) and from the
Playwright e2e tests (live_server + transactional DB): pass `world=None` on an empty database
and a fresh plans world is built. Every user's password is `PASSWORD`.

After `evaluation_ready` the clock stands just after the opening; the draw's evaluation time is
`ready.evaluation_at` (freeze the clock there before `evaluation_start`)."""

from __future__ import annotations

import base64
import datetime as dt
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import Organization, User
from zhengcai.accounts.tests.factories import PASSWORD, organization, user
from zhengcai.bidding import client
from zhengcai.bidding import services as bidding
from zhengcai.bidding.models import Bid, Opening, Participation, SubmissionWindow
from zhengcai.core import clock
from zhengcai.core.workdays import WorkCalendar
from zhengcai.experts import services as experts
from zhengcai.experts.constants import DrawStatus, InvitationStatus
from zhengcai.experts.models import DrawRequest, ExpertProfile
from zhengcai.experts.tests.factories import expert as make_expert
from zhengcai.plans import services as plan_services
from zhengcai.plans.tests.factories import PlansWorld, approved_line, build_world, make_plan
from zhengcai.tenders import methods, rules
from zhengcai.tenders import services as tenders
from zhengcai.tenders.models import Lot, Project

__all__ = ["FACTORS", "PASSWORD", "Ready", "evaluation_ready"]

AGENCY = "agc_hz"
PURCHASER = "pur_hz"
SUPERVISOR = "supv_hz"
ITEM = "A02010105"
WORKS_ITEM = "B08000000"

FACTORS: list[dict[str, Any]] = [
    {"name": "价格", "points": "40", "objective": True, "is_price": True, "criteria": "低价优先"},
    {"name": "技术方案", "points": "45", "objective": False, "is_price": False, "criteria": "优劣"},
    {"name": "售后服务", "points": "15", "objective": True, "is_price": False, "criteria": "响应"},
]
# Prices of the bids in order (the lowest last) and their SME declarations.
PRICES = ["760000.00", "742000.00", "735000.00", "728000.00", "720000.00"]
SIZES = ["small", "", "micro", "medium", ""]

_seq = itertools.count(1)


@dataclass
class Ready:
    world: PlansWorld
    project: Project
    lot: Lot
    window: SubmissionWindow
    opening: Opening
    draw: DrawRequest
    agency: User
    purchaser: User
    supervisor: User
    experts: list[User]
    expert_profiles: list[ExpertProfile]
    suppliers: list[User]
    supplier_orgs: list[Organization]
    bids: list[Bid]
    evaluation_at: dt.datetime
    method: str
    tag: str
    extra: dict[str, Any] = field(default_factory=dict)


def _published(
    w: PlansWorld,
    *,
    method: str,
    tag: str,
    bond_percent: str,
    project_method: str = "open_tender",
    two_supplier_basis: str = "",
    document_values: dict[str, Any] | None = None,
) -> Project:
    agency, purchaser = w.users[AGENCY], w.users[PURCHASER]
    cfg = methods.get(project_method, "")
    # 合理定价评审抽签法 is a local rule for works (methods.local; the test enables its region)
    item = WORKS_ITEM if method == "reasonable_price_lottery" else ITEM
    line = approved_line(w, PURCHASER, item_code=item, amount="900000.00", quantity=Decimal(100))
    plan = make_plan(
        w,
        line,
        PURCHASER,
        name=f"便携式计算机采购（评审{tag}）",
        method="negotiation" if item == WORKS_ITEM else cfg.code,
        is_urgent=True,
        urgent_reason="不可预见的紧急需要（测试）",
    )
    plan = plan_services.plan_submit(actor=purchaser, plan=plan)
    plan = plan_services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    plan_services.intention_publish(actor=purchaser, plan=plan)
    com = plan_services.commission_create(actor=purchaser, plan=plan, agency=w.orgs[AGENCY])
    com = plan_services.commission_accept(actor=agency, commission=com)
    if item == WORKS_ITEM:  # a works tender (招标投标法 route, 法 4) run on the platform
        com.plan.method = cfg.code
        com.plan.save(update_fields=["method"])
    p = tenders.project_create_from_commission(actor=agency, commission=com)
    if two_supplier_basis:
        p = tenders.project_two_supplier_set(
            actor=agency,
            project=p,
            basis=two_supplier_basis,
            justification="市场竞争不充分的科研项目，符合条件的供应商只有两家（214号 21）",
        )
    lot = p.lots.get(number=1)
    tenders.lot_update(
        actor=agency,
        lot=lot,
        values={"name": "便携式计算机", "budget": "800000.00", "ceiling_price": "780000.00"},
    )
    tpl = tenders.template_save(
        actor=agency,
        values={
            "name": f"评审测试范本{tag}",
            "requirements": "便携式计算机100台，处理器不低于8核，内存16GB，三年原厂保修",
            "qualifications": "具有ISO9001质量管理体系认证证书",
            "evaluation_method": method,
            "method": cfg.code,
            "factors": FACTORS if method == "comprehensive" else [],
            "contract_terms": "交货期30日；验收合格后付款",
            "bid_bond_percent": bond_percent,
        },
    )
    tenders.document_build(actor=agency, project=p, template=tpl)
    # the published figures these methods need (seed 001 下浮率 and reviewed budget; seed 004)
    terms: dict[str, object] | None = {
        "reasonable_price_lottery": {
            "lottery_discount": "0.08",
            "reviewed_budgets": {lot.pk: "800000.00"},
        },
        "life_cycle_cost": {
            "service_life_years": 5,
            "life_cycle_costs": "逐年运行成本、处置成本",
            "life_cycle_discount_rate": "0.05",
        },
    }.get(method)
    terms = {**(terms or {}), **(document_values or {})}
    if terms:
        tenders.document_update(actor=agency, project=p, values=terms)
    for finding in tenders.compliance_check(actor=agency, project=p):
        # Not reserved for SMEs on purpose, so that the price deductions apply (46号 9).
        tenders.finding_justify(
            actor=agency, finding=finding, justification="测试项目：不预留，以验证价格扣除规则"
        )
    tenders.document_finalize(actor=agency, project=p)
    cal = WorkCalendar.load()
    earliest = rules.timeline(cal, cfg, clock.today()).earliest_deadline
    day = earliest or cal.add_working_days(clock.today(), 3)
    deadline = dt.datetime.combine(day, dt.time(9, 30), tzinfo=clock.SHANGHAI)
    return tenders.project_publish(
        actor=agency, project=p, bid_deadline=deadline, opening_place="开标室一"
    )


def _submit(u: User, signer: client.Signer, key_id: str, part: Participation,
            window: SubmissionWindow, price: str, size: str,
            extra: dict[str, Any] | None = None, rnd: Any = None) -> Bid:  # fmt: skip
    body = client.bid_payload(
        window_uid=window.uid,
        signer=signer,
        key_id=key_id,
        schedule={
            "total_price": price,
            "items": [{"name": "便携式计算机", "quantity": "100", "unit_price": price}],
            "declarations": client.sme_declarations(size, name=u.username, item="便携式计算机"),
            **(extra or {}),
        },
        files={"响应文件.pdf": f"%PDF-1.4 {u.username}".encode()},
    )
    files = [
        bidding.FileIn(f["name"], base64.b64decode(f["content_b64"]), f["signature"])
        for f in body["files"]
    ]
    if rnd is not None:  # a sealed final quotation (74号令 33; 214号 21)
        sub = bidding.final_quote_submit(
            actor=u,
            rnd=rnd,
            participation=part,
            key_id=body["key_id"],
            schedule=body["schedule"],
            schedule_signature=body["schedule_signature"],
            files=files,
        )
    else:
        sub = bidding.bid_submit(
            actor=u,
            participation=part,
            window=window,
            key_id=body["key_id"],
            schedule=body["schedule"],
            schedule_signature=body["schedule_signature"],
            files=files,
        )
    return sub.bid


def evaluation_ready(
    *,
    world: PlansWorld | None = None,
    method: str = "comprehensive",
    bidders: int = 3,
    experts_count: int | None = None,
    prices: list[str] | None = None,
    sizes: list[str] | None = None,
    bond_percent: str = "1",
    project_method: str = "open_tender",
    window: str | None = None,
    schedules: list[dict[str, Any]] | None = None,
    final_prices: list[str] | None = None,
    two_supplier_basis: str = "",
    document_values: dict[str, Any] | None = None,
) -> Ready:
    """An opened lot with a signed opening record and a COMPLETE draw.

    `experts_count` defaults to 5 under 招标 (a 招标 committee has at least 5 members, 87号令
    47) and 3 otherwise (74号令 7; 214号 14). `method` is the evaluation method:
    `comprehensive` (factors `FACTORS`), `lowest_price`, `life_cycle_cost`,
    `reasonable_price_lottery` (open tender) or `lowest_quote` (negotiation).
    `project_method` `negotiation` / `consultation` runs the talks: the responses are opened,
    one round with a final-quotation deadline is sent (`bidding.round_open`), every supplier
    submits a sealed final quotation (`final_prices`, default 2% below its response) and the
    final quotations are opened and signed — `window="final"` (the default there).
    `schedules[i]` adds fields to bidder i's signed price schedule (e.g. `life_cycle`,
    `accept_reasonable_price`). `two_supplier_basis` records the 竞争性磋商 two-supplier
    ground through tenders.project_two_supplier_set before the documents are built (e.g.
    `research`: 214号 21 ¶3), so that 2 bidders may go on."""
    if not clock.is_frozen():
        clock.freeze(clock.now())
    tender = project_method in ("open_tender", "invited_tender")
    window_kind = window or ("bid" if tender else "final")
    count = experts_count or (5 if tender else 3)
    w = world if world is not None else build_world()
    tag = f"{next(_seq)}{clock.now():%H%M%S%f}"
    p = _published(
        w,
        method=method,
        tag=tag,
        bond_percent=bond_percent,
        project_method=project_method,
        two_supplier_basis=two_supplier_basis,
        document_values=document_values,
    )
    lot = p.lots.get(number=1)
    bid_window = bidding.bid_window(p)
    prices = prices or PRICES[:bidders]
    sizes = sizes or SIZES[:bidders]
    suppliers: list[User] = []
    orgs: list[Organization] = []
    signers: list[tuple[client.Signer, str, Participation]] = []
    for i in range(bidders):
        org = organization(OrgKind.SUPPLIER, w.regions["hz"], f"评审{tag}供应商{i + 1}有限公司")
        u = user(org, username=f"ev{tag}s{i + 1}")
        signer = client.generate("ecdsa-p256")
        key = bidding.key_register(actor=u, public_key=signer.public_key, label="CA证书")
        part = bidding.participation_register(actor=u, lot=lot)
        if lot.bid_bond_amount:
            bidding.bond_record(actor=u, participation=part, amount=lot.bid_bond_amount)
        extra = schedules[i] if schedules else None
        _submit(u, signer, key.key_id, part, bid_window, prices[i], sizes[i % len(sizes)], extra)
        suppliers.append(u)
        orgs.append(org)
        signers.append((signer, key.key_id, part))
    assert p.bid_deadline is not None
    clock.freeze(p.bid_deadline + dt.timedelta(minutes=1))
    tenders.project_deadline_tick(p)
    agency = w.users[AGENCY]
    result = bidding.opening_start(actor=agency, window=bid_window)
    opening = bidding.opening_sign(actor=agency, opening=result.opening)
    window_obj = bid_window
    extra_out: dict[str, Any] = {"bid_window": bid_window}
    if window_kind == "final":
        rnd = bidding.round_open(
            actor=agency,
            lot=lot,
            changes="交货期由30日调整为20日，其余不变",
            purchaser_rep="采购人代表王五",
            final_deadline=clock.now() + dt.timedelta(hours=2),
        )
        assert rnd.final_window is not None
        finals = final_prices or [
            str((Decimal(x) * Decimal("0.98")).quantize(Decimal("0.01"))) for x in prices
        ]
        for i, (signer, key_id, part) in enumerate(signers):
            part.refresh_from_db()
            extra = schedules[i] if schedules else None
            _submit(suppliers[i], signer, key_id, part, rnd.final_window, finals[i],
                    sizes[i % len(sizes)], extra, rnd=rnd)  # fmt: skip
        clock.freeze(rnd.final_window.deadline)
        final = bidding.opening_start(actor=agency, window=rnd.final_window)
        opening = bidding.opening_sign(actor=agency, opening=final.opening)
        window_obj = rnd.final_window
        extra_out.update(round=rnd, final_prices=finals)

    # The expert draw: the evaluation the next working day at 09:00.
    cal = WorkCalendar.load()
    eval_day = cal.add_working_days(clock.today(), 1)
    evaluation_at = dt.datetime.combine(eval_day, dt.time(9, 0), tzinfo=clock.SHANGHAI)
    profiles = [
        make_expert(w.regions["hz"], specialties=("A0201",), username=f"ev{tag}e{i + 1}")
        for i in range(count + 2)  # two more than needed: the pool for replacement rounds
    ]
    draw = experts.draw_request_create(
        actor=agency,
        purchaser=p.purchaser,
        project_name=p.name,
        project_code=p.project_no,
        specialty_codes=[ITEM],
        evaluation_at=evaluation_at,
        count=count,
        budget=lot.budget,
        bidder_ids=[o.pk for o in orgs],
        place="杭州市政府采购中心评标室",
        procedure="tender" if tender else "non_tender",
        method=project_method,
        item_code=p.item_code,
    )
    draw = experts.draw_execute(actor=agency, draw=draw)
    for inv in draw.invitations.filter(status=InvitationStatus.PENDING).select_related(
        "expert__user"
    ):
        experts.invitation_respond(actor=inv.expert.user, invitation=inv, accept=True)
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMPLETE, draw.status
    confirmed = [
        inv.expert
        for inv in draw.invitations.filter(status=InvitationStatus.CONFIRMED)
        .select_related("expert__user")
        .order_by("position")
    ]
    p.refresh_from_db()
    lot.refresh_from_db()
    return Ready(
        world=w,
        project=p,
        lot=lot,
        window=window_obj,
        opening=opening,
        draw=draw,
        agency=agency,
        purchaser=w.users[PURCHASER],
        supervisor=w.users[SUPERVISOR],
        experts=[e.user for e in confirmed],
        expert_profiles=confirmed or profiles,
        suppliers=suppliers,
        supplier_orgs=orgs,
        bids=list(Bid.objects.filter(window=window_obj).order_by("submitted_at")),
        evaluation_at=evaluation_at,
        method=method,
        tag=tag,
        extra=extra_out,
    )


# --- flow helpers through the evaluation services (for the method / replacement tests) ------


def declared(r: Ready, **open_kw: Any) -> Any:
    """evaluation_open, every member declares no conflict, member 1 chairs."""
    from zhengcai.evaluation import services as ev_services

    ev = ev_services.evaluation_open(actor=r.agency, lot=r.lot, draw=r.draw, **open_kw)
    for m in ev.members.all():
        ev_services.member_declare(actor=m.user, member=m, conflict=False)
    ev_services.chair_elect(actor=r.agency, evaluation=ev, member=ev.members.get(position=1))
    return ev


def review_all(r: Ready, ev: Any) -> None:
    """Every verdict passes: 资格审查 by the agency under 招标 (87号令 44), by the panel
    otherwise; 符合性审查 by every active member."""
    from zhengcai.evaluation import services as ev_services

    for rb in ev.bids.all():
        if ev.procedure == "tender":
            ev_services.check_record(
                actor=r.agency, reviewed_bid=rb, stage="qualification", passed=True
            )
        for m in ev.members.filter(status="active"):
            if ev.procedure != "tender":
                ev_services.check_record(
                    actor=m.user, reviewed_bid=rb, stage="qualification", passed=True
                )
            ev_services.check_record(actor=m.user, reviewed_bid=rb, stage="compliance", passed=True)


def chair(ev: Any) -> User:
    return ev.members.get(is_chair=True, status="active").user
