"""The content of the monthly report form (seed 004, annex), the summaries and the dashboard,
built from `oversight.figures`. The result is plain JSON-able data: pages, xlsx and API render
it, and a submitted report stores it as its snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from oversight import figures
from oversight.choices import ReportKind
from oversight.figures import Attribution, Counts, Departments
from oversight.periods import Period, report_period, year_period

FORM_TITLE = "市场监管领域部门联合“双随机、一公开”抽查工作月报表"
SUMMARY_TITLES = {
    ReportKind.HALF_YEAR: "“双随机、一公开”监管半年工作总结",
    ReportKind.ANNUAL: "“双随机、一公开”监管年度工作总结",
}
SECTION_ONE = "一、“双随机、一公开”制度机制建设情况"
SECTION_TWO = "二、随机抽查工作开展情况"
QUESTIONS = [
    "是否已出台工作细则和工作指引（注明文件名称及文号）",
    "是否建立随机抽查事项清单并完成录入",
    "是否建立市场主体名录库和执法人员库并完成录入",
]
# The task table of the form: the annex's first two columns, then the counts (key, header).
TASK_COLUMNS: list[tuple[str, str]] = [
    ("items", "抽查事项名称"),
    ("ratio", "抽查比例"),
    ("task", "抽查任务（编号）"),
    ("pool", "抽查基数（户）"),
    ("drawn", "抽取检查对象（户）"),
    ("inspected", "已检查（户）"),
    ("problems", "发现问题（户）"),
    ("published", "结果已公示（户）"),
    ("published_on_time", "按时公示（户）"),
    ("published_late", "逾期公示（户）"),
    ("overdue_pending", "逾期未公示（户）"),
    ("closed", "完结（户）"),
    ("corrections", "更正（件）"),
    ("joint", "是否部门联合抽查"),
    ("departments", "联合抽查部门"),
]


def department_names(ids: Iterable[int]) -> dict[int, str]:
    from organisations.models import Department

    return dict(Department.objects.filter(pk__in=list(ids)).values_list("pk", "name"))


# --- 一、制度机制建设情况 ------------------------------------------------------------------------


def mechanism(department_ids: list[int], end: dt.date) -> dict[int, list[dict[str, str]]]:
    """The three questions per department, answered from the platform's data as of `end`."""
    from inspectors.models import Inspector
    from items.choices import ItemListStatus
    from items.models import InspectionItem, ItemList
    from oversight.models import RuleDocument
    from subjects.models import Subject

    cutoff = Period(end, end, "").bounds()[1]
    rules: dict[int, list[str]] = {d: [] for d in department_ids}
    for doc in RuleDocument.objects.filter(
        department_id__in=department_ids, is_archived=False, issued_on__lte=end
    ).order_by("issued_on", "pk"):
        rules[doc.department_id].append(str(doc))
    lists = dict(
        ItemList.objects.filter(
            department_id__in=department_ids,
            status__in=[ItemListStatus.PUBLISHED, ItemListStatus.SUPERSEDED],
        )
        .filter(Q(published_at__lt=cutoff) | Q(published_at__isnull=True))
        .values("department_id")
        .annotate(version=Max("version"))
        .values_list("department_id", "version")
    )
    items = dict(
        InspectionItem.objects.filter(
            item_list__department_id__in=department_ids,
            item_list__status=ItemListStatus.PUBLISHED,
            is_archived=False,
        )
        .values("item_list__department_id")
        .annotate(n=Count("pk"))
        .values_list("item_list__department_id", "n")
    )

    def counts(model: Any) -> dict[int, int]:
        return dict(
            model.objects.filter(
                department_id__in=department_ids, is_archived=False, created_at__lt=cutoff
            )
            .values("department_id")
            .annotate(n=Count("pk"))
            .values_list("department_id", "n")
        )

    subjects, inspectors = counts(Subject), counts(Inspector)
    answers = {}
    for dept in department_ids:
        docs = rules[dept]
        version = lists.get(dept)
        s, i = subjects.get(dept, 0), inspectors.get(dept, 0)
        registry = "是" if s and i else ("部分" if s or i else "否")
        answers[dept] = [
            {"answer": "是" if docs else "否", "detail": "；".join(docs)},
            {
                "answer": "是" if version else "否",
                "detail": f"现行清单第 {version} 版，抽查事项 {items.get(dept, 0)} 项"
                if version
                else "",
            },
            {"answer": registry, "detail": f"检查对象 {s} 户，执法检查人员 {i} 人"},
        ]
    return answers


def _mechanism_rows(per_department: dict[int, list[dict[str, str]]]) -> list[dict[str, Any]]:
    rows = []
    for n, question in enumerate(QUESTIONS):
        if len(per_department) == 1:
            (answers,) = per_department.values()
            rows.append({"no": n + 1, "question": question, **answers[n]})
            continue
        yes = sum(1 for a in per_department.values() if a[n]["answer"] == "是")
        names = department_names(d for d, a in per_department.items() if a[n]["answer"] != "是")
        rows.append(
            {
                "no": n + 1,
                "question": question,
                "answer": f"是：{yes} 个部门；否或部分：{len(per_department) - yes} 个部门",
                "detail": "、".join(sorted(names.values())),
            }
        )
    return rows


# --- 二、随机抽查工作开展情况 --------------------------------------------------------------------


def _ratio_text(settings: dict[str, Any]) -> str:
    if settings.get("count"):
        return f"{settings['count']} 户"
    names = {"lists": "异常名录/失信名单", "none": "未分类"}
    parts = []
    for key, value in (settings.get("ratios") or {}).items():
        if value in (None, ""):
            continue
        number = format(float(value), "g")
        parts.append(f"{names.get(key, key + '类')} {number}%")
    return "、".join(parts)


def _task_details(task_ids: list[int]) -> dict[int, dict[str, str]]:
    from tasks.models import SubjectDraw, Task

    details: dict[int, dict[str, Any]] = {t: {"items": [], "ratio": ""} for t in task_ids}
    for task_id, name in (
        Task.items.through.objects.filter(task_id__in=task_ids)
        .order_by("inspectionitem__seq", "inspectionitem__code")
        .values_list("task_id", "inspectionitem__name")
    ):
        details[task_id]["items"].append(name)
    for task_id, draw_settings in (
        SubjectDraw.objects.filter(task_id__in=task_ids, status__in=figures.COUNTED_DRAWS)
        .order_by("number")
        .values_list("task_id", "settings")
    ):
        details[task_id]["ratio"] = _ratio_text(draw_settings or {})
    return {t: {"items": "、".join(d["items"]), "ratio": d["ratio"]} for t, d in details.items()}


def _task_rows(
    attribution: Attribution, department: int | None, names: dict[int, str]
) -> list[dict[str, Any]]:
    if department is None:
        chosen = {t: c for t, c in attribution.by_task.items()}
    else:
        chosen = {t: c for (t, d), c in attribution.by_task_department.items() if d == department}
    details = _task_details(list(chosen))
    rows = []
    for task_id in sorted(chosen, key=lambda t: attribution.tasks[t].code):
        info = attribution.tasks[task_id]
        rows.append(
            {
                "task_id": task_id,
                "task": f"{info.name}（{info.code}）",
                **details[task_id],
                **chosen[task_id].to_dict(),
                "joint": "是" if info.is_joint else "否",
                "departments": "、".join(
                    names.get(d, str(d))
                    for d in [info.department_id, *info.participant_ids]
                    if info.is_joint
                ),
            }
        )
    return rows


def report_content(
    kind: str,
    year: int,
    month: int,
    departments: Departments,
    department: int | None,
    unit: str,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The form for one department (`department`), or the aggregate of `departments` (None)."""
    today = today or timezone.localdate()
    period = report_period(kind, year, month)
    scope = frozenset({department}) if department is not None else departments
    attribution = figures.attribute(scope, period, today)
    listed = sorted(scope)
    task_departments = {d for t in attribution.tasks.values() for d in t.departments}
    names = department_names(set(listed) | task_departments)
    title = FORM_TITLE if kind == ReportKind.MONTHLY else SUMMARY_TITLES[ReportKind(kind)]
    content: dict[str, Any] = {
        "kind": kind,
        "year": year,
        "month": month,
        "title": title,
        "period": period.to_json(),
        "unit": unit,
        "aggregate": department is None,
        "computed_on": today.isoformat(),
        "section_one": SECTION_ONE,
        "section_two": SECTION_TWO,
        "mechanism": _mechanism_rows(mechanism(listed, period.end)),
        "rows": _task_rows(attribution, department, names),
        "totals": attribution.total.to_dict(),
    }
    if department is None:
        content["departments"] = [
            {
                "id": d,
                "name": names.get(d, str(d)),
                **attribution.by_department.get(d, Counts()).to_dict(),
            }
            for d in listed
        ]
    return content


# --- the dashboard -----------------------------------------------------------------------------


def dashboard(
    departments: Departments, year: int, listed: list[int], today: dt.date | None = None
) -> dict[str, Any]:
    """Everything the dashboard shows for a year: the same numbers for the chart, the table
    and the API."""
    today = today or timezone.localdate()
    period = year_period(year)
    # The repeat-inspection warnings read the year's records again (by 统一社会信用代码): on
    # PostgreSQL they are computed on a second connection while the figures are.
    attribution, repeat = figures.concurrently(
        lambda: figures.attribute(departments, period, today),
        lambda: figures.repeat_inspections(departments, period),
    )
    joint = figures.joint_figures(attribution, departments, listed)
    names = department_names(
        set(listed) | {r["department_id"] for r in repeat} | {r["prev_department"] for r in repeat}
    )
    return {
        "year": year,
        "period": period.to_json(),
        "computed_on": today.isoformat(),
        "totals": attribution.total.to_dict(),
        "departments": [
            {
                "id": d,
                "name": names.get(d, str(d)),
                **attribution.by_department.get(d, Counts()).to_dict(),
                **joint["per_department"][d],
            }
            for d in listed
        ],
        "by_item": figures.by_item(attribution),
        "by_risk_class": figures.by_risk_class(attribution),
        "joint": {k: v for k, v in joint.items() if k != "per_department"},
        "repeat": {
            "days": _repeat_days(),
            "count": len(repeat),
            "rows": [
                {
                    "record": r["pk"],
                    "subject": r["subject__name"],
                    "department": names.get(r["department_id"], ""),
                    "inspected_on": r["inspected_on"].isoformat(),
                    "previous_record": r["prev_id"],
                    "previous_department": names.get(r["prev_department"], ""),
                    "previous_on": r["prev_on"].isoformat(),
                }
                for r in repeat[:100]
            ],
        },
    }


def cached_dashboard(departments: Departments, year: int, listed: list[int]) -> dict[str, Any]:
    """`dashboard`, kept for OVERSIGHT_CACHE_SECONDS: the page, its chart and the API of one user
    within that time show the same numbers, and a province's year is not recomputed per view."""
    import hashlib

    from django.conf import settings
    from django.core.cache import cache

    seconds = settings.OVERSIGHT_CACHE_SECONDS
    if seconds <= 0:
        return dashboard(departments, year, listed)
    today = timezone.localdate()
    raw = f"{sorted(departments)}|{listed}|{year}|{today.isoformat()}"
    key = "oversight:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()
    data: dict[str, Any] | None = cache.get(key)
    if data is None:
        data = dashboard(departments, year, listed, today)
        data["computed_at"] = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        cache.set(key, data, seconds)
    return data


def _repeat_days() -> int:
    from django.conf import settings

    return int(settings.REPEAT_INSPECTION_DAYS)


def conference_members(departments: Departments) -> list[int]:
    """Member departments of the conference(s) among `departments`, or all of them."""
    from organisations.models import ConferenceMembership

    members = set(
        ConferenceMembership.objects.filter(department_id__in=departments).values_list(
            "department_id", flat=True
        )
    )
    return sorted(members or departments)


def active_departments(departments: Departments) -> list[int]:
    from organisations.models import Department

    return list(
        Department.objects.filter(Q(pk__in=departments), is_active=True)
        .order_by("region__code", "name")
        .values_list("pk", flat=True)
    )
