"""The task's public page: the stable address printed as a QR code on every document (D8).

Only whitelisted fields appear (E3): task facts, the commitment digest and seed, and the names of
the drawn subjects — never strata, credit-risk classes or personal data. The full portal with
draw verification is built on this page by the publication issue.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from tasks.choices import DrawStatus
from tasks.models import Task


def public_task(request: HttpRequest, code: str) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("department"), code=code)
    draw = task.draws.filter(status__in=[DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED]).first()
    drawn = []
    if draw is not None:
        drawn = list(
            draw.selections.filter(is_substitute=False)
            .order_by("subject__name")
            .values_list("subject__name", "public_id")
        )
    voided = task.draws.filter(status=DrawStatus.VOIDED).values(
        "number", "voided_at", "void_reason"
    )
    return render(
        request,
        "tasks/public_task.html",
        {
            "task": {
                "code": task.code,
                "name": task.name,
                "department": task.department.name,
                "window_start": task.window_start,
                "window_end": task.window_end,
                "items": [i.name for i in task.items.all()],
                "random": task.is_random,
            },
            "draw": None
            if draw is None
            else {
                "number": draw.number,
                "commitment": draw.commitment_digest,
                "seed": draw.seed,
                "drawn_at": draw.drawn_at,
                "pool_count": draw.pool_count,
            },
            "drawn": [(name, pid if not pid.count(":") else "") for name, pid in drawn],
            "voided": list(voided),
        },
    )
