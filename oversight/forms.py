from __future__ import annotations

from django import forms

from oversight.choices import ReportKind


class ReportTextForm(forms.Form):
    remarks = forms.CharField(
        label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    work_done = forms.CharField(
        label="工作开展情况及主要做法", required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    problems = forms.CharField(
        label="存在的问题", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    next_steps = forms.CharField(
        label="下一步工作打算", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, kind: str, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if kind == ReportKind.MONTHLY:
            for name in ("work_done", "problems", "next_steps"):
                del self.fields[name]


class RuleDocumentForm(forms.Form):
    name = forms.CharField(label="文件名称", max_length=200)
    number = forms.CharField(label="文号", max_length=100, help_text="如 固政办发〔2021〕32号")
    issued_on = forms.DateField(label="印发日期", widget=forms.DateInput(attrs={"type": "date"}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea(attrs={"rows": 2}))
