"""The publication journey through the pages, the API and the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from conftest import login_client
from inspections.models import InspectionRecord
from publication import exports
from publication.choices import ObjectionState, PublicationState
from publication.models import ResultPublication
from publication.tests.factories import effective, published

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    return login_client(Client(), user)


def test_the_list_shows_what_is_due_and_filters_overdue(
    publication: ResultPublication, staff: User
) -> None:
    client = _client(staff)
    page = client.get(reverse("publication:list"))
    assert page.status_code == 200
    assert publication.subject_name in page.content.decode()
    overdue = client.get(reverse("publication:list"), {"due": "overdue"})
    assert publication.subject_name not in overdue.content.decode()
    ResultPublication.objects.filter(pk=publication.pk).update(
        due=timezone.localdate() - dt.timedelta(days=2)
    )
    overdue = client.get(reverse("publication:list"), {"due": "overdue"})
    assert publication.subject_name in overdue.content.decode()
    assert "已逾期" in overdue.content.decode()
    home = client.get(reverse("core:home")).content.decode()
    assert "已逾期未公示 <strong>1</strong>" in home


def test_submit_and_review_through_the_pages(
    publication: ResultPublication, staff: User, head: User
) -> None:
    staff_client, head_client = _client(staff), _client(head)

    def url(action: str) -> str:
        return reverse("publication:action", args=[publication.pk, action])

    staff_client.post(url("save"), {"public_conclusion": "经检查，未发现问题。"})
    staff_client.post(url("submit"), {"note": ""})
    publication.refresh_from_db()
    assert publication.state == PublicationState.IN_REVIEW
    detail = staff_client.get(reverse("publication:detail", args=[publication.pk])).content.decode()
    assert "须由另一人审核" in detail
    assert "审核通过，公示" not in detail
    response = staff_client.post(url("approve"), {"note": ""}, follow=True)
    assert "另一人审核" in response.content.decode()
    publication.refresh_from_db()
    assert publication.state == PublicationState.IN_REVIEW
    head_detail = head_client.get(reverse("publication:detail", args=[publication.pk]))
    assert "审核通过，公示" in head_detail.content.decode()
    head_client.post(url("approve"), {"note": "不涉密"})
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    assert publication.content["conclusion"] == "经检查，未发现问题。"


def test_correction_and_objection_through_the_pages(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    publication.refresh_from_db()
    staff_client, head_client = _client(staff), _client(head)
    response = staff_client.post(
        reverse("publication:correction_new", args=[publication.pk]),
        {
            "reason": "检查日期录入错误",
            "verified_on": timezone.localdate().isoformat(),
            "new_inspected_on": "2026-01-05",
            **{
                f"new_{k}": v
                for k, v in publication.content.items()
                if k in ("result", "follow_up", "conclusion", "subject_name")
            },
        },
    )
    assert response.status_code == 302
    correction = publication.corrections.get()
    assert list(correction.changes) == ["inspected_on"]
    staff_client.post(reverse("publication:correction_action", args=[correction.pk, "submit"]))
    head_client.post(
        reverse("publication:correction_action", args=[correction.pk, "approve"]), {"note": ""}
    )
    publication.refresh_from_db()
    assert publication.state == PublicationState.CORRECTED
    detail = head_client.get(reverse("publication:detail", args=[publication.pk])).content.decode()
    assert "2026-01-05" in detail
    assert "检查日期" in detail

    response = staff_client.post(
        reverse("publication:objection_new", args=[publication.pk]),
        {
            "contact_name": "王会计",
            "contact_phone": "13900001111",
            "statement": "对检查结果有异议，请求复核。",
        },
    )
    objection = publication.objections.get()
    assert response["Location"] == reverse("publication:objection", args=[objection.pk])
    page = staff_client.get(response["Location"]).content.decode()
    assert "13900001111" not in page
    assert objection.contact_phone_masked in page
    staff_client.post(
        reverse("publication:objection_action", args=[objection.pk, "decide"]),
        {"decision": "maintained", "decision_text": "经复核，维持原结果。"},
    )
    objection.refresh_from_db()
    assert objection.state == ObjectionState.DECIDED


def test_exports_keep_filters_and_the_national_layout(
    publication: ResultPublication, staff: User, head: User
) -> None:
    published(publication, staff, head)
    client = _client(staff)
    response = client.get(reverse("publication:list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))  # type: ignore[attr-defined]
    assert rows[0] == exports.LIST_HEADERS
    assert rows[1][0] == publication.subject_name
    response = client.get(reverse("publication:list"), {"export": "xlsx", "layout": "national"})
    data = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == exports.NATIONAL_HEADERS
    assert values[1][0] == publication.subject_code
    assert values[1][4] == publication.task.code
    assert values[1][6] == "不定向抽查"


def test_leader_sets_the_deadline(
    publication: ResultPublication, leader: User, staff: User
) -> None:
    page = _client(staff).post(
        reverse("publication:policy"),
        {"publish_days": 10, "correct_days": 5, "display_months": 36},
    )
    assert page.status_code == 403
    response = _client(leader).post(
        reverse("publication:policy"),
        {"publish_days": 10, "correct_days": 5, "display_months": 24},
    )
    assert response.status_code == 302
    assert "10 个工作日" in _client(leader).get(reverse("publication:policy")).content.decode()


def test_the_api_journey_and_second_person_rule(
    publication: ResultPublication, staff: User, head: User
) -> None:
    staff_client, head_client = _client(staff), _client(head)
    base = f"/api/v1/publications/{publication.pk}/"
    listed = staff_client.get("/api/v1/publications/", {"due": "soon"}).json()
    assert isinstance(listed, dict | list)
    assert (
        staff_client.post(base + "submit/", {}, content_type="application/json").status_code == 200
    )
    own = staff_client.post(base + "approve/", {}, content_type="application/json")
    assert own.status_code == 403
    assert "另一人" in own.json()["detail"]
    answer = head_client.post(
        base + "approve/", {"note": "不涉密"}, content_type="application/json"
    )
    assert answer.status_code == 200
    assert answer.json()["state"] == "published"
    assert answer.json()["shown"]["task_code"] == publication.task.code
    correction = staff_client.post(
        base + "correct/",
        {"reason": "录入错误", "changes": {"conclusion": "已更正的说明"}},
        content_type="application/json",
    )
    assert correction.status_code == 201
    bad = staff_client.post(
        base + "correct/",
        {"reason": "录入错误", "changes": {"authority": "x"}},
        content_type="application/json",
    )
    assert bad.status_code == 400
    objection = staff_client.post(
        base + "object/",
        {
            "contact_name": "王会计",
            "contact_phone": "13900001111",
            "statement": "对检查结果有异议，请求复核。",
        },
        content_type="application/json",
    )
    assert objection.status_code == 201
    assert "13900001111" not in objection.content.decode()


def test_the_command_line(
    publication: ResultPublication, staff: User, head: User, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("publication", "list", "--user", "staff")
    assert publication.subject_name in capsys.readouterr().out
    call_command("publication", "submit", str(publication.pk), "--user", "staff")
    with pytest.raises(CommandError, match="另一人"):
        call_command("publication", "approve", str(publication.pk), "--user", "staff")
    call_command("publication", "approve", str(publication.pk), "--user", "unithead")
    publication.refresh_from_db()
    assert publication.state == PublicationState.PUBLISHED
    capsys.readouterr()
    call_command("publication", "export-national", "--user", "staff")
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == exports.NATIONAL_HEADERS
    assert rows[1][1] == publication.subject_name
    call_command("publication", "expire")
    assert "0 条" in capsys.readouterr().out


def test_other_departments_see_nothing(
    publication: ResultPublication, housing: User, client_as: Callable[[str], Client]
) -> None:
    client = _client(housing)
    assert client.get(reverse("publication:detail", args=[publication.pk])).status_code == 404
    assert publication.subject_name not in client.get(reverse("publication:list")).content.decode()
    assert client.get(f"/api/v1/publications/{publication.pk}/").status_code == 404


def test_the_national_export_asks_the_same_queries_for_one_row_or_many(
    records: list[InspectionRecord], inspector: User, staff: User, head: User
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publications = [effective(r, inspector, head) for r in records[:4]]
    client = _client(staff)

    def export_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                reverse("publication:list"), {"export": "csv", "layout": "national"}
            )
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        return len(captured)

    published(publications[0], staff, head)
    one = export_queries()
    for publication in publications[1:]:
        published(publication, staff, head)
    assert export_queries() == one
