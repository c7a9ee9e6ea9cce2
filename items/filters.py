"""One filter definition for items, used by the list page, the API and exports."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet

from items.choices import InspectionMethod, ItemKind, ItemListStatus, Mandate
from items.models import EnforcementArea, InspectionItem, ItemList
from organisations.models import Department


class ItemFilterSet(django_filters.FilterSet):  # type: ignore[misc]
    q = django_filters.CharFilter(label="关键词", method="search")
    department = django_filters.ModelChoiceFilter(
        label="部门",
        field_name="item_list__department",
        queryset=Department.objects.none(),
        empty_label="全部",
    )
    status = django_filters.ChoiceFilter(
        label="版本状态",
        field_name="item_list__status",
        choices=ItemListStatus.choices,
        empty_label="现行和草稿",
    )
    item_list = django_filters.ModelChoiceFilter(
        label="清单版本", queryset=ItemList.objects.none(), empty_label="全部"
    )
    kind = django_filters.ChoiceFilter(
        label="事项类别", choices=ItemKind.choices, empty_label="全部"
    )
    method = django_filters.ChoiceFilter(
        label="抽查方式", choices=InspectionMethod.choices, method="by_method", empty_label="全部"
    )
    mandate = django_filters.ChoiceFilter(
        label="实施方式", choices=Mandate.choices, empty_label="全部"
    )
    enforcement_area = django_filters.ModelChoiceFilter(
        label="执法领域",
        queryset=EnforcementArea.objects.filter(is_active=True),
        empty_label="全部",
    )
    archived = django_filters.BooleanFilter(label="含已移出事项", method="with_archived")

    class Meta:
        model = InspectionItem
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated:
            departments = Department.objects.for_user(user)
            self.filters["department"].queryset = departments
            self.filters["item_list"].queryset = ItemList.objects.filter(
                department__in=departments
            ).select_related("department")

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.form.cleaned_data if self.form.is_bound and self.is_valid() else {}
        if not data.get("status") and not data.get("item_list"):
            queryset = queryset.exclude(item_list__status=ItemListStatus.SUPERSEDED)
        if not data.get("archived"):
            queryset = queryset.filter(is_archived=False)
        filtered: QuerySet[Any] = super().filter_queryset(queryset)
        return filtered

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(
            Q(name__icontains=value) | Q(code__icontains=value) | Q(legal_basis__icontains=value)
        )

    def by_method(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset.filter(methods__contains=value)

    def with_archived(self, queryset: QuerySet[Any], name: str, value: bool) -> QuerySet[Any]:
        return queryset
