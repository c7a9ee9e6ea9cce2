from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from workdays import services

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _fresh_calendar() -> Iterator[None]:
    """The per-year cache outlives a test's rolled-back transaction; start and end clean."""
    services.invalidate()
    yield
    services.invalidate()


@pytest.fixture
def notice_2027() -> str:
    return (FIXTURES / "notice_2027.txt").read_text(encoding="utf-8")


@pytest.fixture
def notice_2026() -> str:
    return (FIXTURES / "notice_2026.txt").read_text(encoding="utf-8")


@pytest.fixture
def notice_2025() -> str:
    return (FIXTURES / "notice_2025.txt").read_text(encoding="utf-8")
