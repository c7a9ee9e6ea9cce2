"""Importing a notice: replacing rows, marking the year official, the command, the audit trail."""

from __future__ import annotations

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from audit.models import AuditEvent
from audit.services import verify_chain
from workdays import services
from workdays.choices import DayKind, YearStatus
from workdays.models import CalendarDay, CalendarYear
from workdays.tests.conftest import FIXTURES


@pytest.mark.django_db
def test_import_marks_the_year_official_and_audits_every_row(notice_2027: str) -> None:
    assert services.year_status(2027) == YearStatus.PROVISIONAL
    row, parsed = services.import_notice(None, 2027, notice_2027, "年度导入")
    assert row.is_official
    assert row.notice_reference == "国办发明电〔2026〕9号"
    assert services.year_status(2027) == YearStatus.OFFICIAL
    assert CalendarDay.objects.filter(calendar_year=row, is_archived=False).count() == 34
    assert AuditEvent.objects.filter(action="workdays.day_created").count() == 34
    event = AuditEvent.objects.get(action="workdays.notice_imported")
    assert event.after is not None
    assert event.after["holidays"] == 28
    assert event.reason == "年度导入"
    assert verify_chain().intact


@pytest.mark.django_db
def test_reimport_archives_the_old_rows_instead_of_deleting(notice_2027: str) -> None:
    services.import_notice(None, 2027, notice_2027)
    services.import_notice(
        None, 2027, notice_2027.replace("六、中秋节：9月15日（周三）放假，共1天。\n", "")
    )
    assert CalendarDay.objects.filter(is_archived=True).count() == 34
    assert CalendarDay.objects.filter(is_archived=False).count() == 33
    assert AuditEvent.objects.filter(action="workdays.day_archived").count() == 34
    assert services.is_workday(date(2027, 9, 15))


@pytest.mark.django_db
def test_import_with_errors_saves_nothing(notice_2027: str) -> None:
    with pytest.raises(ValidationError):
        services.import_notice(None, 2027, notice_2027.replace("共3天", "共4天", 1))
    assert not CalendarYear.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="workdays.").exists()


@pytest.mark.django_db
def test_add_and_archive_a_day_are_audited() -> None:
    day = services.add_day(
        None,
        year=2027,
        day=date(2027, 9, 3),
        kind=DayKind.HOLIDAY,
        name="纪念日",
        reason="特别安排",
    )
    services.archive_day(None, day, "录入错误")
    actions = list(
        AuditEvent.objects.filter(action__startswith="workdays.")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["workdays.year_created", "workdays.day_created", "workdays.day_archived"]
    day.refresh_from_db()
    assert day.is_archived
    assert day.archived_reason == "录入错误"


@pytest.mark.django_db
def test_archive_needs_a_reason() -> None:
    day = services.add_day(
        None, year=2027, day=date(2027, 9, 3), kind=DayKind.HOLIDAY, name="纪念日"
    )
    with pytest.raises(ValidationError):
        services.archive_day(None, day, " ")


@pytest.mark.django_db
def test_makeup_workday_must_be_a_weekend_day() -> None:
    with pytest.raises(ValidationError):
        services.add_day(
            None, year=2027, day=date(2027, 9, 3), kind=DayKind.MAKEUP_WORKDAY, name="x"
        )


@pytest.mark.django_db
def test_a_date_can_only_be_active_once() -> None:
    services.add_day(None, year=2027, day=date(2027, 9, 3), kind=DayKind.HOLIDAY, name="纪念日")
    with pytest.raises(ValidationError):
        services.add_day(None, year=2027, day=date(2027, 9, 3), kind=DayKind.HOLIDAY, name="重复")


@pytest.mark.django_db
def test_year_official_mark_is_audited_and_revocable_with_reason(notice_2027: str) -> None:
    services.import_notice(None, 2027, notice_2027)
    with pytest.raises(ValidationError):
        services.set_year_official(None, 2027, False, "")
    services.set_year_official(None, 2027, False, "通知被更正")
    assert services.year_status(2027) == YearStatus.PROVISIONAL
    assert AuditEvent.objects.filter(
        action="workdays.year_unofficial", reason="通知被更正"
    ).exists()
    services.set_year_official(None, 2027, True)
    assert services.year_status(2027) == YearStatus.OFFICIAL


@pytest.mark.django_db
def test_empty_year_cannot_be_marked_official() -> None:
    with pytest.raises(ValidationError, match="尚无节假日数据"):
        services.set_year_official(None, 2028, True)


@pytest.mark.django_db
def test_command_dry_run_previews_without_saving() -> None:
    out = StringIO()
    call_command(
        "import_holiday_notice",
        "--year",
        "2027",
        str(FIXTURES / "notice_2027.txt"),
        "--dry-run",
        stdout=out,
    )
    assert "2027-10-09 周六 调休上班日 国庆节" in out.getvalue()
    assert "未保存" in out.getvalue()
    assert not CalendarDay.objects.exists()


@pytest.mark.django_db
def test_command_imports_and_audits_as_cli() -> None:
    call_command(
        "import_holiday_notice",
        "--year",
        "2027",
        str(FIXTURES / "notice_2027.txt"),
        stdout=StringIO(),
    )
    assert services.year_status(2027) == YearStatus.OFFICIAL
    assert AuditEvent.objects.get(action="workdays.notice_imported").channel == "cli"


@pytest.mark.django_db
def test_command_refuses_a_bad_notice(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("一、元旦：1月1日（周四）放假，共1天。", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "import_holiday_notice",
            "--year",
            "2027",
            str(bad),
            stdout=StringIO(),
            stderr=StringIO(),
        )
    assert not CalendarDay.objects.exists()
