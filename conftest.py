"""Fixtures shared by every app's tests: the demo organisation and a logged-in client per role."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounts.choices import Role
from accounts.models import User

# Demo username holding each role (demo/data.py).
ROLE_USERS = {
    Role.SYSTEM_ADMIN: "sysadmin",
    Role.SECURITY_ADMIN: "secadmin",
    Role.AUDIT_ADMIN: "auditadmin",
    Role.REGISTRY_MANAGER: "registry",
    Role.BUSINESS_STAFF: "staff",
    Role.INSPECTOR: "inspector",
    Role.UNIT_HEAD: "unithead",
    Role.SUPERVISING_LEADER: "leader",
    Role.CONFERENCE_OFFICE: "office",
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _private_files_per_test(settings: Any, tmp_path: Any) -> None:
    """Pool files, evidence and uploads of one test never meet another's (xdist runs two)."""
    settings.PRIVATE_FILES_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _fresh_working_day_cache() -> None:
    """The calendar caches years in memory; a rolled-back test must not leave its days behind."""
    from workdays import services

    services.invalidate()


@pytest.fixture
def demo_org(db: None) -> None:
    """The demo county's organisation and one user per role."""
    from demo.services import load_demo_county

    load_demo_county()


@pytest.fixture
def user_with_role(demo_org: None) -> Callable[[str], User]:
    def get(role: str) -> User:
        return User.objects.get(username=ROLE_USERS[role])  # type: ignore[index]

    return get


def login_client(client: Client, user: User) -> Client:
    """Log `user` in; administrators also pass the second factor, as after a real OTP step."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_as(user_with_role: Callable[[str], User]) -> Callable[[str], Client]:
    def make(role: str) -> Client:
        return login_client(Client(), user_with_role(role))

    return make


@pytest.fixture
def make_item(demo_org: None) -> Callable[..., Any]:
    """An item in force in a department's published list (creating the list if needed)."""
    from decimal import Decimal

    from items.choices import ItemKind, ItemListStatus
    from items.models import InspectionItem, ItemList
    from organisations.models import Department

    def published_list(department: Department) -> ItemList:
        current = ItemList.objects.filter(
            department=department, status=ItemListStatus.PUBLISHED
        ).first()
        if current is not None:
            return current
        return ItemList.objects.create(
            department=department,
            version=ItemList.objects.filter(department=department).count() + 1,
            title=f"{department.name}随机抽查事项清单",
            status=ItemListStatus.PUBLISHED,
        )

    def make(
        code: str,
        department_code: str = "DEMO-MX-ZRZY",
        kind: str = ItemKind.GENERAL,
        cap: str | None = "20",
    ) -> InspectionItem:
        department = Department.objects.get(code=department_code)
        return InspectionItem.objects.create(
            item_list=published_list(department),
            code=code,
            name=f"事项{code}",
            kind=kind,
            legal_basis="《中华人民共和国土地管理法》",
            ratio_cap_percent=Decimal(cap) if cap and kind == ItemKind.GENERAL else None,
        )

    return make


@pytest.fixture
def make_subjects(demo_org: None) -> Callable[..., list[Any]]:
    """`n` active enterprises of a department with valid USCCs and a spread of risk classes."""
    from core.checkdigits import uscc_check_char
    from organisations.models import Department, Region
    from subjects.models import Subject, SubjectType

    def make(n: int, department_code: str = "DEMO-MX-ZRZY", start: int = 0) -> list[Subject]:
        department = Department.objects.get(code=department_code)
        enterprise = SubjectType.objects.get(code="enterprise")
        region = Region.objects.get(code="480321")
        subjects = []
        for i in range(start, start + n):
            body = f"91480321MA{i:07d}"
            uscc = body + uscc_check_char(body)
            subjects.append(
                Subject(
                    department=department,
                    code=uscc,
                    uscc=uscc,
                    subject_type=enterprise,
                    name=f"明溪测试企业{i}有限公司",
                    region=region,
                    credit_risk_class="ABCD"[i % 4],
                    abnormal_list=i % 10 == 0,
                )
            )
        return Subject.objects.bulk_create(subjects)

    return make
