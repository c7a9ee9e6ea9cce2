"""The inspector draw (C7–C9) and recusal, through `suiji`.

Departments and enforcement areas appear in the library by name, so the engine's messages and the
public record read as the registry does (names hold no commas or semicolons).

The locked subjects (or those distributed to a lower unit, C6) form the pool; the department's
inspector registry forms the library; the engine assigns teams of at least N certified
inspectors (N = settings.MIN_TEAM_SIZE) whose certificates are valid over the whole window and
whose enforcement areas cover the items, one group per participating department of a joint task,
experts only in addition, conflicts excluded, loads as even as the constraints allow. A recusal
after the draw is a new step of the same record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

import suiji
from accounts.choices import Role
from accounts.models import User
from audit.services import record_event
from inspectors.choices import InspectorStatus
from inspectors.models import Expert, Inspector
from organisations.models import Department
from subjects.models import Subject
from tasks.choices import DrawStatus
from tasks.models import (
    Conflict,
    DrawnSubject,
    Recusal,
    SubjectDraw,
    Task,
    TeamDraw,
    TeamMember,
)
from tasks.pool import save_pool_file

LIBRARY_COLUMNS = (
    "id",
    "department",
    "unit",
    "role",
    "areas",
    "certificate_no",
    "certificate_valid_from",
    "certificate_valid_until",
    "status",
)
HASH = "sha256"


@dataclass
class TeamSettings:
    min_team_size: int = field(default_factory=lambda: int(settings.MIN_TEAM_SIZE))
    max_load: int | None = None
    with_expert: bool = False
    units: list[str] | None = None  # the responsible unit(s); the rest of the department is 递补


def _person_id(kind: str, pk: int) -> str:
    return f"{kind}{pk}"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def _library_rows(departments: Iterable[Department]) -> list[tuple[str, ...]]:
    codes = {d.pk: d.name for d in departments}
    rows: list[tuple[str, ...]] = []
    # Only people who can be drawn: the library is published with the record (E3), and another
    # status (休假/病假 …) is personal information. Nobody else qualifies (spec §7.2) anyway.
    inspectors = (
        Inspector.objects.filter(
            department_id__in=codes, is_archived=False, status=InspectorStatus.ACTIVE
        )
        .select_related("unit")
        .prefetch_related("enforcement_areas")
    )
    for i in inspectors:
        rows.append(
            (
                _person_id("I", i.pk),
                codes[i.department_id],
                i.unit.name if i.unit else "",
                "inspector",
                ";".join(sorted(a.name for a in i.enforcement_areas.all())),
                i.certificate_no,
                _date(i.certificate_valid_from),
                _date(i.certificate_valid_until),
                "active",
            )
        )
    experts = Expert.objects.filter(
        department_id__in=codes, is_archived=False, is_available=True
    ).prefetch_related("enforcement_areas")
    for e in experts:
        rows.append(
            (
                _person_id("E", e.pk),
                codes[e.department_id],
                "",
                "expert",
                ";".join(sorted(a.name for a in e.enforcement_areas.all())),
                "",
                "",
                "",
                "active",
            )
        )
    return rows


def task_areas(task: Task) -> dict[int, list[str]]:
    """Department → the enforcement areas (by name, sorted) that the task's items of that
    department need: every inspector of the department's group must hold all of them (one
    query)."""
    needed: dict[int, set[str]] = {}
    rows = task.items.filter(enforcement_area__isnull=False).values_list(
        "item_list__department_id", "enforcement_area__name"
    )
    for department_id, area in rows:
        needed.setdefault(department_id, set()).add(area)
    return {department_id: sorted(areas) for department_id, areas in needed.items()}


def _groups(draw: SubjectDraw, department: Department, team: TeamSettings) -> list[dict[str, Any]]:
    """One group per department of a joint task (the lead fills the rest of the minimum)."""
    task = draw.task
    partners = list(task.participants.all()) if department.pk == task.department_id else []
    lead_count = max(1, team.min_team_size - len(partners))
    needed = task_areas(task)
    groups: list[dict[str, Any]] = []
    for dept, count in [(department, lead_count), *((p, 1) for p in partners)]:
        group: dict[str, Any] = {
            "name": dept.short_name or dept.name,
            "department": dept.name,
            "areas": needed.get(dept.pk, []),
            "count": count,
        }
        if team.units and dept.pk == department.pk:
            group["units"] = team.units
        groups.append(group)
    if team.with_expert:
        groups.append(
            {
                "name": "专家",
                "role": "expert",
                "department": department.name,
                "areas": [],
                "count": 1,
            }
        )
    return groups


def _selected(draw: SubjectDraw, department: Department) -> list[DrawnSubject]:
    picks = draw.selections.filter(is_substitute=False)
    if draw.task.department_id != department.pk:
        picks = picks.filter(assigned_department=department)
    return list(picks.select_related("subject"))


def _check_start(by: User, draw: SubjectDraw) -> Department:
    department = by.department
    if department is None or not by.has_role(Role.BUSINESS_STAFF):
        raise PermissionDenied("只有业务人员可以抽取检查人员")
    if draw.status != DrawStatus.LOCKED:
        raise ValidationError("检查对象名单锁定后才能抽取检查人员")
    lead = department.pk == draw.task.department_id
    if not lead and not draw.selections.filter(assigned_department=department).exists():
        raise PermissionDenied("本部门没有分派到本次抽取的检查对象")
    return department


def _team_params(
    draw: SubjectDraw, department: Department, team: TeamSettings, picks: list[DrawnSubject]
) -> dict[str, Any]:
    task = draw.task
    public = {p.subject_id: p.public_id for p in picks}
    conflicts = Conflict.objects.filter(subject_id__in=public).order_by("pk")
    inspectors: dict[str, Any] = {
        "window": {"start": task.window_start.isoformat(), "end": task.window_end.isoformat()},
        "min_team_size": team.min_team_size,
        "groups": _groups(draw, department, team),
        "conflicts": [
            {"inspector": _person_id("I", c.inspector_id), "subject": public[c.subject_id]}
            for c in conflicts
        ],
    }
    if team.max_load:
        inspectors["max_load"] = team.max_load
    return {
        "format": "suiji-params/1",
        "task": f"{task.code} {task.name}（检查人员）",
        "hash": HASH,
        "item_kind": "key",
        "strata": [{"name": "锁定名单", "where": {}, "ratio": "1"}],
        "sources": {"csprng": True},
        "inspectors": inspectors,
    }


def draw_teams(by: User, draw: SubjectDraw, team: TeamSettings) -> TeamDraw:
    department = _check_start(by, draw)
    task = draw.task
    picks = _selected(draw, department)
    departments = [department]
    if department.pk == task.department_id:
        departments += list(task.participants.all())
    params = _team_params(draw, department, team, picks)
    try:
        pool = suiji.pool_from_rows(("id",), [(p.public_id,) for p in picks])
        library = suiji.pool_from_rows(LIBRARY_COLUMNS, _library_rows(departments))
        parsed = suiji.parse_params(params)
        commitment = suiji.commit(pool, parsed, library)
        record = suiji.draw(pool, parsed, commitment=commitment, inspectors=library)
    except suiji.SuijiError as exc:
        raise ValidationError(str(exc)) from exc
    stem = f"{task.code}-{draw.number}-{department.code}"
    pool_path = save_pool_file(f"{stem}-subjects.csv", pool)
    library_path = save_pool_file(f"{stem}-inspectors.csv", library)
    try:
        with transaction.atomic():
            team_draw = TeamDraw.objects.create(
                task=task,
                subject_draw=draw,
                department=department,
                params=params,
                commitment_digest=commitment.digest,
                pool_file=str(pool_path),
                library_file=str(library_path),
                record=record,
                seed=str(record["seed"]),
                drawn_at=timezone.now(),
                drawn_by=by,
                created_by=by,
                modified_by=by,
            )
            _store_members(team_draw, record, {p.public_id: p.subject_id for p in picks})
            record_event(
                action="draw.teams_drawn",
                actor=by,
                obj=team_draw,
                after={
                    "commitment": commitment.digest,
                    "seed": team_draw.seed,
                    "subjects": len(picks),
                },
            )
    except IntegrityError as exc:
        raise ValidationError("本部门已为本次抽取的检查对象选派过检查人员") from exc
    return team_draw


def _person(member_id: str) -> dict[str, int]:
    pk = int(member_id[1:])
    return {"inspector_id": pk} if member_id.startswith("I") else {"expert_id": pk}


def _store_members(team_draw: TeamDraw, record: dict[str, Any], subjects: dict[str, int]) -> None:
    TeamMember.objects.bulk_create(
        TeamMember(
            team_draw=team_draw,
            subject_id=subjects[team["subject"]],
            group=member["group"],
            substitute=bool(member["substitute"]),
            **_person(member["inspector"]),
        )
        for team in record["assignment"]["teams"]
        for member in team["members"]
    )


def _may_recuse(by: User, member: TeamMember) -> bool:
    """The inspector (through the registry entry's linked account) or the unit's managers."""
    inspector = member.inspector
    own = inspector is not None and by.has_role(Role.INSPECTOR) and inspector.account_id == by.pk
    manager = (
        by.has_role(Role.BUSINESS_STAFF, Role.UNIT_HEAD)
        and by.department_id == member.team_draw.department_id
    )
    return own or manager


def recuse(by: User, member: TeamMember, reason: str) -> Recusal:
    """A declared conflict after the draw: a deterministic replacement, recorded as a new step of
    the same record (suiji §7.7); the pair stays excluded from future draws."""
    if not _may_recuse(by, member):
        raise PermissionDenied("只有本人或本部门业务人员、科室负责人可以申请回避")
    if not reason.strip():
        raise ValidationError({"reason": "回避须说明原因"})
    with transaction.atomic():
        team_draw = TeamDraw.objects.select_for_update().get(pk=member.team_draw_id)
        member = TeamMember.objects.select_for_update().get(pk=member.pk)
        if not member.active:
            raise ValidationError("该成员已不在检查组中")
        subject_id = (
            DrawnSubject.objects.filter(draw=team_draw.subject_draw, subject_id=member.subject_id)
            .values_list("public_id", flat=True)
            .first()
        )
        kind, pk = ("I", member.inspector_id) if member.inspector_id else ("E", member.expert_id)
        person_id = _person_id(kind, pk or 0)
        try:
            record = suiji.recuse(
                team_draw.record,
                str(subject_id),
                person_id,
                reason.strip(),
                pool=suiji.PoolFile(team_draw.pool_file),
            )
        except suiji.SuijiError as exc:
            raise ValidationError(str(exc)) from exc
        step = record["steps"][-1]
        member.active = False
        member.save(update_fields=["active"])
        replacement = TeamMember.objects.create(
            team_draw=team_draw,
            subject_id=member.subject_id,
            group=step["group"],
            substitute=bool(step["substitute"]),
            step=int(step["step"]),
            **_person(step["added"]),
        )
        if member.inspector_id:
            Conflict.objects.get_or_create(
                inspector_id=member.inspector_id,
                subject_id=member.subject_id,
                defaults={"reason": reason.strip(), "created_by": by},
            )
        team_draw.record = record
        team_draw.save(update_fields=["record"])
        recusal = Recusal.objects.create(
            team_draw=team_draw,
            removed=member,
            replacement=replacement,
            step=int(step["step"]),
            reason=reason.strip(),
            created_by=by,
        )
        record_event(
            action="draw.recusal",
            actor=by,
            obj=team_draw,
            reason=reason,
            before={"subject": subject_id, "member": person_id},
            after={"subject": subject_id, "member": step["added"], "step": step["step"]},
        )
    return recusal


@dataclass(frozen=True)
class RepeatWarning:
    subject: Subject
    task_code: str
    department: str
    window: str


def repeat_inspection_warnings(draw: SubjectDraw) -> list[RepeatWarning]:
    """D9: drawn subjects another task visits within N days of this one (无事不扰)."""
    task = draw.task
    days = dt.timedelta(days=settings.REPEAT_INSPECTION_DAYS)
    mine = draw.selections.filter(is_substitute=False).exclude(subject__uscc="")
    others = (
        DrawnSubject.objects.filter(
            is_substitute=False,
            draw__status__in=[DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED],
            subject__uscc__in=mine.values("subject__uscc"),
            draw__task__window_start__lte=task.window_end + days,
            draw__task__window_end__gte=task.window_start - days,
        )
        .exclude(draw__task=task)
        .select_related("subject", "draw__task__department")
    )
    return [
        RepeatWarning(
            o.subject,
            o.draw.task.code,
            o.draw.task.department.name,
            f"{o.draw.task.window_start:%Y-%m-%d} 至 {o.draw.task.window_end:%Y-%m-%d}",
        )
        for o in others
    ]
