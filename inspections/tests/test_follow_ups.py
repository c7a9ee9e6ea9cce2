"""Follow-up (D4): deadlines in working days, re-check, case, transfer with acknowledgement,
criminal referral, and the overdue lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from inspections import follow_ups, services
from inspections.choices import FollowUpKind, FollowUpStatus
from inspections.follow_ups import FollowUpValues
from inspections.models import FollowUp, InspectionRecord
from inspections.tests.factories import submitted
from organisations.models import Department

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.fixture
def effective(record: InspectionRecord, inspector: User, head: User) -> InspectionRecord:
    """An approved record whose result calls for a rectification order."""
    return services.approve_record(head, submitted(record, inspector, "not_disclosed"))


def test_follow_up_deadline_counts_working_days_across_national_day(
    record: InspectionRecord, inspector: User, head: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = submitted(record, inspector, "not_disclosed")
    monday = dt.datetime(2026, 9, 28, 10, 0, tzinfo=CST)
    monkeypatch.setattr(timezone, "now", lambda: monday)
    record = services.approve_record(head, record)
    assert record.effective_at == monday
    # 9-29, 9-30; 国庆 10-1…10-7 off; 10-8, 10-9, 10-10 (调休上班) … → the 15th is 10-23
    assert record.follow_up_due == dt.date(2026, 10, 23)
    assert record.follow_up_due_provisional is False


def test_rectification_order_has_a_working_day_deadline_and_a_recheck(
    effective: InspectionRecord, inspector: User, settings: object
) -> None:
    settings.RECTIFICATION_DAYS = 15  # type: ignore[attr-defined]
    order = follow_ups.open_follow_up(
        inspector,
        effective,
        FollowUpValues(kind=FollowUpKind.RECTIFY, started_on=dt.date(2026, 9, 28)),
    )
    assert order.due == dt.date(2026, 10, 23)
    assert order.working_days == 15
    assert order.due_provisional is False
    with pytest.raises(ValidationError, match="说明复查情况"):
        follow_ups.record_recheck(inspector, order, timezone.localdate(), rectified=False)
    order = follow_ups.record_recheck(inspector, order, timezone.localdate(), rectified=True)
    assert order.status == FollowUpStatus.CLOSED
    assert order.rectified
    effective.refresh_from_db()
    assert effective.follow_up_closed_at is not None
    with pytest.raises(ValidationError, match="当前为“已办结”"):
        follow_ups.record_recheck(inspector, order, timezone.localdate(), rectified=True)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"inspection.follow_up_opened", "inspection.rechecked"} <= actions


def test_follow_up_needs_an_effective_result(record: InspectionRecord, inspector: User) -> None:
    with pytest.raises(ValidationError, match="审核生效后"):
        follow_ups.open_follow_up(inspector, record, FollowUpValues(kind=FollowUpKind.RECTIFY))


def test_case_filing_needs_a_case_number(effective: InspectionRecord, staff: User) -> None:
    with pytest.raises(ValidationError, match="案件编号"):
        follow_ups.open_follow_up(staff, effective, FollowUpValues(kind=FollowUpKind.CASE))
    case = follow_ups.open_follow_up(
        staff,
        effective,
        FollowUpValues(kind=FollowUpKind.CASE, case_number="明自然资罚立〔2026〕12号"),
    )
    assert case.due == effective.follow_up_due
    case = follow_ups.close_follow_up(staff, case, "已作出行政处罚决定")
    assert case.status == FollowUpStatus.CLOSED


def test_criminal_referral_names_the_agency(effective: InspectionRecord, staff: User) -> None:
    with pytest.raises(ValidationError, match="公安机关"):
        follow_ups.open_follow_up(staff, effective, FollowUpValues(kind=FollowUpKind.CRIMINAL))
    referral = follow_ups.open_follow_up(
        staff, effective, FollowUpValues(kind=FollowUpKind.CRIMINAL, agency="明溪县公安局")
    )
    assert referral.status == FollowUpStatus.OPEN


def test_transfer_is_acknowledged_by_the_receiving_department_only(
    effective: InspectionRecord, staff: User, head: User, housing: User
) -> None:
    target = Department.objects.get(code="DEMO-MX-ZJ")
    with pytest.raises(ValidationError, match="本部门"):
        follow_ups.open_follow_up(
            staff,
            effective,
            FollowUpValues(kind=FollowUpKind.TRANSFER, target_department_id=staff.department_id),
        )
    transfer = follow_ups.open_follow_up(
        staff, effective, FollowUpValues(kind=FollowUpKind.TRANSFER, target_department_id=target.pk)
    )
    assert transfer.status == FollowUpStatus.AWAITING_ACK
    assert FollowUp.objects.for_user(housing).filter(pk=transfer.pk).exists()
    assert not InspectionRecord.objects.for_user(housing).filter(pk=effective.pk).exists()
    for outsider in (staff, head):
        with pytest.raises(PermissionDenied):
            follow_ups.acknowledge_transfer(outsider, transfer)
    with pytest.raises(ValidationError, match="待接收部门确认"):
        follow_ups.close_follow_up(housing, transfer, "已处理")
    transfer = follow_ups.acknowledge_transfer(housing, transfer, "已接收")
    assert transfer.status == FollowUpStatus.OPEN
    assert transfer.acknowledged_by == housing
    with pytest.raises(ValidationError, match="当前为“办理中”"):
        follow_ups.acknowledge_transfer(housing, transfer)
    follow_ups.close_follow_up(housing, transfer, "已立案查处")
    assert AuditEvent.objects.filter(action="inspection.transfer_acknowledged").exists()


def test_overdue_follow_ups_and_records_are_listed_per_department(
    effective: InspectionRecord, staff: User, housing: User
) -> None:
    order = follow_ups.open_follow_up(
        staff, effective, FollowUpValues(kind=FollowUpKind.RECTIFY, started_on=dt.date(2026, 9, 28))
    )
    later = dt.date(2026, 10, 24)
    assert list(FollowUp.objects.for_user(staff).overdue(later)) == [order]
    assert not FollowUp.objects.for_user(housing).overdue(later).exists()
    assert not FollowUp.objects.for_user(staff).overdue(dt.date(2026, 10, 23)).exists()
    assert effective.follow_up_due is not None
    after_due = effective.follow_up_due + dt.timedelta(days=1)
    assert list(InspectionRecord.objects.for_user(staff).follow_up_overdue(after_due)) == [
        effective
    ]
    follow_ups.record_recheck(staff, order, timezone.localdate(), rectified=True)
    assert not FollowUp.objects.overdue(later).exists()
    assert not InspectionRecord.objects.follow_up_overdue(after_due).exists()


def test_feedback_only_follow_up_is_concluded_with_a_note(
    record: InspectionRecord, inspector: User, head: User
) -> None:
    record = services.approve_record(head, submitted(record, inspector, "address_unreachable"))
    with pytest.raises(ValidationError, match="说明"):
        follow_ups.conclude_record_follow_up(inspector, record, "")
    record = follow_ups.conclude_record_follow_up(
        inspector, record, "已反馈日常监管部门列入经营异常名录"
    )
    assert record.follow_up_closed_at is not None
    with pytest.raises(ValidationError, match="已办结"):
        follow_ups.conclude_record_follow_up(inspector, record, "再次")
