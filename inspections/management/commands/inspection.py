from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import User
from audit import context
from audit.choices import Channel
from inspections import follow_ups, services
from inspections.choices import FollowUpKind
from inspections.models import InspectionRecord


class Command(BaseCommand):
    help = (
        "检查记录步骤：unreachable（一键住所无法联系）、submit（提交）、approve（审核通过，结果生效）、"
        "return（退回补充核查）、follow-up（登记后续处置：责令改正、立案、移送、涉嫌犯罪移送）。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "step", choices=["submit", "approve", "return", "unreachable", "follow-up"]
        )
        parser.add_argument("record_id", type=int)
        parser.add_argument("--user", required=True, help="以该用户身份操作（用户名）")
        parser.add_argument("--reason", default="", help="退回原因、审核意见或处置说明")
        parser.add_argument("--kind", choices=FollowUpKind.values, help="后续处置类型（follow-up）")
        parser.add_argument("--case-number", default="", help="立案编号")
        parser.add_argument("--agency", default="", help="涉嫌犯罪移送的机关")

    def handle(self, *args: Any, **options: Any) -> None:
        context.channel.set(Channel.CLI)
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"找不到可用的用户：{options['user']}")
        record = InspectionRecord.objects.for_user(user).filter(pk=options["record_id"]).first()
        if record is None:
            raise CommandError("找不到该检查记录，或该用户无权查看。")
        step, reason = options["step"], options["reason"]
        try:
            if step == "submit":
                record = services.submit_record(user, record)
            elif step == "unreachable":
                record = services.mark_address_unreachable(user, record)
            elif step == "follow-up":
                follow_up = follow_ups.open_follow_up(
                    user,
                    record,
                    follow_ups.FollowUpValues(
                        kind=options["kind"] or "",
                        description=reason,
                        case_number=options["case_number"],
                        agency=options["agency"],
                    ),
                )
                self.stdout.write(f"已登记后续处置 {follow_up.pk}：{follow_up.get_kind_display()}")
            elif step == "approve":
                record = services.approve_record(user, record, reason)
            else:
                record = services.return_record(user, record, reason)
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            raise CommandError("；".join(messages)) from exc
        self.stdout.write(
            self.style.SUCCESS(f"检查记录 {record.pk} 现为“{record.get_status_display()}”。")
        )
