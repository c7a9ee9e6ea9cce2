"""Every workdays URL as every role: readers get 200, writers' pages only for system_admin, and
nothing ever answers 500 (including empty POSTs)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from accounts.choices import Role
from workdays import api_urls, urls
from workdays.tests.matrix import SAMPLES

PAGES = [f"workdays:{p.name}" for p in urls.urlpatterns]
ENDPOINTS = [str(p.name) for p in api_urls.urlpatterns]
ADMIN_ONLY = {
    "workdays:import",
    "workdays:day_add",
    "workdays:year_official",
    "workdays:day_archive",
}
POST_ONLY = {"workdays:year_official", "workdays:day_archive"}


def _url(name: str) -> str:
    return reverse(name, kwargs=SAMPLES[name]() if name in SAMPLES else {})


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_page_as_every_role(client_as: Callable[[str], Client], role: str) -> None:
    client = client_as(role)
    for name in PAGES:
        get = client.get(_url(name))
        post = client.post(_url(name), {})
        if name in ADMIN_ONLY and role != Role.SYSTEM_ADMIN:
            assert get.status_code in (403, 405), name
            assert post.status_code == 403, name
        elif name in POST_ONLY:
            assert get.status_code == 405, name
            assert post.status_code in (200, 302), name
        else:
            assert get.status_code == 200, name
            assert post.status_code in (200, 302, 405), name


@pytest.mark.django_db
@pytest.mark.parametrize("role", Role.values)
def test_every_endpoint_as_every_role(client_as: Callable[[str], Client], role: str) -> None:
    client = client_as(role)
    for name in ENDPOINTS:
        assert client.get(_url(name)).status_code in (200, 400), name


def test_samples_cover_every_url_with_arguments() -> None:
    with_args = [f"workdays:{p.name}" for p in urls.urlpatterns if p.pattern.converters]
    with_args += [str(p.name) for p in api_urls.urlpatterns if p.pattern.converters]
    assert set(with_args) <= set(SAMPLES)
