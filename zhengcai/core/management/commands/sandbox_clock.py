"""Move the demo's sandbox clock (never production): `manage.py sandbox_clock --advance 3d`."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengcai.core import clock, sandbox
from zhengcai.core.errors import DomainError

SPAN = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")


def parse_span(text: str) -> dt.timedelta:
    m = SPAN.fullmatch(text.strip())
    if not text.strip() or m is None:
        raise CommandError("时长格式如 3d、12h、1d6h、90m")
    d, h, mi = (int(x or 0) for x in m.groups())
    return dt.timedelta(days=d, hours=h, minutes=mi)


class Command(BaseCommand):
    help = "Show or move the sandbox clock forward, firing every timed check on the way."

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--advance", help="how far: 3d, 12h, 1d6h, 90m")
        group.add_argument("--to", help="target time, ISO 8601 (Asia/Shanghai if no zone)")
        parser.add_argument("--as", dest="username", default="admin", help="platform admin")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["advance"] and not options["to"]:
            st = sandbox.sandbox_status()
            state = "启用" if st["enabled"] else "未启用（生产环境）"
            self.stdout.write(f"沙盒时钟{state}：平台时间 {st['now']:%Y-%m-%d %H:%M:%S}")
            return
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"没有用户 {options['username']}")
        kwargs: dict[str, Any] = {}
        if options["advance"]:
            kwargs["by"] = parse_span(options["advance"])
        else:
            try:
                target = dt.datetime.fromisoformat(options["to"])
            except ValueError as exc:
                raise CommandError("目标时间格式应为 2026-12-01T09:00") from exc
            kwargs["to"] = target if target.tzinfo else target.replace(tzinfo=clock.SHANGHAI)
        try:
            result = sandbox.sandbox_advance(actor=user, **kwargs)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"平台时间 {result.before:%Y-%m-%d %H:%M} → {result.after:%Y-%m-%d %H:%M}，"
            f"经过 {result.steps} 个到期时点，执行定时检查 {result.handled} 项"
        )
