from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from audit import context
from audit.choices import Channel
from tasks import draws, teams
from tasks.models import SubjectDraw, Task


class Command(BaseCommand):
    help = (
        "命令行组织抽取（与网页、接口同一套规则）：preview 预览；commit 确定名单与参数；"
        "execute 抽取并锁定；teams 选派检查人员；recuse 回避；records 生成检查记录表；"
        "complete 办结；void 申请作废；status 查看；verify 内部核验（公开记录、揭示与假名对照表）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "step",
            choices=[
                "preview",
                "commit",
                "execute",
                "teams",
                "recuse",
                "records",
                "complete",
                "void",
                "status",
                "verify",
            ],
        )
        parser.add_argument("task", help="任务编号，如 2027-DEMO-MX-ZRZY-001")
        parser.add_argument("--user", help="以哪个账户的身份操作（须有相应角色；verify 不需要）")
        parser.add_argument(
            "--ratio",
            action="append",
            default=[],
            metavar="类别=百分比",
            help="如 A=5 B=10 C=30 D=100 lists=50（可多次）",
        )
        parser.add_argument("--count", type=int)
        parser.add_argument("--substitutes", type=int, default=2)
        parser.add_argument(
            "--weighted", action="store_true", help="按信用加权抽取（规则见 docs/lifecycle.md）"
        )
        parser.add_argument("--min-team-size", type=int, default=2)
        parser.add_argument("--reason", default="")
        parser.add_argument(
            "--member", type=int, help="回避：检查组成员编号（见接口 team-members）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        task = Task.objects.filter(code=options["task"]).first()
        if options["step"] == "verify" and task is not None:
            self._verify(task)
            return
        user = User.objects.filter(username=options["user"] or "", is_active=True).first()
        if user is None or task is None:
            raise CommandError("找不到该账户或任务编号")
        try:
            self._run(options["step"], user, task, options)
        except (ValidationError, PermissionDenied) as exc:
            message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(message) from exc

    def _verify(self, task: Task) -> None:
        from tasks.verification import verify_draw

        failed = []
        drawn = task.draws.exclude(record__isnull=True).order_by("number")
        if not drawn.exists():
            raise CommandError("该任务还没有完成的抽取")
        for draw in drawn:
            self.stdout.write(f"第 {draw.number} 次抽取（{draw.get_status_display()}）")
            report = verify_draw(draw)
            for check in report.checks:
                mark = "通过" if check.ok else "未通过"
                self.stdout.write(f"  [{mark}] {check.name}：{check.message}")
            for note in report.notes:
                self.stdout.write(f"  [提示] {note}")
            if not report.ok:
                failed.append(draw.number)
        if failed:
            raise CommandError(f"第 {'、'.join(map(str, failed))} 次抽取核验未通过")
        self.stdout.write("全部核验通过")

    def _settings(self, options: dict[str, Any]) -> draws.DrawSettings:
        ratios: dict[str, Decimal | None] = {}
        for text in options["ratio"]:
            key, _, value = text.partition("=")
            try:
                ratios[key.strip()] = Decimal(value)
            except ArithmeticError as exc:
                raise CommandError(f"比例“{text}”格式不正确，应为 类别=百分比") from exc
        return draws.DrawSettings(
            ratios=ratios,
            count=options["count"],
            substitutes=options["substitutes"],
            weighted=options["weighted"],
        )

    def _live(self, task: Task) -> SubjectDraw:
        draw = task.draws.exclude(status="voided").order_by("-number").first()
        if draw is None:
            raise CommandError("该任务还没有抽取")
        return draw

    def _run(self, step: str, user: User, task: Task, options: dict[str, Any]) -> None:
        if step == "preview":
            result = draws.preview(task, self._settings(options))
            for s in result.strata:
                self.stdout.write(
                    f"{s['name']}：名单 {s['population']}，排除 {s['excluded']}，抽取 {s['size']}"
                )
            self.stdout.write(f"预计抽取 {result.expected} 户（候选 {result.pool_count} 户）")
            self.stdout.write(
                f"信用加权规则：{result.credit.rule}；{result.credit.raised_by_results} 户因不良"
                f"检查结果提高了权重（{'本次按权重抽取' if result.credit.applied else '本次未加权'}）"
            )
        elif step == "commit":
            draw = draws.prepare_draw(user, task, self._settings(options))
            self.stdout.write(f"已承诺：{draw.commitment_digest or '（待见证人提交承诺值）'}")
        elif step == "execute":
            draw = draws.execute_draw(user, self._live(task))
            self.stdout.write(f"已抽取并锁定，种子 {draw.seed}")
        elif step == "teams":
            team_draw = teams.draw_teams(
                user, self._live(task), teams.TeamSettings(min_team_size=options["min_team_size"])
            )
            self.stdout.write(
                f"已选派检查人员：{team_draw.members.count()} 人次，种子 {team_draw.seed}"
            )
        elif step in ("recuse", "records", "complete"):
            self._after_draw(step, user, task, options)
        elif step == "void":
            draws.request_void(user, self._live(task), options["reason"])
            self.stdout.write("作废申请已提交，待分管领导审批")
        else:
            draw = self._live(task)
            self.stdout.write(
                json.dumps(
                    {
                        "number": draw.number,
                        "status": draw.status,
                        "commitment": draw.commitment_digest,
                        "seed": draw.seed,
                    },
                    ensure_ascii=False,
                )
            )

    def _after_draw(self, step: str, user: User, task: Task, options: dict[str, Any]) -> None:
        from inspections.services import generate_records
        from tasks.models import TeamMember
        from tasks.summary import complete_task

        if step == "recuse":
            member = TeamMember.objects.filter(pk=options["member"], team_draw__task=task).first()
            if member is None:
                raise CommandError("请用 --member 指定本任务检查组中的成员编号")
            recusal = teams.recuse(user, member, options["reason"])
            self.stdout.write(f"已回避，由 {recusal.replacement} 替换（第 {recusal.step} 步）")
        elif step == "records":
            self.stdout.write(f"已生成检查记录表 {generate_records(user, task)} 份")
        else:
            complete_task(user, task)
            self.stdout.write("任务已办结，已生成工作总结初稿")
