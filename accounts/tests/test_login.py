from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import Role
from accounts.middleware import LAST_ACTIVITY_KEY
from accounts.models import User
from accounts.services import LOGIN_REFUSED_MESSAGE
from audit.models import AuditEvent
from demo.data import DEMO_OTP_KEYS, DEMO_PASSWORD

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

LOGIN = reverse("accounts:login")


def post_login(client: Client, username: str, password: str) -> _MonkeyPatchedWSGIResponse:
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_rotates_session_key_and_is_audited(demo_org: None) -> None:
    client = Client()
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    response = post_login(client, "staff", DEMO_PASSWORD)
    assert response.status_code == 302
    assert client.session.session_key != before
    assert AuditEvent.objects.filter(action="login.success", actor_label="staff").exists()


def test_unknown_user_and_wrong_password_get_the_same_message(demo_org: None) -> None:
    unknown = post_login(Client(), "nobody", "Whatever#123")
    wrong = post_login(Client(), "staff", "Wrong#Pass123")
    for response in (unknown, wrong):
        assert response.status_code == 200
        assert LOGIN_REFUSED_MESSAGE in response.content.decode()
    assert AuditEvent.objects.filter(action="login.failure", actor_label="nobody").exists()


def test_five_failures_lock_the_account_and_are_audited(demo_org: None, settings: object) -> None:
    client = Client()
    for _ in range(5):
        post_login(client, "staff", "Wrong#Pass123")
    user = User.objects.get(username="staff")
    assert user.is_locked()
    assert AuditEvent.objects.filter(action="login.failure", object_id=str(user.pk)).count() == 5
    locked = AuditEvent.objects.get(action="account.locked", object_id=str(user.pk))
    assert "30 分钟" in locked.reason
    # The right password is refused too, with the same message, from any client (per account).
    response = post_login(Client(REMOTE_ADDR="10.9.9.9"), "staff", DEMO_PASSWORD)
    assert LOGIN_REFUSED_MESSAGE in response.content.decode()
    assert "_auth_user_id" not in Client().session


def test_four_failures_then_success_resets_the_counter(demo_org: None) -> None:
    client = Client()
    for _ in range(4):
        post_login(client, "staff", "Wrong#Pass123")
    assert post_login(client, "staff", DEMO_PASSWORD).status_code == 302
    assert User.objects.get(username="staff").failed_login_count == 0


def test_lockout_expires_after_the_configured_time(demo_org: None) -> None:
    for _ in range(5):
        post_login(Client(), "staff", "Wrong#Pass123")
    User.objects.filter(username="staff").update(locked_until=timezone.now() - timedelta(seconds=1))
    response = post_login(Client(), "staff", DEMO_PASSWORD)
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="account.lock_expired").exists()


def test_lockout_numbers_are_settings(demo_org: None, settings: object) -> None:
    settings.LOGIN_MAX_FAILURES = 2  # type: ignore[attr-defined]
    settings.LOGIN_LOCKOUT_MINUTES = 5  # type: ignore[attr-defined]
    for _ in range(2):
        post_login(Client(), "staff", "Wrong#Pass123")
    user = User.objects.get(username="staff")
    assert user.locked_until is not None
    remaining = user.locked_until - timezone.now()
    assert timedelta(minutes=4) < remaining <= timedelta(minutes=5)


def test_security_admin_unlocks_an_account(
    demo_org: None, client_as: Callable[[str], Client]
) -> None:
    for _ in range(5):
        post_login(Client(), "staff", "Wrong#Pass123")
    user = User.objects.get(username="staff")
    response = client_as(Role.SECURITY_ADMIN).post(
        reverse("accounts:user_unlock", args=[user.pk]), {"reason": "本人电话确认"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_locked()
    event = AuditEvent.objects.get(action="account.unlocked")
    assert event.actor_label == "secadmin"
    assert event.reason == "本人电话确认"


def test_idle_session_is_ended(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    assert client.get(reverse("core:home")).status_code == 200
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - 31 * 60
    session.save()
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert client.get(reverse("core:home")).status_code == 302
    assert AuditEvent.objects.filter(action="session.idle_timeout").exists()


def test_activity_within_the_idle_limit_keeps_the_session(
    client_as: Callable[[str], Client],
) -> None:
    client = client_as(Role.BUSINESS_STAFF)
    client.get(reverse("core:home"))
    session = client.session
    session[LAST_ACTIVITY_KEY] = time.time() - 29 * 60
    session.save()
    assert client.get(reverse("core:home")).status_code == 200


def test_administrators_must_pass_the_second_factor(demo_org: None) -> None:
    client = Client()
    response = post_login(client, "auditadmin", DEMO_PASSWORD)
    assert response["Location"] == reverse("accounts:otp")
    assert client.get(reverse("audit:events"))["Location"] == reverse("accounts:otp")
    assert client.get("/api/v1/audit-events/").status_code == 403
    wrong = client.post(reverse("accounts:otp"), {"token": "000000"})
    assert "动态口令不正确" in wrong.content.decode()
    token = f"{totp(bytes.fromhex(DEMO_OTP_KEYS['auditadmin'])):06d}"
    throttled = client.post(reverse("accounts:otp"), {"token": token})
    assert "尝试过于频繁" in throttled.content.decode()
    TOTPDevice.objects.filter(user__username="auditadmin").update(throttling_failure_count=0)
    assert client.post(reverse("accounts:otp"), {"token": token}).status_code == 302
    assert client.get(reverse("audit:events")).status_code == 200


def test_administrator_without_device_enrols_one(demo_org: None) -> None:
    user = User.objects.get(username="secadmin")
    TOTPDevice.objects.filter(user=user).delete()
    client = Client()
    post_login(client, "secadmin", DEMO_PASSWORD)
    page = client.get(reverse("accounts:otp"))
    assert "绑定动态口令" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    token = f"{totp(device.bin_key):06d}"
    assert client.post(reverse("accounts:otp"), {"token": token}).status_code == 302
    device.refresh_from_db()
    assert device.confirmed


def test_business_users_need_no_second_factor(demo_org: None) -> None:
    client = Client()
    response = post_login(client, "leader", DEMO_PASSWORD)
    assert response["Location"] == reverse("core:home")


def test_disabling_an_account_ends_its_sessions(client_as: Callable[[str], Client]) -> None:
    victim = client_as(Role.INSPECTOR)
    assert victim.get(reverse("core:home")).status_code == 200
    user = User.objects.get(username="inspector")
    response = client_as(Role.SYSTEM_ADMIN).post(
        reverse("accounts:user_active", args=[user.pk]), {"active": "0", "reason": "调离"}
    )
    assert response.status_code == 302
    assert victim.get(reverse("core:home")).status_code == 302
    assert post_login(Client(), "inspector", DEMO_PASSWORD).status_code == 200


def test_logout_is_post_only_and_audited(client_as: Callable[[str], Client]) -> None:
    client = client_as(Role.INSPECTOR)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert AuditEvent.objects.filter(action="logout", actor_label="inspector").exists()
    assert client.get(reverse("core:home")).status_code == 302


def test_audit_events_never_contain_passwords(demo_org: None) -> None:
    post_login(Client(), "staff", "Secret#Typed123")
    post_login(Client(), "staff", DEMO_PASSWORD)
    for event in AuditEvent.objects.all():
        text = f"{event.reason}{event.before}{event.after}{event.object_repr}"
        assert "Secret#Typed123" not in text
        assert DEMO_PASSWORD not in text


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Short#1", False),
        ("alllowercase", False),
        ("lowercase123", False),
        ("Lower#case12", True),
        ("Admin#123456x", False),
        ("A" * 30 + "b1#" + "c" * 40, False),
    ],
)
def test_password_rules(demo_org: None, password: str, ok: bool) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = User.objects.get(username="staff")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)
