"""联合名录库 (A10): the combined registries of a joint task, as pages, exports and API."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.choices import Role
from accounts.models import User
from audit.models import AuditEvent
from core.checkdigits import make_id_number
from inspectors.models import Inspector
from items.models import EnforcementArea
from organisations.models import Department
from subjects.models import Subject, SubjectType
from tasks import joint_registry, services
from tasks.choices import TaskTrigger
from tasks.joint_registry import RegistryFilters
from tasks.models import Task
from tasks.pool import pool_candidates

YEAR = dt.date.today().year + 1
ID = make_id_number("48032119850101123")
PHONE = "13800138000"
ClientAs = Callable[[str], Client]


@dataclass
class World:
    task: Task
    staff: User
    zrzy: Department
    scjg: Department
    shared: list[Subject]  # the same two firms in both registries (ZRZY rows first)
    only_scjg: Subject
    sites: list[Subject]  # no USCC, same code and name in both departments
    deregistered: Subject
    archived: Subject


def _site(department: Department) -> Subject:
    site, _ = SubjectType.objects.get_or_create(code="site", defaults={"name": "场所"})
    return Subject.objects.create(
        department=department, code="SITE-1", subject_type=site, name="城关农贸市场"
    )


def _inspector(
    department: Department, name: str, cert: str, until: dt.date, areas: list[EnforcementArea]
) -> Inspector:
    inspector = Inspector(
        department=department,
        name=name,
        certificate_no=cert,
        certificate_valid_from=dt.date(2020, 1, 1),
        certificate_valid_until=until,
    )
    inspector.set_id_number(ID)
    inspector.set_phone(PHONE)
    inspector.save()
    inspector.enforcement_areas.set(areas)
    return inspector


@pytest.fixture
def world(
    user_with_role: Callable[[str], User],
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Subject]],
) -> World:
    staff = user_with_role(Role.BUSINESS_STAFF)
    zrzy = Department.objects.get(code="DEMO-MX-ZRZY")
    scjg = Department.objects.get(code="DEMO-MX-SCJG")
    land, _ = EnforcementArea.objects.get_or_create(code="land", defaults={"name": "土地"})
    market, _ = EnforcementArea.objects.get_or_create(code="market", defaults={"name": "市场"})
    zr_item = make_item("ZR-JOINT", cap="100")
    zr_item.enforcement_area = land
    zr_item.save()
    sc_item = make_item("SC-JOINT", department_code="DEMO-MX-SCJG", cap="100")
    sc_item.enforcement_area = market
    sc_item.save()
    mine = make_subjects(3)  # firms 0, 1, 2
    theirs = make_subjects(3, department_code="DEMO-MX-SCJG", start=1)  # firms 1, 2, 3
    sites = [_site(zrzy), _site(scjg)]
    deregistered = make_subjects(1, start=10)[0]
    deregistered.operating_status = "deregistered"
    deregistered.save()
    archived = make_subjects(1, start=11)[0]
    archived.is_archived = True
    archived.save()
    long_ago = dt.date(2020, 12, 31)
    _inspector(zrzy, "周持证", "ZF-ZR-1", dt.date(YEAR + 3, 1, 1), [land])
    _inspector(zrzy, "吴过期", "ZF-ZR-2", long_ago, [land])
    _inspector(scjg, "郑市场", "ZF-SC-1", dt.date(YEAR + 3, 1, 1), [market])
    _inspector(scjg, "王缺领域", "ZF-SC-2", dt.date(YEAR + 3, 1, 1), [land])
    task = services.create_task(
        staff,
        services.TaskValues(
            name="土地与市场联合抽查",
            trigger=TaskTrigger.ADHOC,
            reason="部门联合抽查",
            item_ids=[zr_item.pk, sc_item.pk],
            window_start=dt.date(YEAR, 5, 1),
            window_end=dt.date(YEAR, 6, 30),
            participant_ids=[scjg.pk],
        ),
    )
    return World(task, staff, zrzy, scjg, mine[1:], theirs[2], sites, deregistered, archived)


def _all_subjects(world: World, viewer: User, **filters: Any) -> list[Any]:
    return list(joint_registry.iter_subject_rows(world.task, RegistryFilters(**filters), viewer))


def _all_inspectors(world: World, viewer: User, **filters: Any) -> list[Any]:
    return list(joint_registry.iter_inspector_rows(world.task, RegistryFilters(**filters), viewer))


def test_a_firm_held_by_two_departments_is_listed_once_with_both_names(world: World) -> None:
    rows = {r.public_id: r for r in _all_subjects(world, world.staff)}
    for subject in world.shared:
        row = rows[subject.uscc]
        assert row.departments == ["明溪县自然资源局", "明溪县市场监督管理局"]
        assert row.shared
        assert row.eligible
        assert row.subject_id == subject.pk  # the row the pool keeps: the first by pk
    assert rows[world.only_scjg.uscc].departments == ["明溪县市场监督管理局"]
    # 4 enterprises (2 shared), 2 sites, 1 deregistered; the archived one is left out
    assert len(rows) == 7
    assert world.archived.uscc not in rows


def test_subjects_without_uscc_stay_separate(world: World) -> None:
    rows = [r for r in _all_subjects(world, world.staff) if r.name == "城关农贸市场"]
    assert sorted(r.public_id for r in rows) == ["DEMO-MX-SCJG:SITE-1", "DEMO-MX-ZRZY:SITE-1"]
    assert [len(r.departments) for r in rows] == [1, 1]


def test_a_deregistered_subject_is_listed_as_not_eligible_with_the_reason(world: World) -> None:
    rows = {r.public_id: r for r in _all_subjects(world, world.staff, include_archived=True)}
    dead = rows[world.deregistered.uscc]
    assert not dead.eligible
    assert dead.reasons == ["经营状态为“注销”"]
    assert rows[world.archived.uscc].reasons == ["已移出名录库"]
    eligible = _all_subjects(world, world.staff, eligible_only=True)
    assert world.deregistered.uscc not in {r.public_id for r in eligible}
    assert len(eligible) == 6


def test_a_firm_deregistered_in_one_registry_stays_eligible_through_the_other(
    world: World,
) -> None:
    first = world.shared[0]
    Subject.objects.filter(pk=first.pk).update(operating_status="revoked")
    row = next(r for r in _all_subjects(world, world.staff) if r.public_id == first.uscc)
    assert row.eligible
    assert row.subject_id != first.pk  # the market department's row is the one drawn


def test_the_eligible_firms_are_exactly_the_draw_candidates(world: World) -> None:
    Subject.objects.filter(pk=world.shared[0].pk).update(operating_status="suspended")
    eligible = {r.public_id for r in _all_subjects(world, world.staff) if r.eligible}
    assert eligible == {c.public_id for c in pool_candidates(world.task, {})}
    filtered = _all_subjects(world, world.staff, eligible_only=True)
    assert {r.public_id for r in filtered} == eligible


def test_department_filter_keeps_firms_held_by_that_department(world: World) -> None:
    rows = _all_subjects(world, world.staff, department_id=world.scjg.pk)
    assert {r.public_id for r in rows} == {
        *(s.uscc for s in world.shared),
        world.only_scjg.uscc,
        "DEMO-MX-SCJG:SITE-1",
    }


def test_credit_risk_shows_only_where_the_viewer_sees_the_registry(world: World) -> None:
    rows = {r.public_id: r for r in _all_subjects(world, world.staff)}
    assert rows[world.shared[0].uscc].credit_risk_class == world.shared[0].credit_risk_class
    assert rows[world.only_scjg.uscc].credit_risk_class is None
    market = User.objects.get(username="market")
    rows = {r.public_id: r for r in _all_subjects(world, market)}
    assert rows[world.only_scjg.uscc].credit_risk_class == world.only_scjg.credit_risk_class
    assert rows[world.shared[0].uscc].credit_risk_class is None


def test_inspectors_of_both_departments_are_listed_with_the_reasons(world: World) -> None:
    rows = {r.name: r for r in _all_inspectors(world, world.staff)}
    assert {r.department for r in rows.values()} == {"明溪县自然资源局", "明溪县市场监督管理局"}
    assert rows["周持证"].drawable
    assert rows["郑市场"].drawable
    assert rows["吴过期"].reasons == ["执法证已于 2020-12-31 过期"]
    assert rows["王缺领域"].reasons == ["缺少本任务事项所需的执法领域：市场"]
    drawable = _all_inspectors(world, world.staff, eligible_only=True)
    assert sorted(r.name for r in drawable) == ["周持证", "郑市场"]


def test_another_departments_leave_is_not_told(world: World) -> None:
    Inspector.objects.filter(name="郑市场").update(status="leave")
    ours = {r.name: r for r in _all_inspectors(world, world.staff)}
    theirs = {r.name: r for r in _all_inspectors(world, User.objects.get(username="market"))}
    assert ours["郑市场"].reasons == ["当前不在岗"]
    assert theirs["郑市场"].reasons[0].startswith("状态为“")


def test_summary_counts(world: World) -> None:
    summary = joint_registry.summary(world.task)
    assert (summary.firms, summary.shared, summary.eligible) == (7, 2, 6)
    counts = {
        c.department.code: (c.subjects, c.inspectors, c.drawable) for c in summary.departments
    }
    assert counts == {"DEMO-MX-ZRZY": (5, 2, 1), "DEMO-MX-SCJG": (4, 2, 1)}


def test_task_page_links_the_joint_registry_with_counts(world: World, client_as: ClientAs) -> None:
    body = client_as(Role.BUSINESS_STAFF).get(reverse("tasks:detail", args=[world.task.pk]))
    text = body.content.decode()
    assert "联合名录库" in text
    assert "7 户" in text
    assert "2 户由多个部门登记" in text
    assert reverse("tasks:joint_registry", args=[world.task.pk]) in text


@pytest.mark.parametrize("username", ["staff", "market", "office", "leader"])
def test_lead_participants_and_the_conference_office_see_it(world: World, username: str) -> None:
    from conftest import login_client

    client = login_client(Client(), User.objects.get(username=username))
    url = reverse("tasks:joint_registry", args=[world.task.pk])
    assert client.get(url).status_code == 200
    assert client.get(f"{url}?tab=inspectors").status_code == 200
    api = client.get(f"/api/v1/tasks/{world.task.pk}/joint-registry/subjects/")
    assert api.status_code == 200


def test_a_non_participating_department_cannot_see_it(world: World) -> None:
    from conftest import login_client

    client = login_client(Client(), User.objects.get(username="housing"))
    url = reverse("tasks:joint_registry", args=[world.task.pk])
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?export=csv").status_code == 404
    for kind in ("subjects", "inspectors"):
        api = client.get(f"/api/v1/tasks/{world.task.pk}/joint-registry/{kind}/")
        assert api.status_code == 404


def test_a_task_without_participants_has_no_joint_registry(
    world: World, client_as: ClientAs
) -> None:
    Task.objects.filter(pk=world.task.pk).first().participants.clear()  # type: ignore[union-attr]
    client = client_as(Role.BUSINESS_STAFF)
    response = client.get(reverse("tasks:joint_registry", args=[world.task.pk]))
    assert response.status_code == 302
    api = client.get(f"/api/v1/tasks/{world.task.pk}/joint-registry/subjects/")
    assert api.status_code == 400


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx(response: Any) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_exports_contain_the_rows_with_the_current_filters(
    world: World, client_as: ClientAs
) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    url = reverse("tasks:joint_registry", args=[world.task.pk])
    rows = _csv(client.get(f"{url}?export=csv"))
    assert rows[0] == joint_registry.SUBJECT_HEADERS
    assert len(rows) == 1 + 7
    shared = next(r for r in rows if r[0] == world.shared[0].uscc)
    assert shared[4] == "明溪县自然资源局、明溪县市场监督管理局"
    assert shared[5] == "2"
    dead = next(r for r in rows if r[0] == world.deregistered.uscc)
    assert dead[6:8] == ["否", "经营状态为“注销”"]
    sheet = _xlsx(client.get(f"{url}?export=xlsx&eligible=on"))
    assert sheet[0] == joint_registry.SUBJECT_HEADERS
    assert len(sheet) == 1 + 6
    people = _xlsx(client.get(f"{url}?tab=inspectors&export=xlsx"))
    assert people[0] == joint_registry.INSPECTOR_HEADERS
    expired = next(r for r in people if r[0] == "吴过期")
    assert expired[7:9] == ["否", "执法证已于 2020-12-31 过期"]
    assert len(_csv(client.get(f"{url}?tab=inspectors&export=csv&department={world.scjg.pk}"))) == 3
    event = AuditEvent.objects.filter(action="task.joint_registry_exported").order_by("seq").last()
    assert event is not None
    after: dict[str, Any] = event.after or {}
    assert after["registry"] == "inspectors"
    assert after["filters"]["department"] == world.scjg.pk


def test_no_id_or_phone_number_in_the_page_export_or_api(world: World, client_as: ClientAs) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    url = reverse("tasks:joint_registry", args=[world.task.pk])
    masked = Inspector.objects.filter(name="周持证").values_list(
        "id_number_masked", "phone_masked"
    )[0]
    bodies = [
        client.get(f"{url}?tab=inspectors").content.decode(),
        str(_csv(client.get(f"{url}?tab=inspectors&export=csv"))),
        str(_xlsx(client.get(f"{url}?tab=inspectors&export=xlsx"))),
        client.get(f"/api/v1/tasks/{world.task.pk}/joint-registry/inspectors/").content.decode(),
    ]
    for body in bodies:
        assert "周持证" in body
        for secret in (ID, PHONE, *masked):
            assert secret not in body


def test_the_api_gives_the_same_counts(world: World, client_as: ClientAs) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    base = f"/api/v1/tasks/{world.task.pk}/joint-registry"
    subjects = client.get(f"{base}/subjects/").json()
    assert subjects["count"] == 7
    shared = [r for r in subjects["results"] if len(r["departments"]) > 1]
    assert len(shared) == 2
    assert client.get(f"{base}/subjects/?eligible=true").json()["count"] == 6
    assert client.get(f"{base}/subjects/?archived=true").json()["count"] == 8
    people = client.get(f"{base}/inspectors/").json()
    assert people["count"] == 4
    assert client.get(f"{base}/inspectors/?eligible=true").json()["count"] == 2
    expired = next(r for r in people["results"] if r["name"] == "吴过期")
    assert expired["reasons"] == ["执法证已于 2020-12-31 过期"]
    bad = client.get(f"{base}/subjects/?department={Department.objects.get(code='DEMO-MX-ZJ').pk}")
    assert bad.status_code == 400


def test_the_schema_documents_the_joint_registry(client_as: ClientAs) -> None:
    schema = client_as(Role.BUSINESS_STAFF).get("/api/schema/").content.decode()
    assert "/api/v1/tasks/{id}/joint-registry/subjects/" in schema
    assert "/api/v1/tasks/{id}/joint-registry/inspectors/" in schema
    assert "JointRegistrySubject" in schema


def test_the_page_costs_the_same_queries_whatever_the_registry_size(
    world: World, client_as: ClientAs, make_subjects: Callable[..., list[Subject]]
) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    url = reverse("tasks:joint_registry", args=[world.task.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    make_subjects(40, start=100)
    make_subjects(40, department_code="DEMO-MX-SCJG", start=120)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    with CaptureQueriesContext(connection) as people:
        assert client.get(f"{url}?tab=inspectors").status_code == 200
    assert len(people) <= len(small) + 2


def test_a_firm_already_drawn_this_year_for_the_same_item_is_not_eligible(world: World) -> None:
    from decimal import Decimal

    from tasks import draws
    from tasks.models import DrawnSubject

    earlier = services.create_task(
        world.staff,
        services.TaskValues(
            name="土地专项抽查",
            trigger=TaskTrigger.ADHOC,
            reason="专项整治",
            item_ids=list(world.task.items.filter(code="ZR-JOINT").values_list("pk", flat=True)),
            window_start=dt.date(YEAR, 3, 1),
            window_end=dt.date(YEAR, 3, 31),
        ),
    )
    every: dict[str, Decimal | None] = {k: Decimal("100") for k in ("lists", "A", "B", "C", "D")}
    draws.execute_draw(
        world.staff, draws.prepare_draw(world.staff, earlier, draws.DrawSettings(ratios=every))
    )
    drawn = set(
        DrawnSubject.objects.filter(is_substitute=False).values_list("public_id", flat=True)
    )
    assert world.shared[0].uscc in drawn
    rows = {r.public_id: r for r in _all_subjects(world, world.staff)}
    assert rows[world.shared[0].uscc].reasons == [
        f"本年度已在任务 {earlier.code} 中就同一事项随机抽查"
    ]
    eligible = {r.public_id for r in _all_subjects(world, world.staff, eligible_only=True)}
    assert eligible == {pid for pid, r in rows.items() if r.eligible}
    assert not eligible & drawn
    assert joint_registry.summary(world.task).eligible == len(eligible)
