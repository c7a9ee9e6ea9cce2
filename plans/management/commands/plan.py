from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from audit import context
from audit.choices import Channel
from plans import services
from plans.models import AnnualPlan


class Command(BaseCommand):
    help = "命令行办理年度计划（与网页、接口同一套规则）：submit 提交；file 审核备案；return 退回；publish 公布；status 查看。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", choices=["submit", "file", "return", "publish", "status"])
        parser.add_argument("year", type=int, help="计划年度")
        parser.add_argument(
            "--user", required=True, help="以哪个账户的身份操作（计划属于该账户所在部门）"
        )
        parser.add_argument("--reason", default="", help="退回原因或备案意见")

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or user.department_id is None:
            raise CommandError("找不到该账户，或该账户不属于任何部门")
        plan = AnnualPlan.objects.filter(
            department_id=user.department_id, year=options["year"]
        ).first()
        if plan is None:
            raise CommandError(f"该账户所在部门没有 {options['year']} 年度计划")
        steps = {
            "submit": lambda: services.submit_plan(user, plan),
            "file": lambda: services.file_plan(user, plan, options["reason"]),
            "return": lambda: services.return_plan(user, plan, options["reason"]),
            "publish": lambda: services.publish_plan(user, plan),
            "status": lambda: plan,
        }
        try:
            result = steps[options["step"]]()
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{result.title}：{result.get_status_display()}")
