from __future__ import annotations

from rest_framework import serializers, viewsets

from accounts.choices import Role
from accounts.permissions import HasRole
from audit.filters import AuditEventFilter
from audit.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "occurred_at",
            "actor",
            "actor_label",
            "client_ip",
            "channel",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
            "reason",
            "outcome",
            "hash_alg",
            "prev_hash",
            "hash",
        ]


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """审计事件（审计管理员只读）。"""

    queryset = AuditEvent.objects.order_by("-seq")
    serializer_class = AuditEventSerializer
    permission_classes = [HasRole]
    allowed_roles = (Role.AUDIT_ADMIN,)
    filterset_class = AuditEventFilter
    lookup_field = "seq"
