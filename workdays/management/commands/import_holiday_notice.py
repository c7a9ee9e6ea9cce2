from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit import context
from audit.choices import Channel
from workdays import services
from workdays.notice import ParsedNotice, parse_notice


class Command(BaseCommand):
    help = (
        "导入国务院办公厅《关于XXXX年部分节假日安排的通知》：解析通知文本，预览后保存为该年度的"
        "官方节假日和调休上班日（原有记录归档），全部写入审计日志。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="通知所属年度，如 2027")
        parser.add_argument("file", help="通知全文（UTF-8 文本文件），- 表示标准输入")
        parser.add_argument("--dry-run", action="store_true", help="只解析和预览，不保存")
        parser.add_argument("--reason", default="", help="写入审计日志的说明")

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        year: int = options["year"]
        text = self._read(options["file"])
        parsed = parse_notice(text, year)
        self._preview(parsed)
        if not parsed.ok:
            raise CommandError("通知未能完整解析，未保存。")
        if options["dry_run"]:
            self.stdout.write("试运行（--dry-run）：未保存。")
            return
        try:
            services.import_notice(None, year, text, options["reason"] or "命令行导入")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"已导入 {year} 年通知，该年度已标记为官方数据。"))

    def _read(self, name: str) -> str:
        if name == "-":
            import sys

            return sys.stdin.read()
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"找不到文件：{name}")
        try:
            return path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise CommandError("文件不是 UTF-8 编码，请另存为 UTF-8 后重试。") from exc

    def _preview(self, parsed: ParsedNotice) -> None:
        if parsed.title:
            self.stdout.write(f"{parsed.title} {parsed.reference}".strip())
        for item in parsed.items:
            stated = f"（通知：共{item.stated_total}天）" if item.stated_total is not None else ""
            self.stdout.write(
                f"  {item.number}、{item.name}：放假 {item.holidays} 天{stated}，"
                f"调休上班 {item.makeup_workdays} 天"
            )
        for day in parsed.days:
            line = f"{day.day:%Y-%m-%d} {day.weekday_name} {day.kind_label} {day.name}"
            self.stdout.write(f"    {line}")
        for warning in parsed.warnings:
            self.stdout.write(self.style.WARNING(f"注意：{warning}"))
        for error in parsed.errors:
            self.stderr.write(self.style.ERROR(f"错误：{error}"))
        self.stdout.write(
            f"合计：法定节假日 {len(parsed.holidays)} 天，"
            f"调休上班日 {len(parsed.makeup_workdays)} 天。"
        )
