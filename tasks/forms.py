from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q

from accounts.models import User
from items.choices import InspectionMethod
from items.models import InspectionItem
from organisations.models import Department, Region
from plans.choices import PlanStatus
from plans.models import PlanEntry
from subjects.models import Industry, LicenceType, SubjectType, Tag
from tasks.choices import TaskTrigger
from tasks.draws import DrawSettings
from tasks.joint_registry import RegistryFilters
from tasks.models import Task
from tasks.pool import task_department_ids
from tasks.pseudonyms import CLASSES
from tasks.services import TaskValues


def _date() -> forms.DateField:
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class TaskForm(forms.Form):
    trigger = forms.ChoiceField(label="任务来源", choices=TaskTrigger.choices)
    plan_entry = forms.ModelChoiceField(
        label="计划条目", queryset=PlanEntry.objects.none(), required=False
    )
    reason = forms.CharField(
        label="来源说明",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="临时抽查或投诉举报、转办交办、数据监测引起的定向检查须说明原因",
    )
    name = forms.CharField(
        label="任务名称", max_length=200, help_text="建议格式：年度 + 单位 + 内容"
    )
    items = forms.ModelMultipleChoiceField(
        label="抽查事项",
        queryset=InspectionItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.ModelMultipleChoiceField(
        label="配合部门",
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
    window_start = forms.DateField(
        label="检查开始日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    window_end = forms.DateField(
        label="检查截止日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, department: Department, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        conferences = department.conferences.values_list("pk", flat=True)
        partners = (
            Department.objects.filter(Q(conferences__in=conferences))
            .exclude(pk=department.pk)
            .distinct()
        )
        self.fields["participants"].queryset = partners  # type: ignore[attr-defined]
        self.fields["items"].queryset = (  # type: ignore[attr-defined]
            InspectionItem.objects.in_force()
            .filter(Q(item_list__department=department) | Q(item_list__department__in=partners))
            .select_related("item_list__department")
        )
        self.fields["plan_entry"].queryset = PlanEntry.objects.filter(  # type: ignore[attr-defined]
            is_archived=False,
            plan__department=department,
            plan__status__in=[PlanStatus.FILED, PlanStatus.PUBLISHED],
        )

    def values(self) -> TaskValues:
        data = self.cleaned_data
        return TaskValues(
            name=data["name"],
            trigger=data["trigger"],
            reason=data["reason"],
            item_ids=[i.pk for i in data["items"]],
            window_start=data["window_start"],
            window_end=data["window_end"],
            participant_ids=[d.pk for d in data["participants"]],
            methods=data["methods"],
            plan_entry_id=data["plan_entry"].pk if data["plan_entry"] else None,
        )


def _ratio(label: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=False, min_value=0, max_value=100, max_digits=5, decimal_places=2
    )


class DrawForm(forms.Form):
    """The draw settings: ratio per credit-risk class (differentiated draw) or a count."""

    ratio_lists = _ratio("经营异常、严重违法失信对象比例（%）")
    ratio_a = _ratio("A类比例（%）")
    ratio_b = _ratio("B类比例（%）")
    ratio_c = _ratio("C类比例（%）")
    ratio_d = _ratio("D类比例（%）")
    ratio_none = _ratio("未分类比例（%）")
    count = forms.IntegerField(label="或按数量抽取（户）", required=False, min_value=1)
    substitutes = forms.IntegerField(label="每层备选数", min_value=0, max_value=50, initial=2)
    weighted = forms.BooleanField(
        label="按信用加权（投诉举报、不良检查结果越多，被抽中概率越高；规则见预览）",
        required=False,
    )
    regions = forms.ModelMultipleChoiceField(
        label="定向：行政区划", queryset=Region.objects.all(), required=False, to_field_name="code"
    )
    subject_types = forms.ModelMultipleChoiceField(
        label="定向：对象类型",
        queryset=SubjectType.objects.all(),
        required=False,
        to_field_name="code",
    )
    industries = forms.ModelMultipleChoiceField(
        label="定向：行业（门类或大类）",
        queryset=Industry.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
    )
    licences = forms.ModelMultipleChoiceField(
        label="定向：许可证类型",
        queryset=LicenceType.objects.filter(is_active=True),
        required=False,
        to_field_name="code",
    )
    tags = forms.ModelMultipleChoiceField(
        label="定向：子库标签", queryset=Tag.objects.none(), required=False
    )
    flagged_only = forms.BooleanField(
        label="定向：仅列入经营异常名录或严重违法失信名单的对象", required=False
    )
    witnesses = forms.ModelMultipleChoiceField(
        label="见证人（两人以上；不选则由系统密码学随机数生成种子）",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lottery = forms.CharField(
        label="彩票来源（可选，须为承诺之后才开奖的一期，如“中国福利彩票双色球2027045期”）",
        max_length=100,
        required=False,
    )
    overrides = forms.CharField(
        label="本年度已抽查但仍需再次抽查的对象（每行：统一社会信用代码 原因）",
        help_text="原因随抽取记录公开（对象以假名出现），请勿填写企业名称或个人信息",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, department: Department, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["witnesses"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            department=department, is_active=True
        ).order_by("username")
        self.fields["tags"].queryset = Tag.objects.filter(  # type: ignore[attr-defined]
            Q(department=department) | Q(shared_with=department), is_archived=False
        ).distinct()

    def clean_overrides(self) -> dict[str, str]:
        result = {}
        for number, line in enumerate(str(self.cleaned_data["overrides"]).splitlines(), start=1):
            if not line.strip():
                continue
            pid, _, reason = line.strip().partition(" ")
            if not reason.strip():
                raise forms.ValidationError(f"第 {number} 行缺少原因")
            result[pid] = reason.strip()
        return result

    def settings(self) -> DrawSettings:
        data = self.cleaned_data
        ratios: dict[str, Decimal | None] = {c: data[f"ratio_{c.lower()}"] for c in CLASSES}
        ratios["lists"], ratios["none"] = data["ratio_lists"], data["ratio_none"]
        conditions: dict[str, Any] = {}
        if data["regions"]:
            conditions["regions"] = [r.code for r in data["regions"]]
        if data["subject_types"]:
            conditions["subject_types"] = [t.code for t in data["subject_types"]]
        if data["industries"]:
            conditions["industries"] = [i.code for i in data["industries"]]
        if data["licences"]:
            conditions["licences"] = [lt.code for lt in data["licences"]]
        if data["tags"]:
            conditions["tags"] = [t.pk for t in data["tags"]]
        if data["flagged_only"]:
            conditions["flagged_only"] = True
        return DrawSettings(
            ratios=ratios,
            count=data["count"],
            substitutes=data["substitutes"] or 0,
            weighted=data["weighted"],
            conditions=conditions,
            witness_ids=[u.pk for u in data["witnesses"]],
            lottery=data["lottery"].strip(),
            overrides=data["overrides"],
        )


def draw_initial(settings: DrawSettings) -> dict[str, Any]:
    initial: dict[str, Any] = {f"ratio_{k.lower()}": v for k, v in settings.ratios.items()}
    initial.update(count=settings.count, substitutes=settings.substitutes)
    return initial


class CommitmentForm(forms.Form):
    commitment = forms.RegexField(
        label="承诺值",
        regex=r"^[0-9a-fA-F]{64}$",
        error_messages={"invalid": "承诺值应为 64 位十六进制数"},
    )


class SecretForm(forms.Form):
    secret = forms.CharField(label="您的秘密", min_length=8, max_length=200)


class LotteryForm(forms.Form):
    numbers = forms.CharField(
        label="开奖号码", max_length=200, help_text="如 3 8 12 19 25 31 / 7（“/”分隔各组）"
    )


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", widget=forms.Textarea(attrs={"rows": 2}))


class VoidDecisionForm(forms.Form):
    approve = forms.ChoiceField(label="审批结果", choices=[("1", "批准作废"), ("0", "不批准")])
    note = forms.CharField(label="审批意见", required=False, max_length=1000)


class TeamForm(forms.Form):
    min_team_size = forms.IntegerField(
        label="每个检查对象至少几名执法人员", min_value=2, max_value=10
    )
    max_load = forms.IntegerField(
        label="每人最多检查几个对象（可不填）", min_value=1, required=False
    )
    with_expert = forms.BooleanField(label="另抽一名专家（在法定人数之外）", required=False)
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="由哪个单位承担（其余人员作为递补库；不选则全部门）", queryset=None, required=False
    )

    def __init__(self, department: Department, *args: Any, **kwargs: Any) -> None:
        from django.conf import settings

        from organisations.models import Unit

        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(department=department, is_active=True)  # type: ignore[attr-defined]
        self.fields["min_team_size"].initial = settings.MIN_TEAM_SIZE


class RecusalForm(forms.Form):
    reason = forms.CharField(label="回避原因", max_length=500)


class SummaryForm(forms.Form):
    text = forms.CharField(
        label="总结正文", widget=forms.Textarea(attrs={"rows": 14}), max_length=20000
    )


class JointRegistryFilterForm(forms.Form):
    """联合名录库 filters: the page, its exports and the API read the same fields."""

    department = forms.ModelChoiceField(
        label="部门", queryset=Department.objects.none(), required=False, empty_label="全部部门"
    )
    eligible = forms.BooleanField(label="只看可抽取的", required=False)
    archived = forms.BooleanField(label="含已移出名录库的", required=False)

    def __init__(self, task: Task, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(pk__in=task_department_ids(task))
        self.fields["department"].queryset = departments.order_by("code")  # type: ignore[attr-defined]

    def filters(self) -> RegistryFilters:
        """The valid filters (none when the form is unbound or invalid)."""
        if not self.is_bound or not self.is_valid():
            return RegistryFilters()
        department = self.cleaned_data["department"]
        return RegistryFilters(
            department_id=department.pk if department else None,
            eligible_only=self.cleaned_data["eligible"],
            include_archived=self.cleaned_data["archived"],
        )
