"""Expert draw benchmark: draw 7 experts from a 100,000-expert pool with every conflict filter.

Builds the pool (users, profiles, specialties, recorded conflicts, unavailable periods, experts
employed by the purchaser, agency and bidders, suspended ones, lapsed certificates) in a fresh
SQLite database, then times `services.draw_execute` — the whole service: candidate snapshot,
the pure eligibility rules over every candidate, the reproducible draw, the recorded round with
its eligible list, invitations and audit entries — against a baseline: one plain indexed SELECT
of the candidate ids the pre-filter would return (the database work any draw cannot avoid).

    .venv/bin/python -m bench.expert_draw            # standalone, own temporary database
    from bench.expert_draw import bench_expert_draw  # from bench/__main__.py after its setup
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "var" / "bench_experts.sqlite3"
POOL = 100_000
TARGET = 15.0  # ratio to the plain SELECT


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build_pool(n: int = POOL, seed: int = 20261122) -> dict[str, object]:
    """Insert `n` experts with their data; returns the parties of the benchmark draw."""
    from django.db import transaction

    from zhengcai.accounts.constants import OrgKind, RegionLevel, Role
    from zhengcai.accounts.models import Organization, Region, User
    from zhengcai.core import clock
    from zhengcai.experts.models import (
        ExpertConflict,
        ExpertProfile,
        ExpertSpecialty,
        ExpertUnavailability,
    )

    rng = random.Random(seed)
    now = clock.now()
    with transaction.atomic():
        prov = Region.objects.create(
            code="330000", name="浙江省", level=RegionLevel.PROVINCE, path="/330000/"
        )
        cities = [
            Region.objects.create(
                code=f"33{i:02d}00",
                name=f"市{i}",
                level=RegionLevel.CITY,
                parent=prov,
                path=f"/330000/33{i:02d}00/",
            )
            for i in range(1, 12)
        ]

        def org(kind: str, i: int) -> Organization:
            return Organization.objects.create(
                name=f"{kind}{i}", kind=kind, credit_code=f"91330000{i:010d}", region=prov
            )

        agency = org(OrgKind.CENTRAL_AGENCY, 1)
        purchaser = org(OrgKind.PURCHASER, 2)
        finance = org(OrgKind.FINANCE, 3)
        bidders = [org(OrgKind.SUPPLIER, 10 + i) for i in range(8)]
        others = [org(OrgKind.PURCHASER, 100 + i) for i in range(200)]
        creator = User.objects.create(
            username="bench_agency", role=Role.AGENCY, organization=agency
        )
        employers = [None] * 20 + others + [purchaser, agency, finance, *bidders]
        users = [
            User(
                username=f"e{i:06d}",
                role=Role.EXPERT,
                display_name=f"专家{i}",
                organization=rng.choice(employers),
                password="!",
            )
            for i in range(n)
        ]
        User.objects.bulk_create(users, batch_size=5000)
        user_ids = list(User.objects.filter(role=Role.EXPERT).values_list("pk", flat=True))
        codes = ["A0201", "A0202", "A0203", "A0206", "A0208", "A0232", "C0101", "C0201"]
        profiles = []
        for i, uid in enumerate(user_ids):
            roll = rng.random()
            profiles.append(
                ExpertProfile(
                    user_id=uid,
                    id_number=f"{i:018d}",
                    birth_date=dt.date(rng.randint(1955, 1990), 1, 1),
                    region=rng.choice([prov, *cities]),
                    certificate_no=f"C{i:08d}",
                    certificate_expires=now.date() + dt.timedelta(days=rng.randint(-200, 1500)),
                    training_status="passed" if roll < 0.97 else "none",
                    status="active" if roll < 0.93 else rng.choice(["suspended", "banned"]),
                    title_level="senior",
                    years_in_field=10,
                    created_at=now,
                    updated_at=now,
                )
            )
        ExpertProfile.objects.bulk_create(profiles, batch_size=5000)
        pids = list(ExpertProfile.objects.values_list("pk", flat=True))
        specs = []
        for pid in pids:
            for code in rng.sample(codes, rng.randint(1, 2)):
                specs.append(ExpertSpecialty(profile_id=pid, code=code + rng.choice(["", "01"])))
        ExpertSpecialty.objects.bulk_create(specs, batch_size=10000)
        parties = [purchaser, agency, *bidders, *others[:20]]
        ExpertConflict.objects.bulk_create(
            [
                ExpertConflict(
                    profile_id=rng.choice(pids),
                    organization=rng.choice(parties),
                    kind=rng.choice(["employment", "relative", "director"]),
                    until=rng.choice([None, dt.date(2024, 6, 1), dt.date(2020, 1, 1)]),
                    created_at=now,
                )
                for _ in range(n // 20)
            ],
            batch_size=5000,
        )
        start = now.date()
        ExpertUnavailability.objects.bulk_create(
            [
                ExpertUnavailability(
                    profile_id=rng.choice(pids),
                    start=start + dt.timedelta(days=rng.randint(-5, 20)),
                    end=start + dt.timedelta(days=rng.randint(21, 40)),
                )
                for _ in range(n // 20)
            ],
            batch_size=5000,
        )
    return {"agency": creator, "purchaser": purchaser, "bidders": bidders}


def bench_expert_draw(n: int = POOL) -> tuple[str, float, float, float]:
    """(name, time of the draw, time of the baseline, target ratio). Needs Django set up on a
    database without experts (bench/__main__.py's, or this module's own)."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import override_settings

    from zhengcai.core import clock
    from zhengcai.experts import services
    from zhengcai.experts.models import DrawInvitation

    parties = build_pool(n)
    evaluation_at = clock.now() + dt.timedelta(days=1)
    experts_cfg = {"NOTIFY_CHANNEL": "zhengcai.experts.notify.MemoryChannel"}

    def baseline() -> int:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT DISTINCT p.id FROM experts_expertprofile p "
                "JOIN accounts_region r ON r.id = p.region_id "
                "JOIN experts_expertspecialty s ON s.profile_id = p.id "
                "WHERE p.status = %s AND r.path LIKE %s AND s.code LIKE %s",
                ["active", "/330000/%", "A0201%"],
            )
            return len(cur.fetchall())

    baseline()  # warm the page cache for both
    base = min(_timed(baseline) for _ in range(3))
    with override_settings(ZHENGCAI={**settings.ZHENGCAI, "EXPERTS": experts_cfg}):
        draw = services.draw_request_create(
            actor=parties["agency"],  # type: ignore[arg-type]
            purchaser=parties["purchaser"],  # type: ignore[arg-type]
            project_name="基准测试",
            specialty_codes=["A020101"],
            evaluation_at=evaluation_at,
            count=7,
            budget=Decimal("20000000.00"),
            bidder_ids=[b.pk for b in parties["bidders"]],  # type: ignore[attr-defined]
            urgent_exception="benchmark",
        )

        def run() -> None:
            with transaction.atomic():
                services.draw_execute(actor=parties["agency"], draw=draw)  # type: ignore[arg-type]

        cost = _timed(run)
    drawn = DrawInvitation.objects.filter(draw=draw).count()
    rnd = draw.rounds.get()
    verified = services.draw_verify(draw, seed=draw.seed).ok
    print(
        f"  pool {n:,} experts: {len(rnd.eligible_ids):,} eligible, {rnd.excluded_count:,} "
        f"excluded by the rules, {drawn} drawn; re-run from the seed matches: {verified}"
    )
    return (f"draw 7 of {n // 1000}k experts", cost, base, TARGET)


def _timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> int:
    setup_django()
    started = time.perf_counter()
    name, cost, base, target = bench_expert_draw(int(os.environ.get("BENCH_EXPERTS", POOL)))
    print(f"  (pool built and measured in {time.perf_counter() - started:.1f}s)")
    ratio = cost / base if base else float("inf")
    ok = ratio <= target
    print(f"{'benchmark':<36}{'time':>10}{'baseline':>11}{'ratio':>9}{'target':>9}")
    print(
        f"{name:<36}{cost:>9.3f}s{base:>10.3f}s{ratio:>8.1f}×{'≤':>3}{target:>5.0f}× "
        f"{'ok' if ok else 'SLOW'}"
    )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
