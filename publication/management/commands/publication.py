from __future__ import annotations

import csv
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import User
from audit import context
from audit.choices import Channel
from audit.services import record_event
from publication import exports, services
from publication.choices import Classification
from publication.models import ResultPublication

STEPS = ["list", "submit", "approve", "return", "withhold", "withdraw", "expire", "export-national"]


class Command(BaseCommand):
    help = (
        "检查结果公示：list（待公示、逾期清单）、submit（提交审核）、approve（另一人审核并公示）、"
        "return（退回）、withhold（不予公示）、withdraw（撤下）、expire（撤下公示期满的结果，"
        "每日运行）、export-national（按国家企业信用信息公示系统的列导出已公示结果，CSV）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("step", choices=STEPS)
        parser.add_argument("publication_id", type=int, nargs="?")
        parser.add_argument("--user", help="以该用户身份操作（用户名）；expire 不需要")
        parser.add_argument("--reason", default="", help="审核意见、退回或撤下原因")
        parser.add_argument("--classification", choices=Classification.values)
        parser.add_argument("--overdue", action="store_true", help="list：只列已逾期未公示")

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        step = options["step"]
        if step == "expire":
            done = services.expire_ended()
            self.stdout.write(self.style.SUCCESS(f"已撤下公示期满的结果 {done} 条。"))
            return
        user = User.objects.filter(username=options["user"] or "", is_active=True).first()
        if user is None:
            raise CommandError(f"请用 --user 指定可用的用户（{options['user'] or '未指定'}）")
        visible = ResultPublication.objects.for_user(user).select_related("task", "department")
        if step == "list":
            self._list(visible, options["overdue"])
            return
        if step == "export-national":
            self._export(user, visible)
            return
        publication = visible.filter(pk=options["publication_id"]).first()
        if publication is None:
            raise CommandError("找不到该公示，或该用户无权查看。")
        reason = options["reason"]
        transitions = {
            "submit": lambda: services.submit(user, publication, reason),
            "approve": lambda: services.approve(user, publication, reason),
            "return": lambda: services.return_for_changes(user, publication, reason),
            "withhold": lambda: services.withhold(
                user, publication, options["classification"] or "", reason
            ),
            "withdraw": lambda: services.withdraw(user, publication, reason),
        }
        try:
            publication = transitions[step]()
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("；".join(messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"公示 {publication.pk} 现为“{publication.get_state_display()}”。")
        )

    def _list(self, visible: Any, overdue_only: bool) -> None:
        today = timezone.localdate()
        rows = visible.overdue(today) if overdue_only else visible.open()
        for p in rows.order_by("due", "pk"):
            late = " 已逾期" if p.due < today else ""
            provisional = "（暂定）" if p.due_provisional else ""
            self.stdout.write(
                f"{p.pk}\t{p.get_state_display()}\t应公示 {p.due}{provisional}{late}\t"
                f"{p.subject_name}\t{p.task.code}"
            )

    def _export(self, user: User, visible: Any) -> None:
        rows = visible.public().prefetch_related("corrections").order_by("published_on", "pk")
        record_event(
            action="publication.national_exported",
            actor=user,
            after={"format": "csv", "rows": rows.count(), "channel": "cli"},
        )
        writer = csv.writer(self.stdout)
        writer.writerow(exports.NATIONAL_HEADERS)
        for p in rows.iterator(chunk_size=2000):
            writer.writerow(exports.national_row(p))
