from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from accounts import services
from accounts.choices import Role
from accounts.models import User, UserRole
from accounts.scope import can_edit_department_data, visible_department_ids
from organisations.models import Department


@pytest.mark.parametrize(
    "roles",
    [
        [Role.SYSTEM_ADMIN, Role.AUDIT_ADMIN],
        [Role.SECURITY_ADMIN, Role.AUDIT_ADMIN],
        [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN],
        [Role.AUDIT_ADMIN, Role.BUSINESS_STAFF],
    ],
)
def test_one_account_never_holds_two_admin_roles(
    user_with_role: Callable[[str], User], roles: list[str]
) -> None:
    admin = user_with_role(Role.SYSTEM_ADMIN)
    target = user_with_role(Role.BUSINESS_STAFF)
    with pytest.raises(ValidationError, match="三员"):
        services.set_roles(admin, target, roles)
    assert set(target.roles.values_list("role", flat=True)) == {Role.BUSINESS_STAFF}


def test_the_database_refuses_a_second_admin_role(user_with_role: Callable[[str], User]) -> None:
    auditor = user_with_role(Role.AUDIT_ADMIN)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserRole.objects.create(user=auditor, role=Role.SECURITY_ADMIN)


def test_system_admin_cannot_read_the_audit_log(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.SYSTEM_ADMIN)
    assert client.get(reverse("audit:events")).status_code == 403
    assert client.get("/api/v1/audit-events/").status_code == 403


def test_audit_admin_cannot_change_users(
    client_as: Callable[[str], Client], user_with_role: Callable[[str], User]
) -> None:
    client = client_as(Role.AUDIT_ADMIN)
    staff = user_with_role(Role.BUSINESS_STAFF)
    assert client.post(reverse("accounts:user_create"), {}).status_code == 403
    assert client.post(reverse("accounts:user_active", args=[staff.pk]), {}).status_code == 403
    assert client.post("/api/v1/users/", {}).status_code == 403


def test_system_admin_creates_a_user_with_roles_through_the_page(
    client_as: Callable[[str], Client],
) -> None:
    dept = Department.objects.get(code="DEMO-MX-ZJ")
    response = client_as(Role.SYSTEM_ADMIN).post(
        reverse("accounts:user_create"),
        {
            "username": "new.inspector",
            "full_name": "新检查",
            "department": dept.pk,
            "roles": [Role.INSPECTOR],
            "password": "Fresh#Pass2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new.inspector")
    assert user.role_codes() == {Role.INSPECTOR}


def test_bad_user_input_gets_chinese_messages(client_as: Callable[[str], Client]) -> None:
    response = client_as(Role.SYSTEM_ADMIN).post(
        reverse("accounts:user_create"),
        {
            "username": "x",
            "full_name": "",
            "roles": [Role.AUDIT_ADMIN, Role.INSPECTOR],
            "password": "1",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "用户名只能包含" in body
    assert "该字段是必填项" in body


def test_business_role_needs_a_department(user_with_role: Callable[[str], User]) -> None:
    admin = user_with_role(Role.SYSTEM_ADMIN)
    with pytest.raises(ValidationError, match="所属部门"):
        services.create_user(
            admin, username="nodept", password="Fresh#Pass2026", roles=[Role.INSPECTOR]
        )


def test_county_staff_see_their_department_only(user_with_role: Callable[[str], User]) -> None:
    staff = user_with_role(Role.BUSINESS_STAFF)
    assert visible_department_ids(staff) == {staff.department_id}


def test_city_department_oversees_county_departments_of_its_line(demo_org: None) -> None:
    city = User.objects.get(username="city")
    codes = set(
        Department.objects.filter(pk__in=visible_department_ids(city)).values_list(
            "code", flat=True
        )
    )
    assert codes == {"DEMO-CITY-ZRZY", "DEMO-MX-ZRZY", "DEMO-SM-ZRZY"}
    county = Department.objects.get(code="DEMO-MX-ZRZY")
    assert not can_edit_department_data(city, county.pk)


def test_conference_office_reads_member_departments(user_with_role: Callable[[str], User]) -> None:
    office = user_with_role(Role.CONFERENCE_OFFICE)
    codes = set(
        Department.objects.filter(pk__in=visible_department_ids(office)).values_list(
            "code", flat=True
        )
    )
    assert "DEMO-MX-ZRZY" in codes
    assert "DEMO-MX-ZJ" in codes
    assert "DEMO-CITY-ZRZY" not in codes
    assert "DEMO-SM-ZRZY" not in codes
    assert not can_edit_department_data(office, office.department_id)


def test_admins_see_no_business_data(user_with_role: Callable[[str], User]) -> None:
    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        assert visible_department_ids(user_with_role(role)) == set()


def test_department_pages_are_scoped(client_as: Callable[[str], Client]) -> None:
    other = Department.objects.get(code="DEMO-MX-ZJ")
    client = client_as(Role.BUSINESS_STAFF)
    assert client.get(reverse("organisations:department", args=[other.pk])).status_code == 404
    listing = client.get("/api/v1/departments/").json()
    assert [d["code"] for d in listing["results"]] == ["DEMO-MX-ZRZY"]


def test_create_admin_command_bootstraps_a_system_administrator(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management import call_command

    monkeypatch.setattr("getpass.getpass", lambda prompt="": "Strong#Boot2026")
    call_command("create_admin", "root.admin", "--role", Role.SYSTEM_ADMIN)
    user = User.objects.get(username="root.admin")
    assert user.role_codes() == {Role.SYSTEM_ADMIN}
    assert user.check_password("Strong#Boot2026")
