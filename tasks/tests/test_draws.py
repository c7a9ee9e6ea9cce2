from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import reverse

import suiji
from accounts.choices import Role
from accounts.models import User
from audit.models import AuditEvent
from tasks import draws, services
from tasks.choices import DrawStatus, TaskStatus, TaskTrigger
from tasks.models import DrawnSubject, SubjectDraw, Task

YEAR = 2027


@pytest.fixture
def staff(user_with_role: Callable[[str], User]) -> User:
    return user_with_role(Role.BUSINESS_STAFF)


@pytest.fixture
def leader(user_with_role: Callable[[str], User]) -> User:
    return user_with_role(Role.SUPERVISING_LEADER)


def make_task(
    staff: User, item: Any, trigger: str = TaskTrigger.ADHOC, name: str = "临时抽查"
) -> Task:
    return services.create_task(
        staff,
        services.TaskValues(
            name=name,
            trigger=trigger,
            reason="专项整治",
            item_ids=[item.pk],
            window_start=dt.date(YEAR, 5, 1),
            window_end=dt.date(YEAR, 6, 30),
        ),
    )


@pytest.fixture
def task(
    staff: User, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> Task:
    make_subjects(200)
    return make_task(staff, make_item("ZR-T1", cap="50"))


def ratios(**percent: str) -> dict[str, Decimal | None]:
    return {k: Decimal(v) for k, v in percent.items()}


def test_preview_shows_strata_before_anything_is_fixed(task: Task) -> None:
    preview = draws.preview(
        task, draws.DrawSettings(ratios=ratios(lists="50", A="5", B="10", C="20", D="40"))
    )
    assert preview.pool_count == 200
    sizes = {s["name"]: (s["population"], s["size"]) for s in preview.strata}
    # every 10th subject is on a list (and so in that first stratum); classes follow i % 4
    assert sizes["经营异常或严重违法失信"] == (20, 10)
    assert sizes["A类"] == (40, 2)
    assert sizes["D类"] == (50, 20)
    assert preview.expected == sum(s["size"] for s in preview.strata)
    assert not SubjectDraw.objects.exists()


def test_draw_is_committed_then_locked_and_verifiable(task: Task, staff: User) -> None:
    draw = draws.prepare_draw(
        staff, task, draws.DrawSettings(ratios=ratios(A="10", B="10", C="20", D="50"))
    )
    assert draw.status == DrawStatus.COMMITTED
    assert draw.commitment_digest
    draw = draws.execute_draw(staff, draw)
    assert draw.status == DrawStatus.LOCKED
    task.refresh_from_db()
    assert task.status == TaskStatus.LOCKED
    selected = DrawnSubject.objects.filter(draw=draw, is_substitute=False)
    assert selected.count() == 5 + 5 + 10 + 25  # ⌈10% × 50⌉, ⌈10% × 50⌉, ⌈20% × 50⌉, ⌈50% × 50⌉
    result = suiji.verify_record(draw.record, suiji.PoolFile(draw.pool_file))  # type: ignore[arg-type]
    assert result.ok, result.message
    events = list(
        AuditEvent.objects.filter(object_type="tasks.subjectdraw", object_id=str(draw.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert events == ["draw.prepared", "draw.committed", "draw.locked"]


def test_a_locked_draw_cannot_be_redrawn_or_changed(task: Task, staff: User) -> None:
    draw = draws.execute_draw(
        staff, draws.prepare_draw(staff, task, draws.DrawSettings(ratios=ratios(A="10")))
    )
    with pytest.raises(ValidationError, match="不能执行抽取"):
        draws.execute_draw(staff, draw)
    with pytest.raises(ValidationError, match="已有一次有效抽取"):
        draws.prepare_draw(staff, task, draws.DrawSettings(ratios=ratios(A="50")))
    with pytest.raises(IntegrityError), transaction.atomic():
        SubjectDraw.objects.create(task=task, number=9, status=DrawStatus.COMMITTED, settings={})


def test_voiding_needs_a_reason_and_the_leaders_approval_and_keeps_the_draw(
    task: Task, staff: User, leader: User
) -> None:
    first = draws.execute_draw(
        staff, draws.prepare_draw(staff, task, draws.DrawSettings(ratios=ratios(A="10")))
    )
    with pytest.raises(ValidationError, match="原因"):
        draws.request_void(staff, first, "")
    draws.request_void(staff, first, "抽取参数录入错误")
    with pytest.raises(PermissionDenied):
        draws.decide_void(staff, first, approve=True)
    draws.decide_void(leader, first, approve=True, note="同意重新抽取")
    first.refresh_from_db()
    assert first.status == DrawStatus.VOIDED
    assert first.void_approved_by == leader
    assert first.record is not None
    assert first.selections.exists()
    second = draws.execute_draw(
        staff, draws.prepare_draw(staff, task, draws.DrawSettings(ratios=ratios(A="20")))
    )
    assert second.number == 2
    assert AuditEvent.objects.filter(action="draw.voided", object_id=str(first.pk)).exists()


def test_witness_ceremony(task: Task, staff: User, user_with_role: Callable[[str], User]) -> None:
    leader = user_with_role(Role.SUPERVISING_LEADER)
    inspector = user_with_role(Role.INSPECTOR)
    settings = draws.DrawSettings(ratios=ratios(B="10"), witness_ids=[leader.pk, inspector.pk])
    draw = draws.prepare_draw(staff, task, settings)
    assert draw.status == DrawStatus.AWAITING_WITNESSES
    secrets = {leader.pk: "leader-secret-0123456789", inspector.pk: "inspector-secret-abcdef"}
    for user in (leader, inspector):
        name = draw.witnesses.get(user=user).name
        draws.register_witness_commitment(
            user, draw, suiji.witness_commitment("sha256", name, secrets[user.pk])
        )
    draw.refresh_from_db()
    assert draw.status == DrawStatus.COMMITTED
    assert draw.params is not None
    assert draw.params["sources"]["csprng"] is False
    with pytest.raises(ValidationError, match="尚待见证人"):
        draws.execute_draw(staff, draw)
    with pytest.raises(ValidationError, match="不符"):
        draws.reveal_witness_secret(leader, draw, "wrong-secret-123")
    for user in (leader, inspector):
        draws.reveal_witness_secret(user, draw, secrets[user.pk])
    with pytest.raises(PermissionDenied):
        draws.reveal_witness_secret(staff, draw, "x" * 10)
    draw = draws.execute_draw(staff, draw)
    assert suiji.verify_record(draw.record, suiji.PoolFile(draw.pool_file)).ok  # type: ignore[arg-type]
    names = [w["name"] for w in draw.record["sources"]["witnesses"]]  # type: ignore[index]
    assert sorted(names) == sorted(w.name for w in draw.witnesses.all())


def test_lottery_source_must_be_entered_before_the_draw(task: Task, staff: User) -> None:
    draw = draws.prepare_draw(
        staff, task, draws.DrawSettings(ratios=ratios(C="10"), lottery="双色球2027045期")
    )
    with pytest.raises(ValidationError, match="开奖结果"):
        draws.execute_draw(staff, draw)
    draws.enter_lottery_result(staff, draw, "3 8 12 19 25 31 / 7")
    draw = draws.execute_draw(staff, draw)
    assert draw.record["sources"]["lotteries"][0]["text"] == "3.8.12.19.25.31./7./"  # type: ignore[index]


def test_subjects_inspected_this_year_for_the_same_item_are_excluded(
    staff: User, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> None:
    make_subjects(40)
    item = make_item("ZR-EX", cap="100")
    first = make_task(staff, item, name="第一批")
    d1 = draws.execute_draw(
        staff, draws.prepare_draw(staff, first, draws.DrawSettings(ratios=ratios(A="100")))
    )
    drawn = set(d1.selections.filter(is_substitute=False).values_list("public_id", flat=True))
    second = make_task(staff, item, name="第二批")
    preview = draws.preview(second, draws.DrawSettings(ratios=ratios(A="100")))
    assert set(preview.exclusions) == drawn
    override = next(iter(drawn))
    settings = draws.DrawSettings(
        ratios=ratios(A="100"), overrides={override: "投诉较多，经批准再次抽查"}
    )
    d2 = draws.execute_draw(staff, draws.prepare_draw(staff, second, settings))
    again = set(d2.selections.values_list("public_id", flat=True))
    assert again & drawn == {override}
    assert d2.params is not None
    # exclusions and overrides are committed over pseudonyms, with their reasons (C4, E3)
    pseudonym = d2.selections.get(public_id=override).pseudonym
    assert d2.params["overrides"] == [{"id": pseudonym, "reason": "投诉较多，经批准再次抽查"}]
    assert len(d2.params["exclusions"]) == len(drawn) - 1
    assert all(e["reason"].startswith("本年度已在任务") for e in d2.params["exclusions"])
    assert not {e["id"] for e in d2.params["exclusions"]} & drawn


def test_targeted_tasks_are_not_drawn(
    staff: User, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> None:
    make_subjects(5)
    task = make_task(staff, make_item("ZR-C"), trigger=TaskTrigger.COMPLAINT, name="投诉核查")
    assert not task.is_random
    with pytest.raises(ValidationError, match="定向检查"):
        draws.prepare_draw(staff, task, draws.DrawSettings(ratios=ratios(A="10")))


def test_task_needs_a_reason_unless_from_a_plan(staff: User, make_item: Callable[..., Any]) -> None:
    item = make_item("ZR-R")
    with pytest.raises(ValidationError) as caught:
        services.create_task(
            staff,
            services.TaskValues(
                name="临时",
                trigger=TaskTrigger.ADHOC,
                item_ids=[item.pk],
                window_start=dt.date(YEAR, 5, 1),
                window_end=dt.date(YEAR, 4, 1),
            ),
        )
    assert set(caught.value.message_dict) == {"reason", "window_end"}
    assert staff.department is not None
    name = services.suggested_name(2027, staff.department, "土地利用抽查")
    assert name == "2027年度县自然资源局土地利用抽查"


def test_task_code_is_stable_and_sequential(staff: User, make_item: Callable[..., Any]) -> None:
    item = make_item("ZR-N")
    a, b = make_task(staff, item, name="一"), make_task(staff, item, name="二")
    assert (a.code, b.code) == (f"{YEAR}-DEMO-MX-ZRZY-001", f"{YEAR}-DEMO-MX-ZRZY-002")


postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_simultaneous_draw_requests_make_exactly_one_draw(
    demo_org: None, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> None:
    staff = User.objects.get(username="staff")
    make_subjects(50)
    task = make_task(staff, make_item("ZR-P"))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            barrier.wait()
            draws.prepare_draw(staff, task, draws.DrawSettings(ratios=ratios(A="10")))
            outcomes.append("ok")
        except (ValidationError, IntegrityError) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ValidationError", "ok"]
    assert SubjectDraw.objects.filter(task=task).count() == 1


def test_draw_pages_journey(
    client_as: Callable[[str], Client],
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
) -> None:
    make_subjects(60)
    item = make_item("ZR-W", cap="100")
    staff = client_as(Role.BUSINESS_STAFF)
    response = staff.post(
        reverse("tasks:create"),
        {
            "trigger": "adhoc",
            "reason": "专项行动",
            "name": "2027年度县自然资源局专项抽查",
            "items": [item.pk],
            "window_start": f"{YEAR}-05-01",
            "window_end": f"{YEAR}-06-30",
        },
    )
    task = Task.objects.get()
    assert response["Location"] == reverse("tasks:detail", args=[task.pk])
    form = {"ratio_a": "20", "ratio_b": "20", "ratio_c": "50", "ratio_d": "100", "substitutes": "1"}
    preview = staff.post(reverse("tasks:draw_new", args=[task.pk]), {**form, "step": "preview"})
    assert "预计抽取" in preview.content.decode()
    assert not SubjectDraw.objects.exists()
    staff.post(reverse("tasks:draw_new", args=[task.pk]), {**form, "step": "commit"})
    draw = SubjectDraw.objects.get()
    staff.post(reverse("tasks:draw_execute", args=[draw.pk]))
    page = staff.get(reverse("tasks:detail", args=[task.pk])).content.decode()
    assert "抽中名单（已锁定）" in page
    record = staff.get(reverse("tasks:draw_record", args=[draw.pk]))
    assert suiji.verify_record(
        json.loads(record.content), suiji.PoolFile(SubjectDraw.objects.get().pool_file)
    ).ok
    housing = Client()
    housing.force_login(User.objects.get(username="housing"))
    assert housing.get(reverse("tasks:detail", args=[task.pk])).status_code == 404


# --- inspector draw (C7–C9) ---


@pytest.fixture
def locked_draw(
    staff: User, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> SubjectDraw:
    from inspectors.models import Inspector
    from items.models import EnforcementArea
    from organisations.models import Unit

    area, _ = EnforcementArea.objects.get_or_create(code="land", defaults={"name": "土地"})
    item = make_item("ZR-TEAM", cap="100")
    item.enforcement_area = area
    item.save()
    make_subjects(12)
    unit = Unit.objects.get(department=staff.department, name="执法监察大队")
    assert staff.department is not None
    for i in range(6):
        inspector = Inspector.objects.create(
            department=staff.department,
            unit=unit,
            name=f"检查员{i}",
            certificate_no=f"ZF4803{i:04d}",
            certificate_valid_from=dt.date(2024, 1, 1),
            certificate_valid_until=dt.date(YEAR, 5, 15) if i == 5 else dt.date(2030, 1, 1),
        )
        inspector.enforcement_areas.add(area)
    task = make_task(staff, item, name="带队抽查")
    draw = draws.prepare_draw(staff, task, draws.DrawSettings(ratios=ratios(A="100", B="100")))
    return draws.execute_draw(staff, draw)


def test_teams_meet_every_hard_constraint(locked_draw: SubjectDraw, staff: User) -> None:
    from tasks import teams

    team_draw = teams.draw_teams(staff, locked_draw, teams.TeamSettings(min_team_size=2))
    members = list(team_draw.members.select_related("inspector"))
    subjects = set(
        locked_draw.selections.filter(is_substitute=False).values_list("subject_id", flat=True)
    )
    assert {m.subject_id for m in members} == subjects
    loads: dict[int, int] = {}
    for subject in subjects:
        team = [m for m in members if m.subject_id == subject]
        assert len(team) == 2
        assert len({m.inspector_id for m in team}) == 2
    for m in members:
        assert m.inspector is not None
        # the certificate must cover the whole window (检查员5's ends mid-window)
        assert m.inspector.certificate_valid_until >= locked_draw.task.window_end  # type: ignore[operator]
        loads[m.inspector.pk] = loads.get(m.inspector.pk, 0) + 1
    assert max(loads.values()) - min(loads.values()) <= 1
    result = suiji.verify_record(team_draw.record, suiji.PoolFile(team_draw.pool_file))
    assert result.ok, result.message


def test_recusal_draws_a_recorded_replacement(locked_draw: SubjectDraw, staff: User) -> None:
    from tasks import teams
    from tasks.models import Conflict, Recusal

    team_draw = teams.draw_teams(staff, locked_draw, teams.TeamSettings())
    member = team_draw.members.first()
    assert member is not None
    recusal = teams.recuse(staff, member, "与该企业法定代表人系亲属关系")
    member.refresh_from_db()
    assert not member.active
    assert recusal.replacement.inspector_id not in {None, member.inspector_id}
    assert recusal.replacement.subject_id == member.subject_id
    assert Conflict.objects.filter(inspector=member.inspector, subject=member.subject).exists()
    team_draw.refresh_from_db()
    assert team_draw.record["steps"][0]["reason"] == "与该企业法定代表人系亲属关系"
    assert suiji.verify_record(team_draw.record, suiji.PoolFile(team_draw.pool_file)).ok
    assert Recusal.objects.count() == 1
    assert AuditEvent.objects.filter(action="draw.recusal").exists()


def test_impossible_team_draw_names_the_constraint(locked_draw: SubjectDraw, staff: User) -> None:
    from tasks import teams

    with pytest.raises(ValidationError, match="需要 7 人|仅 5 人"):
        teams.draw_teams(staff, locked_draw, teams.TeamSettings(min_team_size=7))


def test_hierarchical_distribution_lets_lower_units_draw_their_own_teams(
    demo_org: None, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> None:
    from inspectors.models import Inspector
    from items.models import EnforcementArea
    from organisations.models import Department, Region
    from subjects.models import Subject
    from tasks import teams

    city_staff = User.objects.get(username="city")
    area, _ = EnforcementArea.objects.get_or_create(code="land", defaults={"name": "土地"})
    item = make_item("CITY-1", department_code="DEMO-CITY-ZRZY", cap="100")
    item.enforcement_area = area
    item.save()
    subjects = make_subjects(8, department_code="DEMO-CITY-ZRZY")
    shimen = Region.objects.get(code="480322")
    Subject.objects.filter(pk__in=[s.pk for s in subjects[4:]]).update(region=shimen)
    for code in ("DEMO-MX-ZRZY", "DEMO-SM-ZRZY"):
        dept = Department.objects.get(code=code)
        for i in range(3):
            inspector = Inspector.objects.create(
                department=dept,
                name=f"{dept.short_name}{i}",
                certificate_no=f"{code}-{i}",
                certificate_valid_until=dt.date(2030, 1, 1),
            )
            inspector.enforcement_areas.add(area)
    task = make_task(city_staff, item, name="市级统一抽查")
    draw = draws.execute_draw(
        city_staff,
        draws.prepare_draw(
            city_staff,
            task,
            draws.DrawSettings(ratios=ratios(A="100", B="100", C="100", D="100")),
        ),
    )
    counts = draws.distribute_by_region(city_staff, draw)
    assert counts == {"明溪县自然资源局": 4, "石门县自然资源局": 4}
    county_staff = User.objects.get(username="staff")
    assert Task.objects.for_user(county_staff).filter(pk=task.pk).exists()
    team_draw = teams.draw_teams(county_staff, draw, teams.TeamSettings())
    assert team_draw.members.values("subject").distinct().count() == 4
    departments = set(team_draw.members.values_list("inspector__department__code", flat=True))
    assert departments == {"DEMO-MX-ZRZY"}
    with pytest.raises(PermissionDenied):
        teams.draw_teams(User.objects.get(username="housing"), draw, teams.TeamSettings())


def test_repeat_inspection_guard_warns_across_departments(
    staff: User, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> None:
    from subjects.models import Subject
    from tasks import teams

    subjects = make_subjects(4)
    housing = User.objects.get(username="housing")
    assert housing.department is not None
    for s in subjects:  # the same firms in the housing department's registry
        Subject.objects.create(
            department=housing.department,
            code=s.uscc,
            uscc=s.uscc,
            subject_type=s.subject_type,
            name=s.name,
            region=s.region,
            credit_risk_class=s.credit_risk_class,
        )
    mine = draws.execute_draw(
        staff,
        draws.prepare_draw(
            staff,
            make_task(staff, make_item("ZR-D9", cap="100")),
            draws.DrawSettings(ratios=ratios(A="100", B="100", C="100", D="100")),
        ),
    )
    theirs = make_task(
        housing, make_item("ZJ-D9", department_code="DEMO-MX-ZJ", cap="100"), name="住建抽查"
    )
    draws.execute_draw(
        housing,
        draws.prepare_draw(
            housing, theirs, draws.DrawSettings(ratios=ratios(A="100", B="100", C="100", D="100"))
        ),
    )
    warnings = teams.repeat_inspection_warnings(mine)
    assert {w.subject.uscc for w in warnings} == {s.uscc for s in subjects}
    assert {w.department for w in warnings} == {"明溪县住房和城乡建设局"}


def test_documents_carry_the_public_task_qr_link(
    locked_draw: SubjectDraw, client_as: Callable[[str], Client]
) -> None:
    import io
    import zipfile

    from docx import Document

    from tasks.documents import public_task_url

    pick = locked_draw.selections.filter(is_substitute=False).select_related("subject").first()
    assert pick is not None
    client = client_as(Role.BUSINESS_STAFF)
    for kind, title in (("notice", "随机抽查通知书"), ("record", "检查记录表")):
        response = client.get(
            reverse("tasks:document", args=[locked_draw.pk, pick.subject_id, kind])
        )
        assert response.status_code == 200
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        assert title in text
        assert public_task_url(locked_draw.task) in text
        media = [
            n
            for n in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
            if n.startswith("word/media/")
        ]
        assert len(media) == 1  # the QR code image
    url = public_task_url(locked_draw.task)
    assert url.endswith(f"/public/tasks/{locked_draw.task.code}/")
    page = Client().get(f"/public/tasks/{locked_draw.task.code}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert pick.subject.name in body
    assert locked_draw.commitment_digest in body
    assert "A类" not in body
    assert "risk" not in body


def test_draw_api_journey(
    client_as: Callable[[str], Client],
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
) -> None:
    make_subjects(40)
    item = make_item("ZR-API", cap="100")
    staff = client_as(Role.BUSINESS_STAFF)
    created = staff.post(
        "/api/v1/tasks/",
        {
            "name": "接口抽查",
            "trigger": "adhoc",
            "reason": "测试",
            "item_ids": [item.pk],
            "window_start": f"{YEAR}-05-01",
            "window_end": f"{YEAR}-06-30",
        },
        content_type="application/json",
    )
    assert created.status_code == 201
    task_id = created.json()["id"]
    bad = staff.post(
        f"/api/v1/tasks/{task_id}/draws/", {"ratios": {"A": "200"}}, content_type="application/json"
    )
    assert bad.status_code == 400
    preview = staff.post(
        f"/api/v1/tasks/{task_id}/preview/",
        {"ratios": {"A": "50"}},
        content_type="application/json",
    )
    assert preview.json()["expected"] == 5
    draw = staff.post(
        f"/api/v1/tasks/{task_id}/draws/", {"ratios": {"A": "50"}}, content_type="application/json"
    ).json()
    executed = staff.post(f"/api/v1/draws/{draw['id']}/execute/", content_type="application/json")
    assert executed.json()["status"] == DrawStatus.LOCKED
    again = staff.post(f"/api/v1/draws/{draw['id']}/execute/", content_type="application/json")
    assert again.status_code == 400
    record = staff.get(f"/api/v1/draws/{draw['id']}/record/").json()
    assert suiji.verify_record(
        record, suiji.PoolFile(SubjectDraw.objects.get(pk=draw["id"]).pool_file)
    ).ok
    office = client_as(Role.CONFERENCE_OFFICE)
    assert office.get(f"/api/v1/draws/{draw['id']}/").status_code == 200
    assert (
        office.post(
            f"/api/v1/draws/{draw['id']}/void/", {"text": "x"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_draw_command_line(
    staff: User,
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    make_subjects(20)
    task = make_task(staff, make_item("ZR-CLI", cap="100"))
    call_command("draw", "preview", task.code, "--user", "staff", "--ratio", "A=100")
    assert "预计抽取 5 户" in capsys.readouterr().out
    call_command("draw", "commit", task.code, "--user", "staff", "--ratio", "A=100")
    call_command("draw", "execute", task.code, "--user", "staff")
    assert "已抽取并锁定" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不能执行抽取"):
        call_command("draw", "execute", task.code, "--user", "staff")
    with pytest.raises(CommandError, match="只有牵头部门的业务人员"):
        call_command("draw", "void", task.code, "--user", "inspector", "--reason", "x")
    event = AuditEvent.objects.filter(action="draw.locked").latest("seq")
    assert event.channel == "cli"


def test_targeted_inspection_names_its_subjects_and_raises_complaint_weight(
    staff: User, make_item: Callable[..., Any], make_subjects: Callable[..., list[Any]]
) -> None:
    from subjects.models import Subject

    subjects = make_subjects(3)
    task = make_task(staff, make_item("ZR-TGT"), trigger=TaskTrigger.COMPLAINT, name="投诉核查")
    with pytest.raises(ValidationError, match="找不到"):
        draws.add_targeted_subjects(staff, task, ["91480321MA99999999"], "投诉 2026-001")
    with pytest.raises(ValidationError, match="依据"):
        draws.add_targeted_subjects(staff, task, [subjects[0].uscc], "")
    draw = draws.add_targeted_subjects(staff, task, [subjects[0].uscc], "投诉 2026-001")
    assert draw.status == DrawStatus.LOCKED
    assert list(draw.selections.values_list("stratum", flat=True)) == ["定向检查"]
    assert Subject.objects.get(pk=subjects[0].pk).complaint_count == 1
    assert Subject.objects.get(pk=subjects[1].pk).complaint_count == 0
    random_task = make_task(staff, make_item("ZR-RND"), name="随机")
    with pytest.raises(ValidationError, match="只能随机抽取"):
        draws.add_targeted_subjects(staff, random_task, [subjects[1].uscc], "x")
    assert AuditEvent.objects.filter(action="task.targeted_subjects_added").exists()


def test_directed_draw_by_tag_and_list_flags_through_the_page(
    task: Task, staff: User, client_as: Callable[[str], Client]
) -> None:
    from subjects.models import Subject, Tag

    assert staff.department is not None
    tag = Tag.objects.create(department=staff.department, name="重点用地单位")
    tagged = list(Subject.objects.filter(department=staff.department).order_by("pk")[:7])
    tag.subjects.add(*tagged)
    preview = draws.preview(
        task,
        draws.DrawSettings(
            ratios=ratios(A="50", B="50", C="50", D="50"), conditions={"tags": [tag.pk]}
        ),
    )
    assert preview.pool_count == 7
    flagged = draws.preview(
        task, draws.DrawSettings(ratios=ratios(lists="50"), conditions={"flagged_only": True})
    )
    assert flagged.pool_count == 20  # every 10th of the 200 subjects
    page = client_as(Role.BUSINESS_STAFF).post(
        reverse("tasks:draw_new", args=[task.pk]),
        {
            "ratio_a": "50",
            "ratio_b": "50",
            "ratio_c": "50",
            "ratio_d": "50",
            "substitutes": "0",
            "tags": [tag.pk],
            "step": "preview",
        },
    )
    assert "候选对象 7 户" in page.content.decode()


def test_task_lifecycle_from_the_command_line(
    locked_draw: SubjectDraw,
    staff: User,
    make_item: Callable[..., Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from django.core.management import call_command
    from django.core.management.base import CommandError

    from inspections.models import InspectionRecord
    from tasks import teams

    make_item("ZR-CLI-T")
    call_command(
        "task",
        "--user",
        "staff",
        "--name",
        "命令行临时抽查",
        "--items",
        "ZR-CLI-T",
        "--start",
        f"{YEAR}-05-01",
        "--end",
        f"{YEAR}-06-30",
        "--reason",
        "专项",
    )
    assert "已创建任务" in capsys.readouterr().out
    with pytest.raises(CommandError, match="须说明来源和原因"):
        call_command(
            "task",
            "--user",
            "staff",
            "--name",
            "无原因",
            "--items",
            "ZR-CLI-T",
            "--start",
            f"{YEAR}-05-01",
            "--end",
            f"{YEAR}-06-30",
        )
    task = locked_draw.task
    team_draw = teams.draw_teams(staff, locked_draw, teams.TeamSettings())
    member = team_draw.members.first()
    assert member is not None
    call_command(
        "draw",
        "recuse",
        task.code,
        "--user",
        "staff",
        "--member",
        str(member.pk),
        "--reason",
        "亲属关系",
    )
    call_command("draw", "records", task.code, "--user", "staff")
    assert InspectionRecord.objects.filter(task=task).exists()
    with pytest.raises(CommandError, match="未审核生效"):
        call_command("draw", "complete", task.code, "--user", "staff")
