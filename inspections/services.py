"""Inspection records (D1, D2, D5, D7) and their review (D3). Every write is an atomic
transition that checks the starting state, records its audit event and refuses anything else
with a clear message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from audit.services import diff, record_event, snapshot
from inspections.choices import (
    ADDRESS_UNREACHABLE,
    EDITABLE_STATUSES,
    CheckMethod,
    Confirmation,
    FeedbackMethod,
    FollowUpAction,
    PointOutcome,
    RecordStatus,
)
from inspections.conf import follow_up_days
from inspections.models import ChecklistResult, InspectionRecord, ResultCategory
from items.models import ChecklistPoint
from publication.services import open_publication
from tasks.choices import DrawStatus
from tasks.models import DrawnSubject, SubjectDraw, Task, TeamDraw
from workdays.services import add_working_days

RECORD_FIELDS = [
    "status",
    "inspected_on",
    "methods",
    "onsite_notes",
    "confirmation",
    "confirmed_by_name",
    "confirmed_at",
    "refusal_reason",
    "result_id",
    "conclusion",
    "follow_up_action",
    "late_entry",
]
UNREACHABLE_NOTES = "经实地核查，通过登记的住所（经营场所）无法联系该检查对象。"
UNREACHABLE_POINT_NOTE = "住所（经营场所）无法联系，未能检查"


# --- who may do what ---


def is_team_member(user: User, record: InspectionRecord) -> bool:
    return InspectionRecord.objects.mine(user).filter(pk=record.pk).exists()


def can_fill(user: User, record: InspectionRecord) -> bool:
    """执法检查人员 of the inspecting department, or on the record's team (joint tasks)."""
    if not (user.is_active and user.has_role(Role.INSPECTOR)):
        return False
    return user.department_id == record.department_id or is_team_member(user, record)


def can_review(user: User, record: InspectionRecord) -> bool:
    """The head (科室负责人) of the inspecting department."""
    return (
        user.is_active
        and user.has_role(Role.UNIT_HEAD)
        and user.department_id == record.department_id
    )


def _require_filler(by: User, record: InspectionRecord) -> None:
    if not can_fill(by, record):
        raise PermissionDenied("只有本检查组（本部门）的执法检查人员可以填写和提交检查记录")


def _require_reviewer(by: User, record: InspectionRecord) -> None:
    if not can_review(by, record):
        raise PermissionDenied("只有检查部门的科室负责人可以审核检查记录")


def _locked(record: InspectionRecord) -> InspectionRecord:
    return InspectionRecord.objects.select_for_update().get(pk=record.pk)


def _refuse_state(record: InspectionRecord, *allowed: str) -> None:
    if record.status not in allowed:
        names = "、".join(str(RecordStatus(s).label) for s in allowed)
        raise ValidationError(
            f"检查记录当前为“{record.get_status_display()}”，此操作只适用于“{names}”状态"
        )


def _mark_late(record: InspectionRecord) -> None:
    """补录: anything entered after the task window is marked, and stays marked."""
    if timezone.localdate() > record.task.window_end:
        record.late_entry = True


# --- generating the records of a task ---


def live_draw(task: Task) -> SubjectDraw | None:
    return task.draws.filter(status__in=(DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED)).first()


def _responsible(task: Task, selection: DrawnSubject) -> int:
    return selection.assigned_department_id or task.department_id


def generate_records(by: User, task: Task) -> int:
    """One draft record per locked (non-substitute) subject that the user's department inspects,
    with the checklist of every item of the task. Returns how many were created."""
    if not (by.has_role(Role.BUSINESS_STAFF, Role.UNIT_HEAD, Role.INSPECTOR) and by.department_id):
        raise PermissionDenied("只有检查部门的业务人员、科室负责人或执法检查人员可以生成检查记录")
    draw = live_draw(task)
    if draw is None:
        raise ValidationError("该任务还没有锁定的检查对象名单，不能生成检查记录")
    selections = [
        s
        for s in draw.selections.filter(is_substitute=False).select_related("subject")
        if _responsible(task, s) == by.department_id
    ]
    if not selections:
        raise PermissionDenied("本部门在该任务中没有需要检查的对象")
    team_draw = TeamDraw.objects.filter(subject_draw=draw, department_id=by.department_id).first()
    points = list(
        ChecklistPoint.objects.filter(item__in=task.items.all()).order_by("item_id", "seq")
    )
    with transaction.atomic():
        existing = set(
            InspectionRecord.objects.filter(task=task).values_list("subject_id", flat=True)
        )
        created = 0
        for selection in selections:
            if selection.subject_id in existing:
                continue
            record = InspectionRecord.objects.create(
                task=task,
                subject=selection.subject,
                drawn_subject=selection,
                department_id=by.department_id,
                team_draw=team_draw,
                created_by=by,
                modified_by=by,
            )
            ChecklistResult.objects.bulk_create(
                ChecklistResult(record=record, point=p, item_id=p.item_id, seq=p.seq, text=p.text)
                for p in points
            )
            record_event(
                action="inspection.record_created",
                actor=by,
                obj=record,
                after={"task": task.pk, "subject": selection.subject_id, "points": len(points)},
            )
            created += 1
    return created


# --- filling the record ---


@dataclass
class RecordValues:
    """What the inspectors enter on the record form, the API and the CLI alike."""

    inspected_on: dt.date | None = None
    methods: list[str] = field(default_factory=list)
    onsite_notes: str = ""
    confirmation: str = Confirmation.PENDING
    confirmed_by_name: str = ""
    confirmed_at: dt.datetime | None = None
    refusal_reason: str = ""
    result_code: str = ""
    conclusion: str = ""
    follow_up_action: str = ""
    checklist: dict[int, tuple[str, str]] = field(
        default_factory=dict
    )  # result pk → (outcome, note)


def _validate_values(values: RecordValues) -> dict[str, str]:
    errors: dict[str, str] = {}
    unknown = set(values.methods) - set(CheckMethod.values)
    if unknown:
        errors["methods"] = f"未知的核查方式：{'、'.join(sorted(unknown))}"
    if values.confirmation not in Confirmation.values:
        errors["confirmation"] = "请选择当事人确认情况"
    if values.confirmation in (Confirmation.SIGNED, Confirmation.REFUSED):
        if not values.confirmed_by_name.strip():
            errors["confirmed_by_name"] = "请填写签字（拒签）的当事人姓名"
        if values.confirmed_at is None:
            errors["confirmed_at"] = "请填写签字（拒签）时间"
    if values.confirmation == Confirmation.REFUSED and not values.refusal_reason.strip():
        errors["refusal_reason"] = "当事人拒绝签字的，须记录拒签理由"
    if values.follow_up_action and values.follow_up_action not in FollowUpAction.values:
        errors["follow_up_action"] = "未知的后续处置措施"
    if values.inspected_on and values.inspected_on > timezone.localdate():
        errors["inspected_on"] = "检查日期不能晚于今天"
    bad = [
        pk
        for pk, (outcome, _) in values.checklist.items()
        if outcome not in ("", *PointOutcome.values)
    ]
    if bad:
        errors["checklist"] = "检查情况只能是符合、不符合或不适用"
    return errors


def _result(code: str) -> ResultCategory | None:
    if not code:
        return None
    result = ResultCategory.objects.filter(code=code).first()
    if result is None or not result.is_active:
        raise ValidationError({"result": "请选择有效的检查结果"})
    return result


def save_record(by: User, record: InspectionRecord, values: RecordValues) -> InspectionRecord:
    """Save the form as a draft (also after a return); completeness is checked on submit."""
    _require_filler(by, record)
    errors = _validate_values(values)
    if errors:
        raise ValidationError(errors)
    result = _result(values.result_code)
    with transaction.atomic():
        record = _locked(record)
        _refuse_state(record, *EDITABLE_STATUSES)
        before = snapshot(record, RECORD_FIELDS)
        record.inspected_on = values.inspected_on
        record.methods = ",".join(m for m in CheckMethod.values if m in values.methods)
        record.onsite_notes = values.onsite_notes.strip()
        record.confirmation = values.confirmation
        record.confirmed_by_name = values.confirmed_by_name.strip()
        record.confirmed_at = values.confirmed_at
        record.refusal_reason = values.refusal_reason.strip()
        record.result = result
        record.conclusion = values.conclusion.strip()
        record.follow_up_action = values.follow_up_action
        record.modified_by = by
        _mark_late(record)
        record.save()
        checklist_changes = _save_checklist(record, values.checklist)
        changed_before, changed_after = diff(before, snapshot(record, RECORD_FIELDS))
        record_event(
            action="inspection.record_saved",
            actor=by,
            obj=record,
            before=changed_before,
            after={**changed_after, "checklist_changed": checklist_changes},
        )
    return record


def _save_checklist(record: InspectionRecord, entries: dict[int, tuple[str, str]]) -> int:
    changed = []
    for row in record.checklist.all():
        if row.pk not in entries:
            continue
        outcome, note = entries[row.pk]
        if (row.outcome, row.note) != (outcome, note.strip()):
            row.outcome, row.note = outcome, note.strip()
            changed.append(row)
    ChecklistResult.objects.bulk_update(changed, ["outcome", "note"])
    return len(changed)


def mark_address_unreachable(by: User, record: InspectionRecord) -> InspectionRecord:
    """One click for the most common adverse result (D2): 通过登记的住所（经营场所）无法联系, with
    what it implies — an on-site check, no confirmation possible, every point not applicable and
    the category's default follow-up (feedback to the daily supervisors)."""
    _require_filler(by, record)
    result = _result(ADDRESS_UNREACHABLE)
    assert result is not None
    with transaction.atomic():
        record = _locked(record)
        _refuse_state(record, *EDITABLE_STATUSES)
        before = snapshot(record, RECORD_FIELDS)
        record.result = result
        methods = set(record.method_list) | {CheckMethod.ON_SITE}
        record.methods = ",".join(m for m in CheckMethod.values if m in methods)
        record.inspected_on = record.inspected_on or timezone.localdate()
        record.confirmation = Confirmation.UNREACHABLE
        record.confirmed_by_name, record.confirmed_at, record.refusal_reason = "", None, ""
        record.onsite_notes = record.onsite_notes or UNREACHABLE_NOTES
        record.conclusion = record.conclusion or result.name
        record.follow_up_action = result.default_action or FollowUpAction.FEEDBACK
        record.modified_by = by
        _mark_late(record)
        record.save()
        record.checklist.filter(outcome="").update(
            outcome=PointOutcome.NOT_APPLICABLE, note=UNREACHABLE_POINT_NOTE
        )
        changed_before, changed_after = diff(before, snapshot(record, RECORD_FIELDS))
        record_event(
            action="inspection.address_unreachable",
            actor=by,
            obj=record,
            before=changed_before,
            after=changed_after,
        )
    return record


# --- review (D3) ---


def completeness_errors(record: InspectionRecord) -> list[str]:
    errors = []
    if record.inspected_on is None:
        errors.append("请填写检查日期")
    if not record.methods:
        errors.append("请选择核查方式")
    if record.result_id is None:
        errors.append("请选择检查结果")
    if not record.follow_up_action:
        errors.append("请选择后续处置措施")
    elif (
        record.result is not None
        and record.result.adverse
        and record.follow_up_action == FollowUpAction.NONE
    ):
        errors.append("检查结果为发现问题的，须选择后续处置措施")
    if record.confirmation == Confirmation.PENDING:
        errors.append("请记录当事人对现场检查笔录的确认或拒签情况")
    blank = record.checklist.filter(outcome="").count()
    if blank:
        errors.append(f"还有 {blank} 个检查要点未填写检查情况")
    return errors


def submit_record(by: User, record: InspectionRecord) -> InspectionRecord:
    _require_filler(by, record)
    with transaction.atomic():
        record = _locked(record)
        _refuse_state(record, *EDITABLE_STATUSES)
        errors = completeness_errors(record)
        if errors:
            raise ValidationError(errors)
        _mark_late(record)
        return _move(
            by,
            record,
            RecordStatus.SUBMITTED,
            "inspection.submitted",
            submitted_at=timezone.now(),
            submitted_by=by,
            late_entry=record.late_entry,
        )


def approve_record(
    by: User,
    record: InspectionRecord,
    note: str = "",
    feedback_on: dt.date | None = None,
    feedback_method: str = "",
) -> InspectionRecord:
    """The result takes effect now; the follow-up result is due within FOLLOW_UP_DAYS working
    days; the feedback to the subject may be recorded here or later."""
    _require_reviewer(by, record)
    _check_feedback(feedback_on, feedback_method)
    with transaction.atomic():
        record = _locked(record)
        _refuse_state(record, RecordStatus.SUBMITTED)
        now = timezone.now()
        fields: dict[str, Any] = {
            "reviewed_at": now,
            "reviewed_by": by,
            "effective_at": now,
            "return_reason": "",
            "feedback_on": feedback_on,
            "feedback_method": feedback_method,
        }
        if record.needs_follow_up:
            deadline = add_working_days(timezone.localdate(now), follow_up_days())
            fields |= {
                "follow_up_due": deadline.due,
                "follow_up_due_provisional": deadline.provisional,
            }
        else:
            fields["follow_up_closed_at"] = now
        record = _move(
            by, record, RecordStatus.APPROVED, "inspection.approved", reason=note, **fields
        )
        open_publication(by, record)
        return record


def return_record(by: User, record: InspectionRecord, reason: str) -> InspectionRecord:
    _require_reviewer(by, record)
    if not reason.strip():
        raise ValidationError({"reason": "退回补充核查须填写原因"})
    with transaction.atomic():
        record = _locked(record)
        _refuse_state(record, RecordStatus.SUBMITTED)
        return _move(
            by,
            record,
            RecordStatus.RETURNED,
            "inspection.returned",
            reason=reason.strip(),
            reviewed_at=timezone.now(),
            reviewed_by=by,
            return_reason=reason.strip(),
        )


def _check_feedback(on: dt.date | None, method: str) -> None:
    if method and method not in FeedbackMethod.values:
        raise ValidationError({"feedback_method": "未知的反馈方式"})
    if bool(on) != bool(method):
        raise ValidationError({"feedback_method": "反馈日期和反馈方式须同时填写"})
    if on and on > timezone.localdate():
        raise ValidationError({"feedback_on": "反馈日期不能晚于今天"})


def record_feedback(
    by: User, record: InspectionRecord, on: dt.date, method: str
) -> InspectionRecord:
    """The effective result was fed back to the subject (D3): date and method."""
    if not (can_review(by, record) or can_fill(by, record)):
        raise PermissionDenied("只有检查部门的科室负责人或执法检查人员可以登记结果反馈")
    if not on or not method:
        raise ValidationError({"feedback_method": "请填写反馈日期和反馈方式"})
    _check_feedback(on, method)
    with transaction.atomic():
        record = _locked(record)
        _refuse_state(record, RecordStatus.APPROVED)
        before = {"feedback_on": record.feedback_on, "feedback_method": record.feedback_method}
        record.feedback_on, record.feedback_method = on, method
        record.modified_by = by
        record.save(update_fields=["feedback_on", "feedback_method", "modified_by", "modified_at"])
        record_event(
            action="inspection.feedback_recorded",
            actor=by,
            obj=record,
            before=before,
            after={"feedback_on": on, "feedback_method": method},
        )
    return record


def _move(
    by: User,
    record: InspectionRecord,
    status: str,
    action: str,
    reason: str = "",
    **fields: Any,
) -> InspectionRecord:
    before = record.status
    record.status = status
    for name, value in fields.items():
        setattr(record, name, value)
    record.modified_by = by
    record.save()
    after: dict[str, Any] = {"status": status}
    for name in ("effective_at", "follow_up_due", "late_entry", "feedback_on"):
        if name in fields:
            after[name] = fields[name]
    record_event(
        action=action,
        actor=by,
        obj=record,
        before={"status": before},
        after=after,
        reason=reason,
    )
    return record
