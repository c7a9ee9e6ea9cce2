"""The monthly report and the summaries: deadlines, content, submission and its frozen figures,
the conference office's submission list, reminders, and the xlsx in the form's layout."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from audit.models import AuditEvent
from inspections.choices import RecordStatus
from inspections.models import InspectionRecord
from oversight import reports, services
from oversight.choices import ReportKind, SubmissionState
from oversight.models import Report
from oversight.periods import report_due
from oversight.tests.conftest import TODAY, YEAR, Year, at
from oversight.xlsx import workbook_bytes

pytestmark = pytest.mark.django_db
M = ReportKind.MONTHLY


def test_monthly_report_is_due_on_the_fifth_moved_past_holidays() -> None:
    # 5 May 2025 is in the Labour Day holiday: the deadline moves to Tuesday 6 May.
    assert report_due(M, 2025, 4) == dt.date(2025, 5, 6)
    assert report_due(M, 2025, 8) == dt.date(2025, 9, 5)  # a Friday: unchanged
    assert report_due(M, 2025, 12) == dt.date(2026, 1, 5)  # December: the next year
    # The summaries: 6 September and 30 November (both Sundays here: the Monday after).
    assert report_due(ReportKind.HALF_YEAR, 2026) == dt.date(2026, 9, 7)
    assert report_due(ReportKind.ANNUAL, 2025) == dt.date(2025, 12, 1)
    assert report_due(ReportKind.HALF_YEAR, 2025) == dt.date(2025, 9, 8)  # 6 Sept 2025: Saturday


def test_without_rolling_the_seed_dates_are_kept(settings: object) -> None:
    settings.OVERSIGHT_DUE_ROLLS_TO_WORKING_DAY = False  # type: ignore[attr-defined]
    assert report_due(M, 2025, 4) == dt.date(2025, 5, 5)
    assert report_due(ReportKind.ANNUAL, 2025) == dt.date(2025, 11, 30)


def _submit_on(user: User, day: dt.date, month: int = 4) -> Report:
    noon = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
    with mock.patch("django.utils.timezone.now", return_value=noon):
        return services.submit_report(
            user, user.department_id or 0, M, YEAR, month, {"remarks": "按计划推进"}, today=day
        )


def test_submission_before_and_after_the_deadline(year: Year) -> None:
    staff, housing = User.objects.get(username="staff"), User.objects.get(username="housing")
    members = [year.a.pk, year.b.pk, year.c.pk]
    due = dt.date(2025, 5, 6)
    before = {s.department_id: s.state for s in services.submissions(members, M, YEAR, 4, due)}
    assert set(before.values()) == {SubmissionState.NOT_DUE}
    _submit_on(staff, due)  # on the (moved) deadline itself: on time
    _submit_on(housing, due + dt.timedelta(days=1))
    after = {
        s.department_id: s.state
        for s in services.submissions(members, M, YEAR, 4, due + dt.timedelta(days=2))
    }
    assert after == {
        year.a.pk: SubmissionState.ON_TIME,
        year.b.pk: SubmissionState.LATE,
        year.c.pk: SubmissionState.MISSING,
    }


def test_a_report_cannot_be_submitted_before_its_month_is_over(year: Year) -> None:
    staff = User.objects.get(username="staff")
    with pytest.raises(ValidationError, match="报送期尚未开始"):
        services.submit_report(staff, year.a.pk, M, YEAR, 4, {}, today=dt.date(2025, 4, 30))
    with pytest.raises(ValidationError, match="工作开展情况"):
        services.submit_report(staff, year.a.pk, ReportKind.ANNUAL, YEAR, 0, {}, today=TODAY)


def test_only_the_departments_own_staff_and_leader_submit(year: Year) -> None:
    for username in ("inspector", "unithead", "office", "housing"):
        user = User.objects.get(username=username)
        with pytest.raises(PermissionDenied):
            services.submit_report(user, year.a.pk, M, YEAR, 4, {}, today=TODAY)
    leader = User.objects.get(username="leader")
    assert services.submit_report(leader, year.a.pk, M, YEAR, 4, {}, today=TODAY).is_submitted


def test_a_submitted_report_keeps_its_figures(year: Year) -> None:
    staff = User.objects.get(username="staff")
    report = _submit_on(staff, dt.date(2025, 5, 6))
    assert report.figures is not None
    frozen = report.figures["totals"]
    assert (frozen["drawn"], frozen["inspected"], frozen["problems"]) == (5, 10, 3)
    event = AuditEvent.objects.filter(action="oversight.report_submitted").latest("seq")
    assert event.after is not None
    assert event.after["totals"]["inspected"] == 10
    # A result taking effect later in April changes the live figures, not the submitted ones.
    draft = year.records["T1"][8]
    InspectionRecord.objects.filter(pk=draft.pk).update(
        status=RecordStatus.APPROVED, effective_at=at("2025-04-28")
    )
    live = reports.report_content(M, YEAR, 4, frozenset({year.a.pk}), year.a.pk, "A", TODAY)
    assert live["totals"]["inspected"] == 11
    report.refresh_from_db()
    assert services.live_content(report)["totals"] == frozen
    with pytest.raises(ValidationError, match="已报送"):
        services.save_report(staff, year.a.pk, M, YEAR, 4, {"remarks": "改"})


def test_monthly_rows_per_task_for_a_department_and_the_aggregate(year: Year) -> None:
    scope = frozenset({year.a.pk, year.b.pk, year.c.pk})
    mine = reports.report_content(M, YEAR, 4, scope, year.b.pk, "县住建局", TODAY)
    rows = {r["task"].rsplit("（", 1)[1].rstrip("）"): r for r in mine["rows"]}
    assert set(rows) == {"2025-OV-T2", "2025-OV-T3"}
    t2 = rows["2025-OV-T2"]
    assert (t2["drawn"], t2["inspected"], t2["problems"], t2["joint"]) == (5, 5, 1, "是")
    assert "县住建局" in t2["departments"] or "住房和城乡建设局" in t2["departments"]
    assert t2["items"] == "事项OV-I2"
    assert t2["ratio"] == "A类 10%、C类 20%"
    assert rows["2025-OV-T3"]["joint"] == "否"
    total = reports.report_content(M, YEAR, 4, scope, None, "联席会议", TODAY)
    assert {k: total["totals"][k] for k in ("drawn", "inspected", "problems")} == {
        "drawn": 9,
        "inspected": 14,
        "problems": 3,
    }
    assert len(total["rows"]) == 3  # T1, T2 (once), T3
    per = {d["id"]: d for d in total["departments"]}
    assert per[year.c.pk]["inspected"] == 5


def test_mechanism_questions_are_answered_from_the_platform(year: Year) -> None:
    staff = User.objects.get(username="staff")
    services.add_rule_document(
        staff,
        year.a,
        services.RuleValues("抽查工作细则", "明自然资发〔2025〕1号", dt.date(2025, 3, 1)),
    )
    today = timezone.localdate()
    answers = reports.mechanism([year.a.pk, year.d.pk], today)
    assert answers[year.a.pk][0] == {
        "answer": "是",
        "detail": "《抽查工作细则》（明自然资发〔2025〕1号）",
    }
    assert answers[year.a.pk][1]["answer"] == "是"
    assert answers[year.a.pk][2]["answer"] == "部分"  # subjects entered, no inspectors yet
    assert [a["answer"] for a in answers[year.d.pk]] == ["否", "否", "否"]
    before = reports.mechanism([year.a.pk], dt.date(2025, 2, 28))
    assert before[year.a.pk][0]["answer"] == "否"  # not yet issued at the end of February


def test_reminders_for_staff_and_the_office(year: Year) -> None:
    staff, office = User.objects.get(username="staff"), User.objects.get(username="office")
    day = dt.date(2025, 5, 2)
    assert any("2025年4月月报表" in n for n in services.reminders(staff, day))
    _submit_on(staff, day)
    assert not any("月报表" in n for n in services.reminders(staff, day))
    office_notes = services.reminders(office, day)
    assert any("2025年4月月报表" in n and "尚未报送" in n for n in office_notes)
    # The half-year summary is reminded in the two weeks before 6 September.
    assert not any("上半年" in n for n in services.reminders(staff, dt.date(2025, 8, 1)))
    assert any("上半年" in n for n in services.reminders(staff, dt.date(2025, 8, 30)))


def test_xlsx_in_the_forms_layout(year: Year) -> None:
    scope = frozenset({year.a.pk, year.b.pk, year.c.pk})
    content = reports.report_content(M, YEAR, 4, scope, None, "明溪县联席会议（汇总）", TODAY)
    subs = [s.to_json() for s in services.submissions(sorted(scope), M, YEAR, 4, TODAY)]
    book = load_workbook(io.BytesIO(workbook_bytes(content, {"submitted_on": "2025-05-06"}, subs)))
    sheet = book["月报表"]
    assert sheet["A1"].value == "市场监管领域部门联合“双随机、一公开”抽查工作月报表（2025年4月）"
    assert sheet["A2"].value == "填报单位（地区）：明溪县联席会议（汇总）"
    assert str(sheet.cell(row=2, column=9).value).startswith("填报时间：2025-05-06")
    assert sheet["A3"].value == "一、“双随机、一公开”制度机制建设情况"
    assert [sheet.cell(row=r, column=2).value for r in (4, 5, 6)] == reports.QUESTIONS
    assert sheet["A8"].value == "二、随机抽查工作开展情况"
    header = [c.value for c in sheet[9]]
    assert header[:3] == ["序号", "抽查事项名称", "抽查比例"]
    assert header[1:] == [h for _, h in reports.TASK_COLUMNS]
    total_row = next(r for r in sheet.iter_rows(min_row=10) if r[1].value == "合计")
    drawn_col = header.index("抽取检查对象（户）")
    assert total_row[drawn_col].value == 9
    assert book["分部门"]["A1"].value == "成员单位"
    assert book["报送情况"].max_row == 4
