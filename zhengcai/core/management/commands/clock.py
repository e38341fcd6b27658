import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from zhengcai.core.tasks import tick


class Command(BaseCommand):
    help = "Enqueue the periodic `tick` task every N seconds (timed transitions)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=settings.ZHENGCAI["CLOCK_INTERVAL_SECONDS"]
        )
        parser.add_argument("--once", action="store_true", help="enqueue one tick and exit")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            tick.enqueue()
            if options["once"]:
                return
            time.sleep(options["interval"])
