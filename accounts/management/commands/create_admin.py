from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts import services
from accounts.choices import ADMIN_ROLES
from audit import context
from audit.choices import Channel


class Command(BaseCommand):
    help = (
        "创建三员账户（系统、安全或审计管理员）。新部署用它创建第一个系统管理员；操作记入审计日志。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=sorted(ADMIN_ROLES))
        parser.add_argument("--full-name", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        password = getpass.getpass("密码：")
        if password != getpass.getpass("再次输入密码："):
            raise CommandError("两次输入的密码不一致。")
        try:
            user = services.create_user(
                None,
                username=options["username"],
                password=password,
                full_name=options["full_name"],
                roles=[options["role"]],
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已创建 {user.username}。首次登录时须绑定动态口令。")
