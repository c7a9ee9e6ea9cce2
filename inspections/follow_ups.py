"""后续处置 (D4): 责令改正 with a working-day deadline and re-check, 立案, 移送 with the receiving
department's acknowledgement, 涉嫌犯罪移送. Each step is atomic and audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from audit.services import record_event
from inspections.choices import OPEN_FOLLOW_UP_STATUSES, FollowUpKind, FollowUpStatus, RecordStatus
from inspections.conf import follow_up_days, rectification_days
from inspections.models import FollowUp, InspectionRecord
from organisations.models import Department
from workdays.services import add_working_days

HANDLERS = (Role.BUSINESS_STAFF, Role.UNIT_HEAD, Role.INSPECTOR)
RECEIVERS = (Role.BUSINESS_STAFF, Role.UNIT_HEAD, Role.SUPERVISING_LEADER)


def can_handle(user: User, record: InspectionRecord) -> bool:
    return bool(
        user.is_active and user.has_role(*HANDLERS) and user.department_id == record.department_id
    )


def can_acknowledge(user: User, follow_up: FollowUp) -> bool:
    return bool(
        user.is_active
        and user.has_role(*RECEIVERS)
        and follow_up.target_department_id is not None
        and user.department_id == follow_up.target_department_id
    )


def _require_handler(by: User, record: InspectionRecord) -> None:
    if not can_handle(by, record):
        raise PermissionDenied("只有检查部门的业务人员、科室负责人或执法检查人员可以办理后续处置")


@dataclass
class FollowUpValues:
    kind: str
    description: str = ""
    started_on: dt.date | None = None
    case_number: str = ""
    target_department_id: int | None = None
    agency: str = ""


def _validate(record: InspectionRecord, values: FollowUpValues) -> None:
    errors: dict[str, str] = {}
    if values.kind not in FollowUpKind.values:
        errors["kind"] = "请选择处置类型"
    if values.kind == FollowUpKind.CASE and not values.case_number.strip():
        errors["case_number"] = "立案须填写案件编号"
    if values.kind == FollowUpKind.TRANSFER:
        if values.target_department_id is None:
            errors["target_department"] = "移送须选择接收部门"
        elif values.target_department_id == record.department_id:
            errors["target_department"] = "不能移送给本部门"
        elif not Department.objects.filter(pk=values.target_department_id).exists():
            errors["target_department"] = "接收部门不存在"
    if values.kind == FollowUpKind.CRIMINAL and not values.agency.strip():
        errors["agency"] = "请填写接收移送的公安机关或司法机关"
    if values.started_on and values.started_on > timezone.localdate():
        errors["started_on"] = "处置日期不能晚于今天"
    if errors:
        raise ValidationError(errors)


def open_follow_up(by: User, record: InspectionRecord, values: FollowUpValues) -> FollowUp:
    """Start a follow-up of an effective result. A rectification order is due RECTIFICATION_DAYS
    working days after it is issued; the other kinds by the record's follow-up deadline."""
    _require_handler(by, record)
    _validate(record, values)
    started = values.started_on or timezone.localdate()
    with transaction.atomic():
        record = InspectionRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != RecordStatus.APPROVED:
            raise ValidationError("检查结果审核生效后才能办理后续处置")
        if values.kind == FollowUpKind.RECTIFY:
            days = rectification_days()
            deadline = add_working_days(started, days)
            due, provisional = deadline.due, deadline.provisional
        elif record.follow_up_due is not None:
            days, due, provisional = (
                follow_up_days(),
                record.follow_up_due,
                record.follow_up_due_provisional,
            )
        else:
            days = follow_up_days()
            deadline = add_working_days(started, days)
            due, provisional = deadline.due, deadline.provisional
        follow_up = FollowUp.objects.create(
            record=record,
            kind=values.kind,
            status=(
                FollowUpStatus.AWAITING_ACK
                if values.kind == FollowUpKind.TRANSFER
                else FollowUpStatus.OPEN
            ),
            started_on=started,
            due=due,
            due_provisional=provisional,
            working_days=days,
            description=values.description.strip(),
            case_number=values.case_number.strip(),
            target_department_id=(
                values.target_department_id if values.kind == FollowUpKind.TRANSFER else None
            ),
            agency=values.agency.strip(),
            created_by=by,
            modified_by=by,
        )
        if record.follow_up_closed_at is not None:
            record.follow_up_closed_at = None
            record.save(update_fields=["follow_up_closed_at"])
        record_event(
            action="inspection.follow_up_opened",
            actor=by,
            obj=follow_up,
            after={
                "record": record.pk,
                "kind": values.kind,
                "due": due,
                "due_provisional": provisional,
                "working_days": days,
                "case_number": follow_up.case_number,
                "target_department": follow_up.target_department_id,
                "agency": follow_up.agency,
            },
        )
    return follow_up


def _locked(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().select_related("record").get(pk=follow_up.pk)


def _refuse_state(follow_up: FollowUp, *allowed: str) -> None:
    if follow_up.status not in allowed:
        names = "、".join(str(FollowUpStatus(s).label) for s in allowed)
        raise ValidationError(
            f"该后续处置当前为“{follow_up.get_status_display()}”，此操作只适用于“{names}”状态"
        )


def acknowledge_transfer(by: User, follow_up: FollowUp, note: str = "") -> FollowUp:
    """移送: a user of the receiving department confirms receipt."""
    if not can_acknowledge(by, follow_up):
        raise PermissionDenied("只有接收部门的业务人员、科室负责人或分管领导可以确认接收")
    with transaction.atomic():
        follow_up = _locked(follow_up)
        if follow_up.kind != FollowUpKind.TRANSFER:
            raise ValidationError("只有移送需要接收部门确认")
        _refuse_state(follow_up, FollowUpStatus.AWAITING_ACK)
        follow_up.status = FollowUpStatus.OPEN
        follow_up.acknowledged_by, follow_up.acknowledged_at = by, timezone.now()
        follow_up.modified_by = by
        follow_up.save()
        record_event(
            action="inspection.transfer_acknowledged",
            actor=by,
            obj=follow_up,
            before={"status": FollowUpStatus.AWAITING_ACK},
            after={"status": FollowUpStatus.OPEN, "department": by.department_id},
            reason=note,
        )
    return follow_up


def record_recheck(
    by: User, follow_up: FollowUp, rechecked_on: dt.date, rectified: bool, outcome: str = ""
) -> FollowUp:
    """责令改正的复查: the result closes the rectification order."""
    _require_handler(by, follow_up.record)
    if rechecked_on > timezone.localdate():
        raise ValidationError({"rechecked_on": "复查日期不能晚于今天"})
    if not rectified and not outcome.strip():
        raise ValidationError({"outcome": "未改正的，请说明复查情况和下一步处理"})
    with transaction.atomic():
        follow_up = _locked(follow_up)
        if follow_up.kind != FollowUpKind.RECTIFY:
            raise ValidationError("只有责令改正需要复查")
        _refuse_state(follow_up, FollowUpStatus.OPEN)
        follow_up.rechecked_on, follow_up.rectified = rechecked_on, rectified
        follow_up.outcome = outcome.strip() or ("经复查已改正" if rectified else "")
        _close(by, follow_up, "inspection.rechecked")
    return follow_up


def close_follow_up(by: User, follow_up: FollowUp, outcome: str) -> FollowUp:
    """Record the result of a case, transfer or criminal referral (the receiving department may
    record the result of a transfer too)."""
    if not (can_handle(by, follow_up.record) or can_acknowledge(by, follow_up)):
        raise PermissionDenied("只有检查部门或接收部门的相关人员可以录入处置结果")
    if not outcome.strip():
        raise ValidationError({"outcome": "请填写处置结果"})
    with transaction.atomic():
        follow_up = _locked(follow_up)
        if follow_up.kind == FollowUpKind.RECTIFY:
            raise ValidationError("责令改正须录入复查结果")
        _refuse_state(follow_up, FollowUpStatus.OPEN)
        follow_up.outcome = outcome.strip()
        _close(by, follow_up, "inspection.follow_up_closed")
    return follow_up


def _close(by: User, follow_up: FollowUp, action: str) -> None:
    now = timezone.now()
    follow_up.status, follow_up.closed_at, follow_up.closed_by = FollowUpStatus.CLOSED, now, by
    follow_up.modified_by = by
    follow_up.save()
    record_event(
        action=action,
        actor=by,
        obj=follow_up,
        before={"status": FollowUpStatus.OPEN},
        after={
            "status": FollowUpStatus.CLOSED,
            "rectified": follow_up.rectified,
            "late": timezone.localdate(now) > follow_up.due,
        },
        reason=follow_up.outcome,
    )
    record = InspectionRecord.objects.select_for_update().get(pk=follow_up.record_id)
    if not record.follow_ups.filter(status__in=OPEN_FOLLOW_UP_STATUSES).exists():
        record.follow_up_closed_at = now
        record.save(update_fields=["follow_up_closed_at"])


def conclude_record_follow_up(by: User, record: InspectionRecord, note: str) -> InspectionRecord:
    """Record that an effective result's follow-up is done (e.g. 反馈日常监管部门 or 抄告 sent)
    when no follow-up of this record is still open."""
    _require_handler(by, record)
    if not note.strip():
        raise ValidationError({"note": "请说明后续处置结果"})
    with transaction.atomic():
        record = InspectionRecord.objects.select_for_update().get(pk=record.pk)
        if record.status != RecordStatus.APPROVED:
            raise ValidationError("检查结果审核生效后才能录入后续处置结果")
        if record.follow_up_closed_at is not None:
            raise ValidationError("该记录的后续处置已办结")
        if record.follow_ups.filter(status__in=OPEN_FOLLOW_UP_STATUSES).exists():
            raise ValidationError("还有未办结的后续处置，请先录入其结果")
        record.follow_up_closed_at = timezone.now()
        record.save(update_fields=["follow_up_closed_at"])
        record_event(
            action="inspection.follow_up_concluded",
            actor=by,
            obj=record,
            after={"follow_up_closed_at": record.follow_up_closed_at},
            reason=note.strip(),
        )
    return record
