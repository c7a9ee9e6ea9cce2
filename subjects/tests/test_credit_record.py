"""The subject's 信用记录 (E5) on its detail page, within the viewer's department scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from inspections.choices import FollowUpAction, FollowUpKind, FollowUpStatus, RecordStatus
from inspections.models import FollowUp, InspectionRecord, ResultCategory
from subjects.models import Subject
from tasks.models import Task


def _task(department: Any, code: str, name: str) -> Task:
    return Task.objects.create(
        code=code,
        name=name,
        year=2026,
        department=department,
        trigger="adhoc",
        window_start=dt.date(2026, 5, 1),
        window_end=dt.date(2026, 6, 1),
    )


def test_detail_page_shows_the_credit_record(
    client_as: Callable[[str], Client], make_subjects: Callable[..., list[Any]]
) -> None:
    subject = make_subjects(1)[0]
    Subject.objects.filter(pk=subject.pk).update(complaint_count=2, abnormal_list=True)
    staff = User.objects.get(username="staff")
    department = staff.department
    assert department is not None
    adverse = ResultCategory.objects.create(code="t-adv", name="违反其他部门相关规定", adverse=True)
    fine = ResultCategory.objects.create(code="t-ok", name="未发现问题")
    now = timezone.now()
    record = InspectionRecord.objects.create(
        task=_task(department, "2026-DEMO-MX-ZRZY-801", "土地专项抽查"),
        subject=subject,
        department=department,
        status=RecordStatus.APPROVED,
        result=adverse,
        follow_up_action=FollowUpAction.RECTIFY,
        effective_at=now - dt.timedelta(days=20),
    )
    FollowUp.objects.create(
        record=record,
        kind=FollowUpKind.CASE,
        status=FollowUpStatus.CLOSED,
        started_on=dt.date(2026, 6, 1),
        due=dt.date(2026, 6, 30),
        working_days=15,
        case_number="明自然资罚〔2026〕12号",
        outcome="罚款二万元",
    )
    InspectionRecord.objects.create(
        task=_task(department, "2026-DEMO-MX-ZRZY-802", "复查"),
        subject=subject,
        department=department,
        status=RecordStatus.APPROVED,
        result=fine,
        effective_at=now - dt.timedelta(days=5),
    )
    InspectionRecord.objects.create(  # not effective: not on the record
        task=_task(department, "2026-DEMO-MX-ZRZY-803", "未审核"),
        subject=subject,
        department=department,
        status=RecordStatus.SUBMITTED,
        result=adverse,
    )
    page = client_as(Role.BUSINESS_STAFF).get(reverse("subjects:detail", args=[subject.pk]))
    body = page.content.decode()
    assert "信用记录" in body
    assert "2026-DEMO-MX-ZRZY-801" in body
    assert "2026-DEMO-MX-ZRZY-802" in body
    assert "2026-DEMO-MX-ZRZY-803" not in body
    assert "明自然资罚〔2026〕12号" in body
    assert "罚款二万元" in body
    assert "投诉举报 2 次" in body
    assert "经营异常名录：已列入" in body
    # 1 + 2 complaints + 2 × (1 adverse result + 1 for the case filed)
    assert "权重为 <strong>7</strong>" in body


def test_the_credit_record_is_visible_only_within_scope(
    make_subjects: Callable[..., list[Any]],
) -> None:
    subject = make_subjects(1)[0]
    url = reverse("subjects:detail", args=[subject.pk])
    housing = Client()
    housing.force_login(User.objects.get(username="housing"))
    assert housing.get(url).status_code == 404
    city = Client()
    city.force_login(User.objects.get(username="city"))  # the county's line, one level up
    assert "信用记录" in city.get(url).content.decode()
