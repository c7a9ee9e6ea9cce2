from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings: Any) -> None:
    """Each test starts with empty counters and limits no test reaches by accident."""
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_API_RATE = "100000/min"
    settings.PUBLIC_OBJECTION_RATE = "100000/min"


@pytest.fixture
def published(db: None) -> Any:
    """The demo county with its results published, one corrected, one with a decided objection."""
    from demo.services import load_demo_county
    from portal.tests.demo import publish_demo

    load_demo_county(with_registries=True)
    return publish_demo()
