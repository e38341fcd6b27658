"""Load the 品目分类目录: the shipped file, or the full official catalogue from Excel.

    python manage.py load_catalog                   # data/pinmu.csv shipped with zhengcai
    python manage.py load_catalog --file 目录.xlsx  # columns 编码 / 品目编码, 名称 / 品目名称

Idempotent: creates missing codes, renames changed ones; parents are inferred from the codes.
"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengcai.catalog import services
from zhengcai.catalog.data_file import shipped_items
from zhengcai.catalog.excel import read_official_catalogue
from zhengcai.core.errors import DomainError


class Command(BaseCommand):
    help = "Load the 政府采购品目分类目录 (shipped excerpt, or the official Excel with --file)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", help="official catalogue .xlsx (columns 编码, 名称)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["file"]:
            path = Path(options["file"])
            if not path.is_file():
                raise CommandError(f"文件不存在：{path}")
            rows, problems = read_official_catalogue(path.read_bytes())
            if problems:
                for p in problems[:50]:
                    self.stderr.write(f"第 {p.row} 行 {p.column}：{p.message}")
                raise CommandError(f"文件有 {len(problems)} 处问题，未导入任何品目")
            source = path.name
        else:
            rows, source = shipped_items(), "pinmu.csv"
        try:
            result = services.items_load(actor=None, rows=rows, source=source)
        except DomainError as exc:
            raise CommandError(f"未导入任何品目：{exc.message}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"品目分类目录（{source}）：新增 {result.created}，更新 {result.updated}，"
                f"未变 {result.unchanged}"
            )
        )
