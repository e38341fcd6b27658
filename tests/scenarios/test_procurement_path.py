"""One procurement path for every method (design §4 rule 3: methods are configuration, so the
same scenario runs across all of them with `pytest.mark.parametrize`).

Everything goes through the services of plans, tenders and bidding — no ORM writes: an
accepted commission → project → lot → documents from a template → compliance check → finalise
→ publish (a public notice where the method has one; 邀请招标 goes through the 资格预审公告,
applications, review and the recorded draw, and its bidding period starts with the invitations)
→ a supplier's question answered →
suppliers register keys with the signing client and submit sealed, signed bids before the
deadline → the platform clock passes the deadline → opening (and, where the method negotiates,
one round with final quotations) → the signed opening record names every bidder and price.

The second scenario brings one supplier fewer than the method's minimum and checks the
statutory outcome: nothing is decrypted, the project fails, and the result says whether it must
be procured again (terminate) or may continue only after an approved change of method
(87号令 41, 43; 74号令 27 ¶2, 37; 214号)."""

from __future__ import annotations

import base64
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from zhengcai.accounts.constants import OrgKind
from zhengcai.accounts.models import User
from zhengcai.accounts.tests.factories import organization, user
from zhengcai.bidding import client, crypto
from zhengcai.bidding import constants as bc
from zhengcai.bidding import services as bidding
from zhengcai.bidding.models import Bid, Participation, PrequalApplication, SubmissionWindow
from zhengcai.core import clock
from zhengcai.core.workdays import WorkCalendar
from zhengcai.plans import services as plan_services
from zhengcai.plans.models import Commission
from zhengcai.plans.tests.factories import PlansWorld, approved_line, make_plan
from zhengcai.tenders import methods, prequal_services, rules
from zhengcai.tenders import services as tenders
from zhengcai.tenders.constants import ClarificationStatus, NoticeKind, ProjectStatus
from zhengcai.tenders.models import Lot, Notice, Project

AGENCY = "agc_hz"
PURCHASER = "pur_hz"
BUDGET = "900000.00"  # under 杭州's 公开招标数额标准 (300万): no method-change approval needed

FACTORS: list[dict[str, Any]] = [
    {"name": "价格", "points": "40", "objective": True, "is_price": True, "criteria": "低价优先"},
    {"name": "技术方案", "points": "45", "objective": False, "is_price": False, "criteria": "优劣"},
    {"name": "售后服务", "points": "15", "objective": False, "is_price": False, "criteria": "响应"},
]

# Every method the project core runs, variants included (框架协议 uses the same core here:
# its collection stage is a tender with an opening, 110号令).
ALL_METHODS = [pytest.param(m, id=m.key.replace(":", "-")) for m in methods.ALL]


@dataclass
class Bidder:
    name: str
    user: User
    signer: client.Signer
    key_id: str


def _commission(w: PlansWorld, cfg: methods.MethodConfig) -> Commission:
    """A plan filed, approved and commissioned to the agency through the plans services."""
    line = approved_line(
        w, PURCHASER, item_code="A02010105", amount=BUDGET, quantity=Decimal("100")
    )
    extra: dict[str, Any] = {"method": cfg.code}
    if cfg.code == "single_source":
        extra["single_source_ground"] = "only_one"
    plan = make_plan(
        w,
        line,
        PURCHASER,
        name=f"便携式计算机采购（{cfg.name}）",
        is_urgent=True,
        urgent_reason="不可预见的紧急需要（测试）",
        **extra,
    )
    plan = plan_services.plan_submit(actor=w.users[PURCHASER], plan=plan)
    plan = plan_services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    plan_services.intention_publish(actor=w.users[PURCHASER], plan=plan)
    com = plan_services.commission_create(
        actor=w.users[PURCHASER], plan=plan, agency=w.orgs[AGENCY]
    )
    return plan_services.commission_accept(actor=w.users[AGENCY], commission=com)


def _prequalify(w: PlansWorld, p: Project, invitees: list[Bidder]) -> None:
    """邀请招标 (法 34; 87号令 14; 条例 21): the 资格预审公告, applications due 5 working days
    later, the review, the witnessed draw; every invitee qualifies and is drawn."""
    agency = w.users[AGENCY]
    cal = WorkCalendar.load()
    due_day = cal.add_working_days(clock.today(), 5)
    due = dt.datetime.combine(due_day, dt.time(17, 0), tzinfo=clock.SHANGHAI)
    pq = prequal_services.prequal_publish(
        actor=agency,
        project=p,
        applications_until=due,
        requirements="具有ISO9001质量管理体系认证证书",
        invite_count=len(invitees),
    )
    for b in invitees:
        bidding.application_submit(actor=b.user, prequal=pq, materials="营业执照；ISO9001证书")
    clock.freeze(due + dt.timedelta(minutes=1))
    for app in PrequalApplication.objects.filter(prequal=pq).order_by("id"):
        bidding.application_review(actor=agency, application=app, qualified=True)
    pq = bidding.prequal_review_close(actor=agency, prequal=pq)
    draw = bidding.supplier_draw(actor=agency, prequal=pq, witnesses=["监督员甲", "监督员乙"])
    assert sorted(draw.picked_ids) == sorted(b.user.organization_id for b in invitees)
    assert bidding.draw_verify(draw).ok


def _published_project(
    w: PlansWorld, cfg: methods.MethodConfig, invitees: list[Bidder] | None = None
) -> Project:
    agency = w.users[AGENCY]
    com = _commission(w, cfg)
    p = tenders.project_create_from_commission(
        actor=agency, commission=com, method_variant=cfg.variant
    )
    assert p.method_config == cfg
    p = tenders.project_update(
        actor=agency,
        project=p,
        values={"sme_reservation": "whole", "sme_reserved_percent": "100"},
    )
    # the agency divides the plan: lot 1 keeps most of it, lot 2 is added
    lot1 = p.lots.get(number=1)
    tenders.lot_update(
        actor=agency,
        lot=lot1,
        values={"name": "便携式计算机", "budget": "800000.00", "ceiling_price": "780000.00"},
    )
    tenders.lot_add(
        actor=agency,
        project=p,
        values={"name": "扩展坞", "budget": "100000.00", "quantity": "100", "unit": "台"},
    )
    tpl = tenders.template_save(
        actor=agency,
        values={
            "name": f"{cfg.name}货物范本",
            "requirements": "便携式计算机100台，处理器不低于8核，内存16GB，三年原厂保修",
            "qualifications": "具有ISO9001质量管理体系认证证书",
            "evaluation_method": "comprehensive",
            "factors": FACTORS,
            "contract_terms": "交货期30日；验收合格后付款",
            "bid_bond_percent": "1",
        },
    )
    doc = tenders.document_build(actor=agency, project=p, template=tpl)
    assert cfg.allows(doc.evaluation_method)
    standing = tenders.compliance_check(actor=agency, project=p)
    assert [f"{f.rule}: {f.message}" for f in standing] == []
    doc = tenders.document_finalize(actor=agency, project=p)
    assert doc.pdf_sha256 and doc.status == "final"

    if cfg.prequalification is not None:
        assert invitees is not None
        _prequalify(w, p, invitees)
    cal = WorkCalendar.load()
    earliest = rules.timeline(cal, cfg, clock.today()).earliest_deadline
    day = earliest or cal.add_working_days(clock.today(), 3)
    deadline = dt.datetime.combine(day, dt.time(9, 30), tzinfo=clock.SHANGHAI)
    if cfg.prequalification is not None:
        # the 20 days (法 35) run from the invitations, sent together (87号令 14)
        p = bidding.invitations_send(
            actor=agency,
            prequal=p.prequalification,
            bid_deadline=deadline,
            opening_place="开标室一",
        )
    else:
        p = tenders.project_publish(
            actor=agency, project=p, bid_deadline=deadline, opening_place="开标室一"
        )
    assert p.status == ProjectStatus.PUBLISHED and p.bid_deadline == deadline
    notices = list(Notice.objects.filter(project=p))
    if cfg.prequalification is not None:
        assert [n.kind for n in notices] == [NoticeKind.PREQUALIFICATION]  # no 招标公告
    elif cfg.notice_kind is None:
        assert notices == []  # invited directly / single source: no procurement notice
    else:
        assert [n.kind for n in notices] == [cfg.notice_kind]
        assert notices[0].fields["bid_deadline"] == deadline.isoformat()
        if cfg.notice_display is not None:
            assert p.notice_display_until is not None
    return p


def _bidders(w: PlansWorld, n: int, tag: str) -> list[Bidder]:
    out = []
    for i in range(n):
        org = organization(OrgKind.SUPPLIER, w.regions["hz"], f"{tag}供应商{i + 1}有限公司")
        u = user(org, username=f"sc_{tag}_{i + 1}")
        signer = client.generate("sm2" if i == 1 else "ecdsa-p256")
        key = bidding.key_register(actor=u, public_key=signer.public_key, label="CA证书")
        out.append(Bidder(org.name, u, signer, key.key_id))
    return out


def _submit(
    b: Bidder,
    part: Participation,
    window: SubmissionWindow,
    price: str,
    files: dict[str, bytes] | None = None,
) -> bidding.Submitted:
    body = client.bid_payload(
        window_uid=window.uid,
        signer=b.signer,
        key_id=b.key_id,
        schedule={
            "total_price": price,
            "items": [{"name": "便携式计算机", "quantity": "100", "unit_price": price}],
            "declarations": client.sme_declarations("small", name=b.name, item="便携式计算机"),
        },
        files=files if files is not None else {"响应文件.pdf": f"%PDF-1.4 {b.name}".encode()},
    )
    return bidding.bid_submit(
        actor=b.user,
        participation=part,
        window=window,
        key_id=body["key_id"],
        schedule=body["schedule"],
        schedule_signature=body["schedule_signature"],
        files=[
            bidding.FileIn(f["name"], base64.b64decode(f["content_b64"]), f["signature"])
            for f in body["files"]
        ],
    )


def _clarify(w: PlansWorld, p: Project, asker: Bidder) -> None:
    q = tenders.clarification_ask(
        actor=asker.user, project=p, question="是否接受同等配置的国产品牌？"
    )
    a = tenders.clarification_answer(
        actor=w.users[AGENCY], clarification=q, answer="接受，须满足全部技术参数。"
    )
    assert a.status == ClarificationStatus.ANSWERED and a.notice is not None
    assert a.notice.kind == NoticeKind.CORRECTION
    assert asker.name not in a.notice.body  # published without naming who asked


def _bid(p: Project, lot: Lot, bidders: list[Bidder], base: int = 700000) -> dict[str, str]:
    window = bidding.bid_window(p)
    prices = {}
    for i, b in enumerate(bidders):
        part = bidding.participation_register(actor=b.user, lot=lot)
        price = f"{base - i * 1000}.00"
        sub = _submit(b, part, window, price)
        assert sub.bid.status == bc.BidStatus.SUBMITTED
        assert sub.receipt.payload["supplier"] == b.name
        assert crypto.platform_verify(
            sub.receipt.payload, sub.receipt.signature, crypto.platform_public_key_pem()
        )
        prices[b.name] = price
    # sealed: nothing readable before the deadline
    assert not Bid.objects.filter(window=window, total_price__isnull=False).exists()
    return prices


def _minimum(cfg: methods.MethodConfig) -> int:
    return cfg.min_suppliers_to_open


@pytest.mark.parametrize("cfg", ALL_METHODS)
def test_procurement_path(w: PlansWorld, cfg: methods.MethodConfig) -> None:
    agency = w.users[AGENCY]
    bidders = _bidders(w, _minimum(cfg), cfg.key.replace(":", "_"))
    p = _published_project(w, cfg, bidders)
    lot = p.lots.get(number=1)
    _clarify(w, p, bidders[0])
    prices = _bid(p, lot, bidders)

    # the platform clock passes the deadline: the project closes, the envelopes can be opened
    p.refresh_from_db()
    assert p.bid_deadline is not None
    clock.freeze(p.bid_deadline + dt.timedelta(minutes=1))
    tenders.project_deadline_tick(p)
    p.refresh_from_db()
    assert p.status == ProjectStatus.BIDDING_CLOSED

    result = bidding.opening_start(actor=agency, window=bidding.bid_window(p))
    assert result.outcome == bc.OpeningOutcome.OPENED, result
    assert result.flagged == []
    p.refresh_from_db()
    assert p.status == ProjectStatus.OPENED
    opening = result.opening
    record_prices = {r["supplier"]: r["total_price"] for r in opening.record["bidders"]}
    assert record_prices == prices

    if cfg.has_negotiation_rounds:
        rnd = bidding.round_create(actor=agency, lot=lot, changes="交付期缩短为20日")
        assert sorted(rnd.recipients) == sorted(b.user.organization_id for b in bidders)
    final = None
    if cfg.has_final_quotations:
        final_deadline = clock.now() + dt.timedelta(hours=2)
        rnd = bidding.round_create(
            actor=agency, lot=lot, changes="请提交最后报价", final_deadline=final_deadline
        )
        assert rnd.final_window is not None
        finals = {}
        for i, b in enumerate(bidders):
            part = Participation.objects.get(lot=lot, supplier=b.user.organization)
            price = f"{650000 - i * 500}.00"
            _submit(b, part, rnd.final_window, price, files={})
            finals[b.name] = price
        clock.freeze(final_deadline)
        final = bidding.opening_start(actor=agency, window=rnd.final_window)
        assert final.outcome == bc.OpeningOutcome.OPENED
        assert {r["supplier"]: r["total_price"] for r in final.opening.record["bidders"]} == (
            finals
        )
        bidding.opening_sign(actor=agency, opening=final.opening)

    signed = bidding.opening_sign(actor=agency, opening=opening)
    assert signed.status == bc.OpeningStatus.SIGNED
    assert crypto.platform_verify(
        signed.record, signed.platform_signature, crypto.platform_public_key_pem()
    )
    assert signed.record_digest == crypto.digest(crypto.canonical_json(signed.record), "sha256")
    rows = signed.record["bidders"]
    assert {r["supplier"] for r in rows} == {b.name for b in bidders}
    assert all(r["total_price"] and r["receipt"] for r in rows)
    assert signed.record["method"] == cfg.code


@pytest.mark.parametrize("cfg", ALL_METHODS)
def test_too_few_suppliers(w: PlansWorld, cfg: methods.MethodConfig) -> None:
    agency = w.users[AGENCY]
    n = _minimum(cfg) - 1
    # 邀请招标: 3 invited (法 34), one of them does not bid
    invited = _bidders(w, max(n, 3), "few_" + cfg.key.replace(":", "_"))
    p = _published_project(w, cfg, invited)
    lot = p.lots.get(number=1)
    bidders = invited[:n]
    if bidders:
        _clarify(w, p, bidders[0])
    _bid(p, lot, bidders)
    assert p.bid_deadline is not None
    clock.freeze(p.bid_deadline + dt.timedelta(minutes=1))

    result = bidding.opening_start(actor=agency, window=bidding.bid_window(p))
    if cfg.code in ("open_tender", "invited_tender"):
        expected = bc.OpeningOutcome.NEEDS_METHOD_CHANGE  # exactly 2: 87号令 43; 74号令 27 ¶2
    else:
        expected = bc.OpeningOutcome.TERMINATE  # 87号令 41; 74号令 37; 214号
    assert (result.outcome, result.count, result.minimum) == (expected, n, _minimum(cfg))
    assert result.opening.status == bc.OpeningStatus.NOT_OPENED
    # nothing was decrypted
    assert not Bid.objects.filter(window__project=p, total_price__isnull=False).exists()
    p.refresh_from_db()
    assert p.status == ProjectStatus.FAILED
    # The statutory close: a 终止公告 with the reason, on the public portal.
    done = tenders.project_terminate(
        actor=agency, project=p, reason=f"有效供应商不足{_minimum(cfg)}家，采购终止"
    )
    assert done.status == ProjectStatus.TERMINATED
    # Every terminated procurement announces it (87号令 29; 74号令 37; rules.md §7).
    assert Notice.objects.filter(project=p, kind=NoticeKind.TERMINATION).exists()
