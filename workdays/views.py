"""Calendar pages: every logged-in role reads; only the system administrator changes the table."""

from __future__ import annotations

import calendar as pycalendar
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.permissions import acting_user, login_only, role_required
from workdays import services
from workdays.choices import DayKind, Source
from workdays.forms import DayForm, DeadlineForm, NoticeImportForm, ReasonForm
from workdays.models import MAX_YEAR, MIN_YEAR, CalendarDay, CalendarYear
from workdays.notice import parse_notice

WEEKDAY_HEADERS = ["一", "二", "三", "四", "五", "六", "日"]


def _year_or_404(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("年度超出范围")
    return year


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _months(cal: services.YearCalendar) -> list[dict[str, Any]]:
    months = []
    grid = pycalendar.Calendar(firstweekday=0)
    for month in range(1, 13):
        weeks = []
        for week in grid.monthdatescalendar(cal.year, month):
            weeks.append([_cell(cal, d, month) for d in week])
        months.append({"number": month, "weeks": weeks})
    return months


def _cell(cal: services.YearCalendar, d: date, month: int) -> dict[str, Any]:
    if d.month != month:
        return {"day": None}
    if d in cal.holidays:
        css, title = "day-holiday", f"{cal.holidays[d]}（法定节假日）"
    elif d in cal.makeup_workdays:
        css, title = "day-makeup", f"{cal.makeup_workdays[d]}（调休上班）"
    elif d.weekday() >= 5:
        css, title = "day-weekend", "周末"
    else:
        css, title = "", "工作日"
    return {"day": d.day, "css": css, "title": title}


@login_only
def calendar(request: HttpRequest, year: int | None = None) -> HttpResponse:
    year = _year_or_404(year if year is not None else date.today().year)
    cal = services.year_calendar(year)
    is_admin = request.user.has_role(Role.SYSTEM_ADMIN)  # type: ignore[union-attr]
    context: dict[str, Any] = {
        "year": year,
        "cal": cal,
        "source_label": Source(cal.source).label,
        "entries": services.year_entries(year),
        "months": _months(cal),
        "weekday_headers": WEEKDAY_HEADERS,
        "year_row": CalendarYear.objects.filter(year=year).first(),
        "package_years": services.package_years(),
        "is_admin": is_admin,
        "prev_year": year - 1 if year > MIN_YEAR else None,
        "next_year": year + 1 if year < MAX_YEAR else None,
    }
    if is_admin:
        context["archived"] = CalendarDay.objects.filter(
            is_archived=True, calendar_year__year=year
        ).order_by("-archived_at")[:50]
    return render(request, "workdays/calendar.html", context)


@login_only
def deadline(request: HttpRequest) -> HttpResponse:
    form = DeadlineForm(request.GET or None)
    result = None
    if form.is_valid():
        result = services.add_working_days(form.cleaned_data["start"], form.cleaned_data["days"])
    return render(request, "workdays/deadline.html", {"form": form, "result": result})


@role_required(Role.SYSTEM_ADMIN)
def import_notice(request: HttpRequest) -> HttpResponse:
    form = NoticeImportForm(request.POST if request.method == "POST" else None)
    parsed = None
    if request.method == "POST" and form.is_valid():
        year, text = form.cleaned_data["year"], form.cleaned_data["text"]
        if "confirm" in request.POST:
            try:
                row, parsed = services.import_notice(
                    acting_user(request),
                    year,
                    text,
                    form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                messages.error(request, f"未保存：{_error_text(exc)}")
            else:
                messages.success(
                    request,
                    f"已导入 {year} 年通知：法定节假日 {len(parsed.holidays)} 天，"
                    f"调休上班日 {len(parsed.makeup_workdays)} 天；该年度已标记为官方数据。",
                )
                return redirect("workdays:year", year=row.year)
        parsed = parse_notice(text, year)
        current = {e.day: e for e in services.year_entries(year)}
        return render(
            request,
            "workdays/import.html",
            {"form": form, "parsed": parsed, "changes": _changes(parsed, current), "year": year},
        )
    return render(request, "workdays/import.html", {"form": form, "parsed": parsed})


def _changes(parsed: Any, current: dict[date, services.CalendarEntry]) -> dict[str, int]:
    new = {d.day: d.kind for d in parsed.days}
    old = {d: e.kind for d, e in current.items() if d.year == parsed.year}
    return {
        "added": sum(1 for d, k in new.items() if old.get(d) != k),
        "removed": sum(1 for d in old if d not in new),
    }


@role_required(Role.SYSTEM_ADMIN)
def day_add(request: HttpRequest, year: int) -> HttpResponse:
    year = _year_or_404(year)
    form = DayForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_day(
                acting_user(request),
                year=year,
                day=data["date"],
                kind=data["kind"],
                name=data["name"],
                note=data["note"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, _error_text(exc))
        else:
            messages.success(request, f"已添加 {data['date']:%Y-%m-%d}。")
            return redirect("workdays:year", year=year)
    return render(request, "workdays/day_form.html", {"form": form, "year": year, "kinds": DayKind})


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def day_archive(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(CalendarDay, pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写归档原因。")
    else:
        try:
            services.archive_day(request.user, day, form.cleaned_data["reason"])  # type: ignore[arg-type]
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, f"已归档 {day.date:%Y-%m-%d} {day.name}。")
    return redirect("workdays:year", year=day.calendar_year.year)


@require_POST
@role_required(Role.SYSTEM_ADMIN)
def year_official(request: HttpRequest, year: int) -> HttpResponse:
    year = _year_or_404(year)
    wanted = request.POST.get("official")
    if wanted not in ("1", "0"):
        messages.error(request, "请选择标记为官方数据或撤销标记。")
        return redirect("workdays:year", year=year)
    try:
        services.set_year_official(
            acting_user(request),
            year,
            wanted == "1",
            request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        done = "标记为官方数据" if wanted == "1" else "撤销官方标记"
        messages.success(request, f"{year} 年已{done}。")
    return redirect("workdays:year", year=year)
