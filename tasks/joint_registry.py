"""联合名录库 (A10, C10): the subject and inspector registries of a joint task's departments,
combined as its draws combine them, for users to see and export before and after drawing.

Subjects are grouped by firm with the pool's own rule (`tasks.pool`: one candidate per 统一社会
信用代码, else per registry row) and flagged with whether the subject draw may take them and why
not. Inspectors are those of every participating department, flagged with whether the inspector
draw (`tasks.teams`, the `suiji` engine's rule) may take them for this task's window and items.

Everything is computed set-based: a page (or an export batch) costs a fixed number of queries
whatever its size. Nothing here is public: the credit-risk class appears only where the viewer
may see the subject in its own registry, and personal data of inspectors (ID, phone) never.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.scope import visible_department_ids
from audit.services import record_event
from core.registry_roles import READERS as REGISTRY_READERS
from inspectors.choices import InspectorStatus
from inspectors.models import Inspector
from organisations.models import Department
from subjects.choices import OperatingStatus
from subjects.models import Subject
from tasks.credit import firm_key
from tasks.models import Task
from tasks.pool import (
    ELIGIBLE,
    already_inspected,
    firm_key_expression,
    inspected_this_year,
    public_id,
    registry_subjects,
    task_department_ids,
)
from tasks.teams import task_areas

if TYPE_CHECKING:
    from accounts.models import User

EXPORT_BATCH = 500  # firms per query when exporting (also bounds the IN lists)


@dataclass(frozen=True)
class RegistryFilters:
    """The list filters, shared by the page, its exports and the API."""

    department_id: int | None = None  # held by (subjects) / belonging to (inspectors)
    eligible_only: bool = False
    include_archived: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "department": self.department_id,
            "eligible": self.eligible_only,
            "archived": self.include_archived,
        }


@dataclass(frozen=True)
class JointSubject:
    """One firm of the joint subject registry."""

    subject_id: int  # the registry row the draw would take (else the first row)
    public_id: str
    name: str
    subject_type: str
    region: str
    departments: list[str]  # 部门名称 of the departments whose registry holds the firm
    eligible: bool
    reasons: list[str]
    credit_risk_class: str | None  # None: the viewer may not see it; "" unclassified

    @property
    def shared(self) -> bool:
        return len(self.departments) > 1


@dataclass(frozen=True)
class JointInspector:
    """One inspector of the joint inspector registry (no personal data)."""

    inspector_id: int
    name: str
    department: str
    unit: str
    certificate_no: str
    certificate_valid_from: dt.date | None
    certificate_valid_until: dt.date | None
    areas: list[str]
    drawable: bool
    reasons: list[str]


@dataclass(frozen=True)
class DepartmentCount:
    department: Department
    subjects: int  # registry rows in the department (archived excluded)
    inspectors: int
    drawable: int  # inspectors the inspector draw may take for this task


@dataclass(frozen=True)
class JointSummary:
    firms: int  # after dedup
    shared: int  # held by more than one department
    eligible: int
    departments: list[DepartmentCount] = field(default_factory=list)


def require_joint(task: Task) -> None:
    if not task.is_joint:
        raise ValidationError("本任务没有配合部门，不是部门联合抽查，没有联合名录库。")


def departments(task: Task) -> list[Department]:
    """The lead department first, then the participants by code."""
    return [task.department, *task.participants.order_by("code")]


# --- subjects --------------------------------------------------------------------------------


def subject_firms(task: Task, filters: RegistryFilters) -> QuerySet[Any]:
    """One row per firm (`firm`, `holders`), ordered by name: what a page or an export walks.
    Aggregates in the database, so paging 100,000 firms reads one page."""
    rows = registry_subjects(task)
    if not filters.include_archived:
        rows = rows.filter(is_archived=False)
    rows = rows.annotate(firm=firm_key_expression())
    if filters.eligible_only:
        taken = inspected_this_year(task).annotate(firm=firm_key_expression("subject__"))
        rows = rows.exclude(firm__in=taken.values("firm"))
    firms = rows.values("firm").annotate(
        sort_name=Min("name"),
        holders=Count("department_id", distinct=True),
        eligible_rows=Count("pk", filter=ELIGIBLE),
        in_department=Count("pk", filter=Q(department_id=filters.department_id or 0)),
    )
    if filters.eligible_only:
        firms = firms.filter(eligible_rows__gt=0)
    if filters.department_id:
        firms = firms.filter(in_department__gt=0)
    return firms.order_by("sort_name", "firm")


def _row_reason(subject: Subject, several: bool) -> str:
    if subject.is_archived:
        reason = "已移出名录库"
    else:
        reason = f"经营状态为“{subject.get_operating_status_display()}”"
    return f"{subject.department.name}：{reason}" if several else reason


def _firm(rows: list[Subject], reasons_c4: dict[str, str], risky: set[int]) -> JointSubject:
    takeable = [
        s for s in rows if not s.is_archived and s.operating_status == OperatingStatus.ACTIVE
    ]
    first = (takeable or rows)[0]  # the pool keeps the first row by pk (pool_candidates)
    names = list(dict.fromkeys(s.department.name for s in rows))
    pid = public_id(first)
    reasons = [] if takeable else [_row_reason(s, len(names) > 1) for s in rows]
    if pid in reasons_c4:
        reasons.append(reasons_c4[pid])
    return JointSubject(
        subject_id=first.pk,
        public_id=pid,
        name=first.name,
        subject_type=first.subject_type.name,
        region=first.region.name if first.region else "",
        departments=names,
        eligible=not reasons,
        reasons=list(dict.fromkeys(reasons)),
        credit_risk_class=first.credit_risk_class if first.department_id in risky else None,
    )


def _risk_departments(viewer: User) -> set[int]:
    """Departments whose subjects' credit-risk class the viewer sees in the subject registry."""
    if not viewer.has_role(*REGISTRY_READERS):
        return set()
    return visible_department_ids(viewer)


def subject_rows(
    task: Task, firms: Sequence[dict[str, Any]], viewer: User, *, include_archived: bool = False
) -> list[JointSubject]:
    """The rows of some firms of `subject_firms`, in its order: two queries."""
    keys = [f["firm"] for f in firms]
    if not keys:
        return []
    usccs = [k for k in keys if not k.startswith("#")]
    pks = [int(k[1:]) for k in keys if k.startswith("#")]
    subjects = registry_subjects(task).filter(Q(uscc__in=usccs) | Q(pk__in=pks))
    if not include_archived:
        subjects = subjects.filter(is_archived=False)
    by_firm: dict[str, list[Subject]] = defaultdict(list)
    for s in subjects.select_related("department", "subject_type", "region").order_by("pk"):
        by_firm[firm_key(s.uscc, s.pk)].append(s)
    candidates = {k: public_id(rows[0]) for k, rows in by_firm.items()}
    c4 = already_inspected(task, set(candidates.values()))
    risky = _risk_departments(viewer)
    return [_firm(by_firm[k], c4, risky) for k in keys if by_firm.get(k)]


def iter_subject_rows(task: Task, filters: RegistryFilters, viewer: User) -> Iterator[JointSubject]:
    """Every firm, batch by batch (for exports): a few queries per batch, never per row."""
    firms = subject_firms(task, filters).iterator(chunk_size=EXPORT_BATCH)
    while batch := list(islice(firms, EXPORT_BATCH)):
        yield from subject_rows(task, batch, viewer, include_archived=filters.include_archived)


# --- inspectors ------------------------------------------------------------------------------


def _drawable_q(task: Task, needed: dict[int, list[str]]) -> Q:
    """The inspector draw's rule (suiji `_qualified`, fed by `teams._library_rows` and
    `teams._groups`) as a filter: in post, a 执法证号 valid over the whole window, and every
    enforcement area the task's items of the inspector's department need."""
    query = (
        Q(is_archived=False, status=InspectorStatus.ACTIVE)
        & ~Q(certificate_no="")
        & Q(certificate_valid_until__gte=task.window_end)
        & (
            Q(certificate_valid_from__isnull=True)
            | Q(certificate_valid_from__lte=task.window_start)
        )
    )
    through = Inspector.enforcement_areas.through.objects
    for department_id, areas in needed.items():
        for area in areas:
            holds = Exists(through.filter(inspector_id=OuterRef("pk"), enforcementarea__name=area))
            query &= ~Q(department_id=department_id) | Q(holds)
    return query


def inspector_queryset(task: Task, filters: RegistryFilters) -> QuerySet[Inspector]:
    inspectors = Inspector.objects.filter(department_id__in=task_department_ids(task))
    if not filters.include_archived:
        inspectors = inspectors.filter(is_archived=False)
    if filters.department_id:
        inspectors = inspectors.filter(department_id=filters.department_id)
    if filters.eligible_only:
        inspectors = inspectors.filter(_drawable_q(task, task_areas(task)))
    return (
        inspectors.select_related("department", "unit")
        .prefetch_related("enforcement_areas")
        .order_by("department__code", "name", "pk")
    )


def _certificate_reasons(inspector: Inspector, task: Task, today: dt.date) -> list[str]:
    start, end = inspector.certificate_valid_from, inspector.certificate_valid_until
    reasons = [] if inspector.certificate_no else ["未登记执法证号"]
    if end is None:
        reasons.append("未登记执法证有效期")
    elif end < task.window_end:
        reasons.append(
            f"执法证已于 {end:%Y-%m-%d} 过期"
            if end < today
            else f"执法证有效期至 {end:%Y-%m-%d}，早于检查截止日期 {task.window_end:%Y-%m-%d}"
        )
    if start is not None and start > task.window_start:
        reasons.append(
            f"执法证自 {start:%Y-%m-%d} 起生效，晚于检查开始日期 {task.window_start:%Y-%m-%d}"
        )
    return reasons


def task_drawability(
    inspector: Inspector, task: Task, needed: list[str], *, status_visible: bool, today: dt.date
) -> list[str]:
    """Why the inspector draw cannot take `inspector` for this task (empty when it can). The
    same rule as `_drawable_q`, worded as the inspector registry words it; the exact status
    (休假、病假 …) is personal and shown only to those who see the inspector's own registry."""
    reasons = []
    if inspector.is_archived:
        reasons.append("已移出名录库")
    if inspector.status != InspectorStatus.ACTIVE:
        reasons.append(
            f"状态为“{inspector.get_status_display()}”" if status_visible else "当前不在岗"
        )
    reasons += _certificate_reasons(inspector, task, today)
    held = {a.name for a in inspector.enforcement_areas.all()}
    missing = [a for a in needed if a not in held]
    if missing:
        reasons.append(f"缺少本任务事项所需的执法领域：{'、'.join(missing)}")
    return reasons


def inspector_rows(
    task: Task, inspectors: Iterable[Inspector], viewer: User
) -> list[JointInspector]:
    needed = task_areas(task)
    visible = visible_department_ids(viewer)
    today = timezone.localdate()
    rows = []
    for i in inspectors:
        reasons = task_drawability(
            i,
            task,
            needed.get(i.department_id, []),
            status_visible=i.department_id in visible,
            today=today,
        )
        rows.append(
            JointInspector(
                inspector_id=i.pk,
                name=i.name,
                department=i.department.name,
                unit=i.unit.name if i.unit else "",
                certificate_no=i.certificate_no,
                certificate_valid_from=i.certificate_valid_from,
                certificate_valid_until=i.certificate_valid_until,
                areas=sorted(a.name for a in i.enforcement_areas.all()),
                drawable=not reasons,
                reasons=reasons,
            )
        )
    return rows


def iter_inspector_rows(
    task: Task, filters: RegistryFilters, viewer: User
) -> Iterator[JointInspector]:
    inspectors = inspector_queryset(task, filters).iterator(chunk_size=EXPORT_BATCH)
    while batch := list(islice(inspectors, EXPORT_BATCH)):
        yield from inspector_rows(task, batch, viewer)


# --- summary and exports ---------------------------------------------------------------------


def summary(task: Task) -> JointSummary:
    """The counts the task page shows: a handful of queries whatever the registry's size."""
    firms = subject_firms(task, RegistryFilters())
    eligible = subject_firms(task, RegistryFilters(eligible_only=True))
    ids = task_department_ids(task)
    rows = dict(
        Subject.objects.filter(department_id__in=ids, is_archived=False)
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    people = Inspector.objects.filter(department_id__in=ids, is_archived=False)
    totals = dict(
        people.values("department_id").annotate(n=Count("pk")).values_list("department_id", "n")
    )
    drawable = dict(
        people.filter(_drawable_q(task, task_areas(task)))
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    return JointSummary(
        firms=firms.count(),
        shared=firms.filter(holders__gt=1).count(),
        eligible=eligible.count(),
        departments=[
            DepartmentCount(d, rows.get(d.pk, 0), totals.get(d.pk, 0), drawable.get(d.pk, 0))
            for d in departments(task)
        ],
    )


SUBJECT_HEADERS = [
    "公开标识",
    "名称",
    "对象类型",
    "行政区划",
    "所属部门",
    "所属部门数",
    "可抽取",
    "不可抽取原因",
    "信用风险分类（内部）",
]
INSPECTOR_HEADERS = [
    "姓名",
    "所属部门",
    "单位",
    "执法证号",
    "执法证有效期起",
    "执法证有效期至",
    "执法领域",
    "本任务可抽取",
    "不可抽取原因",
]


@dataclass(frozen=True)
class Export:
    basename: str
    headers: list[str]
    rows: Iterator[list[Any]]


def export(by: User, task: Task, registry: str, filters: RegistryFilters, fmt: str) -> Export:
    """The whole filtered registry (`registry` "subjects" or "inspectors") as export rows,
    streamed batch by batch; who exported what is recorded (security 9)."""
    require_joint(task)
    if registry == "inspectors":
        count = inspector_queryset(task, filters).count()
        title, headers = "联合名录库-执法检查人员", INSPECTOR_HEADERS
        rows = map(inspector_export_row, iter_inspector_rows(task, filters, by))
    else:
        count = subject_firms(task, filters).count()
        title, headers = "联合名录库-检查对象", SUBJECT_HEADERS
        rows = map(subject_export_row, iter_subject_rows(task, filters, by))
    record_event(
        action="task.joint_registry_exported",
        actor=by,
        obj=task,
        after={"format": fmt, "registry": registry, "filters": filters.as_json(), "rows": count},
    )
    return Export(f"{title}-{task.code}", headers, rows)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def subject_export_row(row: JointSubject) -> list[Any]:
    return [
        row.public_id,
        row.name,
        row.subject_type,
        row.region,
        "、".join(row.departments),
        len(row.departments),
        _yes(row.eligible),
        "；".join(row.reasons),
        row.credit_risk_class or "",
    ]


def inspector_export_row(row: JointInspector) -> list[Any]:
    return [
        row.name,
        row.department,
        row.unit,
        row.certificate_no,
        _date(row.certificate_valid_from),
        _date(row.certificate_valid_until),
        "、".join(row.areas),
        _yes(row.drawable),
        "；".join(row.reasons),
    ]
