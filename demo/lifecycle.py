"""Demo lifecycle: this year's published plan of 明溪县自然资源局, a finished joint task with
reviewed results, and a task in progress — so a newcomer sees every state. Every step goes through
the same services as the pages, by the demo users, so the audit trail reads like real work.
Idempotent: nothing is created when the plan already exists."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from demo.publication import publish_results
from inspections import follow_ups
from inspections import services as records
from inspections.choices import (
    CheckMethod,
    Confirmation,
    FeedbackMethod,
    FollowUpAction,
    FollowUpKind,
    PointOutcome,
)
from inspections.models import InspectionRecord
from inspectors.models import Inspector
from items.models import EnforcementArea, InspectionItem
from organisations.models import Department, Unit
from plans import services as plans
from plans.models import AnnualPlan
from plans.values import EntryValues
from tasks import draws, teams
from tasks import services as tasks
from tasks.models import Task

ZRZY = "DEMO-MX-ZRZY"


def load_lifecycle(created: Counter[str]) -> None:
    today = timezone.localdate()
    if AnnualPlan.objects.filter(department__code=ZRZY, year=today.year).exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(
            username__in=["staff", "leader", "unithead", "inspector", "inspector2"]
        )
    }
    _link_inspector_accounts(users, today)
    plan, entries = _plan(users, today)
    created["plan"] += 1
    finished = _task(
        users["staff"],
        entries[0],
        "国有建设用地使用权人履约情况部门联合抽查",
        (today - dt.timedelta(days=75), today + dt.timedelta(days=5)),
    )
    _complete(users, finished, today)
    publish_results(users, finished, created)
    ongoing = _task(
        users["staff"],
        entries[1],
        "测绘资质单位从业情况抽查",
        (today - dt.timedelta(days=10), today + dt.timedelta(days=25)),
    )
    _start(users, ongoing, today)
    created["task"] += 2


def _link_inspector_accounts(users: dict[str, User], today: dt.date) -> None:
    """The demo inspector accounts get registry entries, so 'my records' and recusal work."""
    areas = list(EnforcementArea.objects.filter(code__in=["land", "planning", "surveying"]))
    department = Department.objects.get(code=ZRZY)
    for username, unit_name, number in (
        ("inspector", "执法监察大队", "35480000009001"),
        ("inspector2", "城关自然资源所", "35480000009002"),
    ):
        user = users[username]
        inspector = Inspector.objects.create(
            department=department,
            unit=Unit.objects.get(department=department, name=unit_name),
            name=user.full_name,
            position="执法队员",
            certificate_no=number,
            certificate_valid_from=today - dt.timedelta(days=400),
            certificate_valid_until=today + dt.timedelta(days=1400),
            account=user,
            created_by=users["staff"],
        )
        inspector.enforcement_areas.set(areas)


def _entry(
    items: list[str],
    name: str,
    scope: str,
    year: int,
    window: tuple[str, str],
    ratios: dict[str, str],
    partners: list[str] | None = None,
) -> EntryValues:
    return EntryValues(
        name=name,
        item_ids=list(
            InspectionItem.objects.in_force()
            .filter(item_list__department__code=ZRZY, code__in=items)
            .values_list("pk", flat=True)
        ),
        object_scope=scope,
        window_start=dt.date.fromisoformat(f"{year}-{window[0]}"),
        window_end=dt.date.fromisoformat(f"{year}-{window[1]}"),
        ratios={k: Decimal(v) for k, v in ratios.items()},
        methods=["on_site", "written"],
        participant_ids=list(
            Department.objects.filter(code__in=partners or []).values_list("pk", flat=True)
        ),
    )


def _plan(users: dict[str, User], today: dt.date) -> tuple[AnnualPlan, list]:  # type: ignore[type-arg]
    staff, year = users["staff"], today.year
    plan = plans.create_plan(staff, year)
    specs = [
        _entry(
            ["ZRZY-001", "ZRZY-002"],
            "国有建设用地使用权人履约及闲置土地情况部门联合抽查",
            "辖区内取得国有建设用地使用权的单位",
            year,
            ("03-01", "12-20"),
            {"A": "2", "B": "5", "C": "10", "D": "10"},
            ["DEMO-MX-ZJ", "DEMO-MX-SCJG"],
        ),
        _entry(
            ["ZRZY-005"],
            "测绘资质单位从业情况抽查",
            "辖区内取得测绘资质证书的单位",
            year,
            ("04-01", "12-20"),
            {"A": "5", "B": "10", "C": "20", "D": "20"},
        ),
        _entry(
            ["ZRZY-003"],
            "采矿权人勘查开采信息公示及矿产资源开发利用情况抽查",
            "辖区内持有采矿许可证的采矿权人",
            year,
            ("05-01", "09-30"),
            {"C": "50", "D": "100"},
        ),
    ]
    entries = [plans.add_entry(staff, plan, values) for values in specs]
    plans.submit_plan(staff, plan)
    plans.file_plan(users["leader"], plan, "经局务会研究，同意备案")
    plans.publish_plan(staff, plan)
    return plan, entries


def _task(staff: User, entry: object, content: str, window: tuple[dt.date, dt.date]) -> Task:
    values = tasks.values_from_entry(entry)  # type: ignore[arg-type]
    values.name = tasks.suggested_name(window[0].year, staff.department, content)  # type: ignore[arg-type]
    values.window_start, values.window_end = window
    task = tasks.create_task(staff, values)
    draw = draws.prepare_draw(staff, task, draws.settings_from_task(task))
    draw = draws.execute_draw(staff, draw)
    teams.draw_teams(staff, draw, teams.TeamSettings(min_team_size=2))
    records.generate_records(staff, task)
    return task


def _values(
    record: InspectionRecord, today: dt.date, result: str, action: str
) -> records.RecordValues:
    adverse = result != "no_problem"
    return records.RecordValues(
        inspected_on=today - dt.timedelta(days=3),
        methods=[CheckMethod.ON_SITE, CheckMethod.DOCUMENTS],
        onsite_notes="执法人员出示证件，说明来意，查阅了出让合同、规划许可及开竣工资料，并实地查看用地现状。"
        + ("发现部分地块未按合同约定时间开工。" if adverse else "未发现违法违规情况。"),
        confirmation=Confirmation.SIGNED,
        confirmed_by_name="企业负责人",
        confirmed_at=timezone.now() - dt.timedelta(days=3),
        result_code=result,
        conclusion="发现问题，已责令限期改正" if adverse else "未发现问题",
        follow_up_action=action,
        checklist={
            row.pk: (PointOutcome.FAIL if adverse and i == 1 else PointOutcome.PASS, "")
            for i, row in enumerate(record.checklist.all())
        },
    )


def _complete(users: dict[str, User], task: Task, today: dt.date) -> None:
    inspector, head = users["inspector"], users["unithead"]
    for i, record in enumerate(InspectionRecord.objects.filter(task=task).order_by("pk")):
        if i == 1:
            records.mark_address_unreachable(inspector, record)
        else:
            result, action = (
                ("problem_pending", FollowUpAction.RECTIFY)
                if i == 2
                else ("no_problem", FollowUpAction.NONE)
            )
            records.save_record(inspector, record, _values(record, today, result, action))
        records.submit_record(inspector, record)
        records.approve_record(
            head,
            record,
            "经审核，检查结论属实",
            feedback_on=today,
            feedback_method=FeedbackMethod.IN_PERSON,
        )
        if i == 2:
            follow_ups.open_follow_up(
                users["staff"],
                record,
                follow_ups.FollowUpValues(
                    kind=FollowUpKind.RECTIFY,
                    description="责令于期限内按出让合同约定开工建设",
                    started_on=today,
                ),
            )


def _start(users: dict[str, User], task: Task, today: dt.date) -> None:
    first = InspectionRecord.objects.filter(task=task).order_by("pk").first()
    if first is not None:
        records.save_record(
            users["inspector"], first, _values(first, today, "no_problem", FollowUpAction.NONE)
        )
        records.submit_record(users["inspector"], first)
