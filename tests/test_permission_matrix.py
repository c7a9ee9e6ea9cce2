"""Walk every URL and API route as every role (security 6).

The roles a view admits come from the view itself (`role_required` / `allowed_roles`), so a new
view is covered automatically; a view that declares nothing and is not listed as public fails.
URLs with arguments get their kwargs from SAMPLES here or from `<app>/tests/matrix.py`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.choices import Role
from accounts.models import User
from audit.models import AuditEvent
from conftest import login_client
from organisations.models import Department, Region, Unit

# Reachable without a role: login flow, error-free redirects and the API's own plumbing.
PUBLIC = {"core:root", "accounts:login", "accounts:logout", "accounts:otp", "public-task"}
# The public portal (E2): every page and API route in these namespaces is open to anyone
# (portal/tests/test_portal_routes.py checks that each answers without a login).
PUBLIC_NAMESPACES = ("portal:", "public-api:")
ANY_LOGGED_IN = {"api-root", "api-me", "api-schema", "api-docs"}
SKIP_PREFIXES = ("admin:",)


def is_public(name: str) -> bool:
    return name in PUBLIC or name.startswith(PUBLIC_NAMESPACES)


def _dept() -> Department:
    return Department.objects.get(code="DEMO-MX-ZRZY")


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "accounts:user": lambda: {"pk": User.objects.get(username="staff").pk},
    "accounts:user_active": lambda: {"pk": User.objects.get(username="inspector2").pk},
    "accounts:user_unlock": lambda: {"pk": User.objects.get(username="inspector2").pk},
    "accounts:user_reset_otp": lambda: {"pk": User.objects.get(username="inspector2").pk},
    "accounts:user_password": lambda: {"pk": User.objects.get(username="inspector2").pk},
    "organisations:department": lambda: {"pk": _dept().pk},
    "audit:export": lambda: {"fmt": "csv"},
    "region-detail": lambda: {"pk": Region.objects.get(code="480321").pk},
    "department-detail": lambda: {"pk": _dept().pk},
    "unit-detail": lambda: {"pk": Unit.objects.filter(department=_dept()).first().pk},  # type: ignore[union-attr]
    "user-detail": lambda: {"pk": User.objects.get(username="staff").pk},
    "public-task": lambda: {"code": "2027-DEMO-MX-ZRZY-001"},
    "audit-event-detail": lambda: {"seq": AuditEvent.objects.order_by("seq").first().seq},  # type: ignore[union-attr]
}


def _app_samples() -> dict[str, Callable[[], dict[str, Any]]]:
    found: dict[str, Callable[[], dict[str, Any]]] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.matrix")
        except ModuleNotFoundError:
            continue
        found.update(module.SAMPLES)
    return found


@dataclass(frozen=True)
class Route:
    name: str
    callback: Any
    has_args: bool


def _walk(patterns: list[Any], namespace: str = "") -> Iterator[Route]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or ""
            yield from _walk(pattern.url_patterns, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            regex = pattern.pattern.regex.pattern
            if "format" in regex:
                continue  # DRF's ".json" suffix twins of the same view
            yield Route(
                f"{namespace}{pattern.name}",
                pattern.callback,
                bool(pattern.pattern.regex.groupindex),
            )


def routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns):
        if not route.name.startswith(SKIP_PREFIXES):
            seen.setdefault(route.name, route)
    return sorted(seen.values(), key=lambda r: r.name)


def allowed_roles(route: Route) -> frozenset[str] | None:
    view = route.callback
    cls = getattr(view, "cls", None) or getattr(view, "view_class", None)
    roles = getattr(view, "allowed_roles", None) or getattr(cls, "allowed_roles", None)
    return frozenset(roles) if roles is not None else None


def test_every_route_declares_its_roles() -> None:
    undeclared = [
        r.name
        for r in routes()
        if not is_public(r.name) and r.name not in ANY_LOGGED_IN and allowed_roles(r) is None
    ]
    assert undeclared == [], f"这些地址没有声明允许的角色：{undeclared}"


def test_every_route_with_arguments_has_a_sample() -> None:
    samples = SAMPLES | _app_samples()
    missing = [r.name for r in routes() if r.has_args and r.name not in samples]
    assert missing == [], f"这些地址缺少示例参数（SAMPLES 或 <app>/tests/matrix.py）：{missing}"


def _request(client: Client, url: str, is_api: bool) -> tuple[int, str]:
    """GET the URL; a POST-only route is POSTed with an empty body instead."""
    response = client.get(url, HTTP_ACCEPT="application/json") if is_api else client.get(url)
    if response.status_code != 405:
        return response.status_code, "GET"
    if is_api:
        response = client.post(url, {}, content_type="application/json")
    else:
        response = client.post(url, {})
    return response.status_code, "POST"


def expected_roles(route: Route, method: str) -> frozenset[str] | None:
    if method == "POST":
        cls = getattr(route.callback, "cls", None)
        write = getattr(cls, "write_roles", None)
        if write is not None:
            return frozenset(write)
    return allowed_roles(route)


# A page a role may open answers 200 (or redirects, or 400 for an API query that needs
# parameters the walk does not send); an action it may take with an empty body
# answers with a validation message (400), a redirect back with the message, or a business-rule
# refusal (403 from the service, e.g. a leader cannot submit a plan) — never a server error.
GRANTED = {"GET": {200, 302, 400}, "POST": {200, 201, 302, 400, 403}}


@pytest.mark.parametrize("role", list(Role))
def test_permission_matrix(demo_org: None, role: Role) -> None:
    samples = SAMPLES | _app_samples()
    user = User.objects.get(username=__import__("conftest").ROLE_USERS[role])
    failures = []
    for route in routes():
        if is_public(route.name):
            continue
        client = login_client(Client(), user)
        kwargs = samples[route.name]() if route.has_args else {}
        url = reverse(route.name, kwargs=kwargs)
        is_api = url.startswith("/api/v1/")
        status, method = _request(client, url, is_api)
        roles = expected_roles(route, method)
        expected_ok = route.name in ANY_LOGGED_IN or (roles is not None and role in roles)
        if expected_ok and status not in GRANTED[method]:
            failures.append(f"{route.name} {url}: 应允许，实际 {status}")
        if not expected_ok and status != 403:
            failures.append(f"{route.name} {url}: 应拒绝(403)，实际 {status}")
    assert failures == [], "\n".join(failures)


def test_anonymous_users_reach_only_public_pages(demo_org: None) -> None:
    samples = SAMPLES | _app_samples()
    failures = []
    for route in routes():
        if is_public(route.name):
            continue
        url = reverse(route.name, kwargs=samples[route.name]() if route.has_args else {})
        status, _method = _request(Client(), url, url.startswith("/api/v1/"))
        if url.startswith("/api/"):
            ok = status in (401, 403)
        else:
            ok = status == 302 or status == 403
        if not ok:
            failures.append(f"{route.name} {url}: 匿名访问得到 {status}")
    assert failures == [], "\n".join(failures)


def test_django_admin_is_for_the_system_administrator_only(
    client_as: Callable[[str], Client],
) -> None:
    for role in Role:
        status = client_as(role).get(reverse("admin:index")).status_code
        assert (status == 200) == (role == Role.SYSTEM_ADMIN), (role, status)
    admin = client_as(Role.SYSTEM_ADMIN)
    for path in ("organisations/department/", "organisations/region/", "organisations/unit/"):
        assert admin.get(f"/admin/{path}").status_code == 200
    assert admin.get("/admin/audit/auditevent/").status_code == 404
    assert admin.get("/admin/accounts/user/").status_code == 404
