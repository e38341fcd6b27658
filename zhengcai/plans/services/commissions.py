"""Commissions (网上委托) and business tracking (业务跟踪)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock, deadlines
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.workdays import WorkCalendar
from zhengcai.credit import doors as credit_doors
from zhengcai.methods import outcomes
from zhengcai.plans import access, rules, selectors
from zhengcai.plans import constants as c
from zhengcai.plans.models import Commission, ProcurementPlan
from zhengcai.plans.services import duties
from zhengcai.plans.services.base import require_editor
from zhengcai.plans.services.machines import COMMISSION, PLAN
from zhengcai.plans.services.plans import lock_plan


@transaction.atomic
def commission_create(
    *, actor: User, plan: ProcurementPlan, agency: Organization, note: str = ""
) -> Commission:
    """Hand an approved plan to an agency. Catalogue items bought centrally go to the
    集中采购机构 (法 18); others to any agency the unit chooses (法 19). Procurement may not
    start before the intention has been public for the configured period (≥30 d, 财库〔2020〕
    10号 ⚠) unless the plan records an unforeseeable urgent need."""
    locked = lock_plan(plan)
    require_editor(actor, locked.organization_id)
    if locked.status != c.PlanStatus.APPROVED:
        raise PLAN.refusal(locked.status, c.PlanStatus.COMMISSIONED)
    if outcomes.is_bidding_law(locked.method):
        raise RuleViolation(
            "该项目依法必须招标：应依照招标投标法及其实施条例，在工程建设项目招标投标交易平台"
            "组织招标，不能作为政府采购项目在本平台委托办理（法4；条例7；"
            + str(locked.determination.get("bidding_law_basis") or "发改委令第16号")
            + "）",
            code=c.ERR_BIDDING_LAW,
        )
    allowed = access.agencies_for(
        locked.organization, central_only=locked.org_form == c.OrgForm.CENTRAL
    )
    if not allowed.filter(pk=agency.pk).exists():
        msg = (
            "政府集中采购项目须委托本级或上级集中采购机构（法18）"
            if locked.org_form == c.OrgForm.CENTRAL
            else "只能委托正常状态的集中采购机构或社会代理机构"
        )
        raise RuleViolation(msg, code=c.ERR_AGENCY_NOT_ALLOWED)
    credit_doors.require_clear(credit_doors.Activity.AGENCY_BUSINESS, organization=agency)  # 法 78
    missing = [n for n in selectors.plan_needs(locked) if not n.approved]
    if missing:
        raise RuleViolation(
            "须先批准：" + "；".join(n.reason for n in missing), code=c.ERR_APPROVAL_MISSING
        )
    cal = WorkCalendar.load()
    now = clock.now()
    policy = selectors.policy_for(region=locked.organization.region, on=now.date())
    urgent = False
    if not outcomes.is_below_limit(locked.method):
        intention = selectors.current_intention(locked)
        if locked.is_urgent:
            urgent = intention is None or now.date() < rules.intention_earliest_start(
                cal,
                intention.published_at.astimezone(clock.SHANGHAI).date(),
                policy.intention_lead_days,
            )
        elif intention is None:
            raise RuleViolation(
                f"须先公开采购意向，{policy.intention_lead_days} 日后方可委托（财库〔2020〕10号）",
                code=c.ERR_INTENTION_MISSING,
            )
        else:
            earliest = rules.intention_earliest_start(
                cal,
                intention.published_at.astimezone(clock.SHANGHAI).date(),
                policy.intention_lead_days,
            )
            if now.date() < earliest:
                published = intention.published_at.astimezone(clock.SHANGHAI)
                raise RuleViolation(
                    f"采购意向于 {published:%Y年%m月%d日} 公开，"
                    f"须满 {policy.intention_lead_days} 日（{earliest:%Y年%m月%d日} 起）"
                    "方可委托启动采购"
                    "（财库〔2020〕10号）；因不可预见的紧急情况确需提前的，请在计划中登记紧急事由",
                    code=c.ERR_INTENTION_TOO_RECENT,
                    detail={"earliest": earliest.isoformat()},
                )
    counted, due = duties.step_due(cal, now.date(), policy.commission_accept_workdays)
    com = Commission.objects.create(
        plan=locked,
        purchaser=locked.organization,
        agency=agency,
        note=note.strip()[:500],
        urgent_exemption=urgent,
        handed_by=actor,
        handed_at=now,
        holder=agency,
        holder_since=now,
        due_at=due,
        due_step="代理机构接收委托",
        next_check=due,
    )
    com.project_no = f"WT{locked.fiscal_year}-{com.pk:06d}"
    com.save(update_fields=["project_no"])
    duties.track_step(com, now.date(), policy.commission_accept_workdays, counted)
    audit_record(
        actor=actor,
        action="commission.sent",
        obj=com,
        organization=locked.organization,
        after={
            "plan": locked.pk,
            "agency": agency.pk,
            "agency_name": agency.name,
            "due_at": due,
            "urgent_exemption": urgent,
            "urgent_reason": locked.urgent_reason if urgent else "",
        },
    )
    PLAN.move(
        locked,
        to=c.PlanStatus.COMMISSIONED,
        actor=actor,
        audit={"note": "", "commission": com.pk, "agency": agency.pk},
    )
    return com


def lock_commission(com: Commission) -> Commission:
    return (
        Commission.objects.select_for_update(of=("self",))
        .select_related("plan", "purchaser__region", "agency")
        .get(pk=com.pk)
    )


@transaction.atomic
def commission_accept(*, actor: User, commission: Commission) -> Commission:
    com = lock_commission(commission)
    if actor.organization_id != com.agency_id:
        raise PermissionDenied("只有受托代理机构可以接收")
    cal = WorkCalendar.load()
    now = clock.now()
    policy = selectors.policy_for(region=com.purchaser.region, on=now.date())
    com.received_by, com.received_at = actor, now
    com.holder_since = now
    counted, com.due_at = duties.step_due(cal, now.date(), policy.commission_start_workdays)
    com.due_step = "启动采购（编制采购文件、发布采购公告）"
    com.is_overdue = False
    com.next_check = com.due_at
    com = COMMISSION.move(
        com, to=c.CommissionStatus.ACCEPTED, actor=actor, audit={"due_at": com.due_at}
    )
    duties.track_step(com, now.date(), policy.commission_start_workdays, counted)
    return com


@transaction.atomic
def commission_decline(*, actor: User, commission: Commission, reason: str) -> Commission:
    com = lock_commission(commission)
    if actor.organization_id != com.agency_id:
        raise PermissionDenied("只有受托代理机构可以退回")
    if not reason.strip():
        raise InvalidInput("请填写退回理由", code="reason_required")
    now = clock.now()
    com.decline_reason = reason.strip()[:500]
    com.holder, com.holder_since = com.purchaser, now
    com.due_at, com.due_step, com.next_check, com.is_overdue = None, "", None, False
    deadlines.untrack(obj=com, field="due_at")
    COMMISSION.move(
        com,
        to=c.CommissionStatus.DECLINED,
        actor=actor,
        audit={"reason": com.decline_reason},
    )
    plan = lock_plan(com.plan)
    PLAN.move(
        plan,
        to=c.PlanStatus.APPROVED,
        actor=actor,
        audit={"note": "代理机构退回委托：" + com.decline_reason},
    )
    return com


def commission_overdue_check(obj: Any) -> None:
    """Timed handler (core.timed): flag a commission whose current step is past its time."""
    assert isinstance(obj, Commission)
    com = obj
    com.next_check = None
    if (
        com.status in (c.CommissionStatus.SENT, c.CommissionStatus.ACCEPTED)
        and com.due_at is not None
        and com.due_at <= clock.now()
        and not com.is_overdue
    ):
        com.is_overdue = True
        com.save(update_fields=["is_overdue", "next_check"])
        audit_record(
            actor=None,
            action="commission.overdue",
            obj=com,
            organization=com.purchaser,
            after={"step": com.due_step, "due_at": com.due_at, "holder": com.holder_id},
        )
    else:
        com.save(update_fields=["next_check"])
