"""Report periods and their deadlines (seed 004 §五(五)): the monthly report by the 5th of the
next month, the half-year summary by 6 September, the annual summary by 30 November.

A deadline that falls on a rest day (weekend or public holiday, per the working-day calendar)
moves to the next working day — 《民法典》第二百零三条: 期间的最后一日是法定休假日的，以法定休假日
结束的次日为期间的最后一日. The seed itself names plain calendar dates.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from oversight.choices import ReportKind

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """A run of whole days, both ends included."""

    start: dt.date
    end: dt.date
    label: str

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes [start 00:00, day after end 00:00) in the site's time zone."""
        tz = timezone.get_current_timezone()
        return (
            dt.datetime.combine(self.start, dt.time.min, tzinfo=tz),
            dt.datetime.combine(self.end + ONE_DAY, dt.time.min, tzinfo=tz),
        )

    def to_json(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label}


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(dt.date(year, month, 1), dt.date(year, month, last), f"{year}年{month}月")


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year}年度")


def half_year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year, 6, 30), f"{year}年上半年")


def report_period(kind: str, year: int, month: int = 0) -> Period:
    if kind == ReportKind.MONTHLY:
        return month_period(year, month)
    if kind == ReportKind.HALF_YEAR:
        return half_year_period(year)
    return year_period(year)


def roll_to_working_day(day: dt.date) -> dt.date:
    if not settings.OVERSIGHT_DUE_ROLLS_TO_WORKING_DAY:
        return day
    from workdays.services import is_workday

    while not is_workday(day):
        day += ONE_DAY
    return day


def _month_day(year: int, value: str) -> dt.date:
    month, day = (int(part) for part in value.split("-"))
    return dt.date(year, month, day)


def report_due(kind: str, year: int, month: int = 0) -> dt.date:
    """The last day on which the report still counts as submitted on time."""
    if kind == ReportKind.MONTHLY:
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        day = nxt.replace(day=settings.OVERSIGHT_MONTHLY_REPORT_DAY)
    elif kind == ReportKind.HALF_YEAR:
        day = _month_day(year, settings.OVERSIGHT_HALF_YEAR_SUMMARY_DUE)
    else:
        day = _month_day(year, settings.OVERSIGHT_ANNUAL_SUMMARY_DUE)
    return roll_to_working_day(day)


def previous_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - ONE_DAY
    return first.year, first.month
