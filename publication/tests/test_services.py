"""Publication, second-person review, withdrawal, expiry, corrections and objections (E1, E3,
E4, E6) through the services, with their audit events."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from inspections.models import InspectionRecord
from publication import services
from publication.choices import (
    Classification,
    CorrectionState,
    ObjectionDecision,
    ObjectionState,
    PublicationState,
)
from publication.content import FIELD_LABELS, personal_data_in
from publication.models import Objection, PublicationPolicy, ResultPublication
from publication.tests.factories import published
from workdays.services import add_working_days

pytestmark = pytest.mark.django_db


def _actions(obj_type: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj_type)
        .order_by("seq")
        .values_list("action", flat=True)
    )


def test_taking_effect_opens_a_publication_due_in_the_departments_working_days(
    publication: ResultPublication,
) -> None:
    today = timezone.localdate()
    assert publication.state == PublicationState.PENDING
    assert publication.effective_on == today
    assert publication.due == add_working_days(today, 20).due
    assert publication.subject_name == publication.record.subject.name
    assert publication.subject_code == publication.record.subject.uscc
    assert "publication.opened" in _actions("publication.resultpublication")


def test_a_department_policy_sets_its_own_deadline(record: InspectionRecord, staff: User) -> None:
    PublicationPolicy.objects.create(
        department=record.department, publish_days=10, correct_days=5, display_months=36
    )
    record.effective_at = timezone.make_aware(dt.datetime(2025, 9, 30, 10, 0))
    publication = services.open_publication(staff, record)
    # 国庆节 2025: 1–8 October off, Saturday 11 October a make-up workday.
    assert publication.due == dt.date(2025, 10, 21)
    assert publication.due_provisional is False


def test_a_deadline_beyond_the_official_calendar_is_provisional(
    record: InspectionRecord, staff: User
) -> None:
    record.effective_at = timezone.make_aware(dt.datetime(2031, 1, 6, 10, 0))
    publication = services.open_publication(staff, record)
    assert publication.due == dt.date(2031, 2, 3)  # 20 weekdays
    assert publication.due_provisional is True


def test_publication_needs_a_second_person(
    publication: ResultPublication, staff: User, head: User
) -> None:
    services.submit(staff, publication)
    with pytest.raises(PermissionDenied, match="另一人审核"):
        services.approve(staff, publication)
    publication.refresh_from_db()
    assert publication.state == PublicationState.IN_REVIEW
    services.approve(head, publication, "已审查，不涉密")
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert publication.reviewed_by == head
    assert publication.published_on == timezone.localdate()
    assert publication.published_late is False
    assert publication.public_until == services.add_months(timezone.localdate(), 36)
    assert ResultPublication.objects.public().filter(pk=publication.pk).exists()
    assert _actions("publication.resultpublication")[-2:] == [
        "publication.submitted",
        "publication.published",
    ]


def test_a_pending_publication_cannot_be_published_directly(
    publication: ResultPublication, head: User
) -> None:
    with pytest.raises(ValidationError, match="待审核"):
        services.approve(head, publication)


def test_the_frozen_content_is_the_whitelist_only(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    publication.refresh_from_db()
    content = publication.content
    assert set(content) == set(FIELD_LABELS) | {"version"}
    text = repr(content)
    subject = publication.record.subject
    assert subject.credit_risk_class not in {content["result"], content["subject_type"]}
    assert "credit" not in text
    assert "risk" not in text
    if subject.address:
        assert subject.address not in text
    assert all(set(i) == {"name", "certificate_no"} for i in content["inspectors"])
    assert content["inspection_type"] == "不定向抽查"
    assert content["task_code"] == publication.task.code


def test_late_publication_is_flagged(
    publication: ResultPublication, staff: User, head: User
) -> None:
    ResultPublication.objects.filter(pk=publication.pk).update(
        due=timezone.localdate() - dt.timedelta(days=1)
    )
    publication.refresh_from_db()
    assert services.counts_for(staff)["overdue"] == 1
    published(publication, staff, head)
    publication.refresh_from_db()
    assert publication.published_late is True
    assert services.counts_for(staff)["overdue"] == 0


def test_due_soon_counts(publication: ResultPublication, staff: User) -> None:
    ResultPublication.objects.filter(pk=publication.pk).update(due=timezone.localdate())
    counts = services.counts_for(staff)
    assert counts["due_soon"] == 1
    assert counts["overdue"] == 0


def test_personal_data_in_the_public_text_is_refused(
    publication: ResultPublication, staff: User
) -> None:
    with pytest.raises(ValidationError, match="手机号码"):
        services.save_draft(staff, publication, "请联系 138 1234 5678 核实")
    ResultPublication.objects.filter(pk=publication.pk).update(
        public_conclusion="负责人身份证 110101199003074514"
    )
    with pytest.raises(ValidationError, match="身份证号码"):
        services.submit(staff, publication)


def test_personal_data_detection() -> None:
    assert personal_data_in("身份证 11010119900307451X") == []  # wrong check digit
    assert personal_data_in("身份证 110101199003074514") == ["身份证号码"]
    assert personal_data_in("电话：+86-139-1234-5678") == ["手机号码"]
    assert personal_data_in("账号 6222020200112233445") == ["银行账号"]
    assert personal_data_in("统一社会信用代码 91480321MA0000001X，检查日期 2026-05-01") == []


def test_a_secret_result_is_withheld_by_the_reviewer(
    publication: ResultPublication, staff: User, head: User
) -> None:
    services.submit(staff, publication, "建议不予公示：涉及企业工艺配方")
    with pytest.raises(ValidationError):
        services.withhold(head, publication, "", "涉及商业秘密")
    services.withhold(head, publication, Classification.BUSINESS_SECRET, "涉及企业核心工艺")
    publication.refresh_from_db()
    assert publication.state == PublicationState.WITHHELD
    assert not ResultPublication.objects.public().filter(pk=publication.pk).exists()


def test_withdrawal_needs_a_reason_and_a_head(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    with pytest.raises(PermissionDenied):
        services.withdraw(staff, publication, "误发")
    with pytest.raises(ValidationError):
        services.withdraw(head, publication, " ")
    services.withdraw(head, publication, "法院判决撤销原处理决定")
    publication.refresh_from_db()
    assert publication.state == PublicationState.WITHDRAWN
    assert publication.end_reason == "法院判决撤销原处理决定"
    assert not ResultPublication.objects.public().exists()


def test_results_leave_the_public_view_when_their_period_ends(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    publication.refresh_from_db()
    assert publication.public_until is not None
    assert services.expire_ended(publication.public_until) == 0
    assert services.expire_ended(publication.public_until + dt.timedelta(days=1)) == 1
    publication.refresh_from_db()
    assert publication.state == PublicationState.EXPIRED
    assert publication.end_reason == services.EXPIRY_REASON
    event = AuditEvent.objects.filter(action="publication.expired").get()
    assert event.actor_label == services.SYSTEM_ACTOR


def test_a_correction_is_reviewed_and_shown_beside_the_original(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    publication.refresh_from_db()
    original = dict(publication.content)
    with pytest.raises(ValidationError, match="不能更正"):
        services.start_correction(staff, publication, "录入错误", {"authority": "别的部门"})
    correction = services.start_correction(
        staff, publication, "检查结论录入错误", {"conclusion": "发现问题，已责令改正"}
    )
    assert correction.due == add_working_days(timezone.localdate(), 5).due
    services.submit_correction(staff, correction)
    with pytest.raises(PermissionDenied):
        services.approve_correction(staff, correction)
    services.approve_correction(head, correction)
    publication.refresh_from_db()
    correction.refresh_from_db()
    assert correction.state == CorrectionState.PUBLISHED
    assert publication.state == PublicationState.CORRECTED
    assert publication.content == original
    shown = services.shown_content(publication)
    assert shown["conclusion"] == "发现问题，已责令改正"
    assert correction.changes["conclusion"]["before"] == original["conclusion"]


def test_an_objection_through_to_a_published_correction(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    publication.refresh_from_db()
    found = services.find_public(publication.task.code, publication.subject_code.lower())
    assert found == publication
    objection = services.receive_objection(
        found, "张经理", "13912345678", "检查当日我单位已提交整改材料，结果认定有误。"
    )
    assert objection.contact_phone == "13912345678"
    assert objection.contact_phone_masked != "13912345678"
    assert objection.state == ObjectionState.RECEIVED
    event = AuditEvent.objects.filter(action="publication.objection_received").get()
    assert "13912345678" not in repr(event.after)
    services.start_objection_review(staff, objection)
    with pytest.raises(ValidationError):
        services.decide_objection(staff, objection, ObjectionDecision.CORRECTED, "属实", changes={})
    services.decide_objection(
        staff,
        objection,
        ObjectionDecision.CORRECTED,
        "经复核，异议属实，予以更正。",
        feedback_on=timezone.localdate(),
        feedback_method="电话",
        changes={"result": "未发现问题", "conclusion": "经复核未发现问题"},
    )
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DECIDED
    correction = objection.corrections.get()
    services.submit_correction(staff, correction)
    services.approve_correction(head, correction)
    publication.refresh_from_db()
    assert publication.state == PublicationState.CORRECTED
    assert services.shown_content(publication)["conclusion"] == "经复核未发现问题"


def test_an_objection_is_refused_for_an_unpublished_result(
    publication: ResultPublication,
) -> None:
    with pytest.raises(ValidationError, match="未找到"):
        services.find_public(publication.task.code, publication.subject_code)
    with pytest.raises(ValidationError):
        services.receive_objection(publication, "张经理", "13912345678", "结果认定有误，请复核。")
    assert not Objection.objects.exists()


def test_a_maintained_objection_needs_no_correction(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    objection = services.receive_objection(
        publication, "李会计", "0598-1234567", "对检查结果有异议，请求复核。", by=staff
    )
    services.decide_objection(
        staff, objection, ObjectionDecision.MAINTAINED, "经复核，维持原结果。"
    )
    objection.refresh_from_db()
    assert objection.decision == ObjectionDecision.MAINTAINED
    assert not objection.corrections.exists()


def test_only_the_publishing_department_acts(publication: ResultPublication, housing: User) -> None:
    with pytest.raises(PermissionDenied):
        services.submit(housing, publication)


def test_policy_is_set_by_the_departments_leader(
    publication: ResultPublication, staff: User, leader: User
) -> None:
    department = publication.department
    with pytest.raises(PermissionDenied):
        services.set_policy(staff, department, 10, 5, 36)
    with pytest.raises(ValidationError):
        services.set_policy(leader, department, 0, 5, 36)
    services.set_policy(leader, department, 15, 5, 24)
    assert services.policy_for(department) == services.Policy(15, 5, 24)


def test_a_corrected_name_is_what_the_search_finds(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    publication.refresh_from_db()
    correction = services.start_correction(
        staff, publication, "名称录入错误", {"subject_name": "明溪县更正后名称有限公司"}
    )
    services.submit_correction(staff, correction)
    services.approve_correction(head, correction)
    publication.refresh_from_db()
    assert publication.subject_name == "明溪县更正后名称有限公司"
    assert publication.content["subject_name"] != publication.subject_name
