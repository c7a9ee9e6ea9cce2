"""URL kwargs for the permission-matrix test: objects of 明溪县自然资源局."""

from collections.abc import Callable

from core import testing


def _inspector() -> dict[str, object]:
    return {"pk": testing.sample_inspector().pk}


def _expert() -> dict[str, object]:
    return {"pk": testing.sample_expert().pk}


SAMPLES: dict[str, Callable[[], dict[str, object]]] = {
    "inspectors:detail": _inspector,
    "inspectors:edit": _inspector,
    "inspectors:reveal": _inspector,
    "inspectors:expert_edit": _expert,
    "inspector-detail": _inspector,
    "inspector-personal-data": _inspector,
    "expert-detail": _expert,
}
