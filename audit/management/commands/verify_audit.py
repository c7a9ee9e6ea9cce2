from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from audit.services import verify_chain


class Command(BaseCommand):
    help = "重新计算审计日志哈希链：完整时退出码为 0，否则指出第一条被改动、删除或调换的事件并返回非 0。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--expect-head",
            metavar="SEQ:HASH",
            help="另行保存的链头检查点（如打印归档的 audit_checkpoint 输出），用于发现末尾事件被删除",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expect = None
        if options["expect_head"]:
            seq, _, digest = options["expect_head"].partition(":")
            if not seq.isdigit() or not digest:
                raise CommandError("--expect-head 的格式应为 序号:摘要，例如 1024:66c7f0…")
            expect = (int(seq), digest)
        report = verify_chain(expect)
        if report.problem is None:
            self.stdout.write(
                f"审计链完整：已校验 {report.checked} 条事件，链头 #{report.last_seq} {report.last_hash}"
            )
            return
        raise CommandError(
            f"审计链校验失败（第 {report.problem.seq} 号，{report.problem.kind}）：{report.problem.message}；"
            f"此前 {report.checked} 条事件完整"
        )
