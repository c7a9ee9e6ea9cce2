from __future__ import annotations

import pytest


@pytest.fixture
def demo_registries(demo_org: None) -> None:
    """The demo county's item lists, subjects, inspectors and experts (issue 3)."""
    from collections import Counter

    from demo.registries import load_registries

    load_registries(Counter())


@pytest.fixture(autouse=True)
def _private_files(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    settings.PRIVATE_FILES_ROOT = tmp_path  # type: ignore[attr-defined]
