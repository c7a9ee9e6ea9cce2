"""The same journey through the API, and the review steps through the CLI."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from audit.models import AuditEvent
from inspections.choices import RecordStatus
from inspections.models import InspectionRecord
from inspections.tests.factories import complete_values, submitted


def test_api_journey_fill_submit_return_approve_follow_up(
    record: InspectionRecord, client_as: Callable[[str], Client]
) -> None:
    inspector = client_as(Role.INSPECTOR)
    base = f"/api/v1/inspection-records/{record.pk}"
    values = complete_values(record, "not_disclosed")
    payload = {
        "inspected_on": timezone.localdate().isoformat(),
        "methods": ["on_site"],
        "onsite_notes": "现场检查",
        "confirmation": "refused",
        "confirmed_by_name": "张法人",
        "confirmed_at": timezone.now().isoformat(),
        "result": "not_disclosed",
        "follow_up_action": "rectify",
        "checklist": [{"id": pk, "finding": "fail", "note": ""} for pk in values.checklist],
    }
    bad = inspector.post(f"{base}/fill/", payload, content_type="application/json")
    assert bad.status_code == 400
    assert "refusal_reason" in bad.json() or "拒签理由" in bad.content.decode()
    payload["refusal_reason"] = "对检查结论有异议"
    filled = inspector.post(f"{base}/fill/", payload, content_type="application/json")
    assert filled.status_code == 200, filled.content
    assert filled.json()["result"] == "not_disclosed"
    assert inspector.post(f"{base}/submit/").json()["status"] == RecordStatus.SUBMITTED
    head = client_as(Role.UNIT_HEAD)
    assert head.post(f"{base}/return/", {}, content_type="application/json").status_code == 400
    returned = head.post(f"{base}/return/", {"reason": "补充照片"}, content_type="application/json")
    assert returned.json()["status"] == RecordStatus.RETURNED
    inspector.post(f"{base}/submit/")
    approved = head.post(f"{base}/approve/", {"note": "同意"}, content_type="application/json")
    assert approved.status_code == 200
    assert approved.json()["effective_at"]
    assert approved.json()["follow_up_due"]
    staff = client_as(Role.BUSINESS_STAFF)
    created = staff.post(
        "/api/v1/follow-ups/",
        {"record": record.pk, "kind": "rectify"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    follow_up = created.json()["id"]
    recheck = staff.post(
        f"/api/v1/follow-ups/{follow_up}/recheck/",
        {"rechecked_on": timezone.localdate().isoformat(), "rectified": True},
        content_type="application/json",
    )
    assert recheck.json()["status"] == "closed"
    assert AuditEvent.objects.filter(action="inspection.approved", channel="api").exists()


def test_api_refuses_wrong_state(
    record: InspectionRecord, client_as: Callable[[str], Client]
) -> None:
    head = client_as(Role.UNIT_HEAD)
    response = head.post(
        f"/api/v1/inspection-records/{record.pk}/approve/", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "只适用于" in response.content.decode()


def test_schema_lists_the_endpoints(client_as: Callable[[str], Client]) -> None:
    schema = client_as(Role.BUSINESS_STAFF).get("/api/schema/").content.decode()
    assert "/api/v1/inspection-records/{id}/approve/" in schema
    assert "/api/v1/follow-ups/{id}/acknowledge/" in schema


def test_cli_review_steps(record: InspectionRecord, inspector: object) -> None:
    submitted(record, inspector)  # type: ignore[arg-type]
    with pytest.raises(CommandError, match="原因"):
        call_command("inspection", "return", str(record.pk), "--user", "unithead")
    call_command(
        "inspection", "return", str(record.pk), "--user", "unithead", "--reason", "补充核查"
    )
    call_command("inspection", "submit", str(record.pk), "--user", "inspector")
    with pytest.raises(CommandError, match="科室负责人"):
        call_command("inspection", "approve", str(record.pk), "--user", "inspector")
    call_command("inspection", "approve", str(record.pk), "--user", "unithead")
    record.refresh_from_db()
    assert record.status == RecordStatus.APPROVED
    event = AuditEvent.objects.get(action="inspection.approved")
    assert event.channel == "cli"
    with pytest.raises(CommandError, match="无权查看"):
        call_command("inspection", "submit", str(record.pk), "--user", "housing")


def test_cli_one_click_unreachable_and_follow_up(
    records: list[InspectionRecord], capsys: pytest.CaptureFixture[str]
) -> None:
    from inspections.models import FollowUp

    record = records[1]
    call_command("inspection", "unreachable", str(record.pk), "--user", "inspector")
    call_command("inspection", "submit", str(record.pk), "--user", "inspector")
    call_command("inspection", "approve", str(record.pk), "--user", "unithead")
    with pytest.raises(CommandError, match="案件编号"):
        call_command("inspection", "follow-up", str(record.pk), "--user", "staff", "--kind", "case")
    call_command(
        "inspection",
        "follow-up",
        str(record.pk),
        "--user",
        "staff",
        "--kind",
        "case",
        "--case-number",
        "明自然资罚〔2026〕12号",
    )
    assert "已登记后续处置" in capsys.readouterr().out
    assert FollowUp.objects.filter(record=record, case_number="明自然资罚〔2026〕12号").exists()
