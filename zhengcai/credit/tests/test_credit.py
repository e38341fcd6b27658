"""Penalties (法 77–78; 条例 75) and the one credit query every door asks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import Organization, User
from zhengcai.accounts.tests import factories
from zhengcai.core import clock, timed
from zhengcai.core.errors import Conflict, PermissionDenied, RuleViolation
from zhengcai.core.models import AuditEntry
from zhengcai.credit import rules, selectors, services

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def world() -> dict[str, object]:
    regions = factories.region_tree()
    finance_hz = factories.organization(OrgKind.FINANCE, regions["hz"], name="杭州市财政局")
    finance_other = factories.organization(OrgKind.FINANCE, regions["province"], name="省财政厅")
    supplier = factories.organization(OrgKind.SUPPLIER, regions["hz"], name="杭州某科技有限公司")
    return {
        "reg": factories.user(finance_hz, username="reg_hz", role=Role.REGULATOR),
        "reg_prov": factories.user(finance_other, username="reg_p", role=Role.REGULATOR),
        "supplier": supplier,
        "sup_user": factories.user(supplier, username="sup", role=Role.SUPPLIER),
        "expert": factories.user(None, username="exp1", role=Role.EXPERT),
    }


def _ban(w: dict[str, object], months: int = 12) -> object:
    return services.penalty_create(
        actor=w["reg"],  # type: ignore[arg-type]
        subject_kind="supplier",
        organization=w["supplier"],  # type: ignore[arg-type]
        decision_no="杭财采监〔2026〕1号",
        basis="《政府采购法》第七十七条第一款第（一）项",
        facts="提供虚假材料谋取中标，经调查属实。",
        fine=Decimal("6000"),
        procurement_amount=Decimal("1000000"),
        ban_scope="participate",
        ban_months=months,
        adverse_record=True,
    )


def test_the_law_bounds_a_supplier_penalty() -> None:
    ok = dict(
        subject_kind="supplier",
        warning=False,
        procurement_amount=Decimal("1000000"),
        ban_scope="participate",
        adverse_record=True,
        basis="法 77",
        facts="提供虚假材料谋取中标，属实",
    )
    assert rules.penalty_problems(fine=Decimal("5000"), ban_months=12, **ok) == []  # 千分之五
    assert rules.penalty_problems(fine=Decimal("10000"), ban_months=36, **ok) == []  # 千分之十
    codes = [p.code for p in rules.penalty_problems(fine=Decimal("4999.99"), ban_months=12, **ok)]
    assert codes == ["fine_range"]
    codes = [p.code for p in rules.penalty_problems(fine=Decimal("10000.01"), ban_months=37, **ok)]
    assert codes == ["ban_months", "fine_range"]
    expert = [
        p.code
        for p in rules.penalty_problems(
            subject_kind="expert",
            warning=True,
            fine=Decimal("1999"),
            procurement_amount=None,
            ban_scope="participate",
            ban_months=None,
            adverse_record=False,
            basis="条例 75",
            facts="未按照采购文件规定的评审程序评审",
        )
    ]
    assert expert == ["ban_scope_subject", "fine_range"]


def test_ban_periods_run_to_the_day_before_the_anniversary() -> None:
    assert rules.ban_last_day(D(2026, 12, 1), 12) == D(2027, 11, 30)
    assert rules.ban_last_day(D(2028, 2, 29), 12) == D(2029, 2, 27)  # 2029-02-28 is the date
    assert rules.periods(
        effective_from=D(2026, 12, 1), ban_scope="evaluation", ban_months=None, adverse_record=True
    ) == (None, None)


def test_a_banned_supplier_is_refused_while_the_ban_runs_and_accepted_after(
    world: dict[str, object],
) -> None:
    p = _ban(world)
    supplier: Organization = world["supplier"]  # type: ignore[assignment]
    assert selectors.refusal(activity="bid", organization=supplier) is None  # only proposed
    services.penalty_decide(actor=world["reg"], penalty=p)  # type: ignore[arg-type]
    p.refresh_from_db()
    assert (p.status, p.effective_from, p.ban_until) == (
        "in_force",
        D(2026, 11, 23),
        D(2027, 11, 22),
    )
    for door in ("register", "bid", "award", "sign", "mall_order"):
        refusal = selectors.refusal(activity=door, organization=supplier)
        assert refusal is not None and refusal.code == "credit_banned"
        assert "禁止参加政府采购活动至 2027年11月22日" in refusal.message
    assert selectors.refusal(activity="agency_business", organization=supplier) is None
    assert selectors.refusal(activity="bid", organization=supplier, on=D(2027, 11, 22))
    assert selectors.refusal(activity="bid", organization=supplier, on=D(2027, 11, 23)) is None
    # the timed check closes the record on the day after the last day
    clock.freeze(dt.datetime(2027, 11, 23, 0, 0, 1, tzinfo=clock.SHANGHAI))
    assert timed.process_due() >= 1
    p.refresh_from_db()
    assert p.status == "expired" and p.next_check is None
    assert selectors.refusal(activity="bid", organization=supplier) is None


def test_revoked_decisions_open_the_doors_and_only_their_authority_acts(
    world: dict[str, object],
) -> None:
    p = _ban(world)
    with pytest.raises(PermissionDenied):
        services.penalty_decide(actor=world["reg_prov"], penalty=p)  # type: ignore[arg-type]
    services.penalty_decide(actor=world["reg"], penalty=p)  # type: ignore[arg-type]
    with pytest.raises(Conflict) as twice:
        services.penalty_decide(actor=world["reg"], penalty=p)  # type: ignore[arg-type]
    assert twice.value.code == "bad_transition"
    services.penalty_revoke(actor=world["reg"], penalty=p, reason="行政复议决定撤销原处罚")  # type: ignore[arg-type]
    assert selectors.refusal(activity="bid", organization=world["supplier"]) is None  # type: ignore[arg-type]
    actions = list(
        AuditEntry.objects.filter(object_type="credit.penalty").values_list("action", flat=True)
    )
    assert actions == ["penalty.proposed", "penalty.in_force", "penalty.revoked"]


def test_penalties_need_a_finance_department_over_the_subject(world: dict[str, object]) -> None:
    with pytest.raises(PermissionDenied):
        services.penalty_create(
            actor=world["sup_user"],
            subject_kind="supplier",
            organization=world["supplier"],  # type: ignore[arg-type]
            decision_no="x",
            basis="法 77",
            facts="提供虚假材料谋取中标，属实",
            warning=True,
        )
    with pytest.raises(RuleViolation) as e:
        services.penalty_create(
            actor=world["reg"],
            subject_kind="supplier",
            organization=world["supplier"],  # type: ignore[arg-type]
            decision_no="x",
            basis="",
            facts="短",
            warning=True,
        )
    assert e.value.code == "penalty_invalid"
    assert {d["code"] for d in e.value.detail} == {"basis_required", "facts_required"}


def test_an_expert_ban_without_a_term_closes_the_draw(world: dict[str, object]) -> None:
    expert: User = world["expert"]  # type: ignore[assignment]
    p = services.penalty_create(
        actor=world["reg"],
        subject_kind="expert",
        person=expert,  # type: ignore[arg-type]
        decision_no="杭财采监〔2026〕2号",
        basis="《政府采购法实施条例》第七十五条",
        facts="评审时未回避与供应商存在利害关系的项目。",
        fine=Decimal("20000"),
        ban_scope="evaluation",
        adverse_record=True,
    )
    services.penalty_decide(actor=world["reg"], penalty=p)  # type: ignore[arg-type]
    refusal = selectors.refusal(activity="evaluate", person=expert, on=D(2040, 1, 1))
    assert refusal is not None and "无期限" in refusal.message


def test_pages_api_and_the_public_list(world: dict[str, object], client: Client) -> None:
    client.force_login(world["reg"])  # type: ignore[arg-type]
    supplier: Organization = world["supplier"]  # type: ignore[assignment]
    r = client.post(
        "/credit/new/",
        {
            "subject_kind": "supplier",
            "subject": supplier.credit_code,
            "decision_no": "杭财采监〔2026〕3号",
            "basis": "法 77",
            "facts": "与其他供应商恶意串通，经查属实。",
            "ban_scope": "participate",
            "ban_months": "24",
            "adverse_record": "on",
        },
    )
    assert r.status_code == 302, r.content
    pk = int(r["Location"].rstrip("/").split("/")[-1])
    assert "拟处罚" in client.get(f"/credit/{pk}/").content.decode()
    assert "杭州某科技" not in client.get("/credit/public/").content.decode()  # not yet decided
    assert client.post(f"/credit/{pk}/decide/", {"version": "1"}).status_code == 302
    assert "杭州某科技有限公司" in client.get("/credit/public/").content.decode()
    check = client.get(f"/api/v1/credit/check?organization_id={supplier.pk}&activity=bid").json()
    assert check["allowed"] is False and check["code"] == "credit_banned"
    bad = client.get(f"/api/v1/credit/check?organization_id={supplier.pk}&activity=fly")
    assert bad.status_code == 422
    public = client.get("/api/v1/credit/public/penalties").json()
    assert [p["decision_no"] for p in public] == ["杭财采监〔2026〕3号"]
    r = client.post(
        f"/api/v1/credit/penalties/{pk}/revoke",
        {"reason": "复议撤销了"},
        content_type="application/json",
    )
    assert r.status_code == 428  # If-Match required
    etag = client.get(f"/api/v1/credit/penalties/{pk}")["ETag"]
    r = client.post(
        f"/api/v1/credit/penalties/{pk}/revoke",
        {"reason": "复议撤销了"},
        content_type="application/json",
        headers={"If-Match": etag},
    )
    assert r.status_code == 200 and r.json()["status"] == "revoked"
    # the sanctioned supplier sees its own record, another supplier does not
    client.force_login(world["sup_user"])  # type: ignore[arg-type]
    assert client.get(f"/credit/{pk}/").status_code == 200
    other = factories.user(
        factories.organization(OrgKind.SUPPLIER, supplier.region), role=Role.SUPPLIER
    )
    client.force_login(other)
    assert client.get(f"/credit/{pk}/").status_code == 404
