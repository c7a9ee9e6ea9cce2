from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import data
from demo.services import current_demo_token


class Command(BaseCommand):
    help = "打印演示管理员账户当前的动态口令（仅演示环境）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", choices=sorted(data.DEMO_OTP_KEYS))

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("生产环境没有演示账户。")
        self.stdout.write(current_demo_token(options["username"]))
