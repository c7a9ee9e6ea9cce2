"""Rate limits (E2): the public API and the objection form answer 429 in Chinese past the limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse


@pytest.mark.django_db
def test_public_api_answers_429_in_chinese_after_the_limit(settings: Any) -> None:
    settings.PUBLIC_API_RATE = "3/min"
    client = Client()
    url = reverse("public-api:plans")
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    blocked = client.get(url)
    assert blocked.status_code == 429
    assert "请求过于频繁" in blocked.json()["detail"]
    assert int(blocked["Retry-After"]) > 0
    # another address has its own allowance
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


@pytest.mark.django_db
def test_every_public_api_route_is_throttled(settings: Any) -> None:
    settings.PUBLIC_API_RATE = "1/min"
    client = Client()
    for name in ("results", "tasks", "item_lists", "plans"):
        client.get(reverse(f"public-api:{name}"), REMOTE_ADDR=f"10.1.0.{len(name)}")
        second = client.get(reverse(f"public-api:{name}"), REMOTE_ADDR=f"10.1.0.{len(name)}")
        assert second.status_code == 429, name


@pytest.mark.django_db
def test_objection_form_posts_are_rate_limited(settings: Any) -> None:
    settings.PUBLIC_OBJECTION_RATE = "2/hour"
    client = Client()
    url = reverse("portal:objection_new")
    assert client.post(url, {}).status_code == 200  # the form again, with its errors
    assert client.post(url, {}).status_code == 200
    blocked = client.post(url, {})
    assert blocked.status_code == 429
    assert "请求过于频繁" in blocked.content.decode()
    assert client.get(url).status_code == 200  # reading the form is not limited
