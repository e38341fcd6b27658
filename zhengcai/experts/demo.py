"""Demo data: a profile for every demo expert (specialties, certificates, a few suspended or
with expired certificates), and the province sharing its pool with the capital city.
A few past evaluations of the demo agency with performance ratings (198号 21), so that two
experts show a suspension suggestion (one absent twice, one with an upheld complaint) and the
demo expert has ratings to reply to. Deterministic from ctx.rng; bulk inserts with one audit
entry for the batch."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from typing import Any

from zhengcai.accounts.constants import RegionLevel, Role
from zhengcai.accounts.models import Region, User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.experts.constants import (
    Attendance,
    DrawStatus,
    ExpertStatus,
    IncidentKind,
    InvitationStatus,
    RaterSide,
    ShareStatus,
    TitleLevel,
    TrainingStatus,
)
from zhengcai.experts.models import (
    DrawInvitation,
    DrawRequest,
    DrawRound,
    ExpertIncident,
    ExpertProfile,
    ExpertRating,
    ExpertSpecialty,
    ExpertStatusChange,
    PoolShare,
)
from zhengcai.experts.rules import draw, eligible_digest, id_check_char, seed_commitment

# 品目 codes a typical provincial database covers (政府采购品目分类目录, two digits per level).
SPECIALTIES = [
    ("A0201", "计算机设备及软件"),
    ("A0202", "办公设备"),
    ("A0203", "车辆"),
    ("A0206", "电气设备"),
    ("A0208", "通信设备"),
    ("A0232", "医疗设备"),
    ("A0260", "家具用具"),
    ("C0101", "科学研究和试验开发"),
    ("C0201", "信息技术服务"),
    ("C0601", "物业管理服务"),
    ("C1204", "法律服务"),
    ("C1206", "会计服务"),
]
TITLES = [
    ("教授", TitleLevel.SENIOR),
    ("研究员", TitleLevel.SENIOR),
    ("正高级工程师", TitleLevel.SENIOR),
    ("副教授", TitleLevel.ASSOCIATE),
    ("高级工程师", TitleLevel.ASSOCIATE),
    ("高级会计师", TitleLevel.ASSOCIATE),
    ("副主任医师", TitleLevel.ASSOCIATE),
    ("工程师", TitleLevel.INTERMEDIATE),
]
EMPLOYERS = ["浙江大学", "浙江工业大学", "杭州电子科技大学", "浙江省人民医院", "某设计研究院"]


def _id_number(ctx: Any, region: Region, birth: dt.date, n: int) -> str:
    first = f"{region.code[:6]}{birth:%Y%m%d}{n % 1000:03d}"
    return first + id_check_char(first)


def seed(ctx: Any) -> None:
    regions = [r for r in ctx.regions.values() if r.level <= RegionLevel.CITY]
    province = next(r for r in regions if r.level == RegionLevel.PROVINCE)
    now = clock.now()
    today = now.date()
    experts = list(
        User.objects.filter(role=Role.EXPERT).select_related("organization").order_by("pk")
    )
    profiles: list[ExpertProfile] = []
    for n, user in enumerate(experts, start=1):
        rng = ctx.rng
        title, level = rng.choice(TITLES)
        birth = dt.date(rng.randint(1958, 1990), rng.randint(1, 12), rng.randint(1, 28))
        region = province if user.username == "expert" else rng.choice(regions)
        roll = rng.random()
        # A few suspended (seed 004: ~670 suspended/banned of ~8,600), some certificates lapsed.
        status: str = ExpertStatus.SUSPENDED if roll < 0.04 else ExpertStatus.ACTIVE
        expires = today + dt.timedelta(days=rng.randint(60, 1400))
        if 0.04 <= roll < 0.10:
            expires = today - dt.timedelta(days=rng.randint(1, 300))
        profiles.append(
            ExpertProfile(
                user=user,
                id_number=_id_number(ctx, region, birth, n),
                birth_date=birth,
                employer_name=user.organization.name
                if user.organization
                else rng.choice(EMPLOYERS),
                title=title,
                title_level=level,
                years_in_field=rng.randint(8, 35),
                region=region,
                certificate_no=f"ZJZC-{2024 + n % 3}-{n:05d}",
                certificate_expires=expires,
                training_status=TrainingStatus.PASSED if roll < 0.97 else TrainingStatus.TRAINED,
                status=status,
                status_reason="无正当理由拒不参加评审（演示）" if status != "active" else "",
                created_at=now,
                updated_at=now,
            )
        )
    ExpertProfile.objects.bulk_create(profiles, batch_size=1000)
    saved = list(ExpertProfile.objects.order_by("pk").values_list("pk", "status"))
    specialties: list[ExpertSpecialty] = []
    history: list[ExpertStatusChange] = []
    for pk, status in saved:
        codes = ctx.rng.sample([c for c, _ in SPECIALTIES], ctx.rng.randint(1, 3))
        specialties += [ExpertSpecialty(profile_id=pk, code=c) for c in sorted(codes)]
        history.append(
            ExpertStatusChange(
                profile_id=pk,
                from_status=ExpertStatus.PENDING,
                to_status=ExpertStatus.ACTIVE,
                reason="审核通过（演示数据）",
                at=now,
            )
        )
        if status == ExpertStatus.SUSPENDED:
            history.append(
                ExpertStatusChange(
                    profile_id=pk,
                    from_status=ExpertStatus.ACTIVE,
                    to_status=ExpertStatus.SUSPENDED,
                    reason="无正当理由拒不参加评审（演示）",
                    at=now,
                )
            )
    ExpertSpecialty.objects.bulk_create(specialties, batch_size=2000)
    ExpertStatusChange.objects.bulk_create(history, batch_size=2000)
    capital = ctx.regions.get("330100")
    if capital is not None:
        PoolShare.objects.create(
            owner_region=province,
            grantee_region=capital,
            status=ShareStatus.ACTIVE,
            granted_at=now,
        )
    rated = _seed_ratings(now)
    audit_record(
        actor=None,
        action="demo.experts_seeded",
        after={
            "profiles": len(saved),
            "suspended": sum(1 for _, s in saved if s == ExpertStatus.SUSPENDED),
            "ratings": rated,
        },
    )
    ctx.counts["expert_profiles"] = len(saved)
    ctx.counts["expert_ratings"] = rated


# (days before today, project) of the demo agency's past evaluations.
PAST_EVALUATIONS = [
    (75, "办公设备批量采购"),
    (40, "信息化运维服务采购"),
    (12, "医疗设备更新采购"),
]
# Per seat (in draw order): attendance and quality per evaluation; seat 0 is absent twice.
PATTERN: list[list[tuple[str, int | None]]] = [
    [(Attendance.ABSENT, None), (Attendance.ABSENT, None), (Attendance.ON_TIME, 4)],
    [(Attendance.ON_TIME, 4), (Attendance.LATE, 3), (Attendance.ON_TIME, 4)],
    [(Attendance.ON_TIME, 5), (Attendance.ON_TIME, 4), (Attendance.ON_TIME, 5)],
]


def _seed_ratings(now: dt.datetime) -> int:
    """Three past draws of the demo agency for the demo purchaser, five experts each (the
    same seats, drawn reproducibly from the revealed seed), rated by both sides."""
    agent = User.objects.filter(username="agency").select_related("organization").first()
    buyer = User.objects.filter(username="purchaser").select_related("organization").first()
    if agent is None or buyer is None or agent.organization is None or buyer.organization is None:
        return 0
    pool = list(
        ExpertProfile.objects.filter(status=ExpertStatus.ACTIVE)
        .exclude(user__username="expert")
        .order_by("pk")
        .values_list("pk", flat=True)[:12]
    )
    me = ExpertProfile.objects.filter(user__username="expert").values_list("pk", flat=True).first()
    if len(pool) < 5:
        return 0
    seats = pool[:4] + ([me] if me else pool[4:5])
    ratings: list[ExpertRating] = []
    for k, (days, name) in enumerate(PAST_EVALUATIONS):
        at = dt.datetime.combine(
            now.date() - dt.timedelta(days=days), dt.time(9, 0), tzinfo=clock.SHANGHAI
        )
        seed = hashlib.sha256(f"zhengcai-demo-draw-{k}".encode()).hexdigest()
        picked = draw(seed, 1, seats, len(seats))
        req = DrawRequest.objects.create(
            agency=agent.organization,
            purchaser=buyer.organization,
            created_by=agent,
            project_code=f"ZJZC-DEMO-{k + 1:03d}",
            project_name=name,
            specialty_codes=["A02"],
            region_paths=[agent.organization.region.path],
            evaluation_at=at,
            place="浙江省政府采购中心评标室",
            count=len(seats),
            budget=Decimal("2800000.00"),
            seed_hash=seed_commitment(seed),
            seed=seed,
            revealed_at=at,
            status=DrawStatus.COMPLETE,
            created_at=at - dt.timedelta(days=1),
        )
        rnd = DrawRound.objects.create(
            draw=req,
            number=1,
            reason="initial",
            eligible_ids=sorted(seats),
            eligible_digest=eligible_digest(seats),
            wanted=len(seats),
            picked_ids=picked,
            created_at=at - dt.timedelta(days=1),
        )
        DrawInvitation.objects.bulk_create(
            DrawInvitation(
                draw=req,
                round=rnd,
                expert_id=pid,
                position=i,
                status=InvitationStatus.CONFIRMED,
                deadline=at - dt.timedelta(hours=20),
                responded_at=at - dt.timedelta(hours=21),
            )
            for i, pid in enumerate(picked, start=1)
        )
        for seat, pid in enumerate(seats):
            attendance, quality = PATTERN[seat][k] if seat < len(PATTERN) else ("on_time", 4)
            for who, side in ((agent, RaterSide.AGENCY), (buyer, RaterSide.PURCHASER)):
                ratings.append(
                    ExpertRating(
                        draw=req,
                        expert_id=pid,
                        rater_org=who.organization,
                        side=side,
                        attendance=attendance,
                        quality=quality,
                        flag_outlier=seat == 1 and k == 1 and side == RaterSide.AGENCY,
                        note="评分明显偏离其他专家（演示）" if seat == 1 and k == 1 else "",
                        created_by=who,
                        created_at=at + dt.timedelta(days=1),
                    )
                )
    ExpertRating.objects.bulk_create(ratings)
    ExpertIncident.objects.create(
        expert_id=seats[2],
        kind=IncidentKind.COMPLAINT_UPHELD,
        reference="浙财采监〔2026〕演示 12 号",
        occurred_on=now.date() - dt.timedelta(days=20),
        note="投诉处理决定认定该专家未按评审标准独立评审（演示）",
        created_at=now,
    )
    return len(ratings)
