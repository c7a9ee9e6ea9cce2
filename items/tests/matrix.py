"""URL kwargs for the permission-matrix test: objects of 明溪县自然资源局."""

from collections.abc import Callable

from core import testing


def _item() -> dict[str, object]:
    return {"pk": testing.sample_item().pk}


def _list() -> dict[str, object]:
    return {"pk": testing.sample_item_list().pk}


def _area() -> dict[str, object]:
    from items.models import EnforcementArea

    return {"pk": EnforcementArea.objects.get(code="land").pk}


SAMPLES: dict[str, Callable[[], dict[str, object]]] = {
    "items:detail": _item,
    "items:edit": _item,
    "items:archive": _item,
    "items:version": _list,
    "items:publish": _list,
    "inspection-item-detail": _item,
    "item-list-detail": _list,
    "enforcement-area-detail": _area,
}
