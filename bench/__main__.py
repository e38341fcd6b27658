"""`make bench`: speed targets as ratios against a baseline measured in the same run.

Each benchmark times the platform operation and a baseline doing the plain database work it
cannot avoid, on a fresh SQLite database under var/, and prints the ratio. The targets are
ratios, so they hold on any machine; absolute times are printed for information only.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = ROOT / "var" / "bench.sqlite3"


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


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    setup_django()
    from django.db import connection, transaction

    from zhengcai.core.audit import audit_record, verify_chain
    from zhengcai.core.models import CalendarOverride
    from zhengcai.core.workdays import WorkCalendar

    n = 5000
    results: list[tuple[str, float, float, float]] = []

    # 1. Appending to the audit chain vs. inserting the same number of plain rows.
    def audit_appends() -> None:
        for i in range(n):
            with transaction.atomic():
                audit_record(actor=None, action="bench.append", after={"i": i})

    def plain_inserts() -> None:
        with connection.cursor() as cur:
            cur.execute("CREATE TABLE IF NOT EXISTS bench_plain (id INTEGER PRIMARY KEY, v TEXT)")
        for i in range(n):
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("INSERT INTO bench_plain (v) VALUES (%s)", [str(i)])

    base = timed(plain_inserts)
    cost = timed(audit_appends)
    # Three statements (lock head, insert, update head) plus hashing, through the ORM.
    results.append(("audit append (per transaction)", cost, base, 25.0))

    # 2. Verifying the whole chain vs. reading every row.
    def read_all() -> None:
        from zhengcai.core.models import AuditEntry

        for _ in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
            pass

    base = timed(read_all)
    cost = timed(lambda: verify_chain())
    results.append((f"verify_audit over {n} entries", cost, base, 10.0))

    # 3. 20 working days from each of 1,000 start dates vs. asking chinese_calendar directly
    #    about the same days (the calendar's own overhead: overrides, fallback, roll-over).
    CalendarOverride.objects.create(date="2027-01-01", is_workday=False, name="元旦")
    cal = WorkCalendar.load()
    import datetime as dt

    starts = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(1000)]
    import chinese_calendar

    def package_only() -> None:
        for s in starts:
            d, left = s, 20
            while left:
                d += dt.timedelta(days=1)
                left -= chinese_calendar.is_workday(d)

    base = timed(package_only)
    cost = timed(lambda: [cal.add_working_days(s, 20) for s in starts])
    results.append(("add 20 working days ×1000", cost, base, 3.0))

    # 4. Drawing 7 experts from a 100,000-expert pool with conflict filters (issue 评审专家).
    from bench.expert_draw import bench_expert_draw

    results.append(bench_expert_draw())

    failed = False
    print(f"{'benchmark':<36}{'time':>10}{'baseline':>11}{'ratio':>9}{'target':>9}")
    for name, cost, base, target in results:
        ratio = cost / base if base else float("inf")
        ok = ratio <= target
        failed |= not ok
        print(
            f"{name:<36}{cost:>9.3f}s{base:>10.3f}s{ratio:>8.1f}×{'≤':>3}{target:>5.0f}× "
            f"{'ok' if ok else 'SLOW'}"
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{DB}{suffix}").unlink(missing_ok=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
