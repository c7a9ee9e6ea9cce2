from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from audit import context
from audit.choices import Channel


def client_ip_of(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it,
    # and gunicorn behind nginx sets REMOTE_ADDR through its forwarded_allow_ips setting.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip_token = context.client_ip.set(client_ip_of(request))
        kind = Channel.API if request.path.startswith("/api/") else Channel.WEB
        channel_token = context.channel.set(kind)
        try:
            return self.get_response(request)
        finally:
            context.client_ip.reset(ip_token)
            context.channel.reset(channel_token)
