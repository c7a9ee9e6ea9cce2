"""Demo data for the oversight pages, on top of demo.lifecycle and demo.publication: rules
issued, a result published late and one overdue, and last month's reports of two departments —
so the conference office's dashboard, drill-downs and submission list are not empty.

Every step goes through the services as the demo users. Two publication deadlines are moved into
the past first (the demo county's results all took effect today, so nothing could be late
otherwise); that is the only direct write. Idempotent: nothing happens when the rules exist."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.utils import timezone

from accounts.models import User
from organisations.models import Department
from oversight import services
from oversight.choices import ReportKind
from oversight.models import RuleDocument
from oversight.periods import previous_month

ZRZY = "DEMO-MX-ZRZY"
RULES = [
    (
        "DEMO-MX-ZRZY",
        "明溪县自然资源局“双随机、一公开”抽查工作细则",
        "明自然资发〔2026〕12号",
        "03-02",
    ),
    ("DEMO-MX-ZRZY", "明溪县自然资源局随机抽查工作指引", "明自然资办〔2026〕5号", "03-20"),
    ("DEMO-MX-SCJG", "明溪县市场监管领域部门联合抽查工作细则", "明市监发〔2026〕3号", "02-15"),
]


def load_oversight_demo(created: Counter[str]) -> None:
    today = timezone.localdate()
    if RuleDocument.objects.filter(department__code="DEMO-MX-ZRZY").exists():
        return
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["staff", "unithead", "market", "housing"])
    }
    _rules(users, today, created)
    _publish(users["staff"], users["unithead"], today, created)
    _reports(users, today, created)


def _rules(users: dict[str, User], today: dt.date, created: Counter[str]) -> None:
    by_department = {"DEMO-MX-ZRZY": users["staff"], "DEMO-MX-SCJG": users["market"]}
    for code, name, number, month_day in RULES:
        issued = dt.date.fromisoformat(f"{today.year}-{month_day}")
        services.add_rule_document(
            by_department[code],
            Department.objects.get(code=code),
            services.RuleValues(name=name, number=number, issued_on=min(issued, today)),
        )
        created["rule_document"] += 1


def _publish(staff: User, head: User, today: dt.date, created: Counter[str]) -> None:
    """One result published late and one overdue: the review of the task in progress passes
    and its publication, like the last pending one of the finished task, was due three days
    ago."""
    from inspections import services as records
    from inspections.choices import FeedbackMethod, RecordStatus
    from inspections.models import InspectionRecord
    from publication import services as publication
    from publication.models import ResultPublication

    pending = list(
        ResultPublication.objects.filter(department__code=ZRZY, state="pending").values_list(
            "pk", flat=True
        )
    )
    submitted = list(
        InspectionRecord.objects.filter(
            department__code=ZRZY, status=RecordStatus.SUBMITTED
        ).order_by("pk")[:1]
    )
    for record in submitted:
        records.approve_record(
            head,
            record,
            "经审核，检查结论属实",
            feedback_on=today,
            feedback_method=FeedbackMethod.IN_PERSON,
        )
    late = list(ResultPublication.objects.filter(record__in=submitted))
    # Demo only: these results are shown as if they had been due three days ago.
    ResultPublication.objects.filter(pk__in=pending + [p.pk for p in late]).update(
        due=today - dt.timedelta(days=3), effective_on=today - dt.timedelta(days=31)
    )
    for item in late:
        item.refresh_from_db()
        publication.submit(staff, item)
        publication.approve(head, item, "经审核，公示内容不含个人信息和商业秘密")
        created["publication"] += 1


def _reports(users: dict[str, User], today: dt.date, created: Counter[str]) -> None:
    year, month = previous_month(today)
    for username, remarks in (
        ("staff", "本月无新增随机抽查任务，上月任务按计划推进。"),
        ("market", "本月参与县自然资源局牵头的部门联合抽查。"),
    ):
        user = users[username]
        assert user.department_id is not None
        services.submit_report(
            user, user.department_id, ReportKind.MONTHLY, year, month, {"remarks": remarks}
        )
        created["monthly_report"] += 1
    housing = users["housing"]
    assert housing.department_id is not None
    services.save_report(
        housing,
        housing.department_id,
        ReportKind.MONTHLY,
        year,
        month,
        {"remarks": "草稿：待分管领导审核后报送。"},
    )
