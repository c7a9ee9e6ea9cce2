"""The whitelist (E3, security 15–16): the only way an inspection result becomes public content.

`public_content` copies named fields into a plain dict; nothing else of the record, the subject
or the inspectors ever reaches the portal. Natural persons' address, phone, ID number and bank
account are not among them, inspectors appear as name and 执法证号, and the credit-risk class
is never included. `personal_data_in` is the safety net for free text a person typed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from core.checkdigits import id_number_error

if TYPE_CHECKING:
    from inspections.models import InspectionRecord
    from tasks.models import Task

CONTENT_VERSION = 1

# The fields of `content`, with their public labels; corrections may change the editable ones.
FIELD_LABELS = {
    "subject_name": "检查对象名称",
    "subject_code": "统一社会信用代码",
    "subject_type": "对象类型",
    "plan_number": "抽查计划编号",
    "plan_name": "抽查计划名称",
    "task_code": "抽查任务编号",
    "task_name": "抽查任务名称",
    "inspection_type": "抽查类型",
    "authority": "抽查机关",
    "joint_departments": "联合抽查部门",
    "items": "抽查事项",
    "inspected_on": "检查日期",
    "completed_on": "抽查完成日期",
    "result": "抽查结果",
    "follow_up": "后续处置",
    "conclusion": "检查结论说明",
    "inspectors": "检查人员（姓名、执法证号）",
}
CORRECTABLE_FIELDS = ("result", "follow_up", "conclusion", "inspected_on", "subject_name")

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
BANK_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])\d{16,19}(?![0-9A-Za-z])")


def personal_data_in(text: str) -> list[str]:
    """Names of the kinds of personal data found in `text` (ID number, mobile, bank account)."""
    found = []
    if any(id_number_error(m.group(0)) is None for m in ID_NUMBER.finditer(text)):
        found.append("身份证号码")
    if MOBILE.search(text):
        found.append("手机号码")
    if BANK_ACCOUNT.search(text.replace(" ", "")) and "身份证号码" not in found:
        found.append("银行账号")
    return found


def plan_number(task: Task) -> str:
    entry = task.plan_entry
    if entry is None:
        return ""
    plan = entry.plan
    return f"{plan.department.code}-{plan.year}-JH{entry.seq:02d}"


def inspection_type(task: Task) -> str:
    from tasks.choices import RANDOM_TRIGGERS

    return "不定向抽查" if task.trigger in RANDOM_TRIGGERS else "定向检查"


def public_content(record: InspectionRecord, conclusion: str) -> dict[str, Any]:
    from tasks.models import TeamMember

    task = record.task
    subject = record.subject
    members = (
        TeamMember.objects.filter(
            team_draw_id=record.team_draw_id, subject_id=record.subject_id, active=True
        )
        .exclude(inspector=None)
        .order_by("substitute", "pk")
        .values_list("inspector__name", "inspector__certificate_no")
    )
    entry = task.plan_entry
    return {
        "version": CONTENT_VERSION,
        "subject_name": subject.name,
        "subject_code": subject.uscc,
        "subject_type": subject.subject_type.name,
        "plan_number": plan_number(task),
        "plan_name": entry.plan.title if entry is not None else "",
        "task_code": task.code,
        "task_name": task.name,
        "inspection_type": inspection_type(task),
        "authority": task.department.name,
        "joint_departments": [d.name for d in task.participants.order_by("code")],
        "items": [i.name for i in task.items.order_by("code")],
        "inspected_on": record.inspected_on.isoformat() if record.inspected_on else "",
        "completed_on": record.effective_at.date().isoformat() if record.effective_at else "",
        "result": record.result.name if record.result else "",
        "follow_up": record.get_follow_up_action_display() if record.follow_up_action else "",
        "conclusion": conclusion,
        "inspectors": [{"name": n, "certificate_no": c} for n, c in members],
    }


def displayed(content: dict[str, Any], corrections: list[dict[str, Any]]) -> dict[str, Any]:
    """The content as currently shown: the original with each published correction applied."""
    shown = dict(content)
    for changes in corrections:
        for name, change in changes.items():
            shown[name] = change["after"]
    return shown
