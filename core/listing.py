"""List pages: pagination and exports that keep the page's current filters (A6)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from audit.services import record_event
from core.exports import EXPORT_FORMATS, export_response

PER_PAGE = 50


def paginate(request: HttpRequest, queryset: QuerySet[Any], per_page: int = PER_PAGE) -> Page[Any]:
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("export")
    return fmt if fmt in EXPORT_FORMATS else None


def filter_query(request: HttpRequest) -> str:
    """The current filters as a query string, without page and export."""
    params = request.GET.copy()
    for name in ("page", "export"):
        params.pop(name, None)
    return params.urlencode()


def _rows(queryset: QuerySet[Any], row: Callable[[Any], Sequence[Any]]) -> Iterator[Sequence[Any]]:
    for obj in queryset.iterator(chunk_size=2000):
        yield row(obj)


def export(
    request: HttpRequest,
    fmt: str,
    *,
    basename: str,
    headers: Sequence[str],
    queryset: QuerySet[Any],
    row: Callable[[Any], Sequence[Any]],
    action: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """Export the filtered queryset and record who exported what (security 9)."""
    record_event(
        action=action,
        actor=request.user,  # type: ignore[arg-type]
        after={
            "format": fmt,
            "filters": filter_query(request),
            "rows": queryset.count(),
            **(extra or {}),
        },
    )
    rows: Iterable[Sequence[Any]] = _rows(queryset, row)
    return export_response(fmt, basename, headers, rows)
