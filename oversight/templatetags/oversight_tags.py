"""Template helpers for oversight pages and the conference office's home-page figures."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key, "")


@register.simple_tag(takes_context=True)
def office_overview(context: template.Context) -> dict[str, Any]:
    """This year's headline figures and last month's submissions for the conference office."""
    from django.utils import timezone

    from oversight import reports, services
    from oversight.choices import ReportKind
    from oversight.periods import previous_month

    user = context["user"]
    today = timezone.localdate()
    scope = services.scope_of(user)
    if not scope:
        return {}
    data = reports.cached_dashboard(scope, today.year, [])
    year, month = previous_month(today)
    subs = services.submissions(reports.conference_members(scope), ReportKind.MONTHLY, year, month)
    return {
        "year": today.year,
        "totals": data["totals"],
        "joint": data["joint"],
        "repeat": data["repeat"]["count"],
        "month": f"{year}年{month}月",
        "query": f"year={year}&month={month}",
        "members": len(subs),
        "submitted": sum(1 for s in subs if s.state in ("on_time", "late")),
        "missing": [s.department for s in subs if s.state == "missing"],
        "reminders": services.reminders(user, today),
    }
