"""Subject forms: parse input into canonical values; the rules are services.check_subject."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from items.models import InspectionItem
from items.services import current_list
from organisations.models import Department, Region
from subjects import services
from subjects.choices import CreditRiskClass, OperatingStatus, RemovalReason
from subjects.models import Industry, LicenceType, Subject, SubjectType, Tag


class SubjectForm(forms.Form):
    code = forms.CharField(
        label="对象编码",
        max_length=64,
        required=False,
        help_text="留空时使用统一社会信用代码，或按名称和地址自动生成",
    )
    subject_type = forms.ModelChoiceField(
        label="对象类型", queryset=SubjectType.objects.filter(is_active=True), to_field_name="code"
    )
    name = forms.CharField(label="名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=18, required=False)
    legal_representative = forms.CharField(
        label="法定代表人（负责人）", max_length=50, required=False
    )
    address = forms.CharField(label="住所（经营场所）", max_length=255, required=False)
    region = forms.ModelChoiceField(
        label="行政区划", queryset=Region.objects.all(), to_field_name="code", required=False
    )
    town = forms.CharField(label="乡镇（街道）", max_length=50, required=False)
    industry = forms.ModelChoiceField(
        label="行业（国民经济行业分类大类）",
        queryset=Industry.objects.filter(level="division"),
        to_field_name="code",
        required=False,
    )
    licence_types = forms.ModelMultipleChoiceField(
        label="许可证类型",
        queryset=LicenceType.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    operating_status = forms.ChoiceField(label="经营状态", choices=OperatingStatus.choices)
    credit_risk_class = forms.ChoiceField(
        label="信用风险分类", choices=[("", "未分类")] + CreditRiskClass.choices, required=False
    )
    abnormal_list = forms.BooleanField(label="列入经营异常名录", required=False)
    serious_violation_list = forms.BooleanField(label="列入严重违法失信名单", required=False)
    complaint_count = forms.IntegerField(label="投诉举报次数", min_value=0, initial=0)
    applicable_items = forms.ModelMultipleChoiceField(
        label="适用的抽查事项",
        queryset=InspectionItem.objects.none(),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    tags = forms.ModelMultipleChoiceField(
        label="子库标签",
        queryset=Tag.objects.none(),
        to_field_name="name",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label="变更原因", max_length=500, required=False)

    def __init__(self, *args: Any, department: Department, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.department = department
        item_list = current_list(department.pk)
        fields: Any = self.fields
        fields["applicable_items"].queryset = (
            item_list.items.filter(is_archived=False)
            if item_list
            else InspectionItem.objects.none()
        )
        # Archived tags are not offered any more, but a subject keeps those it already has.
        current = self.initial.get("tags") or []
        fields["tags"].queryset = Tag.objects.filter(department=department).filter(
            Q(is_archived=False) | Q(name__in=current)
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        lookups = services.Lookups.load(self.department)
        for field, message in services.check_subject(
            services.DEFAULTS | self.values(), lookups
        ).items():
            self.add_error(field if field in self.fields else None, message)
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "code": d.get("code", "").strip(),
            "subject_type": d["subject_type"].code,
            "name": d["name"].strip(),
            "uscc": d.get("uscc", "").strip().upper(),
            "legal_representative": d.get("legal_representative", ""),
            "address": d.get("address", ""),
            "region": d["region"].code if d.get("region") else "",
            "town": d.get("town", ""),
            "industry": d["industry"].code if d.get("industry") else "",
            "licence_types": sorted(x.code for x in d.get("licence_types") or []),
            "operating_status": d["operating_status"],
            "credit_risk_class": d.get("credit_risk_class", ""),
            "abnormal_list": d.get("abnormal_list", False),
            "serious_violation_list": d.get("serious_violation_list", False),
            "complaint_count": d.get("complaint_count") or 0,
            "applicable_items": sorted(x.code for x in d.get("applicable_items") or []),
            "tags": sorted(x.name for x in d.get("tags") or []),
        }


def subject_initial(subject: Subject) -> dict[str, Any]:
    return services.subject_values(subject)


class RemovalRequestForm(forms.Form):
    reason_kind = forms.ChoiceField(label="移出原因", choices=RemovalReason.choices)
    reason = forms.CharField(label="情况说明", widget=forms.Textarea, max_length=2000)


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="审批结果", choices=[("1", "批准移出"), ("0", "驳回")], coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="审批意见", max_length=1000, required=False)


class TagForm(forms.Form):
    name = forms.CharField(label="标签名称", max_length=50)
    description = forms.CharField(label="说明", max_length=200, required=False)
    shared_with = forms.ModelMultipleChoiceField(
        label="共享给其他部门（共享子库）",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="被共享的部门可以查看带有此标签的对象，用于多部门共同监管的对象",
    )


class TagArchiveForm(forms.Form):
    reason = forms.CharField(label="归档原因", max_length=500)


class BulkTagForm(forms.Form):
    """添加/移除标签 on the subjects ticked on the list page (`pk`, repeated) or on all subjects
    of the list's current filters (`query`)."""

    tag = forms.ModelChoiceField(
        label="标签", queryset=Tag.objects.none(), empty_label="请选择本部门的标签"
    )
    scope = forms.ChoiceField(
        label="范围", choices=[("selected", "勾选的对象"), ("filtered", "当前筛选的全部对象")]
    )
    reason = forms.CharField(label="原因", max_length=500, required=False)
    operation = forms.ChoiceField(choices=[("assign", "添加标签"), ("remove", "移除标签")])
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(
        self,
        *args: Any,
        department_id: int | None,
        filtered_count: int | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "bulk-%s")  # the list's filter form has a "tag" field too
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["tag"].queryset = (
            Tag.objects.filter(department_id=department_id, is_archived=False)
            if department_id is not None
            else Tag.objects.none()
        )
        fields["tag"].widget.attrs["required"] = True
        if filtered_count is not None:
            fields["scope"].choices = [
                ("selected", "勾选的对象"),
                ("filtered", f"当前筛选的全部 {filtered_count} 个对象"),
            ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = self.data.getlist("pk") if hasattr(self.data, "getlist") else []
        try:
            data["pks"] = sorted({int(value) for value in raw})
        except ValueError:
            raise forms.ValidationError("勾选的对象无效。") from None
        if data.get("scope") == "selected" and not data["pks"]:
            raise forms.ValidationError("请先勾选要标注的对象，或将范围选为“当前筛选的全部对象”。")
        return data


class SavedFilterForm(forms.Form):
    name = forms.CharField(label="子库名称", max_length=50)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
