from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.integrity import dangling, unchecked_references


class Command(BaseCommand):
    help = "检查数据库未设外键约束的引用（如检查对象名录库）是否都指向存在的记录；有悬空引用时以非零状态退出。"

    def handle(self, *args: Any, **options: Any) -> None:
        broken = 0
        for reference in unchecked_references():
            count, values = dangling(reference)
            if count:
                broken += count
                shown = "、".join(str(v) for v in values)
                self.stdout.write(f"✗ {reference}：{count} 行指向不存在的记录（如 {shown}）")
            elif options["verbosity"] > 1:
                self.stdout.write(f"✓ {reference}")
        if broken:
            raise CommandError(f"发现 {broken} 处悬空引用")
        self.stdout.write(f"引用完整：已检查 {len(unchecked_references())} 处无外键约束的引用")
