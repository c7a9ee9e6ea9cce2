"""One filter definition per list, for the pages, the API and the exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from organisations.models import Department
from publication.choices import ObjectionState, PublicationState
from publication.models import Objection, ResultPublication
from publication.services import due_soon_last_day

DUE_CHOICES = [("overdue", "已逾期未公示"), ("soon", "即将到期"), ("late", "逾期公示")]


class PublicationFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(label="检查对象/代码/任务", method="search")
    state = django_filters.ChoiceFilter(
        label="状态", choices=PublicationState.choices, empty_label="全部"
    )
    due = django_filters.ChoiceFilter(
        label="期限", choices=DUE_CHOICES, empty_label="全部", method="by_due"
    )
    department = django_filters.ModelChoiceFilter(
        label="公示部门", queryset=Department.objects.all(), empty_label="全部"
    )
    task = django_filters.NumberFilter(label="任务", field_name="task_id")
    year = django_filters.NumberFilter(label="生效年度", field_name="effective_on__year")

    class Meta:
        model = ResultPublication
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = kwargs.get("request")
        if request is not None and request.user.is_authenticated:
            from accounts.scope import visible_department_ids

            self.filters["department"].queryset = Department.objects.filter(
                pk__in=visible_department_ids(request.user)
            )

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        value = value.strip()
        return queryset.filter(
            Q(subject_name__icontains=value)
            | Q(subject_code=value.upper())
            | Q(task__code__icontains=value)
            | Q(task__name__icontains=value)
        )

    def by_due(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        today = timezone.localdate()
        if value == "overdue":
            return queryset.filter(pk__in=ResultPublication.objects.overdue(today).values("pk"))
        if value == "soon":
            soon = ResultPublication.objects.due_by(today, due_soon_last_day(today))
            return queryset.filter(pk__in=soon.values("pk"))
        if value == "late":
            return queryset.filter(published_late=True)
        return queryset


class ObjectionFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(label="受理编号/检查对象", method="search")
    state = django_filters.ChoiceFilter(
        label="状态", choices=ObjectionState.choices, empty_label="全部"
    )
    overdue = django_filters.BooleanFilter(label="已超期", method="by_overdue")

    class Meta:
        model = Objection
        fields: list[str] = []

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Q(number__icontains=value.strip())
            | Q(publication__subject_name__icontains=value.strip())
        )

    def by_overdue(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        overdue = Objection.objects.overdue(timezone.localdate())
        if value:
            return queryset.filter(pk__in=overdue.values("pk"))
        return queryset.exclude(pk__in=overdue.values("pk"))
