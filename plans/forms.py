from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from items.choices import InspectionMethod
from items.models import InspectionItem
from organisations.models import Department
from plans.choices import AdjustmentKind, DrawBasis
from plans.models import AnnualPlan, PlanEntry
from plans.values import EntryValues


class PlanForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(
        label="计划名称", max_length=200, required=False, help_text="留空则按“部门+年度”生成"
    )


def _ratio(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )


class EntryForm(forms.Form):
    name = forms.CharField(label="抽查名称", max_length=200)
    items = forms.ModelMultipleChoiceField(
        label="抽查事项",
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    object_scope = forms.CharField(label="抽查对象范围", widget=forms.Textarea(attrs={"rows": 2}))
    basis = forms.ChoiceField(label="抽取方式", choices=DrawBasis.choices)
    ratio_a = _ratio("A类比例（%）")
    ratio_b = _ratio("B类比例（%）")
    ratio_c = _ratio("C类比例（%）")
    ratio_d = _ratio("D类比例（%）")
    count = forms.IntegerField(label="抽取数量", required=False, min_value=1)
    window_start = forms.DateField(
        label="抽查开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    window_end = forms.DateField(
        label="抽查截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    participants = forms.ModelMultipleChoiceField(
        label="配合部门（部门联合抽查）",
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    methods = forms.MultipleChoiceField(
        label="抽查方式",
        choices=InspectionMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    remarks = forms.CharField(
        label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, plan: AnnualPlan, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = _candidate_departments(plan)
        self.fields["participants"].queryset = departments.exclude(pk=plan.department_id)  # type: ignore[attr-defined]
        self.fields["items"].queryset = (  # type: ignore[attr-defined]
            InspectionItem.objects.in_force()
            .filter(item_list__department__in=departments)
            .select_related("item_list__department")
            .order_by("item_list__department__name", "seq")
        )

    def values(self) -> EntryValues:
        data = self.cleaned_data
        return EntryValues(
            name=data["name"],
            item_ids=[i.pk for i in data["items"]],
            object_scope=data["object_scope"],
            window_start=data["window_start"],
            window_end=data["window_end"],
            basis=data["basis"],
            ratios={k: data[f"ratio_{k.lower()}"] for k in "ABCD"},
            count=data["count"],
            participant_ids=[d.pk for d in data["participants"]],
            methods=data["methods"],
            remarks=data["remarks"],
        )


def _candidate_departments(plan: AnnualPlan) -> Any:
    """The plan's department and the other members of its conferences (possible partners)."""
    conference_ids = plan.department.conferences.values_list("pk", flat=True)
    return Department.objects.filter(
        Q(pk=plan.department_id)
        | Q(pk__in=Department.objects.filter(conferences__in=conference_ids))
    )


def entry_initial(entry: PlanEntry) -> dict[str, Any]:
    values = EntryValues.of(entry)
    return {
        "name": values.name,
        "items": values.item_ids,
        "object_scope": values.object_scope,
        "basis": values.basis,
        "count": values.count,
        "window_start": values.window_start,
        "window_end": values.window_end,
        "participants": values.participant_ids,
        "methods": values.methods,
        "remarks": values.remarks,
        **{f"ratio_{k.lower()}": v for k, v in values.ratios.items()},
    }


class AdjustmentForm(EntryForm):
    kind = forms.ChoiceField(label="调整类型", choices=AdjustmentKind.choices)
    entry = forms.ModelChoiceField(
        label="调整的计划条目", queryset=PlanEntry.objects.none(), required=False
    )
    reason = forms.CharField(label="调整原因", widget=forms.Textarea(attrs={"rows": 2}))
    field_order = ["kind", "entry", "reason"]

    def __init__(self, plan: AnnualPlan, *args: Any, **kwargs: Any) -> None:
        super().__init__(plan, *args, **kwargs)
        self.fields["entry"].queryset = plan.entries.filter(is_archived=False)  # type: ignore[attr-defined]
        if self.data.get("kind") == AdjustmentKind.REMOVE:
            for name in list(EntryForm.base_fields):
                self.fields[name].required = False


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因/意见", max_length=1000, required=False)


class DecisionForm(forms.Form):
    approve = forms.ChoiceField(label="审批结果", choices=[("1", "批准"), ("0", "不批准")])
    note = forms.CharField(label="审批意见", max_length=1000, required=False)
