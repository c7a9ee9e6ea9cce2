from __future__ import annotations

from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(
        label="检查对象名称或统一社会信用代码", max_length=100, required=False, strip=True
    )


class ObjectionForm(forms.Form):
    """异议 (E4) from the public: the result is identified by task code and 统一社会信用代码."""

    task_code = forms.CharField(label="抽查任务编号", max_length=40)
    subject_code = forms.CharField(label="统一社会信用代码", max_length=18, min_length=18)
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.CharField(
        label="联系电话", max_length=24, help_text="仅用于反馈复核结果，不会公开"
    )
    statement = forms.CharField(
        label="异议内容",
        max_length=2000,
        widget=forms.Textarea,
        help_text="请说明对检查结果有异议的事实和理由（不少于 10 个字），不要填写身份证号码等个人信息",
    )


class ObjectionLookupForm(forms.Form):
    number = forms.CharField(label="受理编号", max_length=32)
    subject_code = forms.CharField(label="统一社会信用代码", max_length=18, min_length=18)
