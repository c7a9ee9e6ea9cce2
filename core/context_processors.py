from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.navigation import navigation_for


def platform(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    return {
        "SITE_NAME": settings.SITE_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "nav_items": navigation_for(user) if user is not None else [],
    }
