from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from openpyxl import load_workbook

from audit.models import AuditEvent
from core import testing
from core.checkdigits import make_id_number
from inspectors import services
from inspectors.models import Inspector

pytestmark = pytest.mark.django_db

ID = make_id_number("48032119850101123")


def test_id_and_phone_are_encrypted_at_rest(demo_org: None) -> None:
    inspector = testing.sample_inspector()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_cipher, phone_cipher FROM inspectors_inspector WHERE id = %s",
            [inspector.pk],
        )
        id_cipher, phone_cipher = cursor.fetchone()
    assert ID not in id_cipher
    assert "13800138000" not in phone_cipher
    assert inspector.id_number() == ID
    assert inspector.phone() == "13800138000"
    created = AuditEvent.objects.get(action="inspector.created", object_id=str(inspector.pk))
    assert ID not in str(created.after)
    assert "13800138000" not in str(created.after)


def test_lists_and_exports_are_masked_for_roles_without_the_right(
    client_as: Any, demo_org: None
) -> None:
    testing.sample_inspector()
    for role in ("business_staff", "inspector", "conference_office", "registry_manager"):
        page = client_as(role).get("/inspectors/").content.decode()
        assert ID not in page
        assert "480321********1231" not in page
        assert ID[:6] + "********" + ID[-4:] in page
        assert "138****8000" in page
    for role in ("business_staff", "supervising_leader"):
        export = client_as(role).get("/inspectors/?export=csv&full=1")
        body = b"".join(export.streaming_content).decode("utf-8-sig")
        assert ID not in body
        assert "13800138000" not in body
        assert "138****8000" in body
        api = client_as(role).get("/api/v1/inspectors/").json()["results"][0]
        assert api["id_number"] != ID
        assert "*" in api["phone"]


def test_full_view_is_for_the_registry_manager_and_logged(client_as: Any, demo_org: None) -> None:
    inspector = testing.sample_inspector()
    assert (
        client_as("business_staff").post(f"/inspectors/{inspector.pk}/reveal/").status_code == 403
    )
    response = client_as("registry_manager").post(
        f"/inspectors/{inspector.pk}/reveal/", {"purpose": "核对身份"}
    )
    assert response.status_code == 200
    assert ID in response.content.decode()
    event = AuditEvent.objects.get(action="inspector.personal_data_viewed")
    assert event.actor_label == "registry"
    assert event.reason == "核对身份"
    api = client_as("registry_manager").post(f"/api/v1/inspectors/{inspector.pk}/personal-data/")
    assert api.json()["phone"] == "13800138000"
    assert AuditEvent.objects.filter(action="inspector.personal_data_viewed").count() == 2


def test_full_export_for_the_registry_manager_is_logged(client_as: Any, demo_org: None) -> None:
    testing.sample_inspector()
    response = client_as("registry_manager").get("/inspectors/?export=xlsx&full=1")
    rows = list(
        load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[1][2] == ID
    assert AuditEvent.objects.filter(action="inspector.personal_data_exported").exists()


def test_drawability_reasons(demo_org: None) -> None:
    inspector = testing.sample_inspector()
    testing.sample_item_list()  # an item in force needs "land"
    today = dt.date.today()
    needed = services.needed_areas([inspector.department_id])[inspector.department_id]
    assert services.drawability(inspector, today, needed) == []
    assert list(Inspector.objects.drawable(today)) == [inspector]
    inspector.certificate_valid_until = today - dt.timedelta(days=1)
    inspector.status = "seconded"
    inspector.save()
    inspector.enforcement_areas.set([])
    reasons = services.drawability(inspector, today, needed)
    assert any("过期" in r for r in reasons)
    assert any("借调" in r for r in reasons)
    assert "未登记执法领域" in reasons
    assert not Inspector.objects.drawable(today).exists()
    from items.models import EnforcementArea

    inspector.enforcement_areas.set([EnforcementArea.objects.get(code="water")])
    assert "执法领域与本部门现行抽查事项不匹配" in services.drawability(inspector, today, needed)


def test_the_list_shows_who_is_drawable(
    client_as: Any, demo_registries: None, django_assert_max_num_queries: Any
) -> None:
    client = client_as("registry_manager")
    with django_assert_max_num_queries(25):
        page = client.get("/inspectors/").content.decode()
    assert "执法证已于" in page
    assert "今日可抽取" in page
    drawable = client.get("/api/v1/inspectors/?drawable=true").json()
    assert drawable["count"] > 0
    assert all(r["drawable_today"] for r in drawable["results"])
    blocked = client.get("/api/v1/inspectors/?drawable=false").json()
    assert blocked["count"] > 0
    assert all(not r["drawable_today"] for r in blocked["results"])


def test_import_checks_id_numbers_and_updates_by_certificate(
    demo_org: None, tmp_path: Path
) -> None:
    from core.imports import run_import
    from inspectors.imports import InspectorImport

    headers = [
        "执法证号",
        "姓名",
        "身份证号",
        "手机号码",
        "单位",
        "执法证有效期起",
        "执法证有效期至",
        "执法领域",
    ]
    rows = [
        [
            "35480000000009",
            "郑执法",
            ID,
            "13900000000",
            "执法监察大队",
            "2024/1/1",
            "2029-12-31",
            "土地管理",
        ],
        ["35480000000010", "王审核", ID[:-1] + ("0" if ID[-1] != "0" else "1"), "", "", "", "", ""],
    ]
    spec = InspectorImport(testing.department(), None)
    bad = run_import(spec, testing.write_csv(tmp_path / "a.csv", headers, rows), commit=True)
    assert not bad.committed
    assert bad.errors[0].row == 3
    assert bad.errors[0].column == "身份证号"
    assert ID not in str(bad.errors)
    good = run_import(
        InspectorImport(testing.department(), None),
        testing.write_csv(tmp_path / "b.csv", headers, rows[:1]),
        commit=True,
    )
    assert good.created == 1
    assert Inspector.objects.get().id_number() == ID
    rows[0][3] = "13911112222"
    again = run_import(
        InspectorImport(testing.department(), None),
        testing.write_csv(tmp_path / "c.csv", headers, rows[:1]),
        commit=True,
    )
    assert again.updated == 1
    event = AuditEvent.objects.get(action="inspector.updated")
    assert set(event.after or {}) == {"phone"}
    assert "13911112222" not in str(event.after)
    same = run_import(
        InspectorImport(testing.department(), None),
        testing.write_csv(tmp_path / "d.csv", headers, rows[:1]),
        commit=True,
    )
    assert same.unchanged == 1


def test_scope_on_the_list_and_api(client_as: Any, demo_registries: None) -> None:
    client = client_as("registry_manager")
    ids = {r["department"] for r in client.get("/api/v1/inspectors/").json()["results"]}
    assert ids == {testing.department().pk}
    other = Inspector.objects.exclude(department=testing.department()).get(
        certificate_no=Inspector.objects.exclude(department=testing.department())
        .values_list("certificate_no", flat=True)
        .first()
    )
    assert client.get(f"/inspectors/{other.pk}/").status_code == 404
    assert client.get(f"/api/v1/inspectors/{other.pk}/").status_code == 404
    assert client.get("/inspectors/experts/").status_code == 200
