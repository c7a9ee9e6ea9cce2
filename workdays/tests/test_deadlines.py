"""Deadlines in working days across holidays and 调休, and the provisional flag."""

from __future__ import annotations

from datetime import date

import pytest

from workdays import services


@pytest.mark.django_db
def test_day_of_effect_is_day_zero() -> None:
    deadline = services.add_working_days(date(2025, 6, 3), 1)  # Tuesday
    assert deadline.due == date(2025, 6, 4)
    assert services.add_working_days(date(2025, 6, 3), 0).due == date(2025, 6, 3)


@pytest.mark.django_db
def test_deadline_skips_national_day_and_counts_makeup_saturday() -> None:
    # Effect on Friday 2025-09-26; Sunday 09-28 and Saturday 10-11 are worked, 10-01..08 are off.
    start = date(2025, 9, 26)
    assert services.add_working_days(start, 1).due == date(2025, 9, 28)
    assert services.add_working_days(start, 3).due == date(2025, 9, 30)
    assert services.add_working_days(start, 4).due == date(2025, 10, 9)
    assert services.add_working_days(start, 6).due == date(2025, 10, 11)
    deadline = services.add_working_days(start, 20)
    assert deadline.due == date(2025, 10, 30)
    assert not deadline.provisional


@pytest.mark.django_db
def test_deadline_over_spring_festival_2026() -> None:
    # Effect on Friday 2026-02-13: Saturday 02-14 is worked, 02-15..23 off, Saturday 02-28 worked.
    start = date(2026, 2, 13)
    assert services.add_working_days(start, 1).due == date(2026, 2, 14)
    assert services.add_working_days(start, 2).due == date(2026, 2, 24)
    assert services.add_working_days(start, 5).due == date(2026, 2, 27)
    assert services.add_working_days(start, 6).due == date(2026, 2, 28)
    assert services.add_working_days(start, 7).due == date(2026, 3, 2)


@pytest.mark.django_db
def test_deadline_from_a_holiday_starts_counting_after_it() -> None:
    assert services.add_working_days(date(2025, 10, 3), 1).due == date(2025, 10, 9)


@pytest.mark.django_db
def test_api_example_over_2026_national_day() -> None:
    # 2026-09-28 (Mon) + 10: 09-29, 09-30, [10-01..07 off], 10-08, 10-09, 10-10 (Sat, worked),
    # 10-12, 10-13, 10-14, 10-15, 10-16.
    assert services.add_working_days(date(2026, 9, 28), 10).due == date(2026, 10, 16)


@pytest.mark.django_db
def test_working_days_between_inverts_add_working_days() -> None:
    for start in (date(2025, 9, 26), date(2026, 2, 10), date(2026, 12, 20)):
        for n in (0, 1, 5, 15, 20):
            due = services.add_working_days(start, n).due
            assert services.working_days_between(start, due) == n
    assert services.working_days_between(date(2025, 10, 9), date(2025, 9, 26)) == -4


@pytest.mark.django_db
def test_deadline_in_a_year_without_official_data_is_provisional() -> None:
    deadline = services.add_working_days(date(2028, 9, 29), 10)
    assert deadline.provisional
    assert deadline.provisional_years == (2028,)
    assert deadline.due == date(2028, 10, 13)  # plain weekdays


@pytest.mark.django_db
def test_deadline_running_into_a_year_without_data_is_provisional() -> None:
    last = services.package_years().stop - 1
    deadline = services.add_working_days(date(last, 12, 24), 10)
    assert deadline.due.year == last + 1
    assert deadline.provisional
    assert deadline.provisional_years == (last + 1,)
    assert not services.add_working_days(date(last, 12, 1), 5).provisional


@pytest.mark.django_db
def test_provisional_flag_disappears_once_the_year_is_imported(notice_2027: str) -> None:
    before = services.add_working_days(date(2027, 9, 24), 10)  # Friday before 国庆节
    assert before.provisional
    assert before.due == date(2027, 10, 8)
    services.import_notice(None, 2027, notice_2027)
    after = services.add_working_days(date(2027, 9, 24), 10)
    assert not after.provisional
    # 09-26 (Sun, worked), 09-27..30, [10-01..07 off], 10-08, 10-09 (Sat, worked), 10-11..13
    assert after.due == date(2027, 10, 13)


@pytest.mark.django_db
def test_negative_days_are_refused() -> None:
    with pytest.raises(ValueError, match="负数"):
        services.add_working_days(date(2025, 1, 1), -1)


@pytest.mark.django_db
def test_thousands_of_deadlines_are_fast(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    import time

    services.year_calendar(2025)
    services.year_calendar(2026)
    begin = time.perf_counter()
    with django_assert_max_num_queries(0):
        for i in range(5000):
            services.add_working_days(date.fromordinal(date(2025, 1, 1).toordinal() + i % 300), 20)
    assert time.perf_counter() - begin < 5
