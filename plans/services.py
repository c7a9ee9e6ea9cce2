"""Plan operations (B1–B4). Each is an atomic transition that checks the starting state,
records its audit event and refuses anything else with a clear message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from accounts.scope import can_edit_department_data
from audit.services import record_event, snapshot
from organisations.models import Department, JointConference
from plans import values as entry_values
from plans.choices import AdjustmentKind, AdjustmentStatus, PlanStatus
from plans.models import AnnualPlan, PlanAdjustment, PlanEntry
from plans.values import EntryValues

_PLAN_FIELDS = ["department_id", "year", "title", "status"]


def _require_editor(by: User, plan: AnnualPlan) -> None:
    if not (can_edit_department_data(by, plan.department_id) and by.has_role(Role.BUSINESS_STAFF)):
        raise PermissionDenied("只有本部门业务人员可以编制本部门的抽查计划")


def _require_leader(by: User, plan: AnnualPlan) -> None:
    if not (by.has_role(Role.SUPERVISING_LEADER) and by.department_id == plan.department_id):
        raise PermissionDenied("只有本部门分管领导可以审核备案")


def _locked(plan: AnnualPlan) -> AnnualPlan:
    return AnnualPlan.objects.select_for_update().get(pk=plan.pk)


def _refuse_state(plan: AnnualPlan, *allowed: str) -> None:
    if plan.status not in allowed:
        names = "、".join(str(PlanStatus(s).label) for s in allowed)
        raise ValidationError(
            f"计划当前为“{plan.get_status_display()}”，此操作只适用于“{names}”状态"
        )


def create_plan(by: User, year: int, title: str = "") -> AnnualPlan:
    """A new draft plan of the author's own department."""
    department = by.department
    if department is None:
        raise PermissionDenied("只有部门业务人员可以编制抽查计划")
    plan = AnnualPlan(department=department, year=year, created_by=by, modified_by=by)
    plan.title = title.strip() or f"{department.name}{year}年度“双随机、一公开”抽查工作计划"
    _require_editor(by, plan)
    if AnnualPlan.objects.filter(department=department, year=year).exists():
        raise ValidationError(f"{department.name}已有 {year} 年度抽查工作计划，请在原计划上调整")
    with transaction.atomic():
        plan.full_clean()
        plan.save()
        record_event(action="plan.created", actor=by, obj=plan, after=snapshot(plan, _PLAN_FIELDS))
    return plan


def _apply(entry: PlanEntry, values: EntryValues) -> None:
    entry.name = values.name.strip()
    entry.object_scope = values.object_scope.strip()
    entry.window_start, entry.window_end = values.window_start, values.window_end
    entry.basis = values.basis
    entry.ratio_a = values.ratios.get("A")
    entry.ratio_b = values.ratios.get("B")
    entry.ratio_c = values.ratios.get("C")
    entry.ratio_d = values.ratios.get("D")
    entry.count = values.count
    entry.methods = ",".join(sorted(set(values.methods)))
    entry.remarks = values.remarks
    entry.save()
    entry.items.set(values.item_ids)
    entry.participants.set(values.participant_ids)


def add_entry(by: User, plan: AnnualPlan, values: EntryValues) -> PlanEntry:
    _require_editor(by, plan)
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_state(plan, PlanStatus.DRAFT)
        entry_values.validate(plan, values)
        entry = _new_entry(by, plan, values)
        record_event(action="plan.entry_added", actor=by, obj=entry, after=values.to_json())
    return entry


def _new_entry(by: User, plan: AnnualPlan, values: EntryValues) -> PlanEntry:
    entry = PlanEntry(
        plan=plan,
        lead_department_id=plan.department_id,
        created_by=by,
        modified_by=by,
        seq=plan.entries.count() + 1,
    )
    _apply(entry, values)
    return entry


def update_entry(by: User, entry: PlanEntry, values: EntryValues, reason: str = "") -> PlanEntry:
    _require_editor(by, entry.plan)
    with transaction.atomic():
        plan = _locked(entry.plan)
        _refuse_state(plan, PlanStatus.DRAFT)
        entry_values.validate(plan, values)
        before = EntryValues.of(entry).to_json()
        entry.modified_by = by
        _apply(entry, values)
        record_event(
            action="plan.entry_updated",
            actor=by,
            obj=entry,
            before=before,
            after=values.to_json(),
            reason=reason,
        )
    return entry


def archive_entry(by: User, entry: PlanEntry, reason: str) -> None:
    _require_editor(by, entry.plan)
    with transaction.atomic():
        plan = _locked(entry.plan)
        _refuse_state(plan, PlanStatus.DRAFT)
        _archive(by, entry, reason)


def _archive(by: User | None, entry: PlanEntry, reason: str) -> None:
    entry.is_archived, entry.archived_at, entry.archived_reason = True, timezone.now(), reason
    entry.save(update_fields=["is_archived", "archived_at", "archived_reason"])
    record_event(
        action="plan.entry_archived",
        actor=by,
        obj=entry,
        before={"is_archived": False},
        after={"is_archived": True},
        reason=reason,
    )


def submit_plan(by: User, plan: AnnualPlan) -> AnnualPlan:
    _require_editor(by, plan)
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_state(plan, PlanStatus.DRAFT)
        if not plan.entries.filter(is_archived=False).exists():
            raise ValidationError("计划还没有任何抽查条目，不能提交")
        return _move(by, plan, PlanStatus.SUBMITTED, "plan.submitted", submitted_at=timezone.now())


def return_plan(by: User, plan: AnnualPlan, reason: str) -> AnnualPlan:
    _require_leader(by, plan)
    if not reason.strip():
        raise ValidationError("退回须填写原因")
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_state(plan, PlanStatus.SUBMITTED)
        return _move(by, plan, PlanStatus.DRAFT, "plan.returned", reason=reason)


def file_plan(by: User, plan: AnnualPlan, note: str = "") -> AnnualPlan:
    _require_leader(by, plan)
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_state(plan, PlanStatus.SUBMITTED)
        return _move(
            by,
            plan,
            PlanStatus.FILED,
            "plan.filed",
            reason=note,
            filed_at=timezone.now(),
            filed_by=by,
        )


def publish_plan(by: User, plan: AnnualPlan) -> AnnualPlan:
    if not (
        can_edit_department_data(by, plan.department_id)
        and by.has_role(Role.BUSINESS_STAFF, Role.SUPERVISING_LEADER)
    ):
        raise PermissionDenied("只有本部门业务人员或分管领导可以公布计划")
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_state(plan, PlanStatus.FILED)
        return _move(by, plan, PlanStatus.PUBLISHED, "plan.published", published_at=timezone.now())


def _move(
    by: User, plan: AnnualPlan, status: str, action: str, reason: str = "", **fields: object
) -> AnnualPlan:
    before = plan.status
    plan.status = status
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.modified_by = by
    plan.save()
    record_event(
        action=action,
        actor=by,
        obj=plan,
        before={"status": before},
        after={"status": status},
        reason=reason,
    )
    return plan


# --- Adjustments (B2) ---


def propose_adjustment(
    by: User,
    plan: AnnualPlan,
    kind: str,
    reason: str,
    entry: PlanEntry | None = None,
    values: EntryValues | None = None,
) -> PlanAdjustment:
    _require_editor(by, plan)
    if not reason.strip():
        raise ValidationError({"reason": "计划调整须说明原因"})
    if kind not in AdjustmentKind.values:
        raise ValidationError({"kind": "未知的调整类型"})
    if kind != AdjustmentKind.ADD and (
        entry is None or entry.plan_id != plan.pk or entry.is_archived
    ):
        raise ValidationError({"entry": "请选择本计划中现行的计划条目"})
    if kind != AdjustmentKind.REMOVE:
        if values is None:
            raise ValidationError("请填写调整后的计划条目内容")
        entry_values.validate(plan, values)
    with transaction.atomic():
        plan = _locked(plan)
        _refuse_state(plan, PlanStatus.FILED, PlanStatus.PUBLISHED)
        adjustment = PlanAdjustment.objects.create(
            plan=plan,
            entry=entry,
            kind=kind,
            reason=reason.strip(),
            proposed=values.to_json() if values else {},
            before=EntryValues.of(entry).to_json() if entry else None,
            created_by=by,
            modified_by=by,
        )
        record_event(
            action="plan.adjustment_proposed",
            actor=by,
            obj=adjustment,
            before=adjustment.before,
            after={"kind": kind, **adjustment.proposed},
            reason=reason,
        )
    return adjustment


def can_decide(by: User, plan: AnnualPlan) -> bool:
    """The department's supervising leader, or the office of a conference the department is in."""
    if by.has_role(Role.SUPERVISING_LEADER) and by.department_id == plan.department_id:
        return True
    return bool(
        by.has_role(Role.CONFERENCE_OFFICE)
        and by.conference_id is not None
        and plan.department.conferences.filter(pk=by.conference_id).exists()
    )


def decide_adjustment(
    by: User, adjustment: PlanAdjustment, approve: bool, note: str = ""
) -> PlanAdjustment:
    if not can_decide(by, adjustment.plan):
        raise PermissionDenied("只有本部门分管领导或联席会议办公室可以审批计划调整")
    if not approve and not note.strip():
        raise ValidationError({"note": "不批准时请填写意见"})
    with transaction.atomic():
        adjustment = PlanAdjustment.objects.select_for_update().get(pk=adjustment.pk)
        if adjustment.status != AdjustmentStatus.PENDING:
            raise ValidationError("该调整已审批，不能重复审批")
        if approve:
            _apply_adjustment(by, adjustment)
        adjustment.status = AdjustmentStatus.APPROVED if approve else AdjustmentStatus.REJECTED
        adjustment.decided_by, adjustment.decided_at = by, timezone.now()
        adjustment.decision_note = note
        adjustment.save()
        record_event(
            action="plan.adjustment_approved" if approve else "plan.adjustment_rejected",
            actor=by,
            obj=adjustment,
            before={"status": AdjustmentStatus.PENDING},
            after={"status": adjustment.status},
            reason=note,
        )
    return adjustment


def _apply_adjustment(by: User, adjustment: PlanAdjustment) -> None:
    plan = _locked(adjustment.plan)
    if adjustment.kind == AdjustmentKind.REMOVE:
        assert adjustment.entry is not None
        _archive(by, adjustment.entry, f"经批准的计划调整：{adjustment.reason}")
        return
    values = EntryValues.from_json(adjustment.proposed)
    entry_values.validate(plan, values)
    if adjustment.kind == AdjustmentKind.ADD:
        adjustment.entry = _new_entry(by, plan, values)
    else:
        assert adjustment.entry is not None
        adjustment.entry.modified_by = by
        _apply(adjustment.entry, values)
    record_event(
        action="plan.entry_adjusted",
        actor=by,
        obj=adjustment.entry,
        before=adjustment.before,
        after=values.to_json(),
        reason=adjustment.reason,
    )


# --- Merge proposals (B3) ---


@dataclass(frozen=True)
class MergeProposal:
    entries: tuple[PlanEntry, PlanEntry]
    reasons: tuple[str, ...]


def merge_proposals(plan: AnnualPlan) -> list[MergeProposal]:
    """Pairs of live entries of one plan on the same subjects, at overlapping times and with a
    shared method, which could be one internal joint inspection."""
    entries = list(plan.entries.filter(is_archived=False).prefetch_related("items"))
    proposals = []
    for i, first in enumerate(entries):
        for second in entries[i + 1 :]:
            reasons = _merge_reasons(first, second)
            if reasons:
                proposals.append(MergeProposal((first, second), reasons))
    return proposals


def _merge_reasons(a: PlanEntry, b: PlanEntry) -> tuple[str, ...]:
    same_scope = " ".join(a.object_scope.split()) == " ".join(b.object_scope.split())
    shared_items = {i.pk for i in a.items.all()} & {i.pk for i in b.items.all()}
    if not (same_scope or shared_items):
        return ()
    overlap = a.window_start <= b.window_end and b.window_start <= a.window_end
    methods_a, methods_b = (
        set(filter(None, a.methods.split(","))),
        set(filter(None, b.methods.split(","))),
    )
    if not overlap or (methods_a and methods_b and not methods_a & methods_b):
        return ()
    reasons = ["抽查对象范围相同" if same_scope else "包含相同的抽查事项", "抽查期限重叠"]
    if methods_a & methods_b:
        reasons.append("抽查方式相同")
    return tuple(reasons)


def merge_entries(by: User, keep: PlanEntry, other: PlanEntry) -> PlanEntry:
    """Fold `other` into `keep` (draft plans only); after filing, merging is an adjustment."""
    if keep.plan_id != other.plan_id or keep.pk == other.pk:
        raise ValidationError("只能合并同一计划中的两个不同条目")
    a, b = EntryValues.of(keep), EntryValues.of(other)
    merged = EntryValues(
        name=a.name,
        item_ids=sorted(set(a.item_ids) | set(b.item_ids)),
        object_scope=a.object_scope,
        window_start=min(a.window_start, b.window_start),
        window_end=max(a.window_end, b.window_end),
        basis=a.basis,
        ratios={
            k: max((v for v in (a.ratios.get(k), b.ratios.get(k)) if v is not None), default=None)
            for k in "ABCD"
        },
        count=max(a.count or 0, b.count or 0) or None,
        participant_ids=sorted(set(a.participant_ids) | set(b.participant_ids)),
        methods=sorted(set(a.methods) | set(b.methods)),
        remarks="；".join(r for r in (a.remarks, b.remarks, f"由“{b.name}”合并") if r),
    )
    with transaction.atomic():
        update_entry(by, keep, merged, reason=f"内部联合：合并“{other.name}”")
        _archive(by, other, f"已合并入“{keep.name}”")
    return keep


# --- Joint-inspection targets (B4) and the year-end reminder (B1) ---


@dataclass(frozen=True)
class JointCheckRow:
    department: Department
    joint_entries: int
    widest: int
    meets_target: bool


def joint_plan_check(conference: JointConference, year: int) -> list[JointCheckRow]:
    """Each member department's joint entries in its filed or published plans for `year`,
    against the conference's targets (≥ N joint inspections a year with ≥ M departments)."""
    live = PlanEntry.objects.filter(
        is_archived=False,
        plan__year=year,
        plan__status__in=[PlanStatus.FILED, PlanStatus.PUBLISHED],
    ).annotate(departments=Count("participants", distinct=True) + 1)
    rows = []
    for department in conference.members.order_by("name"):
        sizes = list(
            live.filter(Q(lead_department=department) | Q(participants=department))
            .distinct()
            .values_list("departments", flat=True)
        )
        qualifying = [s for s in sizes if s >= conference.min_departments_per_joint_inspection]
        rows.append(
            JointCheckRow(
                department,
                len(qualifying),
                max(sizes, default=0),
                len(qualifying) >= conference.min_joint_inspections_per_year,
            )
        )
    return rows


def plan_reminder(user: User, today: dt.date | None = None) -> str | None:
    """A reminder for department staff in the last weeks of the year with no plan submitted yet."""
    today = today or timezone.localdate()
    days_left = (dt.date(today.year, 12, 31) - today).days
    if days_left > settings.PLAN_REMINDER_DAYS or user.department_id is None:
        return None
    if not user.has_role(Role.BUSINESS_STAFF, Role.SUPERVISING_LEADER):
        return None
    next_year = today.year + 1
    done = (
        AnnualPlan.objects.filter(
            department_id=user.department_id,
            year=next_year,
        )
        .exclude(status=PlanStatus.DRAFT)
        .exists()
    )
    if done:
        return None
    return f"请在 12 月 31 日前编制并提交 {next_year} 年度抽查工作计划（还剩 {days_left} 天）。"
