"""Inspector and expert forms; the rules are in services (check_inspector, check_id_number…)."""

from __future__ import annotations

from typing import Any

from django import forms

from inspectors import services
from inspectors.choices import InspectorStatus
from inspectors.models import Expert, Inspector
from items.models import EnforcementArea
from organisations.models import Department, Unit


class InspectorForm(forms.Form):
    certificate_no = forms.CharField(label="执法证号", max_length=32)
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=18,
        required=False,
        help_text="加密保存。修改时留空表示不变。",
    )
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False, help_text="加密保存。修改时留空表示不变。"
    )
    unit = forms.ModelChoiceField(
        label="单位", queryset=Unit.objects.none(), required=False, to_field_name="name"
    )
    position = forms.CharField(label="职务", max_length=50, required=False)
    specialty = forms.CharField(label="业务专长", max_length=200, required=False)
    experience_years = forms.IntegerField(
        label="从业年限", min_value=0, max_value=60, required=False
    )
    certificate_valid_from = forms.DateField(
        label="执法证有效期起",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    certificate_valid_until = forms.DateField(
        label="执法证有效期至",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    enforcement_areas = forms.ModelMultipleChoiceField(
        label="执法领域",
        queryset=EnforcementArea.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    status = forms.ChoiceField(label="状态", choices=InspectorStatus.choices)
    reason = forms.CharField(label="变更原因", max_length=500, required=False)

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["unit"].queryset = Unit.objects.filter(department=department)

    def clean_id_number(self) -> str:
        value: str = self.cleaned_data.get("id_number", "").strip().upper()
        problem = services.check_id_number(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_phone(self) -> str:
        value: str = self.cleaned_data.get("phone", "").strip()
        problem = services.check_phone(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for field, message in services.check_inspector(self.values()).items():
                self.add_error(field if field in self.fields else None, message)
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "certificate_no": d["certificate_no"].strip(),
            "name": d["name"].strip(),
            "unit": d["unit"].name if d.get("unit") else "",
            "position": d.get("position", ""),
            "specialty": d.get("specialty", ""),
            "experience_years": d.get("experience_years"),
            "certificate_valid_from": d.get("certificate_valid_from"),
            "certificate_valid_until": d.get("certificate_valid_until"),
            "enforcement_areas": sorted(a.code for a in d.get("enforcement_areas") or []),
            "status": d["status"],
        }


def inspector_initial(inspector: Inspector) -> dict[str, Any]:
    values = services.inspector_values(inspector)
    values.update(
        id_number="",
        phone="",
        certificate_valid_from=inspector.certificate_valid_from,
        certificate_valid_until=inspector.certificate_valid_until,
    )
    return values


class ExpertForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    organisation = forms.CharField(label="工作单位", max_length=200)
    field = forms.CharField(label="专业领域", max_length=200)
    title = forms.CharField(label="职称", max_length=50, required=False)
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False, help_text="加密保存。修改时留空表示不变。"
    )
    enforcement_areas = forms.ModelMultipleChoiceField(
        label="适用执法领域",
        queryset=EnforcementArea.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    is_available = forms.BooleanField(label="可参与抽取", required=False, initial=True)
    reason = forms.CharField(label="变更原因", max_length=500, required=False)

    def clean_phone(self) -> str:
        value: str = self.cleaned_data.get("phone", "").strip()
        problem = services.check_phone(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"].strip(),
            "organisation": d["organisation"].strip(),
            "field": d["field"].strip(),
            "title": d.get("title", ""),
            "is_available": d.get("is_available", False),
            "enforcement_areas": sorted(a.code for a in d.get("enforcement_areas") or []),
        }


def expert_initial(expert: Expert) -> dict[str, Any]:
    return services.expert_values(expert) | {"phone": ""}


class RevealForm(forms.Form):
    purpose = forms.CharField(label="查看事由", max_length=200, required=False)
