"""The settings a department chooses for a subject draw, the committed parameters they give, and
the preview (C2–C4, E5). The steps that commit and draw are in `tasks.draws`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

import suiji
from items.choices import ItemKind
from tasks.credit import CreditRule, CreditSummary
from tasks.models import Task, Witness
from tasks.pool import Candidate, already_inspected, pool_candidates
from tasks.pseudonyms import CLASSES, Layer, build, plan_layers

HASH = "sha256"


@dataclass
class DrawSettings:
    """What the department decides before the commitment. Ratios are percentages."""

    ratios: dict[str, Decimal | None] = field(default_factory=dict)  # A–D, "lists", "none"
    count: int | None = None
    substitutes: int = 2
    weighted: bool = False
    conditions: dict[str, Any] = field(default_factory=dict)
    witness_ids: list[int] = field(default_factory=list)
    lottery: str = ""
    overrides: dict[str, str] = field(default_factory=dict)  # public id → reason

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratios"] = {k: (str(v) if v is not None else None) for k, v in self.ratios.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DrawSettings:
        values = dict(data)
        values["ratios"] = {
            k: (Decimal(v) if v is not None else None) for k, v in data.get("ratios", {}).items()
        }
        return cls(**values)


def settings_from_task(task: Task) -> DrawSettings:
    entry = task.plan_entry
    if entry is None:
        return DrawSettings()
    ratios: dict[str, Decimal | None] = dict(
        zip(CLASSES, (entry.ratio_a, entry.ratio_b, entry.ratio_c, entry.ratio_d), strict=True)
    )
    return DrawSettings(ratios=ratios, count=entry.count if entry.basis == "count" else None)


# --- parameters -----------------------------------------------------------------------------


def _fraction(percent: Decimal) -> str:
    return format((percent / Decimal(100)).normalize(), "f")


def _cap(task: Task) -> tuple[str, str | None]:
    items = list(task.items.all())
    if any(i.kind == ItemKind.KEY for i in items):
        return "key", None
    caps = [i.ratio_cap_percent for i in items if i.ratio_cap_percent is not None]
    return "general", _fraction(min(caps)) if caps else "1"


def _strata(settings: DrawSettings, layers: list[Layer]) -> list[dict[str, Any]]:
    """Strata over the pool's neutral `layer` column, in layer order (spec §12)."""
    method = {"method": "systematic", "weight": "weight"} if settings.weighted else {}
    strata = []
    for layer in layers:
        size: dict[str, Any] = (
            {"count": settings.count} if layer.ratio is None else {"ratio": _fraction(layer.ratio)}
        )
        strata.append({"name": layer.label, "where": {"layer": layer.number}, **size, **method})
    return strata


def build_params(
    task: Task,
    settings: DrawSettings,
    layers: list[Layer],
    exclusions: dict[str, str],
    overrides: dict[str, str],
    witnesses: list[Witness],
) -> dict[str, Any]:
    """The committed parameters. `exclusions` and `overrides` are keyed by pool id (the
    pseudonym), with their reasons (C4)."""
    kind, cap = _cap(task)
    sources: dict[str, Any] = {"csprng": not witnesses and not settings.lottery}
    if witnesses:
        sources["witnesses"] = [{"name": w.name, "commitment": w.commitment} for w in witnesses]
    if settings.lottery:
        sources["lotteries"] = [{"name": settings.lottery}]
    params: dict[str, Any] = {
        "format": "suiji-params/1",
        "task": f"{task.code} {task.name}",
        "hash": HASH,
        "item_kind": kind,
        "substitutes": settings.substitutes,
        "strata": _strata(settings, layers),
        "exclusions": [{"id": i, "reason": r} for i, r in sorted(exclusions.items())],
        "overrides": [{"id": i, "reason": r} for i, r in sorted(overrides.items())],
        "sources": sources,
    }
    if cap is not None:
        params["max_ratio"] = cap
    return params


def c4_exclusions(task: Task, settings: DrawSettings, ids: set[str]) -> dict[str, str]:
    found = already_inspected(task, ids)
    return {pid: reason for pid, reason in found.items() if pid not in settings.overrides}


def draw_candidates(task: Task, settings: DrawSettings, as_of: dt.datetime) -> list[Candidate]:
    found = list(pool_candidates(task, settings.conditions, as_of))
    if not found:
        raise ValidationError("按所选条件，名录库中没有可抽取的检查对象")
    return found


def by_pool_id(ids: dict[str, str], reasons: dict[str, str]) -> dict[str, str]:
    """Public id → reason, re-keyed by pool id; ids outside the pool are dropped."""
    return {ids[pid]: reason for pid, reason in reasons.items() if pid in ids}


@dataclass(frozen=True)
class Preview:
    pool_count: int
    outside: int
    strata: list[dict[str, Any]]
    exclusions: dict[str, str]
    expected: int
    credit: CreditSummary


def _credit_summary(
    settings: DrawSettings, found: list[Candidate], as_of: dt.datetime
) -> CreditSummary:
    rule = CreditRule.current()
    return CreditSummary(
        rule=rule.describe(),
        lookback_years=rule.lookback_years,
        adverse_weight=rule.adverse_weight,
        window_start=rule.window_start(as_of).date().isoformat(),
        applied=settings.weighted,
        raised_by_results=sum(1 for c in found if c.adverse),
        raised_by_complaints=sum(1 for c in found if c.complaints),
        flagged=sum(1 for c in found if c.flagged),
    )


def preview(task: Task, settings: DrawSettings) -> Preview:
    """Pool size per stratum (internal names) and the expected count, and what the credit rule
    does to this pool — before anything is fixed."""
    as_of = timezone.now()
    found = draw_candidates(task, settings, as_of)
    exclusions = c4_exclusions(task, settings, {c.public_id for c in found})
    layers = plan_layers(settings.ratios, settings.count, shuffle=False)
    built = build(
        found,
        layers,
        settings.ratios,
        settings.count,
        weighted=settings.weighted,
        alg=HASH,
        preview=True,
    )
    ids = built.by_public_id
    params = build_params(
        task,
        settings,
        layers,
        by_pool_id(ids, exclusions),
        by_pool_id(ids, settings.overrides),
        [],
    )
    params["sources"] = {"csprng": True}
    commitment = commit_params(built.pool, params)
    body: dict[str, Any] = commitment.body
    strata: list[dict[str, Any]] = list(body["strata"])
    return Preview(
        len(found),
        int(body["pool"]["outside"]),
        strata,
        exclusions,
        sum(int(s["size"]) for s in strata),
        _credit_summary(settings, found, as_of),
    )


def commit_params(
    pool: suiji.PoolData | suiji.PoolFile, params: dict[str, Any]
) -> suiji.Commitment:
    try:
        return suiji.commit(pool, suiji.parse_params(params))
    except suiji.SuijiError as exc:
        raise ValidationError(str(exc)) from exc
