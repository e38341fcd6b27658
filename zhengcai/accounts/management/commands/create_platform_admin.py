import getpass
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhengcai.accounts import services
from zhengcai.accounts.constants import Role
from zhengcai.core.errors import DomainError


class Command(BaseCommand):
    help = "Create the first platform administrator (audited like every account)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--name", default="平台管理员")
        parser.add_argument("--password", help="omit to be asked (recommended)")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("密码：")
        try:
            user = services.user_create(
                actor=None,
                username=options["username"],
                password=password,
                display_name=options["name"],
                organization=None,
                role=Role.ADMIN,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message}（{exc.code}）") from exc
        self.stdout.write(self.style.SUCCESS(f"已创建平台管理员 {user.username}"))
