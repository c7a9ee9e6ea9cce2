"""The command-line side of imports: `manage.py import_items|import_subjects|import_inspectors`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import context
from audit.choices import Channel
from core import import_tools, imports

SHOWN_ERRORS = 50


class TerminalProgress:
    """A text progress bar on stderr: 导入进度 [########------------]  40%  40000/100000."""

    def __init__(self, stream: Any, width: int = 30) -> None:
        self.stream, self.width = stream, width

    def __call__(self, done: int, total: int | None) -> None:
        if total:
            share = min(done / total, 1.0)
            filled = int(share * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            self.stream.write(f"\r处理进度 [{bar}] {share:4.0%}  {done}/{total}")
        else:
            self.stream.write(f"\r已处理 {done} 行")
        self.stream.flush()

    def end(self) -> None:
        self.stream.write("\n")
        self.stream.flush()


class ImportCommand(BaseCommand):
    label = ""
    make_spec: Callable[[Any, Any], imports.ImportSpec]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="要导入的 .xlsx 或 .csv 文件")
        parser.add_argument("--department", required=True, help="部门机构代码，例如 DEMO-MX-ZRZY")
        parser.add_argument("--dry-run", action="store_true", help="只校验并预览，不写入任何数据")
        parser.add_argument("--user", help="记入变更留痕的操作人用户名（默认为系统）")
        parser.add_argument("--errors-out", help="有错误时把错误报告写入此 .xlsx 文件")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args: Any, **options: Any) -> None:
        from accounts.models import User
        from organisations.models import Department

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        department = Department.objects.filter(code=options["department"]).first()
        if department is None:
            raise CommandError(f"部门机构代码“{options['department']}”不存在")
        actor = None
        if options.get("user"):
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"用户“{options['user']}”不存在")
        progress = None if options["no_progress"] else TerminalProgress(sys.stderr)
        token = context.channel.set(Channel.CLI)
        try:
            result = imports.run_import(
                type(self).make_spec(department, actor),
                path,
                commit=not options["dry_run"],
                filename=path.name,
                progress=progress,
            )
        except imports.ImportRejected as exc:
            raise CommandError(str(exc)) from exc
        finally:
            context.channel.reset(token)
            if progress is not None:
                progress.end()
        self._report(result, options)

    def _report(self, result: imports.ImportResult, options: dict[str, Any]) -> None:
        summary = (
            f"{self.label}：共 {result.rows} 行，新增 {result.created} 条，更新 {result.updated} 条，"
            f"无变化 {result.unchanged} 条，错误 {result.error_count} 处，用时 {result.seconds:.1f} 秒"
        )
        self.stdout.write(summary)
        for change in result.samples[:10] if options["dry_run"] else []:
            action = "新增" if change.action == "create" else "更新"
            self.stdout.write(f"  第 {change.row} 行 {action} {change.code}")
        if result.error_count:
            for error in result.errors[:SHOWN_ERRORS]:
                self.stderr.write(f"  {error}")
            if result.error_count > SHOWN_ERRORS:
                self.stderr.write(f"  ……另有 {result.error_count - SHOWN_ERRORS} 处错误")
            if options.get("errors_out"):
                Path(options["errors_out"]).write_bytes(import_tools.error_report_xlsx(result))
                self.stderr.write(f"错误报告已写入 {options['errors_out']}")
            raise CommandError("文件有错误，未导入任何数据（全部或全不）。请修改后重新导入。")
        if options["dry_run"]:
            self.stdout.write(self.style.WARNING("试运行（--dry-run）：未写入任何数据。"))
        else:
            self.stdout.write(self.style.SUCCESS("导入完成。"))
