"""Importing the item list (A1, A6): rows go into the department's draft version."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from audit.services import record_event
from core.imports import Change, Column, ImportResult, ImportSpec, RowError, split_list
from items import services
from items.choices import InspectionMethod, ItemKind, Mandate
from items.models import EnforcementArea, InspectionItem, ItemList

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Department

_KINDS = {
    "一般": ItemKind.GENERAL,
    "一般检查事项": ItemKind.GENERAL,
    "重点": ItemKind.KEY,
    "重点检查事项": ItemKind.KEY,
    "general": ItemKind.GENERAL,
    "key": ItemKind.KEY,
}
_METHODS = (
    {str(label): code for code, label in InspectionMethod.choices}
    | {
        "现场": InspectionMethod.ON_SITE,
        "书面": InspectionMethod.WRITTEN,
        "网络": InspectionMethod.ONLINE,
        "委托": InspectionMethod.ENTRUSTED,
        "委托第三方": InspectionMethod.ENTRUSTED,
        "委托专业机构辅助": InspectionMethod.ENTRUSTED,
    }
    | {code: code for code in InspectionMethod.values}
)
_MANDATES = {str(label): code for code, label in Mandate.choices} | {
    "": Mandate.OWN,
    "本部门": Mandate.OWN,
    "委托": Mandate.ENTRUSTED,
    "授权": Mandate.AUTHORISED,
}


def _text(
    key: str,
    header: str,
    *,
    required: bool = False,
    note: str = "",
    example: str = "",
    aliases: tuple[str, ...] = (),
) -> Column:
    return Column(key, header, required, note, example, aliases)


class ItemImport(ImportSpec):
    label = "抽查事项"
    columns = (
        _text(
            "code",
            "事项编码",
            note="留空时按事项名称自动生成；填写已有编码即更新该事项",
            example="ZRZY-001",
        ),
        _text("seq", "序号", example="1"),
        _text("name", "事项名称", required=True, example="土地利用情况的检查"),
        _text("kind", "事项类别", note="一般检查事项 或 重点检查事项，默认一般", example="一般"),
        _text(
            "legal_basis",
            "抽查依据",
            required=True,
            example="《中华人民共和国土地管理法》第六十七条",
        ),
        _text(
            "object_scope",
            "检查对象",
            aliases=("检查对象/范围", "检查对象范围"),
            example="辖区内取得国有建设用地使用权的单位",
        ),
        _text("standard", "抽查标准"),
        _text("ratio_percent", "抽查比例（%）", aliases=("抽查比例",), example="5"),
        _text(
            "ratio_cap_percent",
            "比例上限（%）",
            aliases=("比例上限",),
            note="仅一般检查事项填写",
            example="10",
        ),
        _text("frequency", "抽查频次", example="每年 1 次"),
        _text(
            "methods",
            "抽查方式",
            note="现场检查、书面检查、网络检查、委托专业机构，可多选，用顿号分隔",
            example="现场检查、书面检查",
        ),
        _text("mandate", "实施方式", note="本部门实施、委托实施 或 授权实施，默认本部门实施"),
        _text("entrusted_unit", "受委托单位", note="委托实施时必填"),
        _text("authorising_authority", "授权机关", note="授权实施时必填"),
        _text("inspecting_body", "检查主体", note="授权实施时填写被授权机构"),
        _text("enforcement_area", "执法领域", note="执法领域名称或代码"),
        _text(
            "points",
            "抽查内容",
            aliases=("检查内容",),
            note="检查要点，每点一行或用分号分隔",
            example="是否按合同约定的用途使用土地；是否按期开竣工",
        ),
        _text("remarks", "备注"),
        _text("_department", "抽查主体"),
        _text("_version", "清单版本"),
    )

    def __init__(self, department: Department, actor: User | None) -> None:
        self.department = department
        self.actor = actor
        self._target: ItemList | None = None

    def begin(self) -> None:
        areas = list(EnforcementArea.objects.filter(is_active=True).values_list("code", "name"))
        self.area_codes = {code: code for code, _ in areas} | {name: code for code, name in areas}
        self.base = services.current_list(self.department.pk)
        self.parsers = self._parsers()

    def defaults(self) -> dict[str, Any]:
        return {key: "" for key in services.ITEM_FIELDS} | {
            "seq": 0,
            "kind": ItemKind.GENERAL,
            "mandate": Mandate.OWN,
            "points": [],
        }

    def _parsers(self) -> dict[str, Any]:
        """Column → function(text) returning (canonical value, error message or None)."""

        def seq(text: str) -> tuple[Any, str | None]:
            ok = not text or text.isdigit()
            return (int(text) if text.isdigit() else 0), None if ok else "序号应为正整数"

        def kind(text: str) -> tuple[Any, str | None]:
            value = _KINDS.get(text or "一般")
            return value, None if value else "应为“一般检查事项”或“重点检查事项”"

        def ratio(text: str) -> tuple[Any, str | None]:
            try:
                return services.ratio_text(services.parse_ratio(text)), None
            except ValueError as exc:
                return "", str(exc)

        def methods(text: str) -> tuple[Any, str | None]:
            codes = [_METHODS.get(part) for part in split_list(text)]
            problem = (
                "抽查方式只能是：现场检查、书面检查、网络检查、委托专业机构"
                if None in codes
                else None
            )
            return services.method_codes([c for c in codes if c]), problem

        def mandate(text: str) -> tuple[Any, str | None]:
            value = _MANDATES.get(text)
            return value, None if value else "应为“本部门实施”“委托实施”或“授权实施”"

        def area(text: str) -> tuple[Any, str | None]:
            value = self.area_codes.get(text, "") if text else ""
            return value, f"执法领域“{text}”不存在" if text and not value else None

        def points(text: str) -> tuple[Any, str | None]:
            lines = text.replace("；", "\n").replace(";", "\n").splitlines()
            return [p.strip() for p in lines if p.strip()], None

        return {
            "seq": seq,
            "kind": kind,
            "ratio_percent": ratio,
            "ratio_cap_percent": ratio,
            "methods": methods,
            "mandate": mandate,
            "enforcement_area": area,
            "points": points,
        }

    def clean(self, row: int, raw: Mapping[str, str]) -> tuple[dict[str, Any], list[RowError]]:
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for key, text in raw.items():
            parser = self.parsers.get(key)
            problem = None
            if parser is None:
                values[key] = text
            else:
                values[key], problem = parser(text)
            if problem:
                errors.append(self.row_error(row, key, problem, text))
        if not values.get("code") and values.get("name"):
            digest = hashlib.blake2b(values["name"].encode(), digest_size=4).hexdigest().upper()
            values["code"] = f"SX-{digest}"
        if not errors:
            for key, message in services.check_item(self.defaults() | values).items():
                column = key if key in raw else "name"
                errors.append(self.row_error(row, column, message, raw.get(column, "")))
        return values, errors

    def existing(self, rows: Sequence[tuple[int, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        if self.base is None:
            return {}
        codes = [values["code"] for _, values in rows]
        items = (
            InspectionItem.objects.filter(item_list=self.base, code__in=codes)
            .select_related("enforcement_area")
            .prefetch_related("points")
        )
        return {item.code: services.item_values(item) for item in items}

    def check_chunk(
        self, rows: Sequence[tuple[int, dict[str, Any]]], stored: Mapping[str, dict[str, Any]]
    ) -> list[RowError]:
        errors = []
        for row, values in rows:
            old = stored.get(values["code"])
            if old is not None:
                merged = old | values
                for key, message in services.check_item(merged).items():
                    column = key if any(c.key == key for c in self.columns) else "name"
                    errors.append(self.row_error(row, column, message, str(values.get(key, ""))))
        return errors

    def _draft(self) -> ItemList:
        if self._target is None:
            self._target = services.draft_for(self.actor, self.department, "批量导入检查事项")
        return self._target

    def write(self, creates: list[dict[str, Any]], updates: list[Change]) -> None:
        if not creates and not updates:
            return
        target = self._draft()
        reason = "批量导入"
        for values in creates:
            services.save_item(self.actor, target, values, reason)
        for change in updates:
            item = InspectionItem.objects.get(item_list=target, code=change.code)
            services.save_item(self.actor, target, change.state, reason, item=item)

    def finish(self, result: ImportResult) -> None:
        record_event(
            action="item.imported",
            actor=self.actor,
            obj=self._target or self.department,
            after=result.summary(),
            reason="批量导入检查事项",
        )


_KIND_LABELS = dict(ItemKind.choices)
_MANDATE_LABELS = dict(Mandate.choices)
_METHOD_LABELS = dict(InspectionMethod.choices)


def export_headers() -> list[str]:
    return [c.header for c in ItemImport.columns]


def export_row(item: InspectionItem) -> list[Any]:
    """One exported row, in the import's column order, so the file can be imported again."""
    v = services.item_values(item)
    return [
        v["code"],
        v["seq"],
        v["name"],
        str(_KIND_LABELS[v["kind"]]),
        v["legal_basis"],
        v["object_scope"],
        v["standard"],
        v["ratio_percent"],
        v["ratio_cap_percent"],
        v["frequency"],
        "、".join(str(_METHOD_LABELS.get(m, m)) for m in v["methods"].split(",") if m),
        str(_MANDATE_LABELS[v["mandate"]]),
        v["entrusted_unit"],
        v["authorising_authority"],
        v["inspecting_body"],
        item.enforcement_area.name if item.enforcement_area is not None else "",
        "\n".join(v["points"]),
        v["remarks"],
        item.item_list.department.name,
        f"第 {item.item_list.version} 版（{item.item_list.get_status_display()}）",
    ]
