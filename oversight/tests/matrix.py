"""URL kwargs for the permission-matrix test (tests/test_permission_matrix.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from accounts.models import User
from oversight.models import RuleDocument


def _rule() -> RuleDocument:
    staff = User.objects.get(username="staff")
    doc, _ = RuleDocument.objects.get_or_create(
        department=staff.department,
        number="矩阵测试〔2026〕1号",
        defaults={"name": "示例工作细则", "issued_on": dt.date(2026, 1, 5), "created_by": staff},
    )
    return doc


SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "oversight:drill": lambda: {"figure": "published_late"},
    "oversight:report": lambda: {"kind": "monthly"},
    "oversight:rule_archive": lambda: {"pk": _rule().pk},
}
