"""This app's routes through the lead's permission matrix (every role, every route)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from accounts.models import User
from conftest import ROLE_USERS, login_client
from inspections.tests.matrix import SAMPLES
from tests.test_permission_matrix import GRANTED, _request, expected_roles, routes

MINE = ("inspections:", "inspection-record", "follow-up")


@pytest.mark.parametrize("role", list(Role))
def test_every_inspection_route_admits_exactly_its_roles(demo_org: None, role: Role) -> None:
    user = User.objects.get(username=ROLE_USERS[role])
    failures = []
    for route in routes():
        if not route.name.startswith(MINE):
            continue
        kwargs = SAMPLES[route.name]() if route.has_args else {}
        url = reverse(route.name, kwargs=kwargs)
        status, method = _request(login_client(Client(), user), url, url.startswith("/api/"))
        roles = expected_roles(route, method)
        assert roles is not None, route.name
        if role in roles and status not in GRANTED[method]:
            failures.append(f"{route.name} {method} {url}: 应允许，实际 {status}")
        if role not in roles and status != 403:
            failures.append(f"{route.name} {method} {url}: 应拒绝(403)，实际 {status}")
    assert failures == [], "\n".join(failures)
