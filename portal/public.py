"""The portal's whitelist (E2, E3, security 15–16): plain functions that copy named fields into
plain dicts. Pages and the public API render only what these functions return; nothing else of a
model reaches the public. Never here: natural persons' address, phone, ID number or bank account,
inspectors' anything but name and 执法证号, credit-risk classes or internal draw strata, the
objector's contact, free-text remarks meant for staff.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse

from items.choices import InspectionMethod
from items.models import InspectionItem, ItemList
from plans.choices import AdjustmentStatus, DrawBasis
from plans.models import AnnualPlan, PlanAdjustment, PlanEntry
from publication.choices import CorrectionState, ObjectionState, PublicationState
from publication.content import FIELD_LABELS, inspection_type, plan_number
from publication.models import Correction, Objection, ResultPublication
from publication.services import shown_content
from tasks.choices import DrawStatus, TaskStatus
from tasks.models import SubjectDraw, Task, TeamDraw

# The keys of a result's content that are published, in display order (publication.content).
CONTENT_FIELDS = tuple(FIELD_LABELS)
INSPECTOR_FIELDS = ("name", "certificate_no")
PUBLIC_DRAW_STATUSES = (DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED, DrawStatus.VOIDED)
PUBLIC_TASK_STATUSES = (TaskStatus.LOCKED, TaskStatus.COMPLETED)
TASK_RESULTS = 100  # the newest results on a task's page; the search finds the rest
# Plan entry fields that an approved adjustment may show (never ratios per class, never remarks).
ADJUSTMENT_FIELDS = {
    "name": "抽查名称",
    "object_scope": "抽查对象范围",
    "window_start": "抽查开始日期",
    "window_end": "抽查截止日期",
    "count": "抽取数量",
}


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        value = timezone.localdate(value)
    return value.isoformat()


def _methods(codes: str | list[str]) -> list[str]:
    labels = dict(InspectionMethod.choices)
    items = codes.split(",") if isinstance(codes, str) else codes
    return [str(labels.get(c, c)) for c in items if c]


# --- results --------------------------------------------------------------------------------


def public_results() -> QuerySet[ResultPublication]:
    """Every result the public may see, newest first, with its corrections prefetched (only the
    published ones are shown: `publication.services.shown_content`)."""
    return (
        ResultPublication.objects.public()
        .order_by("-published_on", "-id")
        .prefetch_related("corrections")
    )


def _clean_value(name: str, value: Any) -> Any:
    if name == "inspectors":
        return [
            {k: str(person.get(k, "")) for k in INSPECTOR_FIELDS}
            for person in (value or [])
            if isinstance(person, dict)
        ]
    if isinstance(value, list):
        return [str(v) for v in value]
    return "" if value is None else str(value)


def content_of(content: dict[str, Any]) -> dict[str, Any]:
    """The whitelisted fields of a result's content, and nothing else."""
    return {name: _clean_value(name, content.get(name)) for name in CONTENT_FIELDS}


def display_value(name: str, value: Any) -> str:
    if name == "inspectors":
        return "；".join(f"{p['name']}（执法证号 {p['certificate_no']}）" for p in value) or "—"
    if isinstance(value, list):
        return "、".join(value) or "—"
    return str(value) or "—"


def result_row(pub: ResultPublication) -> dict[str, Any]:
    """One line of a search result list."""
    shown = shown_content(pub)
    return {
        "id": pub.pk,
        "subject_name": str(shown.get("subject_name") or pub.subject_name),
        "subject_code": pub.subject_code,
        "task_code": str(shown.get("task_code", "")),
        "task_name": str(shown.get("task_name", "")),
        "authority": str(shown.get("authority", "")),
        "result": str(shown.get("result", "")),
        "completed_on": str(shown.get("completed_on", "")),
        "published_on": _date(pub.published_on),
        "corrected": pub.state == PublicationState.CORRECTED,
    }


def _correction(c: Correction) -> dict[str, Any]:
    return {
        "published_on": _date(c.published_at),
        "reason": c.reason,
        "changes": [
            {
                "field": name,
                "label": FIELD_LABELS[name],
                "before": display_value(name, _clean_value(name, change.get("before"))),
                "after": display_value(name, _clean_value(name, change.get("after"))),
            }
            for name, change in (c.changes or {}).items()
            if name in FIELD_LABELS and isinstance(change, dict)
        ],
    }


def _objection(o: Objection) -> dict[str, Any]:
    return {
        "decision": o.get_decision_display(),
        "decision_text": o.decision_text,
        "decided_on": _date(o.decided_at),
    }


def result_detail(pub: ResultPublication) -> dict[str, Any]:
    """A published result with its corrections beside the original and objection outcomes."""
    original = content_of(pub.content or {})
    shown = content_of(shown_content(pub))
    fields = []
    for name in CONTENT_FIELDS:
        if name in ("subject_name", "subject_code"):
            continue
        changed = shown[name] != original[name]
        fields.append(
            {
                "field": name,
                "label": FIELD_LABELS[name],
                "value": display_value(name, shown[name]),
                "original": display_value(name, original[name]) if changed else "",
                "corrected": changed,
            }
        )
    corrections = pub.corrections.filter(state=CorrectionState.PUBLISHED).order_by(
        "published_at", "pk"
    )
    objections = pub.objections.filter(state=ObjectionState.DECIDED).order_by("decided_at", "pk")
    return {
        "id": pub.pk,
        "subject_name": shown["subject_name"] or pub.subject_name,
        "subject_code": pub.subject_code,
        "state": pub.get_state_display(),
        "published_on": _date(pub.published_on),
        "public_until": _date(pub.public_until),
        "content": shown,
        "original": original,
        "fields": fields,
        "corrections": [_correction(c) for c in corrections],
        "objections": [_objection(o) for o in objections],
    }


def objection_status(obj: Objection) -> dict[str, Any]:
    """What the public lookup by 受理编号 shows: state and, once decided, the decision."""
    decided = obj.state == ObjectionState.DECIDED
    return {
        "number": obj.number,
        "state": obj.get_state_display(),
        "received_on": _date(obj.received_on),
        "decision": obj.get_decision_display() if decided else "",
        "decision_text": obj.decision_text if decided else "",
        "decided_on": _date(obj.decided_at) if decided else "",
    }


# --- tasks and draws ------------------------------------------------------------------------


def public_tasks() -> QuerySet[Task]:
    """Tasks whose subjects are drawn (or that are locked or completed): the public list."""
    drawn = SubjectDraw.objects.filter(status__in=PUBLIC_DRAW_STATUSES).values("task_id")
    return (
        Task.objects.filter(Q(status__in=PUBLIC_TASK_STATUSES) | Q(pk__in=drawn))
        .select_related("department")
        .order_by("-year", "-created_at", "-pk")
    )


def task_row(task: Task) -> dict[str, Any]:
    return {
        "code": task.code,
        "name": task.name,
        "year": task.year,
        "department": task.department.name,
        "inspection_type": inspection_type(task),
        "window_start": _date(task.window_start),
        "window_end": _date(task.window_end),
        "status": task.get_status_display(),
    }


def _file_links(task: Task, names: dict[str, str]) -> list[dict[str, str]]:
    return [
        {
            "name": name,
            "description": text,
            "url": reverse("portal:task_file", args=[task.code, name]),
        }
        for name, text in names.items()
    ]


def _draw(task: Task, draw: SubjectDraw) -> dict[str, Any]:
    from tasks.bundle import public_draw_bundle

    out: dict[str, Any] = {
        "number": draw.number,
        "status": draw.get_status_display(),
        "voided": draw.status == DrawStatus.VOIDED,
        "drawn_at": _date(draw.drawn_at),
        "commitment": draw.commitment_digest,
        "seed": draw.seed,
        "pool_count": draw.pool_count,
        "voided_on": _date(draw.voided_at),
        "void_reason": draw.void_reason if draw.status == DrawStatus.VOIDED else "",
        "drawn": [],
        "substitutes": 0,
        "explanation": None,
        "files": [],
        "commands": [],
    }
    try:
        bundle = public_draw_bundle(draw)
    except ValidationError:
        return out  # not publishable in pseudonymous form: the facts above only
    out["drawn"] = [
        {"name": r.name, "code": r.public_id if ":" not in r.public_id else "", "layer": r.layer}
        for r in sorted(bundle.revealed, key=lambda r: r.name)
        if not r.substitute
    ]
    out["substitutes"] = sum(1 for r in bundle.revealed if r.substitute)
    explanation = bundle.explanation
    out["explanation"] = {
        "title": str(explanation["title"]),
        "paragraphs": [str(p) for p in explanation["paragraphs"]],
        "strata": [
            {
                "name": str(s["name"]),
                "population": s["population"],
                "eligible": s["eligible"],
                "drawn": s["drawn"],
                "substitutes": s["substitutes"],
                "method": str(s["method"]),
            }
            for s in explanation["strata"]
        ],
        "expected_output": str(explanation["expected_output"]),
    }
    out["files"] = _file_links(task, dict(explanation["files"]))
    out["commands"] = [str(c) for c in explanation["commands"]]
    return out


def _team(task: Task, team_draw: TeamDraw) -> dict[str, Any] | None:
    from tasks.bundle import public_team_bundle

    try:
        bundle = public_team_bundle(team_draw)
    except ValidationError:
        return None
    return {
        "department": bundle.department,
        "draw_number": team_draw.subject_draw.number,
        "drawn_at": _date(team_draw.drawn_at),
        "commitment": team_draw.commitment_digest,
        "seed": team_draw.seed,
        "inspectors": [
            {"name": p.name, "certificate_no": p.certificate_no, "role": p.role}
            for p in bundle.inspectors
        ],
        "paragraphs": [str(p) for p in bundle.explanation["paragraphs"]],
        "files": _file_links(task, dict(bundle.explanation["files"])),
        "commands": [str(c) for c in bundle.explanation["commands"]],
    }


def task_detail(task: Task) -> dict[str, Any]:
    entry = task.plan_entry
    draws = task.draws.filter(status__in=PUBLIC_DRAW_STATUSES).order_by("number")
    team_draws = (
        TeamDraw.objects.filter(task=task, subject_draw__status__in=PUBLIC_DRAW_STATUSES)
        .select_related("department", "subject_draw", "task")
        .order_by("subject_draw__number", "department__code")
    )
    teams = [t for t in (_team(task, td) for td in team_draws) if t is not None]
    return {
        **task_row(task),
        "participants": [d.name for d in task.participants.order_by("code")],
        "plan_number": plan_number(task),
        "plan_name": entry.plan.title if entry is not None else "",
        "methods": _methods(task.methods),
        "random": task.is_random,
        "items": [
            {"code": i.code, "name": i.name} for i in task.items.order_by("code", "pk").distinct()
        ],
        "draws": [_draw(task, d) for d in draws],
        "teams": teams,
        "results": [result_row(p) for p in public_results().filter(task=task)[:TASK_RESULTS]],
    }


def task_file(task: Task, name: str) -> bytes | Path | None:
    """One downloadable public file of a task's draws by name: bytes, or the path of a pool
    file (streamed, never read whole into memory), or None."""
    from tasks.bundle import public_draw_bundle, public_team_bundle

    for draw in task.draws.filter(status__in=PUBLIC_DRAW_STATUSES):
        try:
            bundle = public_draw_bundle(draw)
        except ValidationError:
            continue
        if name == bundle.pool_name:
            return bundle.pool_path
        small = bundle.small_files()
        if name in small:
            return small[name]
    for team_draw in TeamDraw.objects.filter(
        task=task, subject_draw__status__in=PUBLIC_DRAW_STATUSES
    ).select_related("department", "subject_draw", "task"):
        try:
            files = public_team_bundle(team_draw).files()
        except ValidationError:
            continue
        if name in files:
            return files[name]
    return None


# --- item lists -----------------------------------------------------------------------------


def public_item_lists() -> QuerySet[ItemList]:
    return ItemList.objects.published().select_related("department")


def item_list_row(item_list: ItemList) -> dict[str, Any]:
    return {
        "id": item_list.pk,
        "department": item_list.department.name,
        "title": item_list.title,
        "version": item_list.version,
        "current": item_list.status == "published",
        "status": item_list.get_status_display(),
        "published_on": _date(item_list.published_at),
        "change_note": item_list.change_note,
    }


def _percent(value: Any) -> str:
    return "" if value is None else f"{value.normalize():f}"


def item_row(item: InspectionItem) -> dict[str, Any]:
    return {
        "code": item.code,
        "seq": item.seq,
        "name": item.name,
        "kind": item.get_kind_display(),
        "legal_basis": item.legal_basis,
        "object_scope": item.object_scope,
        "standard": item.standard,
        "ratio_percent": _percent(item.ratio_percent),
        "ratio_cap_percent": _percent(item.ratio_cap_percent),
        "frequency": item.frequency,
        "methods": item.method_labels(),
        "mandate": item.get_mandate_display(),
        "inspecting_body": item.inspecting_body or item.entrusted_unit,
        "enforcement_area": item.enforcement_area.name if item.enforcement_area else "",
        "points": [p.text for p in item.points.all()],
    }


def item_list_detail(item_list: ItemList) -> dict[str, Any]:
    items = (
        InspectionItem.objects.public()
        .filter(item_list=item_list)
        .select_related("enforcement_area")
        .prefetch_related("points")
        .order_by("seq", "code")
    )
    versions = public_item_lists().filter(department=item_list.department).order_by("-version")
    return {
        **item_list_row(item_list),
        "items": [item_row(i) for i in items],
        "versions": [item_list_row(v) for v in versions],
    }


# --- plans ----------------------------------------------------------------------------------


def public_plans() -> QuerySet[AnnualPlan]:
    return AnnualPlan.objects.public().select_related("department").order_by("-year", "pk")


def plan_row(plan: AnnualPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "department": plan.department.name,
        "year": plan.year,
        "title": plan.title,
        "published_on": _date(plan.published_at),
    }


def _entry(entry: PlanEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "name": entry.name,
        "items": [i.name for i in entry.items.all()],
        "object_scope": entry.object_scope,
        "basis": entry.get_basis_display(),
        "count": entry.count if entry.basis == DrawBasis.COUNT else None,
        "window_start": _date(entry.window_start),
        "window_end": _date(entry.window_end),
        "lead_department": entry.lead_department.name,
        "participants": [d.name for d in entry.participants.all()],
        "methods": _methods(entry.methods),
    }


def _adjustment(adj: PlanAdjustment) -> dict[str, Any]:
    before = adj.before or {}
    proposed = adj.proposed or {}
    changes = [
        {
            "label": label,
            "before": "" if before.get(name) is None else str(before.get(name)),
            "after": "" if proposed.get(name) is None else str(proposed.get(name)),
        }
        for name, label in ADJUSTMENT_FIELDS.items()
        if before.get(name) != proposed.get(name) and (name in before or name in proposed)
    ]
    return {
        "kind": adj.get_kind_display(),
        "entry": (adj.entry.name if adj.entry else "") or str(proposed.get("name", "")),
        "reason": adj.reason,
        "approved_on": _date(adj.decided_at),
        "changes": changes,
    }


def plan_detail(plan: AnnualPlan) -> dict[str, Any]:
    entries = (
        plan.entries.filter(is_archived=False)
        .select_related("lead_department")
        .prefetch_related("items", "participants")
        .order_by("seq", "pk")
    )
    adjustments = (
        plan.adjustments.filter(status=AdjustmentStatus.APPROVED)
        .select_related("entry")
        .order_by("decided_at", "pk")
    )
    return {
        **plan_row(plan),
        "entries": [_entry(e) for e in entries],
        "adjustments": [_adjustment(a) for a in adjustments],
    }
