"""Calendar pages: every role reads, only the system administrator writes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from audit.models import AuditEvent
from workdays import services
from workdays.choices import DayKind, YearStatus
from workdays.models import CalendarDay
from workdays.tests.matrix import SAMPLES

ClientAs = Callable[[str], Client]
OTHER_ROLES = [r for r in Role.values if r != Role.SYSTEM_ADMIN]


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_role_reads_the_calendar_and_the_calculator(client_as: ClientAs, role: str) -> None:
    client = client_as(role)
    page = client.get(reverse("workdays:year", kwargs={"year": 2025}))
    assert page.status_code == 200
    assert "国庆节" in page.content.decode()
    assert client.get(reverse("workdays:calendar")).status_code == 200
    calc = client.get(reverse("workdays:deadline"), {"start": "2025-09-26", "days": "4"})
    assert calc.status_code == 200
    assert "2025年10月9日" in calc.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "workdays:calendar",
        "workdays:deadline",
        "workdays:import",
        "workdays:year",
        "workdays:day_add",
    ],
)
def test_anonymous_is_sent_to_login(client: Client, name: str) -> None:
    kwargs = SAMPLES[name]() if name in SAMPLES else {}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
def test_anonymous_post_is_sent_to_login(client: Client) -> None:
    response = client.post(
        reverse("workdays:year_official", kwargs={"year": 2027}), {"official": "1"}
    )
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHER_ROLES)
def test_only_the_system_administrator_changes_the_calendar(
    client_as: ClientAs, role: str, notice_2027: str
) -> None:
    client = client_as(role)
    assert client.get(reverse("workdays:import")).status_code == 403
    assert (
        client.post(
            reverse("workdays:import"), {"year": 2027, "text": notice_2027, "confirm": "1"}
        ).status_code
        == 403
    )
    assert client.get(reverse("workdays:day_add", kwargs={"year": 2027})).status_code == 403
    assert (
        client.post(
            reverse("workdays:year_official", kwargs={"year": 2027}), {"official": "1"}
        ).status_code
        == 403
    )
    day = services.add_day(None, year=2027, day=date(2027, 9, 3), kind=DayKind.HOLIDAY, name="x")
    assert (
        client.post(
            reverse("workdays:day_archive", kwargs={"pk": day.pk}), {"reason": "r"}
        ).status_code
        == 403
    )
    assert not CalendarDay.objects.filter(is_archived=True).exists()
    assert services.year_status(2027) == YearStatus.PROVISIONAL
    page = client.get(reverse("workdays:year", kwargs={"year": 2027})).content.decode()
    assert "导入国务院通知" not in page


@pytest.mark.django_db
def test_import_page_previews_then_confirms(client_as: ClientAs, notice_2027: str) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    preview = client.post(
        reverse("workdays:import"), {"year": 2027, "text": notice_2027, "preview": "1"}
    )
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "2027-10-09" in body
    assert "确认导入 2027 年" in body
    assert not CalendarDay.objects.exists()
    done = client.post(
        reverse("workdays:import"), {"year": 2027, "text": notice_2027, "confirm": "1"}
    )
    assert done.status_code == 302
    assert services.year_status(2027) == YearStatus.OFFICIAL
    event = AuditEvent.objects.get(action="workdays.notice_imported")
    assert event.actor is not None
    assert event.actor.username == "sysadmin"
    assert event.channel == "web"


@pytest.mark.django_db
def test_preview_of_a_bad_notice_shows_errors_and_no_confirm(client_as: ClientAs) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    text = "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。"
    page = client.post(reverse("workdays:import"), {"year": 2027, "text": text, "preview": "1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "请核对年度或日期" in body
    assert "确认导入" not in body
    forced = client.post(reverse("workdays:import"), {"year": 2027, "text": text, "confirm": "1"})
    assert forced.status_code == 200
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_admin_adds_archives_and_marks_official(client_as: ClientAs) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    added = client.post(
        reverse("workdays:day_add", kwargs={"year": 2028}),
        {"date": "2028-10-02", "kind": DayKind.HOLIDAY, "name": "国庆节"},
    )
    assert added.status_code == 302
    day = CalendarDay.objects.get()
    assert services.is_workday(date(2028, 10, 2))  # not official yet
    marked = client.post(
        reverse("workdays:year_official", kwargs={"year": 2028}), {"official": "1"}
    )
    assert marked.status_code == 302
    assert not services.is_workday(date(2028, 10, 2))
    archived = client.post(
        reverse("workdays:day_archive", kwargs={"pk": day.pk}), {"reason": "错录"}
    )
    assert archived.status_code == 302
    assert services.is_workday(date(2028, 10, 2))
    actions = set(
        AuditEvent.objects.filter(actor__username="sysadmin").values_list("action", flat=True)
    )
    assert {"workdays.day_created", "workdays.year_official", "workdays.day_archived"} <= actions


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["workdays:year_official", "workdays:day_archive"])
def test_empty_post_by_the_administrator_is_handled(client_as: ClientAs, name: str) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    response = client.post(reverse(name, kwargs=SAMPLES[name]()), {})
    assert response.status_code in (200, 302)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["workdays:import", "workdays:day_add"])
def test_empty_form_post_by_the_administrator_shows_errors(client_as: ClientAs, name: str) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    kwargs = SAMPLES[name]() if name in SAMPLES else {}
    response = client.post(reverse(name, kwargs=kwargs), {})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


@pytest.mark.django_db
def test_post_only_views_refuse_get(client_as: ClientAs) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    for name in ("workdays:year_official", "workdays:day_archive"):
        assert client.get(reverse(name, kwargs=SAMPLES[name]())).status_code == 405


@pytest.mark.django_db
def test_provisional_year_and_deadline_are_flagged_on_the_pages(client_as: ClientAs) -> None:
    client = client_as(Role.INSPECTOR)
    page = client.get(reverse("workdays:year", kwargs={"year": 2028})).content.decode()
    assert "临时" in page
    assert "provisional-flag" in page
    calc = client.get(reverse("workdays:deadline"), {"start": "2028-09-29", "days": "10"})
    body = calc.content.decode()
    assert "2028年10月13日" in body
    assert "此期限为临时结果" in body


@pytest.mark.django_db
def test_calculator_rejects_bad_input_in_chinese(client_as: ClientAs) -> None:
    page = client_as(Role.INSPECTOR).get(reverse("workdays:deadline"), {"start": "x", "days": "-1"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "日期格式应为 YYYY-MM-DD" in body
    assert "天数不能为负数" in body


@pytest.mark.django_db
def test_out_of_range_year_is_not_found(client_as: ClientAs) -> None:
    assert (
        client_as(Role.INSPECTOR).get(reverse("workdays:year", kwargs={"year": 3000})).status_code
        == 404
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_navigation_shows_the_calendar_to_every_role(client_as: ClientAs, role: str) -> None:
    page = client_as(role).get(reverse("workdays:calendar")).content.decode()
    assert f'href="{reverse("workdays:calendar")}"' in page


@pytest.mark.django_db
def test_calculator_refuses_dates_outside_the_supported_years(client_as: ClientAs) -> None:
    page = client_as(Role.INSPECTOR).get(
        reverse("workdays:deadline"), {"start": "9999-12-31", "days": "10"}
    )
    assert page.status_code == 200
    assert "日期应在 1900 至 2100 年之间" in page.content.decode()
