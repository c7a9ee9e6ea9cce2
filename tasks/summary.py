"""抽查工作总结 (D6): figures computed from the task's own data, a generated draft text that the
department edits, and a Word export. Completing a task needs every record reviewed."""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from docx import Document

from accounts.choices import Role
from accounts.models import User
from accounts.scope import can_edit_department_data
from audit.services import record_event
from tasks.choices import DrawStatus, TaskStatus
from tasks.models import Task, TaskSummary


def figures(task: Task) -> dict[str, Any]:
    from inspections.choices import RecordStatus
    from inspections.models import FollowUp, InspectionRecord

    draw = task.draws.filter(status__in=[DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED]).first()
    records = InspectionRecord.objects.filter(task=task).select_related("result")
    approved = [r for r in records if r.status == RecordStatus.APPROVED]
    results = Counter(r.result.name for r in approved if r.result is not None)
    return {
        "pool": draw.pool_count if draw else 0,
        "drawn": draw.selections.filter(is_substitute=False).count() if draw else 0,
        "voided_draws": task.draws.filter(status=DrawStatus.VOIDED).count(),
        "records": records.count(),
        "approved": len(approved),
        "problems": sum(1 for r in approved if r.result is not None and r.result.adverse),
        "late_entries": sum(1 for r in records if r.late_entry),
        "results": dict(results.most_common()),
        "follow_ups": FollowUp.objects.filter(record__task=task).count(),
        "departments": 1 + task.participants.count(),
    }


def draft_text(task: Task, data: dict[str, Any]) -> str:
    lines = [
        f"{task.name}（任务编号 {task.code}）由{task.department.name}牵头"
        + (
            f"，{data['departments'] - 1} 个部门配合，实行部门联合抽查"
            if data["departments"] > 1
            else ""
        )
        + f"，检查期限 {task.window_start:%Y年%m月%d日} 至 {task.window_end:%Y年%m月%d日}。",
        f"从 {data['pool']} 户候选对象中随机抽取 {data['drawn']} 户，抽取记录已公开可查"
        + (f"；期间经批准作废重抽 {data['voided_draws']} 次" if data["voided_draws"] else "")
        + "。",
        f"共形成检查记录 {data['records']} 份，审核生效 {data['approved']} 份，发现问题 {data['problems']} 户"
        + (f"，补录 {data['late_entries']} 份" if data["late_entries"] else "")
        + "。",
    ]
    if data["results"]:
        lines.append(
            "检查结果：" + "；".join(f"{k} {v} 户" for k, v in data["results"].items()) + "。"
        )
    lines.append(f"登记后续处置 {data['follow_ups']} 件。")
    lines.append("（请补充：工作中发现的主要问题、经验做法和下一步工作打算。）")
    return "\n".join(lines)


def complete_task(by: User, task: Task) -> TaskSummary:
    """Close the task once every record is reviewed; the summary draft is generated."""
    from inspections.choices import RecordStatus
    from inspections.models import InspectionRecord

    if not (can_edit_department_data(by, task.department_id) and by.has_role(Role.BUSINESS_STAFF)):
        raise PermissionDenied("只有牵头部门的业务人员可以办结任务")
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status != TaskStatus.LOCKED:
            raise ValidationError(
                f"任务当前为“{task.get_status_display()}”，名单锁定并检查完毕后才能办结"
            )
        records = InspectionRecord.objects.filter(task=task)
        if not records.exists():
            raise ValidationError("任务还没有检查记录，不能办结")
        open_records = records.exclude(status=RecordStatus.APPROVED).count()
        if open_records:
            raise ValidationError(f"还有 {open_records} 份检查记录未审核生效，不能办结")
        data = figures(task)
        summary = TaskSummary.objects.create(
            task=task, figures=data, text=draft_text(task, data), created_by=by, modified_by=by
        )
        task.status = TaskStatus.COMPLETED
        task.save(update_fields=["status"])
        record_event(action="task.completed", actor=by, obj=task, after=data)
    return summary


def edit_summary(by: User, summary: TaskSummary, text: str) -> TaskSummary:
    if not (
        can_edit_department_data(by, summary.task.department_id)
        and by.has_role(Role.BUSINESS_STAFF)
    ):
        raise PermissionDenied("只有牵头部门的业务人员可以修改工作总结")
    if not text.strip():
        raise ValidationError({"text": "总结正文不能为空"})
    with transaction.atomic():
        before = summary.text
        summary.text, summary.modified_by = text.strip(), by
        summary.save(update_fields=["text", "modified_by", "modified_at"])
        record_event(
            action="task.summary_edited",
            actor=by,
            obj=summary,
            before={"text": before},
            after={"text": summary.text},
        )
    return summary


def summary_docx(summary: TaskSummary) -> bytes:
    document = Document()
    document.add_heading(f"{summary.task.name}工作总结", level=1)
    for paragraph in summary.text.split("\n"):
        document.add_paragraph(paragraph)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
