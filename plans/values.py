"""The values of a plan entry as one typed record: read from forms, the API and adjustment JSON,
validated once, applied to a PlanEntry."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from items.choices import InspectionMethod, ItemKind
from items.models import InspectionItem
from plans.choices import RISK_CLASSES, DrawBasis
from plans.models import AnnualPlan, PlanEntry


@dataclass
class EntryValues:
    name: str
    item_ids: list[int]
    object_scope: str
    window_start: dt.date
    window_end: dt.date
    basis: str = DrawBasis.RATIO
    ratios: dict[str, Decimal | None] = field(default_factory=dict)
    count: int | None = None
    participant_ids: list[int] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    remarks: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["window_start"] = self.window_start.isoformat()
        data["window_end"] = self.window_end.isoformat()
        data["ratios"] = {k: (str(v) if v is not None else None) for k, v in self.ratios.items()}
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EntryValues:
        try:
            return cls(
                name=str(data["name"]),
                item_ids=[int(i) for i in data["item_ids"]],
                object_scope=str(data.get("object_scope", "")),
                window_start=dt.date.fromisoformat(data["window_start"]),
                window_end=dt.date.fromisoformat(data["window_end"]),
                basis=str(data.get("basis", DrawBasis.RATIO)),
                ratios={k: _decimal(v) for k, v in (data.get("ratios") or {}).items()},
                count=int(data["count"]) if data.get("count") not in (None, "") else None,
                participant_ids=[int(i) for i in data.get("participant_ids", [])],
                methods=[str(m) for m in data.get("methods", [])],
                remarks=str(data.get("remarks", "")),
            )
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise ValidationError(f"调整内容格式不正确：{exc}") from exc

    @classmethod
    def of(cls, entry: PlanEntry) -> EntryValues:
        return cls(
            name=entry.name,
            item_ids=sorted(entry.items.values_list("pk", flat=True)),
            object_scope=entry.object_scope,
            window_start=entry.window_start,
            window_end=entry.window_end,
            basis=entry.basis,
            ratios={k: v for k, v in entry.ratios().items()},  # type: ignore[misc]
            count=entry.count,
            participant_ids=sorted(entry.participants.values_list("pk", flat=True)),
            methods=[m for m in entry.methods.split(",") if m],
            remarks=entry.remarks,
        )


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def validate(plan: AnnualPlan, values: EntryValues) -> None:
    """Every rule a plan entry must satisfy, with the field each message belongs to."""
    errors: dict[str, list[str]] = {}

    def fail(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if not values.name.strip():
        fail("name", "请填写抽查名称")
    if not values.object_scope.strip():
        fail("object_scope", "请填写抽查对象范围")
    _check_window(plan, values, fail)
    items = _check_items(plan, values, fail)
    _check_basis(values, items, fail)
    if plan.department_id in values.participant_ids:
        fail("participants", "配合部门不能是牵头部门本身")
    unknown = set(values.methods) - set(InspectionMethod.values)
    if unknown:
        fail("methods", f"未知的抽查方式：{'、'.join(sorted(unknown))}")
    if errors:
        raise ValidationError(errors)


def _check_window(plan: AnnualPlan, values: EntryValues, fail: Any) -> None:
    if values.window_end < values.window_start:
        fail("window_end", "抽查截止日期不能早于开始日期")
    if values.window_start.year != plan.year or values.window_end.year != plan.year:
        fail("window_start", f"抽查期限应在计划年度 {plan.year} 年内")


def _check_items(plan: AnnualPlan, values: EntryValues, fail: Any) -> list[InspectionItem]:
    if not values.item_ids:
        fail("items", "请至少选择一项抽查事项")
        return []
    departments = {plan.department_id, *values.participant_ids}
    items = list(
        InspectionItem.objects.in_force().filter(
            pk__in=values.item_ids, item_list__department_id__in=departments
        )
    )
    if len(items) != len(set(values.item_ids)):
        fail("items", "所选抽查事项须是牵头或配合部门现行清单中的事项")
    return items


def _check_basis(values: EntryValues, items: list[InspectionItem], fail: Any) -> None:
    if values.basis == DrawBasis.COUNT:
        if not values.count or values.count < 1:
            fail("count", "按数量抽取时请填写大于 0 的抽取数量")
        return
    if values.basis != DrawBasis.RATIO:
        fail("basis", "抽取方式应为按比例或按数量")
        return
    given = {k: v for k, v in values.ratios.items() if v is not None and k in RISK_CLASSES}
    if not given:
        fail("ratio_a", "按比例抽取时请至少填写一个信用风险类别的抽查比例")
    caps = [
        i.ratio_cap_percent for i in items if i.kind == ItemKind.GENERAL and i.ratio_cap_percent
    ]
    cap = min(caps) if caps else None
    for risk_class, ratio in given.items():
        name = f"ratio_{risk_class.lower()}"
        if not Decimal(0) <= ratio <= Decimal(100):
            fail(name, f"{risk_class}类比例应在 0 到 100 之间")
        elif cap is not None and ratio > cap:
            fail(name, f"{risk_class}类比例 {ratio}% 超过一般检查事项的比例上限 {cap}%")
