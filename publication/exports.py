"""Exports of publications: the department's working list, and the public columns of
国家企业信用信息公示系统 for published results (issue 6, part 7)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from publication.models import ResultPublication
from publication.services import shown_content

LIST_HEADERS = [
    "检查对象",
    "统一社会信用代码",
    "任务编号",
    "任务名称",
    "公示部门",
    "结果生效日期",
    "应公示日期",
    "期限按暂定日历",
    "状态",
    "公示日期",
    "逾期公示",
    "公示截止日期",
    "撤下或不予公示原因",
]

# 国家企业信用信息公示系统 · 抽查检查信息: the public columns, one row per subject and task.
NATIONAL_HEADERS = [
    "统一社会信用代码",
    "市场主体名称",
    "抽查计划编号",
    "抽查计划名称",
    "抽查任务编号",
    "抽查任务名称",
    "抽查类型",
    "抽查机关",
    "抽查完成日期",
    "抽查结果",
]


def list_row(p: ResultPublication) -> list[Any]:
    return [
        p.subject_name,
        p.subject_code,
        p.task.code,
        p.task.name,
        p.department.name,
        p.effective_on,
        p.due,
        "是" if p.due_provisional else "",
        p.get_state_display(),
        p.published_on or "",
        "是" if p.published_late else "",
        p.public_until or "",
        p.end_reason,
    ]


def national_row(p: ResultPublication) -> list[Any]:
    """The currently shown content (corrections applied), in the national system's columns."""
    shown = shown_content(p)
    result = shown["result"]
    if shown.get("follow_up"):
        result = f"{result}（{shown['follow_up']}）"
    return [
        shown["subject_code"],
        shown["subject_name"],
        shown["plan_number"],
        shown["plan_name"],
        shown["task_code"],
        shown["task_name"],
        shown["inspection_type"],
        shown["authority"],
        shown["completed_on"],
        result,
    ]


def basename(prefix: str) -> str:
    return f"{prefix}-{timezone.localdate():%Y%m%d}"
