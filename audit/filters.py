from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from audit.choices import Channel, Outcome
from audit.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):  # type: ignore[misc]
    """One filter definition for the event list, its export and the API."""

    q = django_filters.CharFilter(label="关键词", method="search")
    action = django_filters.CharFilter(label="操作", lookup_expr="startswith")
    actor = django_filters.CharFilter(label="操作人账号", field_name="actor_label")
    object_type = django_filters.CharFilter(label="对象类型")
    object_id = django_filters.CharFilter(label="对象ID")
    outcome = django_filters.ChoiceFilter(label="结果", choices=Outcome.choices, empty_label="全部")
    channel = django_filters.ChoiceFilter(label="渠道", choices=Channel.choices, empty_label="全部")
    since = django_filters.DateFilter(
        label="起始日期",
        field_name="occurred_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = django_filters.DateFilter(
        label="截止日期",
        field_name="occurred_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def search(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> QuerySet[AuditEvent]:
        return queryset.filter(
            Q(action__icontains=value)
            | Q(actor_label__icontains=value)
            | Q(object_repr__icontains=value)
            | Q(reason__icontains=value)
        )
