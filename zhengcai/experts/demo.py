"""Demo data: a profile for every demo expert (specialties, certificates, a few suspended or
with expired certificates), and the province sharing its pool with the capital city.
Deterministic from ctx.rng; bulk inserts with one audit entry for the batch."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zhengcai.accounts.constants import RegionLevel, Role
from zhengcai.accounts.models import Region, User
from zhengcai.core import clock
from zhengcai.core.audit import audit_record
from zhengcai.experts.constants import ExpertStatus, ShareStatus, TitleLevel, TrainingStatus
from zhengcai.experts.models import ExpertProfile, ExpertSpecialty, ExpertStatusChange, PoolShare
from zhengcai.experts.rules import id_check_char

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
    audit_record(
        actor=None,
        action="demo.experts_seeded",
        after={
            "profiles": len(saved),
            "suspended": sum(1 for _, s in saved if s == ExpertStatus.SUSPENDED),
        },
    )
    ctx.counts["expert_profiles"] = len(saved)
