from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from audit.models import AuditChainHead


class Command(BaseCommand):
    help = "打印审计链当前链头（序号:摘要），供离线留存；日后以 verify_audit --expect-head 校验。"

    def handle(self, *args: Any, **options: Any) -> None:
        head = AuditChainHead.objects.filter(pk=1).first()
        if head is None:
            self.stdout.write("0:" + "0" * 64)
        else:
            self.stdout.write(f"{head.last_seq}:{head.last_hash}")
