from __future__ import annotations

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from accounts.choices import Role
from accounts.models import User
from audit.models import AuditEvent
from audit.services import verify_chain
from conftest import ROLE_USERS
from demo.data import DEMO_OTP_KEYS, DEMO_PASSWORD


def test_loading_the_demo_twice_changes_nothing(db: None, capsys: object) -> None:
    call_command("load_demo", "--quiet-logins")
    counts = (User.objects.count(), AuditEvent.objects.count())
    call_command("load_demo", "--quiet-logins")
    assert (User.objects.count(), AuditEvent.objects.count()) == counts
    assert verify_chain().intact


def test_every_demo_login_reaches_its_roles_home_page(demo_org: None) -> None:
    for role, username in ROLE_USERS.items():
        client = Client()
        response = client.post(
            reverse("accounts:login"), {"username": username, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        if username in DEMO_OTP_KEYS:
            token = f"{totp(bytes.fromhex(DEMO_OTP_KEYS[username])):06d}"
            response = client.post(reverse("accounts:otp"), {"token": token})
        home = client.get(reverse("core:home"))
        assert home.status_code == 200, username
        assert f'data-role="{role}"' in home.content.decode(), username
        assert Role(role).label in home.content.decode()


def test_the_demo_logins_are_printed(db: None, capsys: object) -> None:
    call_command("load_demo")
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert DEMO_PASSWORD in out
    for username in ROLE_USERS.values():
        assert username in out
