"""Session idle timeout (security 3) and the second factor for the 三员 (security 4)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from audit.choices import Outcome
from audit.services import record_event

LAST_ACTIVITY_KEY = "last_activity"


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                record_event(
                    action="session.idle_timeout",
                    actor=user,
                    obj=user,
                    outcome=Outcome.SUCCESS,
                    reason=f"空闲超过 {settings.SESSION_IDLE_TIMEOUT_MINUTES} 分钟",
                )
                logout(request)
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "会话已超时，请重新登录。"}, status=401)
                messages.info(request, "会话已超时，请重新登录。")
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


_OTP_FREE_PREFIXES = ("/accounts/otp/", "/accounts/logout/", "/static/", "/accounts/login/")


class SecondFactorMiddleware:
    """An administrator who has not passed the second factor can reach only the OTP pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.is_admin_role
            and not user.otp_verified()
            and not request.path.startswith(_OTP_FREE_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "管理员须先完成动态口令验证。"}, status=403)
            return redirect("accounts:otp")
        return self.get_response(request)
