"""Inspection records (D1, D2, D5, D7) and their review (D3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from inspections import services
from inspections.choices import Confirmation, FollowUpAction, PointOutcome, RecordStatus
from inspections.models import InspectionRecord, ResultCategory
from inspections.tests.factories import build_task, complete_values, submitted
from tasks.models import Task


def events(record: InspectionRecord) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="inspections.inspectionrecord", object_id=str(record.pk)
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_one_record_per_locked_subject_with_every_checklist_point(
    task: Task, records: list[InspectionRecord], staff: User
) -> None:
    assert len(records) == 4  # classes A and B of 8 subjects at 100 %
    assert all(r.status == RecordStatus.DRAFT for r in records)
    assert all(r.team_draw is not None for r in records)
    assert [row.text for row in records[0].checklist.all()] == [
        "是否按批准用途使用土地",
        "是否存在未批先建",
    ]
    assert services.generate_records(staff, task) == 0  # already there: nothing new


def test_records_need_a_locked_draw(
    staff: User, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> None:
    from tasks.services import TaskValues, create_task

    item = make_item("ZR-NODRAW")
    task = create_task(
        staff,
        TaskValues(
            name="未抽取",
            trigger="adhoc",
            reason="x",
            item_ids=[item.pk],
            window_start=dt.date(2026, 1, 1),
            window_end=dt.date(2026, 12, 31),
        ),
    )
    with pytest.raises(ValidationError, match="锁定"):
        services.generate_records(staff, task)


def test_team_member_inspector_is_found_by_my_records(
    records: list[InspectionRecord], inspector: User
) -> None:
    # 吴检查 is one of four inspectors; teams of 4 put everyone on every subject
    assert set(InspectionRecord.objects.mine(inspector)) == set(records)


def test_draft_is_submitted_approved_and_takes_effect(
    record: InspectionRecord, inspector: User, head: User
) -> None:
    record = submitted(record, inspector)
    assert record.status == RecordStatus.SUBMITTED
    assert record.submitted_by == inspector
    record = services.approve_record(
        head, record, "同意", feedback_on=timezone.localdate(), feedback_method="in_person"
    )
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    assert record.effective_at is not None
    assert record.reviewed_by == head
    assert record.feedback_method == "in_person"
    assert record.follow_up_due is None  # 无需后续处置
    assert record.follow_up_closed_at is not None
    assert events(record) == [
        "inspection.record_created",
        "inspection.record_saved",
        "inspection.submitted",
        "inspection.approved",
    ]


def test_return_needs_a_reason_and_the_record_can_be_submitted_again(
    record: InspectionRecord, inspector: User, head: User
) -> None:
    record = submitted(record, inspector)
    with pytest.raises(ValidationError, match="原因"):
        services.return_record(head, record, "  ")
    record = services.return_record(head, record, "请补充现场照片")
    assert record.status == RecordStatus.RETURNED
    assert record.return_reason == "请补充现场照片"
    record = services.submit_record(inspector, record)
    assert record.status == RecordStatus.SUBMITTED
    assert "inspection.returned" in events(record)
    event = AuditEvent.objects.get(action="inspection.returned")
    assert event.reason == "请补充现场照片"


def test_wrong_states_are_refused_with_a_clear_message(
    record: InspectionRecord, inspector: User, head: User
) -> None:
    with pytest.raises(ValidationError, match="只适用于“已提交待审核”"):
        services.approve_record(head, record)
    with pytest.raises(ValidationError, match="只适用于“已提交待审核”"):
        services.return_record(head, record, "x")
    record = submitted(record, inspector)
    with pytest.raises(ValidationError, match="只适用于“填写中、已退回补充核查”"):
        services.submit_record(inspector, record)
    with pytest.raises(ValidationError, match="只适用于"):
        services.save_record(inspector, record, complete_values(record))
    services.approve_record(head, record)
    with pytest.raises(ValidationError, match="当前为“已审核生效”"):
        services.return_record(head, record, "再查")
    with pytest.raises(ValidationError, match="当前为“已审核生效”"):
        services.mark_address_unreachable(inspector, record)


def test_incomplete_record_cannot_be_submitted(record: InspectionRecord, inspector: User) -> None:
    with pytest.raises(ValidationError) as exc:
        services.submit_record(inspector, record)
    text = "；".join(exc.value.messages)
    assert "检查结果" in text
    assert "核查方式" in text
    assert "2 个检查要点" in text
    assert "确认或拒签" in text


def test_adverse_result_needs_a_follow_up_action(record: InspectionRecord, inspector: User) -> None:
    values = complete_values(record, "not_disclosed")
    values.follow_up_action = FollowUpAction.NONE
    services.save_record(inspector, record, values)
    with pytest.raises(ValidationError, match="须选择后续处置措施"):
        services.submit_record(inspector, record)


def test_refusal_to_sign_needs_who_when_and_why(record: InspectionRecord, inspector: User) -> None:
    values = complete_values(record)
    values.confirmation = Confirmation.REFUSED
    values.confirmed_by_name = ""
    with pytest.raises(ValidationError) as exc:
        services.save_record(inspector, record, values)
    assert set(exc.value.message_dict) == {"confirmed_by_name", "refusal_reason"}
    values.confirmed_by_name, values.refusal_reason = "张法人", "对检查结论有异议"
    record = services.save_record(inspector, record, values)
    assert record.confirmation == Confirmation.REFUSED


def test_only_inspectors_fill_and_only_the_unit_head_reviews(
    record: InspectionRecord, staff: User, inspector: User, head: User, housing: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.save_record(staff, record, complete_values(record))
    with pytest.raises(PermissionDenied):
        services.save_record(housing, record, complete_values(record))
    record = submitted(record, inspector)
    with pytest.raises(PermissionDenied):
        services.approve_record(inspector, record)
    with pytest.raises(PermissionDenied):
        services.approve_record(staff, record)


def test_address_unreachable_is_one_click(record: InspectionRecord, inspector: User) -> None:
    record = services.mark_address_unreachable(inspector, record)
    record.refresh_from_db()
    assert record.result is not None
    assert record.result.name == "通过登记的住所（经营场所）无法联系"
    assert record.method_list == ["on_site"]
    assert record.confirmation == Confirmation.UNREACHABLE
    assert record.follow_up_action == FollowUpAction.FEEDBACK
    assert record.inspected_on == timezone.localdate()
    assert "无法联系" in record.onsite_notes
    assert {row.outcome for row in record.checklist.all()} == {PointOutcome.NOT_APPLICABLE}
    assert services.completeness_errors(record) == []
    services.submit_record(inspector, record)
    assert "inspection.address_unreachable" in events(record)


def test_refusing_inspection_is_a_result_recorded_as_such(
    record: InspectionRecord, inspector: User
) -> None:
    refusal = ResultCategory.objects.filter(refusal=True).values_list("name", flat=True)
    assert set(refusal) == {"不配合检查情节严重", "公示信息隐瞒真实情况、弄虚作假"}
    values = complete_values(record, "refused_inspection")
    values.follow_up_action = FollowUpAction.FEEDBACK
    record = services.save_record(inspector, record, values)
    assert record.result is not None
    assert record.result.refusal


def test_administrators_can_extend_results_and_switched_off_ones_are_refused(
    record: InspectionRecord, inspector: User
) -> None:
    ResultCategory.objects.create(code="custom", name="本地新增类别", sort_order=999)
    services.save_record(inspector, record, complete_values(record, "custom"))
    ResultCategory.objects.filter(code="custom").update(is_active=False)
    with pytest.raises(ValidationError, match="有效的检查结果"):
        services.save_record(inspector, record, complete_values(record, "custom"))


def test_entry_after_the_task_window_is_marked_late(
    staff: User,
    inspector: User,
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
) -> None:
    today = timezone.localdate()
    task = build_task(
        staff,
        make_item,
        make_subjects,
        window=(today - dt.timedelta(days=40), today - dt.timedelta(days=1)),
    )
    services.generate_records(staff, task)
    record = InspectionRecord.objects.filter(task=task).first()
    assert record is not None
    assert not record.late_entry
    record = submitted(record, inspector)
    assert record.late_entry
    event = AuditEvent.objects.get(action="inspection.submitted")
    assert event.after is not None
    assert event.after["late_entry"] is True


def test_entry_within_the_window_is_not_late(record: InspectionRecord, inspector: User) -> None:
    assert not submitted(record, inspector).late_entry


def test_task_completes_only_when_every_record_is_reviewed_and_gets_a_summary(
    records: list[InspectionRecord], staff: User, inspector: User, head: User
) -> None:
    from django.core.exceptions import ValidationError

    from tasks import summary
    from tasks.choices import TaskStatus

    task = records[0].task
    with pytest.raises(ValidationError, match="未审核生效"):
        summary.complete_task(staff, task)
    for record in records:
        submitted(record, inspector)
        services.approve_record(head, record)
    result = summary.complete_task(staff, task)
    task.refresh_from_db()
    assert task.status == TaskStatus.COMPLETED
    assert result.figures["approved"] == len(records)
    assert f"审核生效 {len(records)} 份" in result.text
    edited = summary.edit_summary(staff, result, result.text + "\n主要问题：无。")
    assert edited.text.endswith("主要问题：无。")
    assert summary.summary_docx(edited)[:2] == b"PK"
    with pytest.raises(ValidationError, match="当前为"):
        summary.complete_task(staff, task)
