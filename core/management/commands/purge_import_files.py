from typing import Any

from django.core.management.base import BaseCommand

from core.imports import file_ttl_seconds, purge_expired


class Command(BaseCommand):
    help = "删除过期的导入上传文件和进度文件（安全要求 13：上传文件过期即删除）。可由定时任务每小时运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        removed = purge_expired()
        self.stdout.write(f"已删除 {removed} 个超过 {file_ttl_seconds() // 60} 分钟的导入文件。")
