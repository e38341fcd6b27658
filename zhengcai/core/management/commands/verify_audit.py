from typing import Any

from django.core.management.base import BaseCommand, CommandError

from zhengcai.core.audit import verify_chain


class Command(BaseCommand):
    help = "Walk the audit hash chain; exit non-zero naming the first broken entry."

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.problem is not None:
            raise CommandError(
                f"审计链校验失败：第 {report.problem.seq} 条 — {report.problem.reason}"
                f"（此前 {report.checked} 条完好）"
            )
        self.stdout.write(
            self.style.SUCCESS(f"审计链完好：共 {report.checked} 条，链头 {report.head}")
        )
