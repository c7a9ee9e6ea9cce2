"""Item forms: they parse input into canonical values; the rules live in services.check_item."""

from __future__ import annotations

from typing import Any

from django import forms

from items import services
from items.choices import InspectionMethod, ItemKind, Mandate
from items.models import EnforcementArea, InspectionItem


class ItemForm(forms.Form):
    code = forms.CharField(label="事项编码", max_length=64)
    seq = forms.IntegerField(label="序号", min_value=0, initial=0)
    name = forms.CharField(label="事项名称", max_length=200)
    kind = forms.ChoiceField(label="事项类别", choices=ItemKind.choices)
    legal_basis = forms.CharField(label="抽查依据", widget=forms.Textarea)
    object_scope = forms.CharField(label="检查对象/范围", widget=forms.Textarea, required=False)
    standard = forms.CharField(label="抽查标准", widget=forms.Textarea, required=False)
    ratio_percent = forms.DecimalField(
        label="抽查比例（%）", min_value=0, max_value=100, decimal_places=2, required=False
    )
    ratio_cap_percent = forms.DecimalField(
        label="比例上限（%）",
        min_value=0,
        max_value=100,
        decimal_places=2,
        required=False,
        help_text="一般检查事项的比例上限；重点检查事项不填",
    )
    frequency = forms.CharField(label="抽查频次", max_length=100, required=False)
    methods = forms.MultipleChoiceField(
        label="抽查方式",
        choices=InspectionMethod.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mandate = forms.ChoiceField(label="实施方式", choices=Mandate.choices)
    entrusted_unit = forms.CharField(label="受委托单位", max_length=200, required=False)
    authorising_authority = forms.CharField(label="授权机关", max_length=200, required=False)
    inspecting_body = forms.CharField(label="检查主体", max_length=200, required=False)
    enforcement_area = forms.ModelChoiceField(
        label="执法领域",
        queryset=EnforcementArea.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        empty_label="（未指定）",
    )
    points = forms.CharField(
        label="抽查内容（检查要点）",
        widget=forms.Textarea,
        required=False,
        help_text="每行一个检查要点，将成为检查记录表的检查项",
    )
    remarks = forms.CharField(label="备注", widget=forms.Textarea, required=False)
    reason = forms.CharField(label="修改原因", max_length=500, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for field, message in services.check_item(self.values()).items():
            self.add_error(field if field in self.fields else None, message)
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        area = d.get("enforcement_area")
        return {
            "code": d["code"].strip(),
            "seq": d.get("seq") or 0,
            "name": d["name"].strip(),
            "kind": d["kind"],
            "legal_basis": d["legal_basis"].strip(),
            "object_scope": d.get("object_scope", ""),
            "standard": d.get("standard", ""),
            "ratio_percent": services.ratio_text(d.get("ratio_percent")),
            "ratio_cap_percent": services.ratio_text(d.get("ratio_cap_percent")),
            "frequency": d.get("frequency", ""),
            "methods": services.method_codes(d["methods"]),
            "mandate": d["mandate"],
            "entrusted_unit": d.get("entrusted_unit", ""),
            "authorising_authority": d.get("authorising_authority", ""),
            "inspecting_body": d.get("inspecting_body", ""),
            "enforcement_area": area.code if area else "",
            "remarks": d.get("remarks", ""),
            "points": [p.strip() for p in d.get("points", "").splitlines() if p.strip()],
        }


def item_initial(item: InspectionItem) -> dict[str, Any]:
    values = services.item_values(item)
    values["methods"] = [m for m in item.methods.split(",") if m]
    values["points"] = "\n".join(values["points"])
    values["ratio_percent"] = item.ratio_percent
    values["ratio_cap_percent"] = item.ratio_cap_percent
    return values


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因/说明", max_length=500)


class NewVersionForm(forms.Form):
    title = forms.CharField(label="清单名称", max_length=200, required=False)
    reason = forms.CharField(
        label="调整说明", max_length=500, help_text="例如：《土地管理法实施条例》修订，调整抽查依据"
    )
