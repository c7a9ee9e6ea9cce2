from __future__ import annotations

from datetime import date
from typing import Any

from django import forms

from workdays.choices import DayKind
from workdays.models import MAX_YEAR, MIN_YEAR
from workdays.services import MAX_WORKING_DAYS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class DeadlineForm(forms.Form):
    start = forms.DateField(
        label="生效日期（第 0 天）",
        widget=DATE_INPUT,
        error_messages={"required": "请填写生效日期。", "invalid": "日期格式应为 YYYY-MM-DD。"},
    )
    days = forms.IntegerField(
        label="工作日天数",
        min_value=0,
        max_value=MAX_WORKING_DAYS,
        initial=20,
        help_text="如：结果公示 20 个工作日、更正 5 个工作日。",
        error_messages={
            "required": "请填写工作日天数。",
            "invalid": "请填写整数。",
            "min_value": "天数不能为负数。",
            "max_value": f"天数不能超过 {MAX_WORKING_DAYS}。",
        },
    )

    def clean_start(self) -> date:
        start: date = self.cleaned_data["start"]
        if not MIN_YEAR <= start.year <= MAX_YEAR:
            raise forms.ValidationError(f"日期应在 {MIN_YEAR} 至 {MAX_YEAR} 年之间。")
        return start


class NoticeImportForm(forms.Form):
    year = forms.IntegerField(
        label="年度",
        min_value=MIN_YEAR,
        max_value=MAX_YEAR,
        error_messages={
            "required": "请填写年度。",
            "invalid": "请填写 4 位年份。",
            "min_value": f"年度不能早于 {MIN_YEAR}。",
            "max_value": f"年度不能晚于 {MAX_YEAR}。",
        },
    )
    text = forms.CharField(
        label="通知全文",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14, "class": "notice-text"}),
        help_text="粘贴国务院办公厅《关于XXXX年部分节假日安排的通知》全文，先预览，确认后保存。",
        error_messages={"required": "请粘贴通知全文。"},
    )
    reason = forms.CharField(label="说明（可选）", max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = date.today().year + 1


class DayForm(forms.Form):
    date = forms.DateField(
        label="日期",
        widget=DATE_INPUT,
        error_messages={"required": "请填写日期。", "invalid": "日期格式应为 YYYY-MM-DD。"},
    )
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    name = forms.CharField(label="名称", max_length=50, help_text="如：国庆节、春节")
    note = forms.CharField(
        label="来源说明", max_length=255, required=False, help_text="如：国办发明电〔2026〕9号"
    )
    reason = forms.CharField(label="原因", max_length=500, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="原因", max_length=500, error_messages={"required": "请填写原因。"}
    )
