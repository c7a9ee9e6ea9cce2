from __future__ import annotations

import csv
import io
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from accounts.choices import Role
from audit.models import AuditEvent


def test_audit_admin_filters_events(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.AUDIT_ADMIN)
    response = client.get(reverse("audit:events"), {"action": "user.created", "actor": ""})
    page = response.context["page"]
    assert page.paginator.count == AuditEvent.objects.filter(action="user.created").count()
    assert all(e.action == "user.created" for e in page)


def test_audit_export_csv_follows_the_filters_and_is_itself_audited(
    client_as: Callable[[str], Client],
) -> None:
    client = client_as(Role.AUDIT_ADMIN)
    response = client.get(reverse("audit:export", args=["csv"]), {"action": "user.created"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["序号", "时间", "操作人账号"]
    assert len(rows) - 1 == AuditEvent.objects.filter(action="user.created").count()
    assert {row[5] for row in rows[1:]} == {"user.created"}
    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_label == "auditadmin"
    assert "action=user.created" in exported.reason


def test_audit_export_xlsx(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.AUDIT_ADMIN)
    response = client.get(reverse("audit:export", args=["xlsx"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    assert sheet.cell(1, 1).value == "序号"
    assert sheet.max_row - 1 == AuditEvent.objects.count()  # the export event is recorded first


def test_audit_api_lists_and_filters_events(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.AUDIT_ADMIN)
    data = client.get("/api/v1/audit-events/", {"action": "login"}).json()
    assert all(e["action"].startswith("login") for e in data["results"])
    assert client.post("/api/v1/audit-events/", {}).status_code == 405
    first = AuditEvent.objects.order_by("seq").first()
    assert first is not None
    assert client.delete(f"/api/v1/audit-events/{first.seq}/").status_code == 405
