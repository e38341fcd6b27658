"""邀请招标 on the suppliers' side (法 34; 87号令 14; 条例 21): applications, the review, the
recorded random draw and the invitations. The call itself (资格预审公告) is published by
`tenders.prequal_services.prequal_publish`, and moved only through its `prequal_transition`.

1. `application_submit` — a supplier submits its 资格预审申请文件 before the deadline.
2. `application_review` — after the deadline the agency (or the committee it convenes)
   finds each application 合格 or 不合格; 不合格 needs the reason (told to the supplier).
3. `prequal_review_close` — all reviewed: at least 3 qualified (法 34) → the list stands;
   fewer → the call fails and the project is terminated (`tenders.prequal_fail`).
4. `supplier_draw` — the platform draws the suppliers to invite from the qualified list, two
   purchaser staff witnessing (87号令 14); `draw_verify` re-runs it from the record.
5. `invitations_send` — all 投标邀请书 at once (87号令 14), and the bidding period starts
   now: `tenders.services.project_publish` checks the 20 days from today (法 35).

`invitation_problem(project, supplier)` is what `participation_register` asks: under a method
that invites, only an invited supplier may register and bid."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from zhengcai.accounts.constants import OrgKind, Role
from zhengcai.accounts.models import Organization, User
from zhengcai.bidding import constants as c
from zhengcai.bidding import invitation_rules as rules
from zhengcai.bidding.models import PrequalApplication, SupplierDraw, TenderInvitation
from zhengcai.bidding.services.common import require_agency
from zhengcai.core import clock, transitions
from zhengcai.core.audit import audit_record
from zhengcai.core.errors import Conflict, InvalidInput, PermissionDenied, RuleViolation
from zhengcai.core.services import message_send
from zhengcai.tenders import prequal_selectors, prequal_services
from zhengcai.tenders import services as tender_services
from zhengcai.tenders.constants import PrequalSource, PrequalStatus
from zhengcai.tenders.models import Prequalification, Project

APPLICATION = transitions.register(
    transitions.Machine(
        PrequalApplication,
        c.APPLICATION_TRANSITIONS,
        what="资格预审申请",
        action="bidding.prequal_application",
        labels=c.ApplicationStatus,
    )
)


def invitation_problem(project: Project, supplier: Organization) -> PermissionDenied | None:
    """法 34; 87号令 14: under 邀请招标 only the suppliers sent a 投标邀请书 take part."""
    if not prequal_selectors.invites_only(project):
        return None
    invited = TenderInvitation.objects.filter(
        project=project, supplier=supplier, sent_at__isnull=False
    ).exists()
    if invited:
        return None
    return PermissionDenied(
        "本项目为邀请招标，只有收到投标邀请书的供应商可以报名和投标（法 34；87号令 14）",
        code=c.ERR_NOT_INVITED_TO_TENDER,
    )


def _applications_closed(pq: Prequalification) -> bool:
    return pq.applications_until is not None and clock.now() >= pq.applications_until


@transaction.atomic
def application_submit(
    *, actor: User, prequal: Prequalification, materials: str
) -> PrequalApplication:
    """条例 21: applications through the platform until the deadline of the notice."""
    if actor.role != Role.SUPPLIER or actor.organization is None:
        raise PermissionDenied("只有供应商可以提交资格预审申请文件")
    pq = Prequalification.objects.select_for_update().get(pk=prequal.pk)
    if pq.status != PrequalStatus.OPEN or pq.source != PrequalSource.PREQUALIFICATION:
        raise Conflict("本资格预审不接受申请", code=c.ERR_APPLICATIONS_CLOSED)
    if _applications_closed(pq):
        raise RuleViolation(
            "已过资格预审申请文件提交截止时间（条例 21）",
            code=c.ERR_APPLICATIONS_CLOSED,
            detail={"deadline": pq.applications_until.isoformat() if pq.applications_until else ""},
            status=409,
        )
    if not materials.strip():
        raise InvalidInput("请填写资格证明材料", code="materials_required")
    if PrequalApplication.objects.filter(prequal=pq, supplier=actor.organization).exists():
        raise Conflict("已提交资格预审申请文件", code=c.ERR_APPLICATION_EXISTS)
    app = PrequalApplication.objects.create(
        prequal=pq,
        project_id=pq.project_id,
        supplier=actor.organization,
        materials=materials.strip(),
        submitted_by=actor,
        submitted_at=clock.now(),
    )
    audit_record(actor=actor, action="bidding.prequal_application.submitted", obj=app)
    return app


@transaction.atomic
def application_review(
    *, actor: User, application: PrequalApplication, qualified: bool, reason: str = ""
) -> PrequalApplication:
    """The review by the standard and method of the 资格预审文件 (87号令 14 ¶2), after the
    deadline; a 不合格 finding states its reason."""
    pq = application.prequal
    require_agency(actor, pq.project)
    if not _applications_closed(pq):
        raise Conflict("资格预审申请截止后方可审查", code=c.ERR_APPLICATIONS_OPEN)
    reason = reason.strip()
    if not qualified and not reason:
        raise InvalidInput("请填写不合格理由（将告知申请人）", code=c.ERR_REASON_REQUIRED)
    to = c.ApplicationStatus.QUALIFIED if qualified else c.ApplicationStatus.NOT_QUALIFIED
    current = APPLICATION.lock(application)
    APPLICATION.check(current, to)
    # `reason` is both the audit note of the move and the finding kept on the application.
    current.reason = reason[:2000]
    done = APPLICATION.move(
        current, to=to, actor=actor, reason=reason, reviewed_by=actor, reviewed_at=clock.now()
    )
    message_send(  # the applicant learns the finding, and why it failed
        organization_id=done.supplier_id,
        kind="prequal_review",
        subject=f"{pq.project.name}：{c.ApplicationStatus(to).label}",
        body=reason,
        link=f"/bidding/prequal/{pq.pk}/",
    )
    return done


def qualified_ids(pq: Prequalification) -> list[int]:
    return sorted(
        PrequalApplication.objects.filter(
            prequal=pq, status=c.ApplicationStatus.QUALIFIED
        ).values_list("supplier_id", flat=True)
    )


@transaction.atomic
def prequal_review_close(*, actor: User, prequal: Prequalification) -> Prequalification:
    """Every application reviewed: the qualified list stands with at least the method's
    minimum (法 34: 3); with fewer the procurement cannot go on as 邀请招标 — the call fails
    and the project is terminated with a 终止公告 (法 36–37; 87号令 29, 43; rules.md §4.5)."""
    pq = Prequalification.objects.select_related("project").get(pk=prequal.pk)
    require_agency(actor, pq.project)
    if not _applications_closed(pq):
        raise Conflict("资格预审申请截止后方可结束审查", code=c.ERR_APPLICATIONS_OPEN)
    pending = PrequalApplication.objects.filter(
        prequal=pq, status=c.ApplicationStatus.SUBMITTED
    ).count()
    if pending:
        raise Conflict(
            f"尚有{pending}份资格预审申请未审查", code=c.ERR_UNREVIEWED, detail={"pending": pending}
        )
    rule = prequal_services.prequal_rule(pq.project)
    count = len(qualified_ids(pq))
    if count < rule.min_invited:
        return prequal_services.prequal_fail(
            actor=actor,
            prequal=pq,
            reason=(
                f"资格预审合格的供应商只有{count}家，不足{rule.min_invited}家"
                f"（{rule.invited_citation}），不能继续邀请招标，本项目终止，"
                "依法重新组织采购或经批准变更采购方式（法 36–37；87号令 43）"
            ),
        )
    return prequal_services.prequal_transition(
        actor=actor, prequal=pq, to=PrequalStatus.REVIEWED, reason=f"合格{count}家"
    )


def _listed_pool(
    pq: Prequalification, pool_ids: Iterable[int] | None, by_purchaser: Iterable[int]
) -> list[int]:
    """The pool given for a list from the 供应商库 or written recommendations (87号令 14 ①②③):
    registered suppliers only; recommendations with the purchaser's share checked."""
    pool = sorted({int(i) for i in pool_ids or ()})
    known = set(
        Organization.objects.filter(pk__in=pool, kind=OrgKind.SUPPLIER).values_list("pk", flat=True)
    )
    if set(pool) != known:
        raise InvalidInput("备选名单中有非供应商单位", code=c.ERR_POOL_TOO_SMALL)
    if pq.source == PrequalSource.RECOMMENDATION:
        rule = prequal_services.prequal_rule(pq.project)
        problem = rules.recommendation_problem(
            pool, by_purchaser, rule.purchaser_recommend_max_percent
        )
        if problem:
            raise RuleViolation(problem, code=c.ERR_POOL_TOO_SMALL)
    return pool


@transaction.atomic
def supplier_draw(
    *,
    actor: User,
    prequal: Prequalification,
    witnesses: Iterable[str],
    pool_ids: Iterable[int] | None = None,
    recommended_by_purchaser: Iterable[int] = (),
) -> SupplierDraw:
    """Draw the suppliers to invite (87号令 14 ¶1, ¶4): from the qualified list of the
    资格预审, or from the pool the agency took from the 供应商库 / written recommendations."""
    pq = Prequalification.objects.select_related("project").get(pk=prequal.pk)
    require_agency(actor, pq.project)
    rule = prequal_services.prequal_rule(pq.project)
    names = [n.strip()[:60] for n in witnesses if n.strip()]
    problem = rules.witnesses_problem(names, rule.witnesses)
    if problem:
        raise InvalidInput(problem, code=c.ERR_WITNESSES)
    if pq.source == PrequalSource.PREQUALIFICATION:
        pool = qualified_ids(pq)
    else:
        pool = _listed_pool(pq, pool_ids, recommended_by_purchaser)
    wanted = rules.draw_size(len(pool), pq.invite_count, rule.min_invited)
    problem = rules.pool_problem(
        source=pq.source,
        pool_size=len(pool),
        wanted=wanted,
        minimum=rule.min_invited,
        factor=rule.pool_factor,
    )
    if problem:
        raise RuleViolation(problem, code=c.ERR_POOL_TOO_SMALL)
    pq = prequal_services.prequal_transition(actor=actor, prequal=pq, to=PrequalStatus.DRAWN)
    seed = secrets.token_hex(32)
    picked = rules.draw(seed, pool, wanted)
    draw = SupplierDraw.objects.create(
        prequal=pq,
        project_id=pq.project_id,
        source=pq.source,
        pool_ids=pool,
        pool_digest=rules.pool_digest(pool),
        wanted=wanted,
        seed=seed,
        seed_hash=rules.seed_commitment(seed),
        picked_ids=picked,
        witnesses=names,
        drawn_by=actor,
        drawn_at=clock.now(),
    )
    TenderInvitation.objects.bulk_create(
        [TenderInvitation(draw=draw, project_id=pq.project_id, supplier_id=i) for i in picked]
    )
    audit_record(
        actor=actor,
        action="bidding.supplier_draw",
        obj=draw,
        organization=pq.project.agency,
        after={
            "pool": pool,
            "pool_digest": draw.pool_digest,
            "seed": seed,
            "seed_hash": draw.seed_hash,
            "picked": picked,
            "witnesses": names,
        },
    )
    return draw


@dataclass
class DrawCheck:
    draw_id: int
    hash_ok: bool
    pool_ok: bool
    picks_ok: bool
    again: list[int]

    @property
    def ok(self) -> bool:
        return self.hash_ok and self.pool_ok and self.picks_ok


def draw_verify(draw: SupplierDraw, *, seed: str | None = None) -> DrawCheck:
    """Re-run the draw from the record (or a seed an auditor holds) and compare: the seed
    matches its hash, the pool its digest, and the same suppliers come out in the same order."""
    seed = seed or draw.seed
    again = rules.draw(seed, draw.pool_ids, draw.wanted)
    return DrawCheck(
        draw_id=draw.pk,
        hash_ok=rules.seed_commitment(seed) == draw.seed_hash,
        pool_ok=rules.pool_digest(draw.pool_ids) == draw.pool_digest,
        picks_ok=again == list(draw.picked_ids),
        again=again,
    )


@transaction.atomic
def invitations_send(
    *,
    actor: User,
    prequal: Prequalification,
    bid_deadline: dt.datetime,
    opening_place: str = "",
) -> Project:
    """Send every 投标邀请书 at once (87号令 14 ¶5) and start the bidding period: the deadline
    is at least 20 days from today, the day the documents go out (法 35)."""
    pq = Prequalification.objects.select_related("project").get(pk=prequal.pk)
    require_agency(actor, pq.project)
    now = clock.now()
    prequal_services.prequal_transition(
        actor=actor, prequal=pq, to=PrequalStatus.INVITED, invited_at=now
    )
    sent = TenderInvitation.objects.filter(project_id=pq.project_id, sent_at__isnull=True)
    suppliers = sorted(sent.values_list("supplier_id", flat=True))
    sent.update(sent_at=now)
    project = tender_services.project_publish(
        actor=actor, project=pq.project, bid_deadline=bid_deadline, opening_place=opening_place
    )
    for supplier_id in suppliers:
        message_send(
            organization_id=supplier_id,
            kind="tender_invitation",
            subject=f"投标邀请书：{project.name}",
            body=f"投标截止时间 {project.bid_deadline:%Y-%m-%d %H:%M}",
            link=f"/bidding/prequal/{pq.pk}/",
        )
    audit_record(
        actor=actor,
        action="bidding.invitations_sent",
        obj=project,
        organization=project.agency,
        after={"suppliers": suppliers, "bid_deadline": str(project.bid_deadline)},
    )
    return project
