"""Which source answers for a year, and real dates around 国庆节 and 春节."""

from __future__ import annotations

from datetime import date

import pytest
from chinese_calendar import is_workday as package_is_workday
from chinese_calendar.constants import holidays as package_holidays

from workdays import services
from workdays.choices import DayKind, Source, YearStatus


def test_package_bounds_are_read_from_the_package() -> None:
    years = services.package_years()
    assert years.start == min(package_holidays).year
    assert years.stop - 1 == max(package_holidays).year
    assert 2026 in years


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 9, 28), True),  # Sunday, make-up workday before 国庆节
        (date(2025, 9, 30), True),
        (date(2025, 10, 1), False),
        (date(2025, 10, 6), False),  # 中秋节 inside the 国庆 break
        (date(2025, 10, 8), False),
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, make-up workday after 国庆节
        (date(2025, 10, 12), False),
        (date(2026, 2, 14), True),  # Saturday, make-up workday before 春节
        (date(2026, 2, 15), False),
        (date(2026, 2, 23), False),  # Monday, last day of 春节
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, make-up workday after 春节
        (date(2026, 3, 1), False),
    ],
)
def test_real_holidays_and_makeup_days_match_the_package(day: date, expected: bool) -> None:
    assert services.is_workday(day) is expected
    assert package_is_workday(day) is expected


@pytest.mark.django_db
def test_every_day_of_a_package_year_agrees_with_the_package() -> None:
    day = date(2025, 1, 1)
    while day.year == 2025:
        assert services.is_workday(day) == package_is_workday(day), day
        day = date.fromordinal(day.toordinal() + 1)


@pytest.mark.django_db
def test_package_years_are_official_and_later_years_provisional() -> None:
    last = services.package_years().stop - 1
    assert services.year_status(last) == YearStatus.OFFICIAL
    assert services.year_source(last) == Source.PACKAGE
    assert services.year_status(last + 2) == YearStatus.PROVISIONAL
    assert services.year_source(last + 2) == Source.WEEKDAYS


@pytest.mark.django_db
def test_year_without_data_counts_monday_to_friday() -> None:
    assert services.is_workday(date(2028, 10, 2))  # a Monday; no official data for 2028
    assert not services.is_workday(date(2028, 10, 7))  # Saturday
    assert services.year_entries(2028) == []


@pytest.mark.django_db
def test_year_entries_name_the_package_holidays_in_chinese() -> None:
    entries = {e.day: e for e in services.year_entries(2025)}
    assert entries[date(2025, 10, 1)].name == "国庆节"
    assert entries[date(2025, 10, 1)].kind == DayKind.HOLIDAY
    assert entries[date(2025, 9, 28)].kind == DayKind.MAKEUP_WORKDAY
    assert entries[date(2025, 9, 28)].source == Source.PACKAGE


@pytest.mark.django_db
def test_official_admin_table_overrides_the_package(notice_2026: str) -> None:
    # An (imagined) correction: 2026-10-08 made a holiday, 2026-10-10 no longer worked.
    changed = notice_2026.replace(
        "10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。",
        "10月1日（周四）至8日（周四）放假调休，共8天。9月20日（周日）上班。",
    )
    assert services.is_workday(date(2026, 10, 8))
    services.import_notice(None, 2026, changed)
    assert services.year_source(2026) == Source.TABLE
    assert not services.is_workday(date(2026, 10, 8))
    assert not services.is_workday(date(2026, 10, 10))
    assert services.is_workday(date(2026, 9, 20))


@pytest.mark.django_db
def test_unofficial_table_rows_do_not_override_the_package() -> None:
    services.add_day(None, year=2026, day=date(2026, 10, 8), kind=DayKind.HOLIDAY, name="草稿")
    assert services.year_source(2026) == Source.PACKAGE
    assert services.is_workday(date(2026, 10, 8))
    services.set_year_official(None, 2026, True)
    assert not services.is_workday(date(2026, 10, 8))
    # Only the table counts now: the package's 国庆节 is gone until the notice is imported.
    assert services.is_workday(date(2026, 10, 1))


@pytest.mark.django_db
def test_cache_is_cleared_when_the_table_changes(notice_2027: str) -> None:
    assert services.is_workday(date(2027, 10, 4))  # cached as a plain Monday
    services.import_notice(None, 2027, notice_2027)
    assert not services.is_workday(date(2027, 10, 4))
