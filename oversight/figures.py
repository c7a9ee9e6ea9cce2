"""Every oversight figure, computed in one place (F1, F2). Pages, charts, the xlsx export and the
API all call these functions with a set of department ids and a period; nothing else counts.

Definitions (docs/oversight.md explains them with examples):

* Only random tasks (年度计划, 临时随机抽查) count; targeted inspections are not random checks.
* A figure falls in the period in which its event happens: drawn when the (live) draw was drawn,
  inspected when the record took effect, published on the day of publication, a correction when
  it was published. A task spanning months therefore appears in several months' reports.
* A voided draw is not counted; its replacement is, in the month it was drawn.
* A corrected result is counted once, as published in the month of its original publication;
  corrections are counted separately.
* A task's figures count for its lead department and for each participating department (a joint
  task appears once in each participant's report); a subject distributed to a lower department
  also counts for that department. Totals over several departments count every row once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, fields
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, connections
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import Lag
from django.utils import timezone

from oversight.periods import Period
from tasks.choices import RANDOM_TRIGGERS, DrawStatus

Departments = frozenset[int]
COUNTED_DRAWS = (DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED)


# --- the counts and their rates ---------------------------------------------------------------


@dataclass
class Counts:
    pool: int = 0  # 抽查基数: candidates in the pools of the counted draws
    drawn: int = 0  # 抽查户数
    inspected: int = 0  # 已检查 (record took effect)
    problems: int = 0  # 发现问题
    published: int = 0  # 已公示
    published_on_time: int = 0  # 按时公示
    published_late: int = 0  # 逾期公示
    overdue_pending: int = 0  # 逾期未公示 (due in the period, still not published)
    closed: int = 0  # 完结 (published, follow-up finished or not needed)
    corrections: int = 0  # 更正
    corrections_late: int = 0  # 逾期更正

    def add(self, name: str, n: int) -> None:
        setattr(self, name, getattr(self, name) + n)

    def merge(self, other: Counts) -> None:
        for f in fields(self):
            self.add(f.name, getattr(other, f.name))

    def rates(self) -> dict[str, float | None]:
        return {
            "coverage": percent(self.drawn, self.pool),
            "completion": percent(self.published, self.drawn),
            "closure": percent(self.closed, self.published),
            "timeliness": percent(self.published_on_time, self.published),
            "problem_rate": percent(self.problems, self.inspected),
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | self.rates()


COUNT_NAMES = [f.name for f in fields(Counts)]
RATE_LABELS = {
    "coverage": "抽查覆盖率（抽查户数÷基数）",
    "completion": "完成率（已公示÷抽查户数）",
    "closure": "完结率（完结数÷已公示）",
    "timeliness": "按时公示率",
    "problem_rate": "问题发现率",
}


def percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


# --- what each figure counts: one definition for the numbers and the drill-down lists -----------


@dataclass(frozen=True)
class Source:
    """A queryset of the rows behind some figures, the path to their task and the field naming
    the department the row itself belongs to (None: the task's departments only)."""

    base: Callable[[Period, dt.date], QuerySet[Any]]
    task: str
    own: str | None
    counts: dict[str, Q]  # figure name → condition on the rows (Q() = every row)
    risk: str | None = None  # the subject's credit-risk class, for the breakdown by class


def _draws(period: Period, today: dt.date) -> QuerySet[Any]:
    from tasks.models import SubjectDraw

    start, end = period.bounds()
    return SubjectDraw.objects.filter(
        status__in=COUNTED_DRAWS,
        drawn_at__gte=start,
        drawn_at__lt=end,
        task__trigger__in=RANDOM_TRIGGERS,
    )


def _drawn(period: Period, today: dt.date) -> QuerySet[Any]:
    from tasks.models import DrawnSubject

    start, end = period.bounds()
    return DrawnSubject.objects.filter(
        is_substitute=False,
        draw__status__in=COUNTED_DRAWS,
        draw__drawn_at__gte=start,
        draw__drawn_at__lt=end,
        draw__task__trigger__in=RANDOM_TRIGGERS,
    )


def _records(period: Period, today: dt.date) -> QuerySet[Any]:
    from inspections.choices import RecordStatus
    from inspections.models import InspectionRecord

    start, end = period.bounds()
    return InspectionRecord.objects.filter(
        status=RecordStatus.APPROVED,
        effective_at__gte=start,
        effective_at__lt=end,
        task__trigger__in=RANDOM_TRIGGERS,
    )


def _published(period: Period, today: dt.date) -> QuerySet[Any]:
    from publication.models import ResultPublication

    return ResultPublication.objects.filter(
        published_on__gte=period.start,
        published_on__lte=period.end,
        task__trigger__in=RANDOM_TRIGGERS,
    )


def _overdue(period: Period, today: dt.date) -> QuerySet[Any]:
    from publication.models import ResultPublication

    return ResultPublication.objects.open().filter(
        due__gte=period.start,
        due__lte=period.end,
        due__lt=today,
        task__trigger__in=RANDOM_TRIGGERS,
    )


def _corrections(period: Period, today: dt.date) -> QuerySet[Any]:
    from publication.choices import CorrectionState
    from publication.models import Correction

    start, end = period.bounds()
    return Correction.objects.filter(
        state=CorrectionState.PUBLISHED,
        published_at__gte=start,
        published_at__lt=end,
        publication__task__trigger__in=RANDOM_TRIGGERS,
    )


ADVERSE = Q(result__adverse=True)
SOURCES: dict[str, Source] = {
    "draws": Source(_draws, "task_id", None, {}),
    "drawn": Source(_drawn, "draw__task_id", "assigned_department_id", {"drawn": Q()}),
    "records": Source(
        _records,
        "task_id",
        "department_id",
        {"inspected": Q(), "problems": ADVERSE},
        risk="subject__credit_risk_class",
    ),
    "published": Source(
        _published,
        "task_id",
        "department_id",
        {
            "published": Q(),
            "published_on_time": Q(published_late=False),
            "published_late": Q(published_late=True),
            "closed": Q(record__follow_up_closed_at__isnull=False),
        },
    ),
    "overdue": Source(_overdue, "task_id", "department_id", {"overdue_pending": Q()}),
    "corrections": Source(
        _corrections,
        "publication__task_id",
        "publication__department_id",
        {"corrections": Q(), "corrections_late": Q(published_late=True)},
    ),
}
# Figure name → the source whose rows it counts (for the drill-down lists).
FIGURE_SOURCE = {name: key for key, s in SOURCES.items() for name in s.counts} | {"pool": "draws"}
FIGURE_LABELS = {
    "pool": "抽查基数（户）",
    "drawn": "抽查户数",
    "inspected": "已检查（户）",
    "problems": "发现问题（户）",
    "published": "已公示（户）",
    "published_on_time": "按时公示（户）",
    "published_late": "逾期公示（户）",
    "overdue_pending": "逾期未公示（户）",
    "closed": "完结（户）",
    "corrections": "更正（件）",
    "corrections_late": "逾期更正（件）",
}


def _task_path(source: Source) -> str:
    return source.task.removesuffix("_id")


def in_departments(source: Source, qs: QuerySet[Any], departments: Iterable[int]) -> QuerySet[Any]:
    """Rows whose task is led or joined by one of `departments`, or that belong to one."""
    from tasks.models import Task

    ids = list(departments)
    task = _task_path(source)
    joined = Task.participants.through.objects.filter(
        task_id=OuterRef(source.task), department_id__in=ids
    )
    condition = Q(**{f"{task}__department_id__in": ids}) | Q(Exists(joined))
    if source.own:
        condition |= Q(**{f"{source.own}__in": ids})
    return qs.filter(condition)


def figure_rows(
    figure: str, departments: Departments, period: Period, today: dt.date | None = None
) -> QuerySet[Any]:
    """The rows behind one figure (drill-down): the same filter the count uses."""
    source = SOURCES[FIGURE_SOURCE[figure]]
    today = today or timezone.localdate()
    qs = in_departments(source, source.base(period, today), departments)
    condition = source.counts.get(figure, Q())
    return qs.filter(condition)


# --- gathering and attributing ------------------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    task_id: int
    own: int | None
    values: dict[str, int]
    risk: str | None = None


# The sources whose queries run on a second connection alongside the others (see concurrently),
# so that the two sides take about as long: the records (joined to the subjects for the risk
# class) on one side, the drawn subjects and the publications (joined to their records) on the
# other.
ALONGSIDE = frozenset({"drawn", "published", "overdue"})


def _facts(departments: Departments, period: Period, today: dt.date) -> list[Fact]:
    queries: dict[str, QuerySet[Any]] = {}
    for key, source in SOURCES.items():
        qs = in_departments(source, source.base(period, today), departments)
        if key == "draws":
            queries[key] = qs.values_list("task_id", "pool_count")
            continue
        group = [g for g in (source.task, source.own, source.risk) if g]
        annotations = {name: Count("pk", filter=q) for name, q in source.counts.items()}
        queries[key] = qs.order_by().values(*group).annotate(**annotations)
    here = [key for key in queries if key not in ALONGSIDE]
    there = [key for key in queries if key in ALONGSIDE]
    fetched: dict[str, list[Any]] = {}
    for part in concurrently(*(partial(_fetch, queries, keys) for keys in (here, there) if keys)):
        fetched.update(part)
    facts: list[Fact] = []
    for key, source in SOURCES.items():
        if key == "draws":
            facts.extend(Fact(task_id, None, {"pool": pool}) for task_id, pool in fetched[key])
            continue
        for row in fetched[key]:
            own = row[source.own] if source.own else None
            risk = row[source.risk] if source.risk else None
            facts.append(Fact(row[source.task], own, {n: row[n] for n in source.counts}, risk))
    return facts


def _fetch(queries: dict[str, QuerySet[Any]], keys: list[str]) -> dict[str, list[Any]]:
    return {key: list(queries[key]) for key in keys}


def concurrently(*calls: Callable[[], Any]) -> list[Any]:
    """Run the calls at the same time and return their results in order: the first on this thread,
    each other one on a thread and database connection of its own (closed when it is done).

    Only on PostgreSQL outside a transaction: another connection would not see the rows of an
    open transaction (a test's, say), and SQLite runs one query at a time anyway; elsewhere the
    calls run one after the other. Each query reads its own snapshot either way (autocommit).
    Whatever depends on the time zone or language (a period's bounds, say) is to be worked out
    before, on this thread: a worker thread has the defaults."""
    if len(calls) < 2 or connection.vendor != "postgresql" or connection.in_atomic_block:
        return [call() for call in calls]

    def on_own_connection(call: Callable[[], Any]) -> Any:
        try:
            return call()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls) - 1) as pool:
        futures = [pool.submit(on_own_connection, call) for call in calls[1:]]
        first = calls[0]()
        return [first, *(future.result() for future in futures)]


@dataclass
class TaskInfo:
    id: int
    code: str
    name: str
    department_id: int
    participant_ids: list[int] = field(default_factory=list)

    @property
    def departments(self) -> set[int]:
        return {self.department_id, *self.participant_ids}

    @property
    def is_joint(self) -> bool:
        return bool(self.participant_ids)


def task_infos(task_ids: Iterable[int]) -> dict[int, TaskInfo]:
    from tasks.models import Task

    ids = sorted(set(task_ids))
    infos = {
        pk: TaskInfo(pk, code, name, dept)
        for pk, code, name, dept in Task.objects.filter(pk__in=ids).values_list(
            "pk", "code", "name", "department_id"
        )
    }
    through = Task.participants.through.objects.filter(task_id__in=ids)
    for task_id, dept in through.values_list("task_id", "department_id").order_by("pk"):
        infos[task_id].participant_ids.append(dept)
    return infos


@dataclass
class Attribution:
    """The period's counts: overall (each row once), per department, per task, per task and
    department."""

    total: Counts = field(default_factory=Counts)
    by_department: dict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_task: dict[int, Counts] = field(default_factory=lambda: defaultdict(Counts))
    by_task_department: dict[tuple[int, int], Counts] = field(
        default_factory=lambda: defaultdict(Counts)
    )
    by_risk: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    tasks: dict[int, TaskInfo] = field(default_factory=dict)
    drawn_tasks: set[int] = field(default_factory=set)  # tasks with a draw in the period


def attribute(
    departments: Departments, period: Period, today: dt.date | None = None
) -> Attribution:
    today = today or timezone.localdate()
    facts = _facts(departments, period, today)
    result = Attribution(tasks=task_infos(f.task_id for f in facts))
    # A province's year is some 10,000 facts, each added to several totals: add plain lists of
    # numbers (one position per figure) and make the Counts once at the end.
    position = {name: i for i, name in enumerate(COUNT_NAMES)}
    owners_of = {pk: frozenset(info.departments) for pk, info in result.tasks.items()}
    total = [0] * len(COUNT_NAMES)
    by_department: dict[int, list[int]] = {}
    by_task: dict[int, list[int]] = {}
    by_task_department: dict[tuple[int, int], list[int]] = {}
    by_risk: dict[str, list[int]] = {}

    def row(table: dict[Any, list[int]], key: Any) -> list[int]:
        found = table.get(key)
        if found is None:
            found = table[key] = [0] * len(COUNT_NAMES)
        return found

    for fact in facts:
        owners = owners_of[fact.task_id]
        targets = (owners | {fact.own} if fact.own else owners) & departments
        if not targets:
            continue
        if "pool" in fact.values:
            result.drawn_tasks.add(fact.task_id)
        values = [(position[name], n) for name, n in fact.values.items()]
        rows = [total, row(by_task, fact.task_id)]
        if fact.risk is not None:
            rows.append(row(by_risk, fact.risk))
        for dept in targets:
            rows.append(row(by_department, dept))
            rows.append(row(by_task_department, (fact.task_id, dept)))
        for numbers in rows:
            for i, n in values:
                numbers[i] += n
    result.total = Counts(*total)
    result.by_department.update((k, Counts(*v)) for k, v in by_department.items())
    result.by_task.update((k, Counts(*v)) for k, v in by_task.items())
    result.by_task_department.update((k, Counts(*v)) for k, v in by_task_department.items())
    result.by_risk.update((k, Counts(*v)) for k, v in by_risk.items())
    return result


# --- breakdowns for the dashboard --------------------------------------------------------------


def by_item(attribution: Attribution) -> list[dict[str, Any]]:
    """Problem rate per inspection item: a record covers every item of its task, so an adverse
    record counts as a problem for each of them."""
    from tasks.models import Task

    per_task = {t: c for t, c in attribution.by_task.items() if c.inspected}
    items: dict[int, dict[str, Any]] = {}
    links = Task.items.through.objects.filter(task_id__in=list(per_task)).values_list(
        "task_id", "inspectionitem_id", "inspectionitem__name", "inspectionitem__code"
    )
    for task_id, item_id, name, code in links:
        entry = items.setdefault(
            item_id, {"item": item_id, "code": code, "name": name, "inspected": 0, "problems": 0}
        )
        entry["inspected"] += per_task[task_id].inspected
        entry["problems"] += per_task[task_id].problems
    rows = sorted(items.values(), key=lambda r: (-r["inspected"], r["code"]))
    for row in rows:
        row["problem_rate"] = percent(row["problems"], row["inspected"])
    return rows


def by_risk_class(attribution: Attribution) -> list[dict[str, Any]]:
    """Problem rate per credit-risk class of the subject (internal: never published, C3)."""
    from subjects.choices import CreditRiskClass

    rows = []
    for code, label in [*CreditRiskClass.choices, ("", "未分类")]:
        found = attribution.by_risk.get(code, Counts())
        rows.append(
            {
                "risk_class": code,
                "label": str(label),
                "inspected": found.inspected,
                "problems": found.problems,
                "problem_rate": percent(found.problems, found.inspected),
            }
        )
    return rows


def _lag(name: str) -> Window:
    """The previous inspection of the same 统一社会信用代码, in date order."""
    return Window(
        Lag(name), partition_by=[F("subject__uscc")], order_by=[F("inspected_on"), F("pk")]
    )


def repeat_inspections(departments: Departments, period: Period) -> list[dict[str, Any]]:
    """D9 after the fact: a subject (by 统一社会信用代码) inspected by a second department within
    REPEAT_INSPECTION_DAYS of the previous department's inspection. Joint inspections make one
    record, so they never appear here."""
    from inspections.choices import RecordStatus
    from inspections.models import InspectionRecord
    from subjects.models import Subject

    days = settings.REPEAT_INSPECTION_DAYS
    # Window filters are applied outside the window (QUALIFY), so the LAG sees the N days
    # before the period too; the period itself is checked below.
    qs = (
        InspectionRecord.objects.filter(
            status=RecordStatus.APPROVED,
            inspected_on__gte=period.start - dt.timedelta(days=days),
            inspected_on__lte=period.end,
        )
        .exclude(subject__uscc="")
        .annotate(
            prev_department=_lag("department_id"),
            prev_on=_lag("inspected_on"),
            prev_id=_lag("pk"),
        )
        .filter(prev_department__isnull=False)
        .exclude(prev_department=F("department_id"))
        .order_by()
        .values(
            "pk",
            "subject_id",
            "department_id",
            "inspected_on",
            "prev_department",
            "prev_on",
            "prev_id",
        )
    )
    rows = []
    for row in qs:
        if row["inspected_on"] < period.start or (row["inspected_on"] - row["prev_on"]).days > days:
            continue
        if row["department_id"] not in departments and row["prev_department"] not in departments:
            continue
        rows.append(row)
    rows.sort(key=lambda r: (r["inspected_on"], r["pk"]), reverse=True)
    names = dict(
        Subject.objects.filter(pk__in=[r["subject_id"] for r in rows[:100]]).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        row["subject__name"] = names.get(row["subject_id"], "")
    return rows


def joint_figures(
    attribution: Attribution, departments: Departments, listed: Iterable[int]
) -> dict[str, Any]:
    """Joint-inspection share and participating departments against the conference's targets
    (seed 004 §四(二)3: each member ≥1 joint inspection a year with ≥3 departments)."""
    from organisations.models import JointConference

    conference = (
        JointConference.objects.filter(members__in=departments).order_by("pk").distinct().first()
    )
    min_joint = conference.min_joint_inspections_per_year if conference else 1
    min_departments = conference.min_departments_per_joint_inspection if conference else 3
    tasks = [attribution.tasks[t] for t in sorted(attribution.drawn_tasks)]
    joint = [t for t in tasks if t.is_joint]
    listed = list(listed)
    mine = dict.fromkeys(listed, 0)
    mine_joint = dict.fromkeys(listed, 0)
    for t in tasks:
        for dept in t.departments:
            if dept in mine:
                mine[dept] += 1
                mine_joint[dept] += t.is_joint
    per_department = {
        dept: {
            "random_tasks": mine[dept],
            "joint_tasks": mine_joint[dept],
            "joint_share": percent(mine_joint[dept], mine[dept]),
            "meets_target": mine_joint[dept] >= min_joint,
        }
        for dept in listed
    }
    return {
        "conference": conference.name if conference else "",
        "min_joint_per_department": min_joint,
        "min_departments": min_departments,
        "random_tasks": len(tasks),
        "joint_tasks": len(joint),
        "joint_share": percent(len(joint), len(tasks)),
        "tasks": [
            {
                "id": t.id,
                "code": t.code,
                "name": t.name,
                "departments": len(t.departments),
                "meets_target": len(t.departments) >= min_departments,
            }
            for t in joint
        ],
        "per_department": per_department,
    }
