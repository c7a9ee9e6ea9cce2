"""One filter definition for subjects: list page, API, export and saved filters (子库)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from organisations.models import Department
from subjects.choices import CreditRiskClass, OperatingStatus
from subjects.models import Industry, LicenceType, Subject, SubjectType, Tag


class SubjectFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(label="名称/代码/地址", method="search")
    department = django_filters.ModelChoiceFilter(
        label="所属部门", queryset=Department.objects.none(), empty_label="全部"
    )
    subject_type = django_filters.ModelChoiceFilter(
        label="对象类型", queryset=SubjectType.objects.filter(is_active=True), empty_label="全部"
    )
    town = django_filters.CharFilter(label="乡镇（街道）", lookup_expr="exact")
    industry_section = django_filters.ModelChoiceFilter(
        label="行业门类",
        field_name="industry__parent",
        queryset=Industry.objects.filter(level="section"),
        empty_label="全部",
    )
    industry = django_filters.ModelChoiceFilter(
        label="行业大类", queryset=Industry.objects.filter(level="division"), empty_label="全部"
    )
    licence_type = django_filters.ModelChoiceFilter(
        label="许可证类型",
        field_name="licence_types",
        queryset=LicenceType.objects.all(),
        empty_label="全部",
    )
    operating_status = django_filters.ChoiceFilter(
        label="经营状态", choices=OperatingStatus.choices, empty_label="全部"
    )
    credit_risk_class = django_filters.ChoiceFilter(
        label="信用风险分类", choices=CreditRiskClass.choices, empty_label="全部"
    )
    abnormal_list = django_filters.BooleanFilter(label="列入经营异常名录")
    serious_violation_list = django_filters.BooleanFilter(label="列入严重违法失信名单")
    min_complaints = django_filters.NumberFilter(
        label="投诉举报不少于", field_name="complaint_count", lookup_expr="gte"
    )
    tag = django_filters.ModelChoiceFilter(
        label="子库标签", field_name="tags", queryset=Tag.objects.none(), empty_label="全部"
    )
    item_code = django_filters.CharFilter(
        label="适用事项编码", field_name="applicable_items__code", distinct=True
    )
    archived = django_filters.BooleanFilter(label="已移出名录库", field_name="is_archived")

    class Meta:
        model = Subject
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            departments = Department.objects.for_user(user)
            self.filters["department"].queryset = departments
            self.filters["tag"].queryset = Tag.objects.for_user(user)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.form.cleaned_data if self.form.is_bound and self.is_valid() else {}
        if data.get("archived") is None:
            queryset = queryset.filter(is_archived=False)
        filtered: QuerySet[Any] = super().filter_queryset(queryset)
        return filtered

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(
            Q(name__icontains=value)
            | Q(code__icontains=value)
            | Q(uscc=value.upper())
            | Q(address__icontains=value)
            | Q(legal_representative=value)
        )
