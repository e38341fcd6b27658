import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from config.api import api


def openapi_text() -> str:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document (committed as docs/openapi.json and diffed by the tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default="docs/openapi.json")

    def handle(self, *args: Any, **options: Any) -> None:
        Path(options["path"]).write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"wrote {options['path']}")
