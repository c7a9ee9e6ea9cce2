from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from audit import context
from audit.choices import Channel
from plans import services
from plans.choices import AdjustmentKind
from plans.models import AnnualPlan, PlanAdjustment
from plans.values import EntryValues

STEPS = ["create", "add-entry", "submit", "file", "return", "publish", "adjust", "decide", "status"]


class Command(BaseCommand):
    help = (
        "命令行办理年度计划（与网页、接口同一套规则）：create 编制；add-entry 添加条目（--json）；"
        "submit 提交；file 审核备案；return 退回；publish 公布；adjust 提出调整；decide 审批调整；status 查看。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", choices=STEPS)
        parser.add_argument("year", type=int, help="计划年度")
        parser.add_argument(
            "--user", required=True, help="以哪个账户的身份操作（计划属于该账户所在部门）"
        )
        parser.add_argument("--reason", default="", help="退回原因、备案意见、调整原因或审批意见")
        parser.add_argument(
            "--json", type=Path, help="条目内容（JSON，字段同接口 plans/{id}/entries）"
        )
        parser.add_argument("--kind", choices=AdjustmentKind.values, help="调整类型")
        parser.add_argument("--entry", type=int, help="调整的计划条目编号")
        parser.add_argument("--adjustment", type=int, help="审批的调整编号")
        parser.add_argument("--reject", action="store_true", help="审批时不批准")

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or user.department_id is None:
            raise CommandError("找不到该账户，或该账户不属于任何部门")
        try:
            message = self._run(options["step"], user, options)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(message)

    def _plan(self, user: User, year: int) -> AnnualPlan:
        plan = AnnualPlan.objects.filter(department_id=user.department_id or 0, year=year).first()
        if plan is None:
            raise CommandError(f"该账户所在部门没有 {year} 年度计划")
        return plan

    def _values(self, options: dict[str, Any]) -> EntryValues:
        if options["json"] is None:
            raise CommandError("请用 --json 给出条目内容")
        try:
            data = json.loads(options["json"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 JSON 文件：{exc}") from exc
        return EntryValues.from_json(data)

    def _run(self, step: str, user: User, options: dict[str, Any]) -> str:
        year, reason = options["year"], options["reason"]
        if step == "create":
            return f"已编制：{services.create_plan(user, year).title}"
        plan = self._plan(user, year)
        if step == "add-entry":
            return f"已添加条目 {services.add_entry(user, plan, self._values(options)).pk}"
        if step in ("adjust", "decide"):
            return self._adjustment(step, user, plan, options)
        moves = {
            "submit": lambda: services.submit_plan(user, plan),
            "file": lambda: services.file_plan(user, plan, reason),
            "return": lambda: services.return_plan(user, plan, reason),
            "publish": lambda: services.publish_plan(user, plan),
            "status": lambda: plan,
        }
        result = moves[step]()
        return f"{result.title}：{result.get_status_display()}"

    def _adjustment(self, step: str, user: User, plan: AnnualPlan, options: dict[str, Any]) -> str:
        if step == "adjust":
            kind = options["kind"] or AdjustmentKind.CHANGE
            entry = plan.entries.filter(pk=options["entry"] or 0).first()
            values = None if kind == AdjustmentKind.REMOVE else self._values(options)
            proposed = services.propose_adjustment(
                user, plan, kind, options["reason"], entry, values
            )
            return f"已提出调整 {proposed.pk}，待审批"
        adjustment = PlanAdjustment.objects.filter(plan=plan, pk=options["adjustment"] or 0).first()
        if adjustment is None:
            raise CommandError("请用 --adjustment 指定本计划的调整编号")
        decided = services.decide_adjustment(
            user, adjustment, not options["reject"], options["reason"]
        )
        return f"调整 {decided.pk}：{decided.get_status_display()}"
