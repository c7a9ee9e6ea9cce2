"""Fixtures shared by every app's tests: the demo organisation and a logged-in client per role."""

from __future__ import annotations

from collections.abc import Callable

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
