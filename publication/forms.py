from __future__ import annotations

from django import forms

from publication.choices import Classification, ObjectionDecision
from publication.content import CORRECTABLE_FIELDS, FIELD_LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DraftForm(forms.Form):
    public_conclusion = forms.CharField(
        label="公示说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="公开的检查结论说明。不得含个人隐私、商业秘密、国家秘密。",
    )


class NoteForm(forms.Form):
    note = forms.CharField(label="意见", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))


class WithholdForm(forms.Form):
    classification = forms.ChoiceField(label="不予公示理由类别", choices=Classification.choices)
    reason = forms.CharField(label="依据和理由", widget=forms.Textarea(attrs={"rows": 2}))


class CorrectionForm(forms.Form):
    reason = forms.CharField(label="更正原因", widget=forms.Textarea(attrs={"rows": 2}))
    verified_on = forms.DateField(label="确认有误日期", widget=DATE)

    def __init__(
        self, *args: object, current: dict[str, object] | None = None, **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        current = current or {}
        for name in CORRECTABLE_FIELDS:
            self.fields[f"new_{name}"] = forms.CharField(
                label=f"{FIELD_LABELS[name]}（更正后）",
                required=False,
                initial=current.get(name, ""),
                widget=forms.Textarea(attrs={"rows": 2}) if name == "conclusion" else None,
            )

    def changes(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"new_{name}", "") or ""
            for name in CORRECTABLE_FIELDS
            if f"new_{name}" in self.changed_data
        }


class ObjectionForm(forms.Form):
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(label="联系电话", max_length=30)
    statement = forms.CharField(label="异议内容", widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label="复核结论", choices=ObjectionDecision.choices)
    decision_text = forms.CharField(
        label="复核意见（公开）", widget=forms.Textarea(attrs={"rows": 3})
    )
    feedback_on = forms.DateField(label="反馈日期", required=False, widget=DATE)
    feedback_method = forms.CharField(label="反馈方式", max_length=50, required=False)
    new_result = forms.CharField(label="抽查结果（更正后）", required=False)
    new_conclusion = forms.CharField(
        label="检查结论说明（更正后）", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def changes(self) -> dict[str, str]:
        found = {}
        for name in ("result", "conclusion"):
            value = self.cleaned_data.get(f"new_{name}", "")
            if value:
                found[name] = value
        return found


class PolicyForm(forms.Form):
    publish_days = forms.IntegerField(label="公示期限（工作日）", min_value=1, max_value=60)
    correct_days = forms.IntegerField(label="更正期限（工作日）", min_value=1, max_value=60)
    display_months = forms.IntegerField(label="公示期（月）", min_value=1, max_value=120)
