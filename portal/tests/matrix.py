"""Sample arguments for the permission matrix (tests/test_permission_matrix.py). Every portal
route is public: the matrix classifies the "portal:" and "public-api:" namespaces as such."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CODE = "91480321MA00000001"
TASK = "2026-DEMO-MX-ZRZY-001"

SAMPLES: dict[str, Callable[[], dict[str, Any]]] = {
    "portal:result": lambda: {"pk": 1},
    "portal:subject": lambda: {"code": CODE},
    "portal:task_file": lambda: {"code": TASK, "name": f"draw-{TASK}-1.json"},
    "portal:item_list": lambda: {"pk": 1},
    "portal:plan": lambda: {"pk": 1},
    "public-api:result": lambda: {"pk": 1},
    "public-api:subject": lambda: {"code": CODE},
    "public-api:task": lambda: {"code": TASK},
    "public-api:item_list": lambda: {"pk": 1},
    "public-api:plan": lambda: {"pk": 1},
}
