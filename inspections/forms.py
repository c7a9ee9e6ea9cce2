from __future__ import annotations

from typing import Any

from django import forms

from inspections.choices import (
    CheckMethod,
    Confirmation,
    FeedbackMethod,
    FollowUpAction,
    FollowUpKind,
    PointOutcome,
)
from inspections.evidence import SOURCE_HELP
from inspections.follow_ups import FollowUpValues
from inspections.models import ChecklistResult, InspectionRecord, ResultCategory
from inspections.services import RecordValues
from organisations.models import Department

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RecordForm(forms.Form):
    """The 检查记录表, one stacked column so it works on a phone."""

    inspected_on = forms.DateField(label="检查日期", required=False, widget=DATE)
    methods = forms.MultipleChoiceField(
        label="核查方式",
        choices=CheckMethod.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    onsite_notes = forms.CharField(
        label="现场检查笔录", required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    confirmation = forms.ChoiceField(label="当事人确认", choices=Confirmation.choices)
    confirmed_by_name = forms.CharField(label="签字（拒签）人", max_length=50, required=False)
    confirmed_at = forms.DateTimeField(
        label="签字（拒签）时间",
        required=False,
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )
    refusal_reason = forms.CharField(
        label="拒签理由", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    result = forms.ModelChoiceField(
        label="检查结果",
        queryset=ResultCategory.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
    )
    conclusion = forms.CharField(
        label="检查结论说明", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    follow_up_action = forms.ChoiceField(
        label="后续处置措施",
        choices=[("", "——请选择——"), *FollowUpAction.choices],
        required=False,
    )

    def __init__(self, record: InspectionRecord, *args: Any, **kwargs: Any) -> None:
        self.rows: list[ChecklistResult] = list(record.checklist.select_related("item"))
        if "initial" not in kwargs and not args:
            kwargs["initial"] = record_initial(record, self.rows)
        super().__init__(*args, **kwargs)
        for row in self.rows:
            self.fields[f"outcome_{row.pk}"] = forms.ChoiceField(
                label=f"{row.seq}. {row.text}",
                choices=PointOutcome.choices,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{row.pk}"] = forms.CharField(
                label="说明", max_length=500, required=False
            )

    def checklist_fields(self) -> list[tuple[ChecklistResult, Any, Any]]:
        return [(r, self[f"outcome_{r.pk}"], self[f"note_{r.pk}"]) for r in self.rows]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.declared_fields]

    def values(self) -> RecordValues:
        data = self.cleaned_data
        result = data.get("result")
        return RecordValues(
            inspected_on=data.get("inspected_on"),
            methods=list(data.get("methods") or []),
            onsite_notes=data.get("onsite_notes", ""),
            confirmation=data.get("confirmation") or Confirmation.PENDING,
            confirmed_by_name=data.get("confirmed_by_name", ""),
            confirmed_at=data.get("confirmed_at"),
            refusal_reason=data.get("refusal_reason", ""),
            result_code=result.code if result else "",
            conclusion=data.get("conclusion", ""),
            follow_up_action=data.get("follow_up_action", ""),
            checklist={
                r.pk: (data.get(f"outcome_{r.pk}") or "", data.get(f"note_{r.pk}") or "")
                for r in self.rows
            },
        )


def record_initial(record: InspectionRecord, rows: list[ChecklistResult]) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "inspected_on": record.inspected_on,
        "methods": record.method_list,
        "onsite_notes": record.onsite_notes,
        "confirmation": record.confirmation,
        "confirmed_by_name": record.confirmed_by_name,
        "confirmed_at": record.confirmed_at,
        "refusal_reason": record.refusal_reason,
        "result": record.result.code if record.result else None,
        "conclusion": record.conclusion,
        "follow_up_action": record.follow_up_action,
    }
    for row in rows:
        initial[f"outcome_{row.pk}"] = row.outcome
        initial[f"note_{row.pk}"] = row.note
    return initial


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="意见或原因", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ApproveForm(forms.Form):
    note = forms.CharField(
        label="审核意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    feedback_on = forms.DateField(label="反馈检查对象日期", required=False, widget=DATE)
    feedback_method = forms.ChoiceField(
        label="反馈方式", choices=[("", "——暂未反馈——"), *FeedbackMethod.choices], required=False
    )


class FeedbackForm(forms.Form):
    feedback_on = forms.DateField(label="反馈检查对象日期", widget=DATE)
    feedback_method = forms.ChoiceField(label="反馈方式", choices=FeedbackMethod.choices)


class EvidenceForm(forms.Form):
    file = forms.FileField(label="证据文件", help_text="jpg、png、pdf、docx、xlsx、mp4")
    source = forms.CharField(label="来源说明", max_length=500, help_text=SOURCE_HELP)


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label="处置类型", choices=FollowUpKind.choices)
    started_on = forms.DateField(label="处置日期", required=False, widget=DATE)
    description = forms.CharField(
        label="处置内容", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    case_number = forms.CharField(label="案件编号（立案）", max_length=64, required=False)
    target_department = forms.ModelChoiceField(
        label="接收部门（移送）", queryset=Department.objects.all(), required=False
    )
    agency = forms.CharField(label="接收机关（涉嫌犯罪移送）", max_length=200, required=False)

    def values(self) -> FollowUpValues:
        data = self.cleaned_data
        department = data.get("target_department")
        return FollowUpValues(
            kind=data["kind"],
            description=data.get("description", ""),
            started_on=data.get("started_on"),
            case_number=data.get("case_number", ""),
            target_department_id=department.pk if department else None,
            agency=data.get("agency", ""),
        )


class RecheckForm(forms.Form):
    rechecked_on = forms.DateField(label="复查日期", widget=DATE)
    rectified = forms.TypedChoiceField(
        label="复查结果",
        choices=[("1", "已改正"), ("0", "未改正")],
        coerce=lambda v: v == "1",
    )
    outcome = forms.CharField(
        label="复查情况", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label="处置结果", widget=forms.Textarea(attrs={"rows": 2}))
