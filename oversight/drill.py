"""The list behind each figure (drill-down): the rows `figures.figure_rows` selects, narrowed by
the department the figure was shown for, an item or a risk class, rendered as table cells with
links to the existing detail pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from oversight.figures import FIGURE_LABELS, FIGURE_SOURCE, SOURCES, Departments, figure_rows
from oversight.periods import Period

Cell = tuple[str, str | None]  # text, link


def _url(name: str, pk: int) -> str | None:
    try:
        return reverse(name, kwargs={"pk": pk})
    except NoReverseMatch:  # the app behind it is not installed yet
        return None


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def _task(task: Any) -> Cell:
    return f"{task.name}（{task.code}）", _url("tasks:detail", task.pk)


@dataclass(frozen=True)
class Layout:
    headers: list[str]
    related: list[str]
    row: Callable[[Any], list[Cell]]


LAYOUTS: dict[str, Layout] = {
    "draws": Layout(
        ["抽查任务", "第几次抽取", "候选名单数", "抽取时间"],
        ["task"],
        lambda d: [
            _task(d.task),
            (str(d.number), None),
            (str(d.pool_count), None),
            (_date(d.drawn_at), None),
        ],
    ),
    "drawn": Layout(
        ["抽查任务", "检查对象", "分派至", "抽取时间"],
        ["draw__task", "subject", "assigned_department"],
        lambda s: [
            _task(s.draw.task),
            (s.subject.name, None),
            (s.assigned_department.name if s.assigned_department else "—", None),
            (_date(s.draw.drawn_at), None),
        ],
    ),
    "records": Layout(
        ["检查对象", "抽查任务", "检查部门", "检查日期", "检查结果", "生效时间"],
        ["task", "subject", "department", "result"],
        lambda r: [
            (r.subject.name, _url("inspections:detail", r.pk)),
            _task(r.task),
            (r.department.name, None),
            (_date(r.inspected_on), None),
            (r.result.name if r.result else "—", None),
            (_date(r.effective_at), None),
        ],
    ),
    "published": Layout(
        ["检查对象", "抽查任务", "公示部门", "结果生效", "应公示日期", "公示日期", "状态"],
        ["task", "department"],
        lambda p: [
            (p.subject_name, _url("publication:detail", p.pk)),
            _task(p.task),
            (p.department.name, None),
            (_date(p.effective_on), None),
            (_date(p.due), None),
            (_date(p.published_on), None),
            (p.get_state_display() + ("（逾期）" if p.published_late else ""), None),
        ],
    ),
    "corrections": Layout(
        ["检查对象", "更正原因", "应更正日期", "更正公示时间", "逾期"],
        ["publication"],
        lambda c: [
            (c.publication.subject_name, _url("publication:detail", c.publication_id)),
            (c.reason, None),
            (_date(c.due), None),
            (_date(c.published_at), None),
            ("是" if c.published_late else "否", None),
        ],
    ),
}
LAYOUTS["overdue"] = LAYOUTS["published"]
DRILL_FIGURES = list(FIGURE_SOURCE)


def _record_path(source_key: str) -> str | None:
    return {"records": "", "published": "record__", "overdue": "record__"}.get(source_key)


def drill_rows(
    figure: str,
    departments: Departments,
    period: Period,
    item: int | None = None,
    risk: str | None = None,
) -> tuple[Layout, QuerySet[Any]]:
    """The rows behind `figure` for these departments (by item or risk class if given)."""
    from tasks.models import Task

    key = FIGURE_SOURCE[figure]
    source, layout = SOURCES[key], LAYOUTS[key]
    qs = figure_rows(figure, departments, period)
    if item is not None:
        items = Task.items.through.objects.filter(
            task_id=OuterRef(source.task), inspectionitem_id=item
        )
        qs = qs.filter(Exists(items))
    prefix = _record_path(key)
    if risk is not None and prefix is not None:
        qs = qs.filter(Q(**{f"{prefix}subject__credit_risk_class": risk}))
    return layout, qs.select_related(*layout.related).order_by("-pk")


def label(figure: str) -> str:
    return FIGURE_LABELS.get(figure, figure)
