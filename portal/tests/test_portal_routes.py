"""Every portal route is public: it answers an anonymous visitor without a login redirect."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from portal.tests.matrix import SAMPLES
from tests.test_permission_matrix import PUBLIC_NAMESPACES, routes


@pytest.mark.django_db
def test_every_portal_route_answers_without_login() -> None:
    client = Client()
    checked = 0
    for route in routes():
        if not route.name.startswith(PUBLIC_NAMESPACES):
            continue
        kwargs = SAMPLES[route.name]() if route.has_args else {}
        response = client.get(reverse(route.name, kwargs=kwargs))
        assert response.status_code in (200, 404), (route.name, response.status_code)
        assert "/accounts/login/" not in response.get("Location", "")
        checked += 1
    assert checked >= 20
    assert client.get(reverse("public-task", args=["2000-NO-SUCH-TASK"])).status_code == 404
