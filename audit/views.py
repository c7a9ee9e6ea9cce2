from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from accounts.choices import Role
from accounts.permissions import acting_user, role_required
from audit.filters import AuditEventFilter
from audit.models import AuditEvent
from audit.services import record_event, verify_chain
from core.exports import EXPORT_FORMATS, export_response

EXPORT_HEADERS = [
    "序号",
    "时间",
    "操作人账号",
    "客户端IP",
    "渠道",
    "操作",
    "对象类型",
    "对象ID",
    "对象",
    "变更前",
    "变更后",
    "原因",
    "结果",
    "摘要算法",
    "前一事件摘要",
    "本事件摘要",
]


def _filtered(request: HttpRequest) -> AuditEventFilter:
    return AuditEventFilter(request.GET or None, queryset=AuditEvent.objects.order_by("-seq"))


@role_required(Role.AUDIT_ADMIN)
def event_list(request: HttpRequest) -> HttpResponse:
    filters = _filtered(request)
    page = Paginator(filters.qs, 50).get_page(request.GET.get("page"))
    return render(request, "audit/event_list.html", {"filters": filters, "page": page})


@role_required(Role.AUDIT_ADMIN)
def event_export(request: HttpRequest, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if fmt not in EXPORT_FORMATS:
        fmt = "csv"
    filters = _filtered(request)
    record_event(
        action="audit.exported",
        actor=acting_user(request),
        object_type="audit.auditevent",
        reason=f"导出 {fmt}，条件：{request.GET.urlencode() or '全部'}",
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return export_response(fmt, f"审计日志-{stamp}", EXPORT_HEADERS, _rows(filters.qs))


def _rows(queryset: Any) -> Iterator[list[Any]]:
    for e in queryset.iterator(chunk_size=2000):
        yield [
            e.seq,
            timezone.localtime(e.occurred_at).isoformat(),
            e.actor_label,
            e.client_ip,
            e.get_channel_display(),
            e.action,
            e.object_type,
            e.object_id,
            e.object_repr,
            _json(e.before),
            _json(e.after),
            e.reason,
            e.get_outcome_display(),
            e.hash_alg,
            e.prev_hash,
            e.hash,
        ]


def _json(value: Any) -> str:
    import json

    return "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


@role_required(Role.AUDIT_ADMIN)
def chain_verify(request: HttpRequest) -> HttpResponse:
    report = None
    if request.method == "POST":
        report = verify_chain()
        record_event(
            action="audit.verified",
            actor=acting_user(request),
            outcome="success" if report.intact else "failure",
            reason=report.problem.message if report.problem else f"已校验 {report.checked} 条",
        )
    return render(request, "audit/verify.html", {"report": report})
