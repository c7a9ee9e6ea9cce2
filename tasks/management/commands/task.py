from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from audit import context
from audit.choices import Channel
from items.models import InspectionItem
from plans.models import PlanEntry
from tasks import services
from tasks.choices import TaskTrigger


class Command(BaseCommand):
    help = "命令行创建抽查任务：由计划条目（--entry）或临时、定向（--trigger 与 --reason）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True)
        parser.add_argument("--entry", type=int, help="计划条目编号；给出时其余内容取自计划")
        parser.add_argument("--trigger", choices=TaskTrigger.values, default=TaskTrigger.ADHOC)
        parser.add_argument("--name", default="")
        parser.add_argument("--items", default="", help="事项编码，逗号分隔")
        parser.add_argument("--start", type=dt.date.fromisoformat)
        parser.add_argument("--end", type=dt.date.fromisoformat)
        parser.add_argument("--reason", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or user.department_id is None:
            raise CommandError("找不到该账户，或该账户不属于任何部门")
        try:
            values = self._values(user, options)
            task = services.create_task(user, values)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已创建任务 {task.code}：{task.name}")

    def _values(self, user: User, options: dict[str, Any]) -> services.TaskValues:
        if options["entry"]:
            entry = PlanEntry.objects.filter(
                pk=options["entry"], plan__department_id=user.department_id or 0
            ).first()
            if entry is None:
                raise CommandError("本部门没有该计划条目")
            return services.values_from_entry(entry)
        if not (options["start"] and options["end"] and options["items"] and options["name"]):
            raise CommandError("临时或定向任务须给出 --name、--items、--start、--end")
        codes = [c.strip() for c in options["items"].split(",") if c.strip()]
        items = InspectionItem.objects.in_force().filter(
            item_list__department_id=user.department_id or 0, code__in=codes
        )
        return services.TaskValues(
            name=options["name"],
            trigger=options["trigger"],
            reason=options["reason"],
            item_ids=[i.pk for i in items] or [0],
            window_start=options["start"],
            window_end=options["end"],
        )
