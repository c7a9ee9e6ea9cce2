"""Rate limits of the public portal (E2): the public API and the objection form, counted per
client address in Django's cache (Redis in production, so every gunicorn worker shares it)."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


def wait_message(wait: float | None) -> str:
    seconds = max(1, round(wait or 1))
    return f"请求过于频繁，请在 {seconds} 秒后再试。"


class _ByAddress(SimpleRateThrottle):
    setting = ""

    def get_rate(self) -> str | None:
        return str(getattr(settings, self.setting))

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class PublicApiThrottle(_ByAddress):
    """Every anonymous client of /api/public/: PUBLIC_API_RATE, e.g. 60/min."""

    scope = "public_api"
    setting = "PUBLIC_API_RATE"


class ObjectionThrottle(_ByAddress):
    """Posting the objection form and looking up an objection: PUBLIC_OBJECTION_RATE."""

    scope = "public_objection"
    setting = "PUBLIC_OBJECTION_RATE"


def allow(throttle: _ByAddress, request: HttpRequest) -> bool:
    return bool(throttle.allow_request(cast(Any, request), cast(Any, None)))
