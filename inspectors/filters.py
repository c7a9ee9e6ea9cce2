"""One filter definition per model, for the list pages, the API and exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from inspectors.choices import InspectorStatus
from inspectors.models import Expert, Inspector
from items.models import EnforcementArea
from organisations.models import Department


class _ScopedDepartment(django_filters.FilterSet):  # type: ignore[misc]
    department = django_filters.ModelChoiceFilter(
        label="所属部门", queryset=Department.objects.none(), empty_label="全部"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            self.filters["department"].queryset = Department.objects.for_user(user)


class InspectorFilterSet(_ScopedDepartment):
    q = django_filters.CharFilter(label="姓名/执法证号/专长", method="search")
    status = django_filters.ChoiceFilter(
        label="状态", choices=InspectorStatus.choices, empty_label="全部"
    )
    area = django_filters.ModelChoiceFilter(
        label="执法领域",
        field_name="enforcement_areas",
        queryset=EnforcementArea.objects.filter(is_active=True),
        empty_label="全部",
    )
    drawable = django_filters.BooleanFilter(label="今日可抽取", method="by_drawable")
    expires_before = django_filters.DateFilter(
        label="执法证到期早于", field_name="certificate_valid_until", lookup_expr="lt"
    )

    class Meta:
        model = Inspector
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        filtered: QuerySet[Any] = super().filter_queryset(queryset.filter(is_archived=False))
        return filtered

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Q(name__icontains=value)
            | Q(certificate_no__icontains=value)
            | Q(specialty__icontains=value)
        )

    def by_drawable(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        today = timezone.localdate()
        return queryset.drawable(today) if value else queryset.not_drawable(today)  # type: ignore[attr-defined, no-any-return]


class ExpertFilterSet(_ScopedDepartment):
    q = django_filters.CharFilter(label="姓名/单位/专业", method="search")
    is_available = django_filters.BooleanFilter(label="可参与抽取")
    area = django_filters.ModelChoiceFilter(
        label="适用执法领域",
        field_name="enforcement_areas",
        queryset=EnforcementArea.objects.filter(is_active=True),
        empty_label="全部",
    )

    class Meta:
        model = Expert
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        filtered: QuerySet[Any] = super().filter_queryset(queryset.filter(is_archived=False))
        return filtered

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Q(name__icontains=value) | Q(organisation__icontains=value) | Q(field__icontains=value)
        )
