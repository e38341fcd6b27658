"""Services: determination from the catalogue, transitions, audit, permissions, the approval
gates, 化整为零, intentions and commissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zhengcai.core import clock, timed
from zhengcai.core.errors import (
    Conflict,
    InvalidInput,
    PermissionDenied,
    PreconditionFailed,
    RuleViolation,
)
from zhengcai.core.models import AuditEntry
from zhengcai.plans import constants as c
from zhengcai.plans import selectors, services
from zhengcai.plans.models import (
    ApprovalRequest,
    BudgetLine,
    Commission,
    PlanPolicy,
    ProcurementPlan,
    SplitCase,
)
from zhengcai.plans.tests.factories import PlansWorld, approved_line, line_data, make_plan

D = Decimal


def audit_count(obj) -> int:
    return AuditEntry.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).count()


# --- determination from the catalogue: region, level, year --------------------------------------


@pytest.mark.parametrize(
    ("org", "year", "amount", "method"),
    [
        ("pur_prov", 2026, "4000000.00", "open_tender"),  # province: 400万 from 2026
        ("pur_prov", 2026, "3999999.99", "consultation"),
        ("pur_prov", 2025, "2000000.00", "open_tender"),  # 2025: 200万
        ("pur_prov", 2025, "1999999.99", "consultation"),
        ("pur_hz", 2026, "3000000.00", "open_tender"),  # 杭州 city units: 300万
        ("pur_hz", 2026, "2999999.99", "consultation"),
        ("pur_xh", 2026, "3000000.00", "consultation"),  # 西湖区 (county) follows the province
        ("pur_nb", 2026, "3000000.00", "consultation"),  # 宁波 has no override
    ],
)
def test_threshold_by_region_and_year(w: PlansWorld, org, year, amount, method) -> None:
    d = selectors.determination_for(
        organization=w.orgs[org], fiscal_year=year, item_code="C21040000", amount=D(amount)
    )
    assert d.default_method == method


@pytest.mark.parametrize(
    ("org", "amount", "gp"),
    [
        ("pur_prov", "500000.00", True),  # provincial units: limit 50万
        ("pur_prov", "499999.99", False),
        ("pur_xh", "300000.00", True),  # county units: 30万
        ("pur_xh", "299999.99", False),
    ],
)
def test_limit_by_unit_level(w: PlansWorld, org, amount, gp) -> None:
    d = selectors.determination_for(
        organization=w.orgs[org], fiscal_year=2026, item_code="C21040000", amount=D(amount)
    )
    assert d.is_government_procurement is gp


@pytest.mark.parametrize(
    ("item", "amount", "form"),
    [
        ("A02010104", "1000.00", "central"),  # child of a catalogued item
        ("A05010200", "199999.99", "dispersed"),
        ("A05010200", "200000.00", "central"),
        ("C18010000", "1000000.00", "department"),
        ("C21040000", "9000000.00", "dispersed"),
    ],
)
def test_org_form_from_catalogue(w: PlansWorld, item, amount, form) -> None:
    d = selectors.determination_for(
        organization=w.orgs["pur_xh"], fiscal_year=2026, item_code=item, amount=D(amount)
    )
    assert d.org_form == form


def test_regional_policy_configures_intention_period(w: PlansWorld) -> None:
    assert (
        selectors.policy_for(region=w.regions["hz"], on=dt.date(2026, 11, 1)).intention_lead_days
        == 30
    )
    services.plan_policy_save(
        actor=w.users["admin"],
        policy=PlanPolicy(
            region=w.regions["province"], effective_from=dt.date(2026, 6, 1), intention_lead_days=45
        ),
    )
    assert (
        selectors.policy_for(region=w.regions["xh"], on=dt.date(2026, 7, 1)).intention_lead_days
        == 45
    )
    assert (
        selectors.policy_for(region=w.regions["xh"], on=dt.date(2026, 5, 1)).intention_lead_days
        == 30
    )


# --- budget lines ------------------------------------------------------------------------------


def test_budget_line_create_and_transitions_audited(w: PlansWorld) -> None:
    line = services.budget_line_create(
        actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=line_data()
    )
    assert line.status == "draft" and line.org_form == "dispersed" and line.version == 1
    line = services.budget_line_transition(
        actor=w.users["pur_hz"], line=line, to_status="submitted"
    )
    line = services.budget_line_transition(
        actor=w.users["reg_hz"], line=line, to_status="approved", note="同意"
    )
    assert line.status == "approved" and line.decided_by == w.users["reg_hz"]
    assert audit_count(line) == 3
    actions = list(
        AuditEntry.objects.filter(object_id=str(line.pk), object_type="plans.budgetline")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["budget_line.created", "budget_line.submitted", "budget_line.approved"]


ALL_BUDGET = list(c.BudgetStatus.values)


@pytest.mark.parametrize("start", ALL_BUDGET)
@pytest.mark.parametrize("to", ALL_BUDGET)
def test_budget_transition_table(w: PlansWorld, start, to) -> None:
    line = services.budget_line_create(
        actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=line_data()
    )
    BudgetLine.objects.filter(pk=line.pk).update(status=start)
    actor = w.users["reg_hz"] if to in ("approved", "returned") else w.users["pur_hz"]
    before = audit_count(line)
    if to in c.BUDGET_TRANSITIONS[start]:
        done = services.budget_line_transition(actor=actor, line=line, to_status=to, note="意见")
        assert done.status == to
        assert audit_count(line) == before + 1
    else:
        with pytest.raises(Conflict) as exc:
            services.budget_line_transition(actor=actor, line=line, to_status=to, note="意见")
        assert exc.value.code == c.ERR_BAD_TRANSITION
        assert BudgetLine.objects.get(pk=line.pk).status == start
        assert audit_count(line) == before


def test_budget_return_needs_note_and_nothing_changes(w: PlansWorld) -> None:
    line = services.budget_line_create(
        actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=line_data()
    )
    line = services.budget_line_transition(
        actor=w.users["pur_hz"], line=line, to_status="submitted"
    )
    with pytest.raises(InvalidInput):
        services.budget_line_transition(actor=w.users["reg_hz"], line=line, to_status="returned")
    fresh = BudgetLine.objects.get(pk=line.pk)
    assert fresh.status == "submitted" and fresh.version == line.version


@pytest.mark.parametrize(
    ("actor", "to", "allowed"),
    [
        ("reg_hz", "approved", True),
        ("reg_prov", "approved", True),  # the province's regulator covers 杭州
        ("reg_nb", "approved", False),  # another city
        ("reg_xh", "approved", False),  # a county below cannot decide a city unit's budget
        ("pur_hz", "approved", False),  # a purchaser cannot approve its own budget
        ("pur_hz2", "cancelled", False),  # submitted lines cannot be cancelled anyway
        ("supv_hz", "approved", False),
    ],
)
def test_budget_decision_permissions(w: PlansWorld, actor, to, allowed) -> None:
    line = services.budget_line_create(
        actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=line_data()
    )
    line = services.budget_line_transition(
        actor=w.users["pur_hz"], line=line, to_status="submitted"
    )
    if allowed:
        assert (
            services.budget_line_transition(actor=w.users[actor], line=line, to_status=to).status
            == to
        )
    else:
        with pytest.raises((PermissionDenied, Conflict)):
            services.budget_line_transition(actor=w.users[actor], line=line, to_status=to)
        assert BudgetLine.objects.get(pk=line.pk).status == "submitted"


def test_other_unit_cannot_enter_budget(w: PlansWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.budget_line_create(
            actor=w.users["pur_nb"], organization=w.orgs["pur_hz"], data=line_data()
        )


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"item_code": "A99999999"}, c.ERR_ITEM_UNKNOWN),
        ({"amount": D("-1.00")}, c.ERR_AMOUNT_INVALID),
        ({"amount": "12.345"}, c.ERR_AMOUNT_INVALID),
        ({"quantity": D("0")}, c.ERR_QUANTITY_INVALID),
        ({"item_code": "A02010104", "org_form": "dispersed"}, c.ERR_ORG_FORM),
        ({"project_name": ""}, "required"),
    ],
)
def test_budget_line_invalid(w: PlansWorld, changes, code) -> None:
    n = BudgetLine.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.budget_line_create(
            actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=line_data(**changes)
        )
    assert exc.value.code == code
    assert exc.value.detail[0]["label"]
    assert BudgetLine.objects.count() == n


def test_budget_line_duplicate(w: PlansWorld) -> None:
    data = line_data()
    services.budget_line_create(actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=data)
    with pytest.raises(InvalidInput) as exc:
        services.budget_line_create(
            actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=data
        )
    assert exc.value.code == c.ERR_DUPLICATE_LINE


def test_config_standard_refused_with_standard_quoted(w: PlansWorld) -> None:
    data = line_data(item_code="A02010104", amount="70000.00", quantity=D("10"))
    with pytest.raises(RuleViolation) as exc:
        services.budget_line_create(
            actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=data
        )
    assert exc.value.code == c.ERR_CONFIG_STANDARD
    assert "6000" in exc.value.message and "浙财资〔2026〕1号" in exc.value.message


def test_config_standard_exception_goes_to_regulator(w: PlansWorld) -> None:
    data = line_data(item_code="A02010104", amount="70000.00", quantity=D("10"))
    line = services.budget_line_create(
        actor=w.users["pur_hz"],
        organization=w.orgs["pur_hz"],
        data=data,
        exception_reason="图形工作站用于医学影像处理",
    )
    req = ApprovalRequest.objects.get(budget_line=line)
    assert (req.kind == "config_exception" and req.status == "draft") or req.status == "submitted"
    line = services.budget_line_transition(
        actor=w.users["pur_hz"], line=line, to_status="submitted"
    )
    with pytest.raises(RuleViolation) as exc:  # the exception is not decided yet
        services.budget_line_transition(actor=w.users["reg_hz"], line=line, to_status="approved")
    assert exc.value.code == c.ERR_APPROVAL_MISSING
    services.approval_decide(actor=w.users["reg_hz"], request=req, approve=True, note="同意例外")
    assert (
        services.budget_line_transition(
            actor=w.users["reg_hz"], line=line, to_status="approved"
        ).status
        == "approved"
    )


def test_budget_update_optimistic_lock(w: PlansWorld) -> None:
    line = services.budget_line_create(
        actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=line_data()
    )
    line = services.budget_line_update(
        actor=w.users["pur_hz"], line=line, expected_version=1, changes={"amount": D("900000.00")}
    )
    assert line.version == 2 and line.amount == D("900000.00")
    with pytest.raises(PreconditionFailed):
        services.budget_line_update(
            actor=w.users["pur_hz"], line=line, expected_version=1, changes={"unit": "批"}
        )


# --- plans ------------------------------------------------------------


def test_plan_from_approved_budget_only_and_within_remaining(w: PlansWorld) -> None:
    draft = services.budget_line_create(
        actor=w.users["pur_hz"], organization=w.orgs["pur_hz"], data=line_data()
    )
    with pytest.raises(Conflict):
        make_plan(w, draft)
    line = approved_line(w, amount="800000.00")
    make_plan(w, line, amount=D("500000.00"))
    with pytest.raises(RuleViolation) as exc:
        make_plan(w, line, amount=D("300000.01"))
    assert exc.value.code == c.ERR_OVER_BUDGET
    plan = make_plan(w, line, amount=D("300000.00"))
    assert selectors.budget_execution(line).remaining == 0
    assert plan.plan_no.startswith("JH2026-")


def test_plan_determination_stored_with_explanation(w: PlansWorld) -> None:
    line = approved_line(w, amount="3500000.00")
    plan = make_plan(w, line)
    assert plan.default_method == "open_tender" and plan.method == "open_tender"
    assert plan.open_tender_threshold == D("3000000.00")
    assert any("法27" in r for r in plan.determination["reasons"])


PLAN_STATES = list(c.PlanStatus.values)


@pytest.mark.parametrize("start", PLAN_STATES)
def test_plan_transition_table(w: PlansWorld, start) -> None:
    line = approved_line(w)
    plan = make_plan(w, line)
    ProcurementPlan.objects.filter(pk=plan.pk).update(status=start)
    ops = {
        "submitted": lambda: services.plan_submit(actor=w.users["pur_hz"], plan=plan),
        "approved": lambda: services.plan_approve(actor=w.users["reg_hz"], plan=plan),
        "returned": lambda: services.plan_return(actor=w.users["reg_hz"], plan=plan, note="补充"),
        "cancelled": lambda: services.plan_cancel(actor=w.users["pur_hz"], plan=plan),
    }
    for to, op in ops.items():
        ProcurementPlan.objects.filter(pk=plan.pk).update(status=start)
        if to in c.PLAN_TRANSITIONS[start]:
            assert op().status == to
        else:
            with pytest.raises(Conflict):
                op()
            assert ProcurementPlan.objects.get(pk=plan.pk).status == start


def test_method_change_gate(w: PlansWorld) -> None:
    line = approved_line(w, amount="3500000.00")
    plan = make_plan(w, line, method="negotiation")
    assert [n.kind for n in selectors.plan_needs(plan)] == ["method_change"]
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    with pytest.raises(RuleViolation) as exc:
        services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    assert exc.value.code == c.ERR_APPROVAL_MISSING and "法27" in exc.value.message
    req = services.approval_create(
        actor=w.users["pur_hz"], kind="method_change", reasons="技术复杂，无法确定规格", plan=plan
    )
    req = services.approval_submit(actor=w.users["pur_hz"], request=req)
    assert req.status == "submitted"
    # A county finance department may not approve a method change (法27; 条例23).
    with pytest.raises(PermissionDenied) as perm:
        services.approval_decide(actor=w.users["reg_xh"], request=req, approve=True)
    refused = services.approval_decide(
        actor=w.users["reg_hz"], request=req, approve=False, note="理由不充分"
    )
    assert refused.status == "refused"
    with pytest.raises(RuleViolation):
        services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    req2 = services.approval_create(
        actor=w.users["pur_hz"], kind="method_change", reasons="补充论证后再申请", plan=plan
    )
    services.approval_submit(actor=w.users["pur_hz"], request=req2)
    services.approval_decide(actor=w.users["reg_hz"], request=req2, approve=True)
    assert services.plan_approve(actor=w.users["reg_hz"], plan=plan).status == "approved"
    assert perm.value.code == c.ERR_DECIDER_LEVEL


def test_no_method_change_request_when_not_needed(w: PlansWorld) -> None:
    plan = make_plan(w, approved_line(w))
    with pytest.raises(Conflict):
        services.approval_create(
            actor=w.users["pur_hz"], kind="method_change", reasons="x", plan=plan
        )


def test_import_approval(w: PlansWorld) -> None:
    line = approved_line(w, is_import=True)
    plan = make_plan(w, line)
    assert [n.kind for n in selectors.plan_needs(plan)] == ["import_product"]
    req = services.approval_create(
        actor=w.users["pur_hz"], kind="import_product", reasons="国内无同类产品", plan=plan
    )
    with pytest.raises(InvalidInput):  # expert opinions are required (财库〔2007〕119号)
        services.approval_submit(actor=w.users["pur_hz"], request=req)
    ApprovalRequest.objects.filter(pk=req.pk).update(expert_opinion="5 名专家一致同意……")
    req = services.approval_submit(actor=w.users["pur_hz"], request=req)
    services.approval_decide(actor=w.users["reg_prov"], request=req, approve=True)
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    assert services.plan_approve(actor=w.users["reg_hz"], plan=plan).status == "approved"


# --- single-source publicity -------------------------------------------------------------------


def _single_source(w: PlansWorld) -> tuple[ProcurementPlan, ApprovalRequest]:
    line = approved_line(w, amount="3500000.00")
    plan = make_plan(w, line, method="single_source", single_source_ground="only_one")
    assert [n.kind for n in selectors.plan_needs(plan)] == ["single_source"]
    req = services.approval_create(
        actor=w.users["pur_hz"],
        kind="single_source",
        reasons="专利技术，唯一供应商",
        plan=plan,
        values={
            "supplier_name": "杭州某某医疗科技有限公司",
            "supplier_address": "杭州市滨江区",
            "expert_opinion": "张三（浙江大学，教授）等 3 人认为……",
        },
    )
    return plan, req


def test_single_source_publicity_then_timer_submits(w: PlansWorld) -> None:
    plan, req = _single_source(w)
    services.approval_attach(
        actor=w.users["pur_hz"],
        request=req,
        upload=SimpleUploadedFile("论证意见.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    )
    req = services.approval_submit(actor=w.users["pur_hz"], request=req)
    assert req.status == "publicity"
    assert req.publicity_end == dt.date(2026, 11, 30)  # 5 working days, start day not counted
    with pytest.raises(Conflict) as exc:
        services.approval_submit(actor=w.users["pur_hz"], request=req)
    assert exc.value.code == c.ERR_PUBLICITY_RUNNING
    # The timer does nothing before the end …
    clock.freeze(dt.datetime(2026, 11, 30, 23, 0, tzinfo=clock.SHANGHAI))
    timed.process_due()
    assert ApprovalRequest.objects.get(pk=req.pk).status == "publicity"
    # … and submits it the day after, with no objection.
    clock.freeze(dt.datetime(2026, 12, 1, 0, 5, tzinfo=clock.SHANGHAI))
    timed.process_due()
    req = ApprovalRequest.objects.get(pk=req.pk)
    assert req.status == "submitted" and req.next_check is None
    assert AuditEntry.objects.filter(
        action="approval.submitted", object_id=str(req.pk), actor__isnull=True
    ).exists()
    services.approval_decide(actor=w.users["reg_hz"], request=req, approve=True)
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    assert services.plan_approve(actor=w.users["reg_hz"], plan=plan).status == "approved"


def test_single_source_objection_needs_review(w: PlansWorld) -> None:
    _plan, req = _single_source(w)
    req = services.approval_submit(actor=w.users["pur_hz"], request=req)
    services.approval_object(
        actor=w.users["spl_hz"], request=req, objector_name="", content="我公司也能提供同类产品"
    )
    clock.freeze(dt.datetime(2026, 12, 1, 9, 0, tzinfo=clock.SHANGHAI))
    timed.process_due()
    req = ApprovalRequest.objects.get(pk=req.pk)
    assert req.status == "publicity"  # objections: the purchaser must review first
    with pytest.raises(Conflict):  # the period is over: no more objections
        services.approval_object(actor=None, request=req, objector_name="某人", content="迟到")
    with pytest.raises(InvalidInput):
        services.approval_submit(actor=w.users["pur_hz"], request=req)
    with pytest.raises(Conflict) as exc:
        services.approval_submit(
            actor=w.users["pur_hz"], request=req, review_conclusion="upheld", review_note="成立"
        )
    assert exc.value.code == "objection_upheld"
    req = services.approval_submit(
        actor=w.users["pur_hz"],
        request=req,
        review_conclusion="rejected",
        review_note="经专家补充论证，异议人产品不满足兼容性要求",
    )
    assert req.status == "submitted" and req.review_conclusion == "rejected"


# --- 化整为零 ------------------------------------------------------------


def _part(w: PlansWorld, project: str, amount: str, item: str = "C21040000") -> ProcurementPlan:
    line = approved_line(w, amount=amount, item_code=item, project_code=project)
    return make_plan(w, line, method="consultation")


def test_split_blocked_exactly_at_threshold_and_recorded(w: PlansWorld) -> None:
    first = _part(w, "SPLIT-1", "1500000.00")
    services.plan_submit(actor=w.users["pur_hz"], plan=first)
    third = _part(w, "SPLIT-1", "1500000.00")
    # first 150万 + this 150万 = 300万, exactly the 杭州 threshold: "以上" includes it.
    with pytest.raises(RuleViolation) as exc:
        services.plan_submit(actor=w.users["pur_hz"], plan=third)
    assert exc.value.code == c.ERR_SPLIT and "化整为零" in exc.value.message
    assert ProcurementPlan.objects.get(pk=third.pk).status == "draft"
    case = SplitCase.objects.get(plan=third)  # recorded although the filing was refused
    assert case.status == "blocked" and case.total == D("3000000.00")
    assert case.threshold == D("3000000.00") and case.category_prefix == "C2104"
    assert AuditEntry.objects.filter(action="split_case.recorded", object_id=str(case.pk)).exists()


def test_split_one_fen_below_passes(w: PlansWorld) -> None:
    services.plan_submit(actor=w.users["pur_hz"], plan=_part(w, "SPLIT-2", "1500000.00"))
    second = _part(w, "SPLIT-2", "1499999.99")
    assert services.plan_submit(actor=w.users["pur_hz"], plan=second).status == "submitted"
    assert not SplitCase.objects.filter(plan=second).exists()


def test_split_groups_by_project_and_category(w: PlansWorld) -> None:
    services.plan_submit(actor=w.users["pur_hz"], plan=_part(w, "SPLIT-3", "2000000.00"))
    other_project = _part(w, "SPLIT-4", "2000000.00")
    assert services.plan_submit(actor=w.users["pur_hz"], plan=other_project).status == "submitted"
    other_category = _part(w, "SPLIT-3", "2000000.00", item="C18010000")
    assert services.plan_submit(actor=w.users["pur_hz"], plan=other_category).status == "submitted"


def test_split_exception_approved_lets_it_through(w: PlansWorld) -> None:
    services.plan_submit(actor=w.users["pur_hz"], plan=_part(w, "SPLIT-5", "2000000.00"))
    plan = _part(w, "SPLIT-5", "2000000.00")
    with pytest.raises(RuleViolation):
        services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    req = services.approval_create(
        actor=w.users["pur_hz"],
        kind="split_exception",
        reasons="年中追加预算（预算调整）",
        plan=plan,
    )
    services.approval_submit(actor=w.users["pur_hz"], request=req)
    services.approval_decide(actor=w.users["reg_hz"], request=req, approve=True)
    assert services.plan_submit(actor=w.users["pur_hz"], plan=plan).status == "submitted"
    assert list(
        SplitCase.objects.filter(plan=plan).values_list("status", flat=True).order_by("id")
    ) == [
        "blocked",
        "excused",
    ]


def test_open_tender_parts_are_not_summed(w: PlansWorld) -> None:
    line = approved_line(w, amount="2000000.00", project_code="SPLIT-6")
    services.plan_submit(actor=w.users["pur_hz"], plan=make_plan(w, line, method="open_tender"))
    second = _part(w, "SPLIT-6", "2000000.00")
    assert services.plan_submit(actor=w.users["pur_hz"], plan=second).status == "submitted"


# --- intentions and commissions ---------------------------------------------------------------


def _approved_plan(w: PlansWorld, **kw) -> ProcurementPlan:
    line = approved_line(w, **kw)
    plan = make_plan(w, line)
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    return services.plan_approve(actor=w.users["reg_hz"], plan=plan)


def test_commission_waits_thirty_days_after_intention(w: PlansWorld) -> None:
    plan = _approved_plan(w)
    agency = w.orgs["agc_social"]
    with pytest.raises(RuleViolation) as exc:
        services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=agency)
    assert exc.value.code == c.ERR_INTENTION_MISSING
    services.intention_publish(actor=w.users["pur_hz"], plan=plan)
    clock.freeze(dt.datetime(2026, 12, 22, 18, 0, tzinfo=clock.SHANGHAI))  # day 29
    with pytest.raises(RuleViolation) as exc:
        services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=agency)
    assert exc.value.code == c.ERR_INTENTION_TOO_RECENT and "2026年12月23日" in exc.value.message
    assert ProcurementPlan.objects.get(pk=plan.pk).status == "approved"
    clock.freeze(dt.datetime(2026, 12, 23, 9, 0, tzinfo=clock.SHANGHAI))  # day 30
    com = services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=agency)
    assert com.status == "sent" and com.holder == agency and not com.urgent_exemption
    assert ProcurementPlan.objects.get(pk=plan.pk).status == "commissioned"
    assert com.project_no.startswith("WT2026-")


def test_urgent_plan_exemption_is_recorded(w: PlansWorld) -> None:
    line = approved_line(w)
    plan = make_plan(w, line, is_urgent=True, urgent_reason="汛期抢险，不可预见")
    plan = services.plan_submit(actor=w.users["pur_hz"], plan=plan)
    plan = services.plan_approve(actor=w.users["reg_hz"], plan=plan)
    com = services.commission_create(
        actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_social"]
    )
    assert com.urgent_exemption
    entry = AuditEntry.objects.get(action="commission.sent", object_id=str(com.pk))
    assert entry.after["urgent_reason"] == "汛期抢险，不可预见"


def test_central_form_goes_to_central_agency(w: PlansWorld) -> None:
    plan = _approved_plan(w, item_code="A02010104", amount="60000.00", quantity=D("10"))
    assert plan.org_form == "central"
    services.intention_publish(actor=w.users["pur_hz"], plan=plan)
    clock.advance(dt.timedelta(days=31))
    with pytest.raises(RuleViolation) as exc:
        services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_social"])
    assert exc.value.code == c.ERR_AGENCY_NOT_ALLOWED
    with pytest.raises(RuleViolation):  # not a 宁波 centre either
        services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_nb"])
    com = services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_hz"])
    assert com.agency == w.orgs["agc_hz"]


def test_agency_accepts_and_overdue_tracking(w: PlansWorld) -> None:
    plan = _approved_plan(w)
    services.intention_publish(actor=w.users["pur_hz"], plan=plan)
    clock.advance(dt.timedelta(days=30))
    com = services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_hz"])
    with pytest.raises(PermissionDenied):
        services.commission_accept(actor=w.users["agc_social"], commission=com)
    # Two working days to take it; after that it is flagged overdue by the timer.
    clock.advance(dt.timedelta(days=5))
    timed.process_due()
    com = Commission.objects.get(pk=com.pk)
    assert com.is_overdue and com.next_check is None
    assert AuditEntry.objects.filter(action="commission.overdue", object_id=str(com.pk)).exists()
    com = services.commission_accept(actor=w.users["agc_hz"], commission=com)
    assert com.status == "accepted" and com.received_by == w.users["agc_hz"] and not com.is_overdue
    assert com.due_at is not None and com.next_check == com.due_at


def test_agency_declines_plan_returns_to_approved(w: PlansWorld) -> None:
    plan = _approved_plan(w)
    services.intention_publish(actor=w.users["pur_hz"], plan=plan)
    clock.advance(dt.timedelta(days=30))
    com = services.commission_create(actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_hz"])
    with pytest.raises(InvalidInput):
        services.commission_decline(actor=w.users["agc_hz"], commission=com, reason=" ")
    com = services.commission_decline(
        actor=w.users["agc_hz"], commission=com, reason="超出业务范围"
    )
    assert com.status == "declined" and com.holder == w.orgs["pur_hz"]
    assert ProcurementPlan.objects.get(pk=plan.pk).status == "approved"
    again = services.commission_create(
        actor=w.users["pur_hz"], plan=plan, agency=w.orgs["agc_social"]
    )
    assert again.status == "sent"


def test_budget_execution_contracted_and_paid(w: PlansWorld) -> None:
    plan = _approved_plan(w, amount="800000.00")
    plan = services.plan_record_contracted(actor=None, plan=plan, amount=D("700000.00"))
    with pytest.raises(RuleViolation):
        services.plan_record_contracted(actor=None, plan=plan, amount=D("100000.01"))
    with pytest.raises(RuleViolation):
        services.plan_record_paid(actor=None, plan=plan, amount=D("700000.01"))
    services.plan_record_paid(actor=None, plan=plan, amount=D("350000.00"))
    e = selectors.budget_execution(plan.budget_line)
    assert (e.budgeted, e.committed, e.contracted, e.paid) == (
        D("800000.00"),
        D("800000.00"),
        D("700000.00"),
        D("350000.00"),
    )


def test_intention_withdraw(w: PlansWorld) -> None:
    plan = _approved_plan(w)
    intention = services.intention_publish(actor=w.users["pur_hz"], plan=plan)
    with pytest.raises(Conflict):
        services.intention_publish(actor=w.users["pur_hz"], plan=plan)
    intention = services.intention_withdraw(
        actor=w.users["pur_hz"], intention=intention, reason="需求变化"
    )
    assert intention.status == "withdrawn"
    assert not selectors.public_intentions().filter(pk=intention.pk).exists()


def test_method_change_of_a_subordinate_unit_needs_its_superior_consent(w: PlansWorld) -> None:
    """74号令 4: 主管预算单位 consent first, then the finance department (法27; 条例23)."""
    from zhengcai.accounts.tests.factories import user as make_user
    from zhengcai.plans import access

    superior = w.orgs["pur_prov"]
    unit = w.orgs["pur_hz"]
    unit.parent = superior
    unit.save(update_fields=["parent"])
    boss = make_user(superior, username="zhuguan_admin", is_org_admin=True)
    line = approved_line(w, amount="3500000.00")
    plan = services.plan_submit(
        actor=w.users["pur_hz"], plan=make_plan(w, line, method="negotiation")
    )
    req = services.approval_create(
        actor=w.users["pur_hz"], kind="method_change", reasons="技术复杂", plan=plan
    )
    req = services.approval_submit(actor=w.users["pur_hz"], request=req)
    assert req.status == "consent"
    # The finance department cannot decide before the consent; others cannot consent.
    with pytest.raises(Conflict):
        services.approval_decide(actor=w.users["reg_hz"], request=req, approve=True)
    for outsider in (w.users["pur_hz"], w.users["pur_prov"], w.users["reg_hz"]):
        with pytest.raises(PermissionDenied):
            services.approval_consent(actor=outsider, request=req, agree=True)
    assert access.approvals_visible(boss).filter(pk=req.pk).exists()
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput):
        services.approval_consent(actor=boss, request=req, agree=False, note="  ")
    assert AuditEntry.objects.count() == before
    req = services.approval_consent(actor=boss, request=req, agree=True, note="同意报批")
    assert req.status == "submitted" and req.consented_by == boss
    assert AuditEntry.objects.count() == before + 1
    approved = services.approval_decide(actor=w.users["reg_hz"], request=req, approve=True)
    assert approved.status == "approved"


def test_superior_refusal_ends_the_request(w: PlansWorld) -> None:
    from zhengcai.accounts.tests.factories import user as make_user

    w.orgs["pur_hz"].parent = w.orgs["pur_prov"]
    w.orgs["pur_hz"].save(update_fields=["parent"])
    boss = make_user(w.orgs["pur_prov"], username="zhuguan_admin2", is_org_admin=True)
    line = approved_line(w, amount="3500000.00")
    plan = services.plan_submit(
        actor=w.users["pur_hz"], plan=make_plan(w, line, method="negotiation")
    )
    req = services.approval_submit(
        actor=w.users["pur_hz"],
        request=services.approval_create(
            actor=w.users["pur_hz"], kind="method_change", reasons="时间紧", plan=plan
        ),
    )
    refused = services.approval_consent(actor=boss, request=req, agree=False, note="应公开招标")
    assert refused.status == "refused" and "主管预算单位不同意" in refused.decision_note
    with pytest.raises(RuleViolation):
        services.plan_approve(actor=w.users["reg_hz"], plan=plan)
