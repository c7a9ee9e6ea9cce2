"""Oversight operations: recording rule documents, saving and submitting reports and summaries
(the figures are frozen at submission), the conference office's view of who has submitted, and
the home-page reminders."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.scope import can_edit_department_data, visible_department_ids
from audit.services import record_event
from oversight.choices import ReportKind, ReportStatus, SubmissionState
from oversight.figures import Departments
from oversight.models import Report, RuleDocument
from oversight.periods import previous_month, report_due, report_period
from oversight.reports import report_content

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Department

EDITORS = (Role.BUSINESS_STAFF, Role.SUPERVISING_LEADER)
TEXT_FIELDS = ("remarks", "work_done", "problems", "next_steps")


def scope_of(user: User) -> Departments:
    return frozenset(visible_department_ids(user))


def can_edit(user: User, department_id: int | None) -> bool:
    """Business staff and the 分管领导 of the department itself fill and submit its reports."""
    return can_edit_department_data(user, department_id) and user.has_role(*EDITORS)


def _require_editor(by: User, department_id: int) -> None:
    if not can_edit(by, department_id):
        raise PermissionDenied("只有本部门的业务人员或分管领导可以填报和报送")


# --- rule documents (question 1 of the form) ---------------------------------------------------


@dataclass
class RuleValues:
    name: str
    number: str
    issued_on: dt.date


def add_rule_document(by: User, department: Department, values: RuleValues) -> RuleDocument:
    _require_editor(by, department.pk)
    name, number = values.name.strip(), values.number.strip()
    if not name or not number:
        raise ValidationError("请填写文件名称和文号")
    if values.issued_on > timezone.localdate():
        raise ValidationError({"issued_on": "印发日期不能晚于今天"})
    with transaction.atomic():
        doc = RuleDocument(
            department=department,
            name=name,
            number=number,
            issued_on=values.issued_on,
            created_by=by,
            modified_by=by,
        )
        doc.full_clean()
        doc.save()
        record_event(
            action="oversight.rule_document_added",
            actor=by,
            obj=doc,
            after={"name": name, "number": number, "issued_on": values.issued_on},
        )
    return doc


def archive_rule_document(by: User, doc: RuleDocument, reason: str) -> RuleDocument:
    _require_editor(by, doc.department_id)
    if not reason.strip():
        raise ValidationError({"reason": "请说明撤销登记的原因"})
    with transaction.atomic():
        doc = RuleDocument.objects.select_for_update().get(pk=doc.pk)
        if doc.is_archived:
            raise ValidationError("该文件已撤销登记")
        doc.is_archived, doc.archived_at, doc.archived_reason = True, timezone.now(), reason.strip()
        doc.modified_by = by
        doc.save()
        record_event(
            action="oversight.rule_document_archived", actor=by, obj=doc, reason=reason.strip()
        )
    return doc


# --- reports -----------------------------------------------------------------------------------


def check_period(kind: str, year: int, month: int) -> None:
    if kind not in ReportKind.values:
        raise ValidationError({"kind": "报表类型有误"})
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年度应在 2000 至 2100 之间"})
    if (kind == ReportKind.MONTHLY) != (1 <= month <= 12) or (
        kind != ReportKind.MONTHLY and month != 0
    ):
        raise ValidationError({"month": "月报表的月份应在 1 至 12 之间，工作总结不填月份"})


def report_for(department_id: int, kind: str, year: int, month: int = 0) -> Report:
    """The saved report, or a new unsaved one with its deadline."""
    check_period(kind, year, month)
    found = Report.objects.filter(
        department_id=department_id, kind=kind, year=year, month=month
    ).first()
    return found or Report(
        department_id=department_id,
        kind=kind,
        year=year,
        month=month,
        due=report_due(kind, year, month),
    )


def opens_on(kind: str, year: int, month: int = 0) -> dt.date:
    """A report can be submitted once its period is over; the annual summary, due before the
    year ends (30 November), from the first day of the month in which it is due."""
    if kind == ReportKind.ANNUAL:
        return report_due(kind, year).replace(day=1)
    return report_period(kind, year, month).end + dt.timedelta(days=1)


def live_content(report: Report, today: dt.date | None = None) -> dict[str, Any]:
    """The report's figures: the snapshot once submitted, computed now before."""
    if report.is_submitted and report.figures is not None:
        return dict(report.figures)
    return report_content(
        report.kind,
        report.year,
        report.month,
        frozenset({report.department_id}),
        report.department_id,
        report.department.name,
        today,
    )


def _texts(values: dict[str, str]) -> dict[str, str]:
    return {name: (values.get(name) or "").strip() for name in TEXT_FIELDS}


def _locked_report(by: User, department_id: int, kind: str, year: int, month: int) -> Report:
    report = report_for(department_id, kind, year, month)
    if report.pk is None:
        report.created_by = by
        report.save()
    return Report.objects.select_for_update().select_related("department").get(pk=report.pk)


def save_report(
    by: User, department_id: int, kind: str, year: int, month: int, values: dict[str, str]
) -> Report:
    """Save the remarks and the narrative parts; the figures stay live until submission."""
    _require_editor(by, department_id)
    check_period(kind, year, month)
    with transaction.atomic():
        report = _locked_report(by, department_id, kind, year, month)
        if report.is_submitted:
            raise ValidationError("该报表已报送，不能修改")
        before = {name: getattr(report, name) for name in TEXT_FIELDS}
        for name, value in _texts(values).items():
            setattr(report, name, value)
        report.modified_by = by
        report.save()
        record_event(
            action="oversight.report_saved",
            actor=by,
            obj=report,
            before=before,
            after={name: getattr(report, name) for name in TEXT_FIELDS},
        )
    return report


def submit_report(
    by: User,
    department_id: int,
    kind: str,
    year: int,
    month: int,
    values: dict[str, str],
    today: dt.date | None = None,
) -> Report:
    """Submit to the conference office: the figures are computed once more and frozen."""
    _require_editor(by, department_id)
    check_period(kind, year, month)
    today = today or timezone.localdate()
    if today < opens_on(kind, year, month):
        raise ValidationError(
            f"报送期尚未开始：{opens_on(kind, year, month):%Y年%m月%d日}起可以报送"
        )
    texts = _texts(values)
    if kind != ReportKind.MONTHLY and not texts["work_done"]:
        raise ValidationError({"work_done": "工作总结须填写工作开展情况及主要做法"})
    with transaction.atomic():
        report = _locked_report(by, department_id, kind, year, month)
        if report.is_submitted:
            raise ValidationError("该报表已报送，不能重复报送")
        for name, value in texts.items():
            setattr(report, name, value)
        content = live_content(report, today)
        report.figures = content
        report.status = ReportStatus.SUBMITTED
        report.submitted_at, report.submitted_by, report.modified_by = timezone.now(), by, by
        report.save()
        record_event(
            action="oversight.report_submitted",
            actor=by,
            obj=report,
            before={"status": ReportStatus.DRAFT},
            after={
                "status": ReportStatus.SUBMITTED,
                "due": report.due,
                "on_time": today <= report.due,
                "totals": content["totals"],
                "rows": len(content["rows"]),
            },
        )
    return report


# --- the conference office's view ----------------------------------------------------------------


@dataclass(frozen=True)
class Submission:
    department_id: int
    department: str
    state: SubmissionState
    report: Report | None
    due: dt.date

    def to_json(self) -> dict[str, Any]:
        return {
            "department": self.department_id,
            "department_name": self.department,
            "state": self.state.value,
            "state_label": str(self.state.label),
            "due": self.due.isoformat(),
            "report": self.report.pk if self.report else None,
            "submitted_at": self.report.submitted_at.isoformat()
            if self.report and self.report.submitted_at
            else None,
        }


def submission_state(report: Report | None, due: dt.date, today: dt.date) -> SubmissionState:
    if report is not None and report.is_submitted and report.submitted_at is not None:
        submitted_on = timezone.localdate(report.submitted_at)
        return SubmissionState.ON_TIME if submitted_on <= due else SubmissionState.LATE
    return SubmissionState.MISSING if today > due else SubmissionState.NOT_DUE


def submissions(
    departments: list[int], kind: str, year: int, month: int = 0, today: dt.date | None = None
) -> list[Submission]:
    from organisations.models import Department

    check_period(kind, year, month)
    today = today or timezone.localdate()
    due = report_due(kind, year, month)
    reports = {
        r.department_id: r
        for r in Report.objects.filter(
            department_id__in=departments, kind=kind, year=year, month=month
        )
    }
    names = dict(Department.objects.filter(pk__in=departments).values_list("pk", "name"))
    return [
        Submission(
            d, names.get(d, ""), submission_state(reports.get(d), due, today), reports.get(d), due
        )
        for d in departments
    ]


# --- reminders ----------------------------------------------------------------------------------


def _open_periods(today: dt.date) -> list[tuple[str, int, int]]:
    """Reports whose submission is open today and whose deadline is near or passed."""
    year, month = previous_month(today)
    found = [(ReportKind.MONTHLY.value, year, month)]
    window = dt.timedelta(days=settings.OVERSIGHT_REMINDER_DAYS)
    for kind in (ReportKind.HALF_YEAR, ReportKind.ANNUAL):
        due = report_due(kind, today.year)
        if opens_on(kind, today.year) <= today and today >= due - window:
            found.append((kind.value, today.year, 0))
    return found


def _label(kind: str, year: int, month: int) -> str:
    if kind == ReportKind.MONTHLY:
        return f"{year}年{month}月月报表"
    return f"{year}年{'上半年' if kind == ReportKind.HALF_YEAR else '度'}工作总结"


def reminders(user: User, today: dt.date | None = None) -> list[str]:
    """Home-page notices: a department's reports not yet submitted (staff and leaders), or the
    number of member departments that have not (conference office)."""
    today = today or timezone.localdate()
    notes = []
    if user.has_role(*EDITORS) and user.department_id is not None:
        for kind, year, month in _open_periods(today):
            report = report_for(user.department_id, kind, year, month)
            if report.is_submitted:
                continue
            late = "（已逾期）" if today > report.due else ""
            notes.append(
                f"请在 {report.due:%Y年%m月%d日} 前向联席会议办公室报送{_label(kind, year, month)}{late}。"
            )
    if user.has_role(Role.CONFERENCE_OFFICE) and user.conference_id is not None:
        members = list(user.conference.members.values_list("pk", flat=True))  # type: ignore[union-attr]
        for kind, year, month in _open_periods(today):
            missing = [
                s
                for s in submissions(members, kind, year, month, today)
                if s.report is None or not s.report.is_submitted
            ]
            if missing:
                notes.append(
                    f"{_label(kind, year, month)}：{len(missing)} 个成员单位尚未报送"
                    f"（期限 {report_due(kind, year, month):%Y年%m月%d日}）。"
                )
    return notes
