"""TOTP second factor through django-otp (security 4)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from audit.choices import Outcome
from audit.services import record_event


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="验证器应用", confirmed=False)
    return device


def enrolment_context(device: TOTPDevice) -> dict[str, Any]:
    qr = segno.make(device.config_url, error="m")
    return {
        "qr_data_uri": qr.svg_data_uri(scale=5),
        "secret": device.config_url.split("secret=")[1].split("&")[0],
        "issuer": settings.OTP_TOTP_ISSUER,
    }


def verify(request: HttpRequest, device: TOTPDevice, token: str, enrolling: bool) -> str | None:
    """None when the token is accepted, otherwise the message to show."""
    user: User = request.user  # type: ignore[assignment]
    allowed, details = device.verify_is_allowed()
    if not allowed:
        # django-otp throttles guessing: each failure doubles the wait before the next try.
        wait = (details or {}).get("locked_until")
        record_event(action="login.otp_throttled", actor=user, obj=user, outcome=Outcome.REFUSED)
        when = f"，请在 {timezone.localtime(wait):%H:%M:%S} 之后" if wait else "，请稍候"
        return f"尝试过于频繁{when}再输入动态口令。"
    with transaction.atomic():
        if not device.verify_token(token):
            record_event(action="login.otp_failure", actor=user, obj=user, outcome=Outcome.FAILURE)
            return "动态口令不正确或已过期，请重新输入。"
        if enrolling:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            record_event(action="user.otp_enrolled", actor=user, obj=user)
        record_event(action="login.otp_success", actor=user, obj=user)
    otp_login(request, device)
    return None
