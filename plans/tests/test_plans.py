from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from audit.models import AuditEvent
from items.choices import ItemKind
from items.models import InspectionItem
from organisations.models import Department, JointConference
from plans import services
from plans.choices import AdjustmentKind, AdjustmentStatus, PlanStatus
from plans.models import AnnualPlan, PlanEntry
from plans.values import EntryValues

YEAR = 2027


def values(items: list[InspectionItem], **overrides: object) -> EntryValues:
    data: dict[str, object] = {
        "name": "土地利用情况抽查",
        "item_ids": [i.pk for i in items],
        "object_scope": "辖区内取得国有建设用地使用权的单位",
        "window_start": dt.date(YEAR, 3, 1),
        "window_end": dt.date(YEAR, 10, 31),
        "ratios": {"A": Decimal("2"), "B": Decimal("5"), "C": Decimal("10"), "D": Decimal("20")},
        "methods": ["on_site"],
    }
    data.update(overrides)
    return EntryValues(**data)  # type: ignore[arg-type]


@pytest.fixture
def staff(user_with_role: Callable[[str], User]) -> User:
    return user_with_role(Role.BUSINESS_STAFF)


@pytest.fixture
def leader(user_with_role: Callable[[str], User]) -> User:
    return user_with_role(Role.SUPERVISING_LEADER)


@pytest.fixture
def plan(staff: User) -> AnnualPlan:
    return services.create_plan(staff, YEAR)


@pytest.fixture
def item(make_item: Callable[..., InspectionItem]) -> InspectionItem:
    return make_item("ZR-001")


def test_plan_goes_from_draft_to_published_with_audit(
    plan: AnnualPlan, staff: User, leader: User, item: InspectionItem
) -> None:
    assert plan.title == f"明溪县自然资源局{YEAR}年度“双随机、一公开”抽查工作计划"
    services.add_entry(staff, plan, values([item]))
    services.submit_plan(staff, plan)
    services.file_plan(leader, plan, "同意备案")
    services.publish_plan(staff, plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert plan.filed_by == leader
    actions = list(
        AuditEvent.objects.filter(object_type="plans.annualplan", object_id=str(plan.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["plan.created", "plan.submitted", "plan.filed", "plan.published"]
    assert AnnualPlan.objects.public().filter(pk=plan.pk).exists()


@pytest.mark.parametrize(
    ("step", "state"),
    [("file", PlanStatus.DRAFT), ("publish", PlanStatus.SUBMITTED), ("submit", PlanStatus.FILED)],
)
def test_wrong_state_transitions_are_refused(
    plan: AnnualPlan, staff: User, leader: User, item: InspectionItem, step: str, state: str
) -> None:
    services.add_entry(staff, plan, values([item]))
    AnnualPlan.objects.filter(pk=plan.pk).update(status=state)
    plan.refresh_from_db()
    run: Callable[[], object] = {
        "file": lambda: services.file_plan(leader, plan),
        "publish": lambda: services.publish_plan(staff, plan),
        "submit": lambda: services.submit_plan(staff, plan),
    }[step]
    with pytest.raises(ValidationError, match="此操作只适用于"):
        run()
    plan.refresh_from_db()
    assert plan.status == state


def test_an_empty_plan_cannot_be_submitted(plan: AnnualPlan, staff: User) -> None:
    with pytest.raises(ValidationError, match="还没有任何抽查条目"):
        services.submit_plan(staff, plan)


def test_leader_returns_a_plan_with_a_reason(
    plan: AnnualPlan, staff: User, leader: User, item: InspectionItem
) -> None:
    services.add_entry(staff, plan, values([item]))
    services.submit_plan(staff, plan)
    with pytest.raises(ValidationError, match="原因"):
        services.return_plan(leader, plan, "")
    services.return_plan(leader, plan, "比例偏低")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_only_the_departments_leader_files(
    plan: AnnualPlan, staff: User, item: InspectionItem
) -> None:
    services.add_entry(staff, plan, values([item]))
    services.submit_plan(staff, plan)
    with pytest.raises(PermissionDenied):
        services.file_plan(staff, plan)


def test_one_plan_per_department_and_year(plan: AnnualPlan, staff: User) -> None:
    with pytest.raises(ValidationError, match="已有"):
        services.create_plan(staff, YEAR)


def test_entry_validation_names_each_field(
    plan: AnnualPlan, staff: User, item: InspectionItem
) -> None:
    bad = values(
        [item],
        name="",
        window_start=dt.date(YEAR, 5, 1),
        window_end=dt.date(YEAR, 4, 1),
        ratios={"A": Decimal("30")},
        methods=["teleport"],
    )
    with pytest.raises(ValidationError) as caught:
        services.add_entry(staff, plan, bad)
    errors = caught.value.message_dict
    assert set(errors) >= {"name", "window_end", "ratio_a", "methods"}
    assert "超过一般检查事项的比例上限 20" in errors["ratio_a"][0]


def test_key_items_have_no_ratio_cap(
    plan: AnnualPlan, staff: User, make_item: Callable[..., InspectionItem]
) -> None:
    key = make_item("ZR-KEY", kind=ItemKind.KEY)
    entry = services.add_entry(
        staff, plan, values([key], ratios={"C": Decimal("60"), "D": Decimal("100")})
    )
    assert entry.ratio_d == Decimal("100")


def test_items_of_other_departments_need_them_as_participants(
    plan: AnnualPlan, staff: User, make_item: Callable[..., InspectionItem]
) -> None:
    housing = make_item("ZJ-001", department_code="DEMO-MX-ZJ")
    with pytest.raises(ValidationError, match="牵头或配合部门"):
        services.add_entry(staff, plan, values([housing]))
    partner = Department.objects.get(code="DEMO-MX-ZJ")
    entry = services.add_entry(staff, plan, values([housing], participant_ids=[partner.pk]))
    assert list(entry.participants.all()) == [partner]


def test_adjustment_takes_effect_only_after_approval(
    plan: AnnualPlan, staff: User, leader: User, item: InspectionItem
) -> None:
    entry = services.add_entry(staff, plan, values([item]))
    services.submit_plan(staff, plan)
    services.file_plan(leader, plan)
    with pytest.raises(ValidationError, match="此操作只适用于"):
        services.update_entry(staff, entry, values([item], name="改名"))
    with pytest.raises(ValidationError, match="原因"):
        services.propose_adjustment(staff, plan, AdjustmentKind.CHANGE, "", entry, values([item]))
    changed = values([item], name="土地利用情况抽查（调整）", window_end=dt.date(YEAR, 12, 15))
    adjustment = services.propose_adjustment(
        staff, plan, AdjustmentKind.CHANGE, "上级部署专项行动，延长期限", entry, changed
    )
    entry.refresh_from_db()
    assert entry.window_end == dt.date(YEAR, 10, 31)
    services.decide_adjustment(leader, adjustment, approve=True, note="同意")
    entry.refresh_from_db()
    adjustment.refresh_from_db()
    assert entry.window_end == dt.date(YEAR, 12, 15)
    assert adjustment.status == AdjustmentStatus.APPROVED
    assert adjustment.before is not None
    assert adjustment.before["window_end"] == f"{YEAR}-10-31"
    with pytest.raises(ValidationError, match="已审批"):
        services.decide_adjustment(leader, adjustment, approve=True)
    assert AuditEvent.objects.filter(action="plan.entry_adjusted", object_id=str(entry.pk)).exists()


def test_rejected_and_removal_adjustments(
    plan: AnnualPlan, staff: User, leader: User, item: InspectionItem
) -> None:
    entry = services.add_entry(staff, plan, values([item]))
    services.submit_plan(staff, plan)
    services.file_plan(leader, plan)
    removal = services.propose_adjustment(
        staff, plan, AdjustmentKind.REMOVE, "机构改革职责划转", entry
    )
    with pytest.raises(ValidationError, match="意见"):
        services.decide_adjustment(leader, removal, approve=False)
    services.decide_adjustment(leader, removal, approve=False, note="职责尚未划转")
    entry.refresh_from_db()
    assert not entry.is_archived
    removal2 = services.propose_adjustment(staff, plan, AdjustmentKind.REMOVE, "职责已划转", entry)
    services.decide_adjustment(leader, removal2, approve=True)
    entry.refresh_from_db()
    assert entry.is_archived
    assert PlanEntry.objects.filter(pk=entry.pk).exists()


def test_conference_office_may_approve_adjustments(
    plan: AnnualPlan,
    staff: User,
    leader: User,
    item: InspectionItem,
    user_with_role: Callable[[str], User],
) -> None:
    services.add_entry(staff, plan, values([item]))
    services.submit_plan(staff, plan)
    services.file_plan(leader, plan)
    added = services.propose_adjustment(
        staff, plan, AdjustmentKind.ADD, "新增专项", values=values([item], name="新增专项抽查")
    )
    services.decide_adjustment(user_with_role(Role.CONFERENCE_OFFICE), added, approve=True)
    added.refresh_from_db()
    assert added.entry is not None
    assert added.entry.name == "新增专项抽查"
    with pytest.raises(PermissionDenied):
        services.decide_adjustment(staff, added, approve=True)


def test_merge_is_proposed_for_entries_on_the_same_subjects(
    plan: AnnualPlan, staff: User, make_item: Callable[..., InspectionItem]
) -> None:
    a, b = make_item("ZR-A"), make_item("ZR-B")
    first = services.add_entry(staff, plan, values([a], name="用地抽查"))
    second = services.add_entry(staff, plan, values([b], name="规划条件抽查"))
    services.add_entry(
        staff,
        plan,
        values(
            [b],
            name="年底抽查",
            object_scope="其他对象",
            window_start=dt.date(YEAR, 11, 1),
            window_end=dt.date(YEAR, 12, 1),
        ),
    )
    proposals = services.merge_proposals(plan)
    assert [(p.entries[0].pk, p.entries[1].pk) for p in proposals] == [(first.pk, second.pk)]
    assert "抽查对象范围相同" in proposals[0].reasons
    services.merge_entries(staff, first, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_archived
    assert set(first.items.values_list("code", flat=True)) == {"ZR-A", "ZR-B"}


def test_joint_check_against_conference_targets(
    staff: User, leader: User, make_item: Callable[..., InspectionItem]
) -> None:
    conference = JointConference.objects.get()
    item = make_item("ZR-J")
    partners = list(Department.objects.filter(code__in=["DEMO-MX-ZJ", "DEMO-MX-SCJG"]))
    plan = services.create_plan(staff, YEAR)
    services.add_entry(staff, plan, values([item], participant_ids=[d.pk for d in partners]))
    rows = {r.department.code: r for r in services.joint_plan_check(conference, YEAR)}
    assert not rows["DEMO-MX-ZRZY"].meets_target  # a draft does not count
    services.submit_plan(staff, plan)
    services.file_plan(leader, plan)
    rows = {r.department.code: r for r in services.joint_plan_check(conference, YEAR)}
    for code in ("DEMO-MX-ZRZY", "DEMO-MX-ZJ", "DEMO-MX-SCJG"):
        assert rows[code].meets_target
        assert rows[code].widest == 3
    assert not rows["DEMO-MX-JT"].meets_target


def test_year_end_reminder(staff: User, item: InspectionItem) -> None:
    assert services.plan_reminder(staff, dt.date(2026, 11, 1)) is None
    message = services.plan_reminder(staff, dt.date(2026, 12, 10))
    assert message is not None
    assert "2027 年度" in message
    assert "21 天" in message
    plan = services.create_plan(staff, 2027)
    services.add_entry(staff, plan, values([item]))
    services.submit_plan(staff, plan)
    assert services.plan_reminder(staff, dt.date(2026, 12, 10)) is None


def test_plan_pages_journey(client_as: Callable[[str], Client], item: InspectionItem) -> None:
    staff = client_as(Role.BUSINESS_STAFF)
    response = staff.post(reverse("plans:create"), {"year": YEAR, "title": ""})
    plan = AnnualPlan.objects.get()
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    form = {
        "name": "土地利用情况抽查",
        "items": [item.pk],
        "object_scope": "用地单位",
        "basis": "ratio",
        "ratio_a": "3",
        "window_start": f"{YEAR}-03-01",
        "window_end": f"{YEAR}-06-30",
        "methods": ["on_site"],
    }
    bad = staff.post(reverse("plans:entry_add", args=[plan.pk]), {**form, "ratio_a": "50"})
    assert "超过一般检查事项的比例上限" in bad.content.decode()
    assert staff.post(reverse("plans:entry_add", args=[plan.pk]), form).status_code == 302
    staff.post(reverse("plans:action", args=[plan.pk, "submit"]))
    leader = client_as(Role.SUPERVISING_LEADER)
    leader.post(reverse("plans:action", args=[plan.pk, "file"]), {"reason": "同意"})
    staff.post(reverse("plans:action", args=[plan.pk, "publish"]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    page = client_as(Role.CONFERENCE_OFFICE).get(reverse("plans:detail", args=[plan.pk]))
    assert "土地利用情况抽查" in page.content.decode()
    other = client_as(Role.BUSINESS_STAFF)
    assert other.post(reverse("plans:action", args=[plan.pk, "bogus"])).status_code == 302


def test_plans_are_scoped_to_the_department(
    plan: AnnualPlan, client_as: Callable[[str], Client], demo_org: None
) -> None:
    housing = User.objects.get(username="housing")
    client = Client()
    client.force_login(housing)
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404
    assert client.get("/api/v1/plans/").json()["results"] == []


def test_plan_api_journey(client_as: Callable[[str], Client], item: InspectionItem) -> None:
    staff = client_as(Role.BUSINESS_STAFF)
    created = staff.post("/api/v1/plans/", {"year": YEAR}, content_type="application/json")
    assert created.status_code == 201
    plan_id = created.json()["id"]
    body = {
        "name": "测绘资质抽查",
        "item_ids": [item.pk],
        "object_scope": "测绘资质单位",
        "window_start": f"{YEAR}-04-01",
        "window_end": f"{YEAR}-09-30",
        "basis": "count",
        "count": 5,
    }
    bad = staff.post(
        f"/api/v1/plans/{plan_id}/entries/",
        {**body, "count": None},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "count" in bad.json()["errors"]
    assert (
        staff.post(
            f"/api/v1/plans/{plan_id}/entries/", body, content_type="application/json"
        ).status_code
        == 201
    )
    assert (
        staff.post(
            f"/api/v1/plans/{plan_id}/submit/", {}, content_type="application/json"
        ).status_code
        == 200
    )
    leader = client_as(Role.SUPERVISING_LEADER)
    filed = leader.post(
        f"/api/v1/plans/{plan_id}/file/", {"reason": "同意"}, content_type="application/json"
    )
    assert filed.json()["status"] == PlanStatus.FILED
    again = leader.post(f"/api/v1/plans/{plan_id}/file/", {}, content_type="application/json")
    assert again.status_code == 400
    assert "此操作只适用于" in str(again.json())


def test_items_without_a_plan_are_listed(
    staff: User, make_item: Callable[..., InspectionItem], client_as: Callable[[str], Client]
) -> None:
    from django.utils import timezone

    from items.services import items_without_plan

    covered, open_item = make_item("ZR-COV"), make_item("ZR-OPEN")
    year = timezone.localdate().year
    plan = services.create_plan(staff, year)
    services.add_entry(
        staff,
        plan,
        values([covered], window_start=dt.date(year, 1, 1), window_end=dt.date(year, 12, 31)),
    )
    missing = {i.code for i in items_without_plan(staff.department_id or 0, year)}
    assert "ZR-OPEN" in missing
    assert "ZR-COV" not in missing
    page = client_as(Role.BUSINESS_STAFF).get(reverse("plans:list")).content.decode()
    assert "尚未列入计划" in page
    assert open_item.name in page


def test_plan_command_line(
    plan: AnnualPlan, staff: User, item: InspectionItem, capsys: pytest.CaptureFixture[str]
) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    services.add_entry(staff, plan, values([item]))
    call_command("plan", "submit", str(YEAR), "--user", "staff")
    with pytest.raises(CommandError, match="分管领导"):
        call_command("plan", "file", str(YEAR), "--user", "staff")
    call_command("plan", "file", str(YEAR), "--user", "leader", "--reason", "同意")
    call_command("plan", "publish", str(YEAR), "--user", "staff")
    assert "已公布" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="plan.published", channel="cli").exists()


def test_plan_from_creation_to_adjustment_on_the_command_line(
    staff: User, item: InspectionItem, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    import json as jsonlib

    from django.core.management import call_command

    entry_file = tmp_path / "entry.json"
    entry_file.write_text(
        jsonlib.dumps(values([item]).to_json(), ensure_ascii=False), encoding="utf-8"
    )
    call_command("plan", "create", str(YEAR), "--user", "staff")
    call_command("plan", "add-entry", str(YEAR), "--user", "staff", "--json", str(entry_file))
    call_command("plan", "submit", str(YEAR), "--user", "staff")
    call_command("plan", "file", str(YEAR), "--user", "leader")
    plan = AnnualPlan.objects.get(year=YEAR)
    entry = plan.entries.get()
    call_command(
        "plan",
        "adjust",
        str(YEAR),
        "--user",
        "staff",
        "--kind",
        "remove",
        "--entry",
        str(entry.pk),
        "--reason",
        "职责划转",
    )
    adjustment = plan.adjustments.get()
    call_command(
        "plan", "decide", str(YEAR), "--user", "leader", "--adjustment", str(adjustment.pk)
    )
    entry.refresh_from_db()
    assert entry.is_archived
    assert "已批准" in capsys.readouterr().out
