"""One filter definition per model, for the list pages, the API and exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from inspections.choices import FollowUpKind, FollowUpStatus, RecordStatus
from inspections.models import FollowUp, InspectionRecord, ResultCategory


class RecordFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(label="检查对象/任务", method="search")
    status = django_filters.ChoiceFilter(
        label="状态", choices=RecordStatus.choices, empty_label="全部"
    )
    result = django_filters.ModelChoiceFilter(
        label="检查结果",
        queryset=ResultCategory.objects.all(),
        to_field_name="code",
        empty_label="全部",
    )
    task = django_filters.NumberFilter(label="任务", field_name="task_id")
    late_entry = django_filters.BooleanFilter(label="补录")
    overdue = django_filters.BooleanFilter(label="后续处置逾期", method="by_overdue")

    class Meta:
        model = InspectionRecord
        fields: list[str] = []

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Q(subject__name__icontains=value)
            | Q(subject__uscc__icontains=value)
            | Q(task__name__icontains=value)
            | Q(task__code__icontains=value)
        )

    def by_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        overdue = InspectionRecord.objects.follow_up_overdue(timezone.localdate())
        if value:
            return queryset.filter(pk__in=overdue.values("pk"))
        return queryset.exclude(pk__in=overdue.values("pk"))


class FollowUpFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    kind = django_filters.ChoiceFilter(
        label="处置类型", choices=FollowUpKind.choices, empty_label="全部"
    )
    status = django_filters.ChoiceFilter(
        label="状态", choices=FollowUpStatus.choices, empty_label="全部"
    )
    overdue = django_filters.BooleanFilter(label="已逾期", method="by_overdue")
    record = django_filters.NumberFilter(label="检查记录", field_name="record_id")

    class Meta:
        model = FollowUp
        fields: list[str] = []

    def by_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        overdue = FollowUp.objects.overdue(timezone.localdate())
        if value:
            return queryset.filter(pk__in=overdue.values("pk"))
        return queryset.exclude(pk__in=overdue.values("pk"))
