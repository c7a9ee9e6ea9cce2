"""The working-day calendar the rest of the platform calls, and the audited writes that keep it.

Sources, in order of precedence, for a year Y:

1. the administrators' table (`CalendarYear`/`CalendarDay`) when Y is marked official there;
2. otherwise the `chinesecalendar` package, when Y lies within the years it covers (read from the
   package's own data, so a newer pinned version extends the range without a code change);
3. otherwise plain Monday–Friday weekdays — and every answer that depends on such a year is
   flagged *provisional*.

Active rows of an official notice whose date falls in a neighbouring year (元旦 over New Year)
apply to that year too, on top of whichever source it uses.

Counting convention: the day something takes effect is day 0; day 1 is the first working day
after it. `add_working_days(start, n)` returns the n-th working day after `start`, so a result
taking effect on a Friday before 国庆节 with n = 1 is due on the first working day after the
holiday. `working_days_between(a, b)` counts the working days d with a < d <= b, so
`working_days_between(s, add_working_days(s, n).due) == n`.

Each year's calendar is cached in memory; the services below clear the cache after each write
(and on commit), and entries expire after `CACHE_SECONDS` so other processes catch up.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from audit.services import record_event, snapshot
from workdays.choices import DayKind, Source, YearStatus
from workdays.models import MAX_YEAR, MIN_YEAR, CalendarDay, CalendarYear
from workdays.notice import ParsedNotice, parse_notice

if TYPE_CHECKING:
    from accounts.models import User

ONE_DAY = timedelta(days=1)
CACHE_SECONDS = 60.0
MAX_WORKING_DAYS = 3660


@dataclass(frozen=True)
class Deadline:
    """The due date of something that must happen within `days` working days of `start`."""

    start: date
    days: int
    due: date
    provisional: bool
    provisional_years: tuple[int, ...] = ()


@dataclass(frozen=True)
class CalendarEntry:
    """One holiday or make-up workday of a year, whatever its source."""

    day: date
    kind: str
    name: str
    source: str
    note: str = ""
    pk: int | None = None

    @property
    def kind_label(self) -> str:
        return str(DayKind(self.kind).label)


@dataclass(frozen=True)
class YearCalendar:
    year: int
    source: str
    official: bool
    holidays: dict[date, str] = field(default_factory=dict)
    makeup_workdays: dict[date, str] = field(default_factory=dict)
    notes: dict[date, tuple[str, int]] = field(default_factory=dict)

    @property
    def status(self) -> YearStatus:
        return YearStatus.OFFICIAL if self.official else YearStatus.PROVISIONAL

    def is_workday(self, d: date) -> bool:
        if d in self.makeup_workdays:
            return True
        return d.weekday() < 5 and d not in self.holidays


# --- the chinesecalendar package --------------------------------------------------------------


def package_years() -> range:
    """The years the installed `chinesecalendar` covers (empty if it is not installed)."""
    try:
        from chinese_calendar.constants import holidays
    except ImportError:  # pragma: no cover - the package is a pinned dependency
        return range(0)
    years = [d.year for d in holidays]
    return range(min(years), max(years) + 1) if years else range(0)


def _package_name(value: str) -> str:
    from chinese_calendar.constants import Holiday

    try:
        return str(Holiday(value).chinese)
    except ValueError:
        return value


def _package_days(year: int) -> tuple[dict[date, str], dict[date, str]]:
    from chinese_calendar.constants import holidays, workdays

    off = {d: _package_name(v) for d, v in holidays.items() if d.year == year}
    on = {d: _package_name(v) for d, v in workdays.items() if d.year == year}
    return off, on


# --- the cache ----------------------------------------------------------------------------------

_cache: dict[int, tuple[float, YearCalendar]] = {}
_lock = threading.Lock()


def invalidate(year: int | None = None) -> None:
    """Forget the cached calendar of `year` (of every year if None)."""
    with _lock:
        if year is None:
            _cache.clear()
        else:
            _cache.pop(year, None)


def year_calendar(year: int) -> YearCalendar:
    """The effective calendar of `year`, from the cache when fresh."""
    now = time.monotonic()
    hit = _cache.get(year)
    if hit is not None and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    calendar = _load_year(year)
    with _lock:
        _cache[year] = (now, calendar)
    return calendar


def _load_year(year: int) -> YearCalendar:
    holidays: dict[date, str] = {}
    makeup: dict[date, str] = {}
    notes: dict[date, tuple[str, int]] = {}
    if CalendarYear.objects.filter(year=year, is_official=True).exists():
        source, official = Source.TABLE, True
    elif year in package_years():
        source, official = Source.PACKAGE, True
        holidays, makeup = _package_days(year)
    else:
        source, official = Source.WEEKDAYS, False
    rows = CalendarDay.objects.filter(
        is_archived=False, date__year=year, calendar_year__is_official=True
    ).values_list("pk", "date", "kind", "name", "note")
    for pk, d, kind, name, note in rows:
        holidays.pop(d, None)
        makeup.pop(d, None)
        (holidays if kind == DayKind.HOLIDAY else makeup)[d] = name
        notes[d] = (note, pk)
    return YearCalendar(year, source, official, holidays, makeup, notes)


# --- the questions the platform asks ------------------------------------------------------------


def is_workday(d: date) -> bool:
    """Whether `d` is a working day (weekday not on holiday, or a make-up workday)."""
    return year_calendar(d.year).is_workday(d)


def year_status(year: int) -> YearStatus:
    """`official` if the year's holidays are known (table or package), else `provisional`."""
    return year_calendar(year).status


def year_source(year: int) -> Source:
    return Source(year_calendar(year).source)


def add_working_days(start: date, n: int) -> Deadline:
    """The n-th working day after `start` (the day of effect is day 0; see the module doc)."""
    if n < 0:
        raise ValueError("工作日天数不能为负数。")
    if n > MAX_WORKING_DAYS:
        raise ValueError(f"工作日天数不能超过 {MAX_WORKING_DAYS}。")
    d = start
    years = {start.year} if n == 0 else set()
    counted = 0
    while counted < n:
        d += ONE_DAY
        years.add(d.year)
        if is_workday(d):
            counted += 1
    provisional_years = tuple(sorted(y for y in years if not year_calendar(y).official))
    return Deadline(start, n, d, bool(provisional_years), provisional_years)


def working_days_between(a: date, b: date) -> int:
    """Working days d with a < d <= b (negative if b is before a)."""
    if b < a:
        return -working_days_between(b, a)
    return sum(1 for d in _days_after(a, b) if is_workday(d))


def range_is_provisional(a: date, b: date) -> bool:
    low, high = min(a, b), max(a, b)
    return any(not year_calendar(y).official for y in range(low.year, high.year + 1))


def _days_after(a: date, b: date) -> Iterator[date]:
    d = a + ONE_DAY
    while d <= b:
        yield d
        d += ONE_DAY


def year_entries(year: int) -> list[CalendarEntry]:
    """The holidays and make-up workdays of `year`, for the calendar page and the API."""
    cal = year_calendar(year)
    entries = []
    sources = ((DayKind.HOLIDAY, cal.holidays), (DayKind.MAKEUP_WORKDAY, cal.makeup_workdays))
    for kind, days in sources:
        for d, name in days.items():
            note, pk = cal.notes.get(d, ("", None))
            source = Source.TABLE if pk is not None else Source(cal.source)
            entries.append(CalendarEntry(d, kind, name, source, note, pk))
    return sorted(entries, key=lambda e: e.day)


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError({"year": f"年度应在 {MIN_YEAR} 至 {MAX_YEAR} 之间。"})


# --- audited writes -------------------------------------------------------------------------------


class _Write:
    """Clear the cache around a write: now (so this process sees it) and again on commit."""

    def __enter__(self) -> None:
        invalidate()

    def __exit__(self, *exc: Any) -> None:
        invalidate()


def _after_commit() -> None:
    transaction.on_commit(invalidate)


def _year_row(by: User | None, year: int) -> CalendarYear:
    check_year(year)
    row, created = CalendarYear.objects.select_for_update().get_or_create(
        year=year, defaults={"created_by": by, "modified_by": by}
    )
    if created:
        record_event(action="workdays.year_created", actor=by, obj=row, after=snapshot(row))
    return row


def _archive(by: User | None, day: CalendarDay, reason: str) -> None:
    from django.utils import timezone

    before = snapshot(day)
    day.is_archived = True
    day.archived_at = timezone.now()
    day.archived_reason = reason
    day.modified_by = by
    day.save()
    record_event(
        action="workdays.day_archived",
        actor=by,
        obj=day,
        before=before,
        after=snapshot(day),
        reason=reason,
    )


def import_notice(
    by: User | None, year: int, text: str, reason: str = ""
) -> tuple[CalendarYear, ParsedNotice]:
    """Replace `year`'s rows by those of the State Council notice `text` and mark the year
    official. Refused (ValidationError) if the notice does not parse cleanly."""
    parsed = parse_notice(text, year)
    if not parsed.ok:
        raise ValidationError(parsed.errors or ["通知中没有找到任何节假日。"])
    with _Write(), transaction.atomic():
        row = _year_row(by, year)
        before = snapshot(row)
        new_dates = {d.day for d in parsed.days}
        old = CalendarDay.objects.select_for_update().filter(
            Q(calendar_year=row) | Q(date__in=new_dates), is_archived=False
        )
        for day in old.order_by("date"):
            _archive(by, day, reason or f"由 {year} 年通知重新导入替换")
        note = parsed.reference or parsed.title or f"{year} 年国务院办公厅通知"
        for item in parsed.days:
            created = CalendarDay.objects.create(
                calendar_year=row,
                date=item.day,
                kind=item.kind,
                name=item.name[:50],
                note=note[:255],
                created_by=by,
                modified_by=by,
            )
            record_event(
                action="workdays.day_created", actor=by, obj=created, after=snapshot(created)
            )
        row.is_official = True
        row.notice_title = parsed.title
        row.notice_reference = parsed.reference
        row.notice_text = text
        row.source_note = f"导入国务院办公厅通知：{note}"[:1000]
        row.modified_by = by
        row.save()
        record_event(
            action="workdays.notice_imported",
            actor=by,
            obj=row,
            before=before,
            after={
                **snapshot(row),
                "holidays": len(parsed.holidays),
                "makeup_workdays": len(parsed.makeup_workdays),
            },
            reason=reason,
        )
        _after_commit()
    return row, parsed


def add_day(
    by: User | None, *, year: int, day: date, kind: str, name: str, note: str = "", reason: str = ""
) -> CalendarDay:
    """Add one holiday or make-up workday to `year`'s table (e.g. a special one-off holiday)."""
    if kind not in DayKind.values:
        raise ValidationError({"kind": "类型只能是法定节假日或调休上班日。"})
    if abs(day.year - year) > 1:
        raise ValidationError({"date": f"日期应在 {year} 年或其相邻年度内。"})
    if kind == DayKind.MAKEUP_WORKDAY and day.weekday() < 5:
        raise ValidationError({"date": "调休上班日应为周六或周日。"})
    if not name.strip():
        raise ValidationError({"name": "请填写名称，如：国庆节。"})
    with _Write(), transaction.atomic():
        row = _year_row(by, year)
        if CalendarDay.objects.filter(is_archived=False, date=day).exists():
            raise ValidationError({"date": "该日期已有有效的节假日或调休记录，请先归档原记录。"})
        created = CalendarDay.objects.create(
            calendar_year=row,
            date=day,
            kind=kind,
            name=name.strip()[:50],
            note=note[:255],
            created_by=by,
            modified_by=by,
        )
        record_event(
            action="workdays.day_created",
            actor=by,
            obj=created,
            after=snapshot(created),
            reason=reason,
        )
        _after_commit()
    return created


def archive_day(by: User | None, day: CalendarDay, reason: str) -> CalendarDay:
    """Take a row out of the calendar, keeping it (and why) in the history."""
    if not reason.strip():
        raise ValidationError({"reason": "请填写归档原因。"})
    with _Write(), transaction.atomic():
        day = CalendarDay.objects.select_for_update().get(pk=day.pk)
        if day.is_archived:
            raise ValidationError("该记录已归档。")
        _archive(by, day, reason.strip())
        _after_commit()
    return day


def set_year_official(by: User | None, year: int, official: bool, reason: str = "") -> CalendarYear:
    """Mark `year`'s table as complete (it then overrides the package), or withdraw the mark."""
    with _Write(), transaction.atomic():
        row = _year_row(by, year)
        if row.is_official == official:
            raise ValidationError("该年度已是此状态。")
        if official and not row.days.filter(is_archived=False).exists():
            raise ValidationError("该年度尚无节假日数据，不能标记为官方数据。")
        if not official and not reason.strip():
            raise ValidationError({"reason": "撤销官方标记须填写原因。"})
        before = snapshot(row)
        row.is_official = official
        row.modified_by = by
        row.save()
        record_event(
            action="workdays.year_official" if official else "workdays.year_unofficial",
            actor=by,
            obj=row,
            before=before,
            after=snapshot(row),
            reason=reason.strip(),
        )
        _after_commit()
    return row
