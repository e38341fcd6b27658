import datetime as dt
import importlib
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from zhengcai.accounts import demo as accounts_demo
from zhengcai.accounts.models import Organization, User
from zhengcai.core import clock, sandbox
from zhengcai.core.audit import audit_record


def seeders() -> list[Callable[[accounts_demo.DemoContext], object]]:
    """`seed(ctx)` of every app's `demo` module, in INSTALLED_APPS order (accounts first)."""
    found = []
    for app in settings.INSTALLED_APPS:
        if not app.startswith("zhengcai."):
            continue
        try:
            module = importlib.import_module(f"{app}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.demo":
                raise
            continue
        if hasattr(module, "seed"):
            found.append(module.seed)
    return found


class Command(BaseCommand):
    help = "Load the deterministic demo data set (small | city | province)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=["small", "city", "province"], default="small")
        parser.add_argument("--seed", type=int, default=20261122)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing (but print the demo accounts) if data exists",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Organization.objects.exists():
            if options["if_empty"]:
                self.stdout.write("演示数据已存在，跳过加载。")
                self._print_accounts()
                return
            raise CommandError("数据库中已有数据；演示数据只能加载到空库（删除 var/ 后重试）。")
        started = time.monotonic()
        if clock.sandbox_enabled() and not clock.is_frozen():
            # The demo lives on its sandbox clock from a fixed, officially known date.
            start = dt.datetime.fromisoformat(settings.ZHENGCAI["SANDBOX_START"])
            sandbox.sandbox_start_at(actor=None, at=start)
            self.stdout.write(f"沙盒时钟从 {start:%Y-%m-%d %H:%M} 开始（演示环境）。")
        ctx = accounts_demo.make_context(options["scale"], options["seed"])
        with transaction.atomic():
            for seeder in seeders():
                seeder(ctx)
            audit_record(
                actor=None,
                action="demo.seeded",
                after={"scale": options["scale"], "seed": options["seed"], **ctx.counts},
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据（{options['scale']}）加载完成，"
                f"用时 {time.monotonic() - started:.1f} 秒："
                f"{Organization.objects.count()} 家单位，{User.objects.count()} 个用户。"
            )
        )
        self._print_accounts()

    def _print_accounts(self) -> None:
        self.stdout.write(f"\n演示账号（密码均为 {accounts_demo.DEMO_PASSWORD}）：")
        for username, role, display, _ in accounts_demo.DEMO_ACCOUNTS:
            user = User.objects.filter(username=username).select_related("organization").first()
            where = user.organization.name if user and user.organization else "个人"
            self.stdout.write(f"  {role.label!s:<8} {username:<14} {display:<6} {where}")
