"""URL kwargs for the permission-matrix test, which walks every URL as every role."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

SAMPLE_DAY = date(2027, 12, 30)


def _day_kwargs() -> dict[str, object]:
    from workdays import services
    from workdays.choices import DayKind
    from workdays.models import CalendarDay

    day = CalendarDay.objects.filter(is_archived=False, date=SAMPLE_DAY).first()
    if day is None:
        day = services.add_day(
            None,
            year=SAMPLE_DAY.year,
            day=SAMPLE_DAY,
            kind=DayKind.HOLIDAY,
            name="矩阵测试",
            reason="权限矩阵测试数据",
        )
    return {"pk": day.pk}


SAMPLES: dict[str, Callable[[], dict[str, object]]] = {
    "workdays:year": lambda: {"year": 2026},
    "workdays:day_add": lambda: {"year": 2027},
    "workdays:year_official": lambda: {"year": 2027},
    "workdays:day_archive": _day_kwargs,
    "workdays-year": lambda: {"year": 2026},
}
