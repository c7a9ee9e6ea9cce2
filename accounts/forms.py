from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import password_validators_help_texts

from accounts.choices import Role
from accounts.models import User
from organisations.models import Department, JointConference, Unit


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", max_length=128, widget=forms.PasswordInput)


class TokenForm(forms.Form):
    token = forms.RegexField(
        label="动态口令",
        regex=r"^\d{6}$",
        max_length=6,
        error_messages={"invalid": "请输入验证器应用显示的 6 位数字。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="当前密码", widget=forms.PasswordInput)
    new_password = forms.CharField(
        label="新密码",
        widget=forms.PasswordInput,
        help_text="；".join(password_validators_help_texts()),
    )
    new_password_again = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password_again"):
            self.add_error("new_password_again", "两次输入的新密码不一致。")
        return data


class UserForm(forms.Form):
    username = forms.RegexField(
        label="用户名",
        regex=r"^[A-Za-z0-9_.-]{3,150}$",
        max_length=150,
        error_messages={
            "invalid": "用户名只能包含字母、数字、下划线、点和短横线，3 至 150 个字符。"
        },
    )
    full_name = forms.CharField(label="姓名", max_length=50)
    department = forms.ModelChoiceField(
        label="所属部门", queryset=Department.objects.active(), required=False
    )
    unit = forms.ModelChoiceField(label="所属单位", queryset=Unit.objects.all(), required=False)
    conference = forms.ModelChoiceField(
        label="联席会议", queryset=JointConference.objects.all(), required=False
    )
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput,
        required=False,
        help_text="；".join(password_validators_help_texts()),
    )


class UserEditForm(UserForm):
    reason = forms.CharField(label="变更原因", max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["password"]
        self.fields["username"].disabled = True


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=500)


class PasswordSetForm(ReasonForm):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput)


class UserFilterForm(forms.Form):
    q = forms.CharField(label="用户名或姓名", required=False, max_length=100)
    role = forms.ChoiceField(label="角色", choices=[("", "全部")] + Role.choices, required=False)
    department = forms.ModelChoiceField(
        label="部门", queryset=Department.objects.all(), required=False, empty_label="全部"
    )
    locked = forms.BooleanField(label="仅看已锁定", required=False)

    def filter(self, queryset: Any) -> Any:
        from django.db.models import Q
        from django.utils import timezone

        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(
                Q(username__icontains=data["q"]) | Q(full_name__icontains=data["q"])
            )
        if data["role"]:
            queryset = queryset.filter(roles__role=data["role"])
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["locked"]:
            queryset = queryset.filter(locked_until__gt=timezone.now())
        return queryset


def user_initial(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "full_name": user.full_name,
        "department": user.department_id,
        "unit": user.unit_id,
        "conference": user.conference_id,
        "roles": sorted(user.role_codes()),
    }
