"""履约验收 (条例 45; 财库〔2016〕205号): milestones delivered, an acceptance team (experts for
large or complex projects), a report signed by every member, remedies on failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from zhengcai.accounts.models import User
from zhengcai.contracts import constants as c
from zhengcai.contracts import rules
from zhengcai.contracts.models import Acceptance, AcceptanceMember, Contract, Milestone
from zhengcai.contracts.services.common import require_purchaser, require_supplier
from zhengcai.contracts.services.machines import ACCEPTANCE, CONTRACT, MILESTONE
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation

S = c.AcceptanceStatus


@transaction.atomic
def milestone_add(
    *, actor: User, contract: Contract, name: str, kind: str, due_on: dt.date, amount: Any
) -> Milestone:
    """The purchaser sets the delivery / performance milestones (payments follow them)."""
    k = CONTRACT.lock(contract)
    require_purchaser(actor, k)
    if k.status == c.ContractStatus.COMPLETED or k.status in c.NOT_IN_FORCE:
        raise Conflict("合同已结束", code=c.ERR_CLOSED)
    if kind not in c.MilestoneKind.values or not name.strip():
        raise InvalidInput("请填写节点名称和类型", code=c.ERR_PAYMENT)
    value = Decimal(str(amount)).quantize(rules.CENT)
    total = sum(
        k.milestones.exclude(status=c.MilestoneStatus.CANCELLED).values_list("amount", flat=True),
        Decimal("0"),
    )
    ceiling = k.amount + sum(k.supplements.values_list("amount", flat=True), Decimal("0"))
    if value < 0 or total + value > ceiling:
        raise RuleViolation(
            f"各节点付款金额合计不能超过合同金额（含补充合同）{ceiling} 元", code=c.ERR_PAYMENT
        )
    m = Milestone.objects.create(
        contract=k, seq=k.milestones.count() + 1, name=name.strip()[:100], kind=kind,
        due_on=due_on, amount=value,
    )  # fmt: skip
    audit_record(
        actor=actor, action="contract.milestone", obj=k, organization=k.purchaser,
        after={"milestone": m.seq, "amount": str(value), "due_on": str(due_on)},
    )  # fmt: skip
    return m


@transaction.atomic
def milestone_deliver(*, actor: User, milestone: Milestone) -> Milestone:
    """The supplier reports delivery (again after a rectification)."""
    require_supplier(actor, milestone.contract)
    if milestone.contract.status != c.ContractStatus.SIGNED:
        raise Conflict("合同签订后方可交付", code=c.ERR_NOT_SIGNED)
    return MILESTONE.move(milestone, to=c.MilestoneStatus.DELIVERED, actor=actor,
                          delivered_on=clock.today())  # fmt: skip


@transaction.atomic
def acceptance_open(
    *,
    actor: User,
    milestone: Milestone,
    members: Sequence[User],
    experts: Sequence[User] = (),
    complex_project: bool = False,
) -> Acceptance:
    """The purchaser forms the acceptance team; a large or complex project needs experts
    (财库〔2016〕205号). The supplier may not sit on it."""
    k = milestone.contract
    require_purchaser(actor, k)
    if milestone.status != c.MilestoneStatus.DELIVERED:
        raise Conflict("节点交付后方可组织验收", code=c.ERR_TEAM)
    if milestone.acceptances.filter(status__in=[S.OPEN, S.SIGNING]).exists():
        raise Conflict("该节点已有进行中的验收", code=c.ERR_TEAM)
    people = list(dict.fromkeys([*members, *experts]))
    if any(u.organization_id == k.supplier_id for u in people):
        raise InvalidInput("供应商人员不能参加验收小组", code=c.ERR_TEAM)
    needs = rules.acceptance_needs_experts(k.amount, complex_=complex_project)
    problem = rules.team_problem(len(people), len(set(experts)), needs_experts=needs)
    if problem:
        code = c.ERR_EXPERTS_REQUIRED if needs and not experts else c.ERR_TEAM
        raise RuleViolation(problem, code=code)
    a = Acceptance.objects.create(
        contract=k, milestone=milestone, created_by=actor, created_at=clock.now()
    )
    expert_ids = {u.pk for u in experts}
    for u in people:
        AcceptanceMember.objects.create(acceptance=a, user=u, is_expert=u.pk in expert_ids)
    audit_record(
        actor=actor, action="acceptance.open", obj=a, organization=k.purchaser,
        after={"milestone": milestone.seq, "members": len(people), "experts": len(expert_ids)},
    )  # fmt: skip
    return a


def report_text(a: Acceptance) -> str:
    k = a.contract
    verdict = "合格" if a.passed else "不合格"
    return (
        f"履约验收报告\n合同：{k.contract_no} {k.title}\n供应商：{k.supplier.name}\n"
        f"节点：{a.milestone.seq} {a.milestone.name}\n验收结论：{verdict}\n验收意见：{a.findings}\n"
    )


@transaction.atomic
def acceptance_report(
    *, actor: User, acceptance: Acceptance, passed: bool, findings: str
) -> Acceptance:
    """The purchaser writes the report (result and findings); the members sign it."""
    require_purchaser(actor, acceptance.contract)
    if not findings.strip():
        raise InvalidInput("请填写验收意见", code=c.ERR_TEAM)
    acceptance.passed = passed
    acceptance.findings = findings.strip()
    digest = rules.text_digest(report_text(acceptance))
    return ACCEPTANCE.move(acceptance, to=S.SIGNING, actor=actor, passed=passed,
                           findings=acceptance.findings, report_digest=digest)  # fmt: skip


@transaction.atomic
def acceptance_sign(
    *, actor: User, acceptance: Acceptance, password: str, agrees: bool = True, opinion: str = ""
) -> AcceptanceMember:
    """A member signs the report after re-entering the password (the report's digest is
    recorded with the signature). The last signature concludes the acceptance."""
    a = ACCEPTANCE.lock(acceptance)
    if a.status != S.SIGNING:
        raise Conflict("验收报告不在待签署状态", code=c.ERR_TEAM)
    member = a.members.filter(user=actor).first()
    if member is None:
        raise PermissionDenied("只有验收小组成员可以签署验收报告", code=c.ERR_TEAM)
    if member.signed_at is not None:
        raise Conflict("已签署", code=c.ERR_TEAM)
    if not password or not actor.check_password(password):
        raise PermissionDenied("密码不正确", code=c.ERR_BAD_PASSWORD)
    if not agrees and not opinion.strip():
        raise InvalidInput("不同意验收结论的成员应写明意见和理由", code=c.ERR_TEAM)
    member.signed_at = clock.now()
    member.agrees = agrees
    member.opinion = opinion.strip()[:500]
    member.signed_digest = a.report_digest
    member.save()
    audit_record(
        actor=actor, action="acceptance.member_signed", obj=a, organization=a.contract.purchaser,
        after={"digest": a.report_digest, "agrees": agrees},
    )  # fmt: skip
    if a.members.filter(signed_at__isnull=True).exists():
        return member
    _conclude(actor, a)
    return member


def _conclude(actor: User, a: Acceptance) -> None:
    now = clock.now()
    to = S.PASSED if a.passed else S.FAILED
    published = now if a.passed is not None and a.contract.public_service else None
    ACCEPTANCE.move(a, to=to, actor=actor, concluded_at=now, published_at=published)
    m = a.milestone
    if a.passed:
        MILESTONE.move(m, to=c.MilestoneStatus.ACCEPTED, actor=actor, accepted_on=now.date())
    else:
        MILESTONE.move(m, to=c.MilestoneStatus.REJECTED, actor=actor)


@transaction.atomic
def acceptance_remedy(
    *, actor: User, acceptance: Acceptance, remedy: str, note: str = "", deduction: Any = 0
) -> Acceptance:
    """What follows a failed acceptance: rectification (the milestone is delivered again and
    accepted anew), a deduction from the performance security, or termination."""
    a = ACCEPTANCE.lock(acceptance)
    k = CONTRACT.lock(a.contract)
    require_purchaser(actor, k)
    if a.status != S.FAILED or a.remedy:
        raise Conflict("只有验收不合格且尚未处理的验收可以处理", code=c.ERR_REMEDY)
    if remedy not in c.Remedy.values:
        raise InvalidInput("处理方式无效", code=c.ERR_REMEDY)
    amount = Decimal(str(deduction or 0)).quantize(rules.CENT)
    if remedy == c.Remedy.DEDUCT:
        problem = rules.deduction_problem(k.security_amount, k.security_deducted, amount)
        if problem:
            raise RuleViolation(problem, code=c.ERR_REMEDY)
        k.security_deducted += amount
        k.save(update_fields=["security_deducted"])
    a.remedy = remedy
    a.remedy_note = note.strip()[:500]
    a.deduction = amount if remedy == c.Remedy.DEDUCT else Decimal("0")
    a.version += 1
    a.save()
    audit_record(
        actor=actor, action="acceptance.remedy", obj=a, organization=k.purchaser,
        after={"remedy": remedy, "deduction": str(a.deduction), "note": a.remedy_note},
    )  # fmt: skip
    if remedy == c.Remedy.TERMINATE:
        for m in k.milestones.exclude(
            status__in=[c.MilestoneStatus.ACCEPTED, c.MilestoneStatus.CANCELLED]
        ):
            MILESTONE.move(m, to=c.MilestoneStatus.CANCELLED, actor=actor)
        CONTRACT.move(k, to=c.ContractStatus.TERMINATED, actor=actor, reason=a.remedy_note)
    return a


@transaction.atomic
def contract_complete(*, actor: User, contract: Contract) -> Contract:
    """Every milestone accepted: the contract is performed."""
    require_purchaser(actor, contract)
    if (
        contract.milestones.exclude(status=c.MilestoneStatus.ACCEPTED).exists()
        or not contract.milestones.exists()
    ):
        raise Conflict("尚有未验收合格的履约节点", code=c.ERR_OPEN_MILESTONES)
    return CONTRACT.move(contract, to=c.ContractStatus.COMPLETED, actor=actor)
