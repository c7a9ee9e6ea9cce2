from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from audit import context
from audit.choices import Channel
from demo import data
from demo.services import demo_logins, load_demo_county


class Command(BaseCommand):
    help = "加载演示县（明溪县）的组织机构、部门、各角色演示账户和两库一单演示数据。可重复运行：已有数据不变。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--quiet-logins", action="store_true", help="不打印演示账户")

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        created = load_demo_county(with_registries=True)
        if created:
            summary = "，".join(f"{k} {v}" for k, v in sorted(created.items()))
            self.stdout.write(f"演示数据已加载：新建 {summary}")
        else:
            self.stdout.write("演示数据已存在，未作改动。")
        if options["quiet_logins"]:
            return
        self.stdout.write("")
        self.stdout.write(f"演示账户（密码均为 {data.DEMO_PASSWORD}）：")
        for username, roles, where in demo_logins():
            self.stdout.write(f"  {username:<12} {roles:<16} {where}")
        self.stdout.write(
            "  三员账户登录后须输入动态口令：运行 .venv/bin/python manage.py demo_otp 用户名 获取当前口令"
        )
