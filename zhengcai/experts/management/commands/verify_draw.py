"""Re-run an expert draw from its revealed seed and compare with what was recorded."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengcai.experts.models import DrawRequest
from zhengcai.experts.services import draw_verify


class Command(BaseCommand):
    help = "复核专家抽取：用公开的随机种子重新抽取，与记录比对（退出码 1 表示不一致）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("draw_id", type=int)
        parser.add_argument("--seed", help="an auditor's copy of the revealed seed (64 hex)")

    def handle(self, *args: Any, **options: Any) -> None:
        draw = DrawRequest.objects.filter(pk=options["draw_id"]).first()
        if draw is None:
            raise CommandError("抽取申请不存在")
        report = draw_verify(draw, seed=options.get("seed"))
        self.stdout.write(f"抽取 #{draw.pk}：承诺值 {draw.seed_hash}")
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"一致：种子与承诺值相符，{report.rounds_checked} 轮抽取均可复现。"
                )
            )
            return
        for problem in report.problems:
            self.stdout.write(self.style.ERROR(problem))
        raise SystemExit(1)
