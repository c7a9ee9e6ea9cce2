"""Inspector registry and expert library pages (A8–A10): masked personal data, logged full
views, and who is drawable today and why not."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import acting_user, role_required
from audit.services import record_event
from core import import_views
from core.exports import export_response
from core.listing import export, export_format, filter_query, paginate
from core.registry_roles import EDITORS, READERS, can_edit_registry
from inspectors import services
from inspectors.filters import ExpertFilterSet, InspectorFilterSet
from inspectors.forms import (
    ExpertForm,
    InspectorForm,
    RevealForm,
    expert_initial,
    inspector_initial,
)
from inspectors.imports import (
    ExpertImport,
    InspectorImport,
    expert_export_headers,
    expert_export_row,
    export_headers,
    export_row,
)
from inspectors.models import Expert, Inspector

IMPORT_PAGE = import_views.ImportPage(
    "inspectors", "导入执法检查人员", "执法检查人员导入模板", InspectorImport
)
# The expert library's import routes live in the nested namespace "inspectors:experts" (the
# shared routes have fixed names, and "inspectors:import" is the inspector registry's).
EXPERT_IMPORT_PAGE = import_views.ImportPage(
    "inspectors:experts", "导入专家", "专家导入模板", ExpertImport
)


def _inspectors(request: HttpRequest) -> Any:
    return (
        Inspector.objects.for_user(acting_user(request))
        .select_related("department", "unit")
        .prefetch_related("enforcement_areas")
    )


def _message_of(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@role_required(*READERS)
def inspector_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = InspectorFilterSet(request.GET, queryset=_inspectors(request), request=request)
    inspectors = filterset.qs.order_by("department__name", "name", "pk")
    user: Any = request.user
    today = timezone.localdate()
    fmt = export_format(request)
    if fmt:
        return _export(request, fmt, inspectors, today)
    page = paginate(request, inspectors)
    needed = services.needed_areas({i.department_id for i in page})
    rows = [(i, services.drawability(i, today, needed.get(i.department_id, set()))) for i in page]
    return render(
        request,
        "inspectors/inspector_list.html",
        {
            "filters": filterset.form,
            "page": page,
            "rows": rows,
            "query": filter_query(request),
            "today": today,
            "can_edit": can_edit_registry(user, user.department_id),
        },
    )


def _export(
    request: HttpRequest, fmt: str, inspectors: Any, today: Any
) -> HttpResponse | StreamingHttpResponse:
    """Masked for everyone; the department's own registry manager may ask for full numbers
    (`full=1`), which are given for their own department's rows only and logged."""
    user: Any = request.user
    full = request.GET.get("full") == "1" and can_edit_registry(user, user.department_id)
    if not full:
        needed = services.needed_areas(inspectors.values_list("department_id", flat=True))
        return export(
            request,
            fmt,
            basename="执法检查人员名录库",
            headers=export_headers(False),
            queryset=inspectors,
            action="inspector.exported",
            row=lambda i: export_row(
                i,
                full=False,
                reasons=services.drawability(i, today, needed.get(i.department_id, set())),
            ),
        )
    rows = list(inspectors)
    record_event(
        action="inspector.personal_data_exported",
        actor=user,
        after={
            "format": fmt,
            "filters": filter_query(request),
            "rows": len(rows),
            "full_rows": sum(1 for i in rows if i.department_id == user.department_id),
        },
        reason="导出含完整身份证号和手机号码的名录",
    )
    needed = services.needed_areas({i.department_id for i in rows})
    data = [
        export_row(
            i,
            full=i.department_id == user.department_id,
            reasons=services.drawability(i, today, needed.get(i.department_id, set())),
        )
        for i in rows
    ]
    return export_response(fmt, "执法检查人员名录库", export_headers(True), data)


@role_required(*READERS)
def inspector_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_object_or_404(_inspectors(request), pk=pk)
    return _detail(request, inspector, revealed=None)


def _detail(
    request: HttpRequest, inspector: Inspector, revealed: dict[str, str] | None
) -> HttpResponse:
    user: Any = request.user
    today = timezone.localdate()
    needed = services.needed_areas([inspector.department_id]).get(inspector.department_id, set())
    return render(
        request,
        "inspectors/inspector_detail.html",
        {
            "inspector": inspector,
            "revealed": revealed,
            "reasons": services.drawability(inspector, today, needed),
            "can_edit": can_edit_registry(user, inspector.department_id),
            "reveal_form": RevealForm(),
        },
    )


@require_POST
@role_required(*EDITORS)
def inspector_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_object_or_404(_inspectors(request), pk=pk)
    form = RevealForm(request.POST)
    purpose = form.cleaned_data["purpose"] if form.is_valid() else ""
    revealed = services.reveal(
        acting_user(request),
        inspector,
        inspector.department_id,
        purpose,
    )
    return _detail(request, inspector, revealed)


def _own_department(request: HttpRequest) -> Any:
    user: Any = request.user
    if not can_edit_registry(user, user.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以修改执法检查人员名录库。")
    return user.department


@role_required(*EDITORS)
def inspector_create(request: HttpRequest) -> HttpResponse:
    department = _own_department(request)
    form = InspectorForm(request.POST or None, department=department)
    if request.method == "POST" and form.is_valid():
        try:
            inspector = services.save_inspector(
                acting_user(request),
                department,
                form.values(),
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, f"已登记执法检查人员 {inspector.name}。")
            return redirect("inspectors:detail", inspector.pk)
    return render(
        request,
        "inspectors/form.html",
        {"form": form, "title": "登记执法检查人员", "back": "inspectors:list"},
    )


@role_required(*EDITORS)
def inspector_edit(request: HttpRequest, pk: int) -> HttpResponse:
    inspector = get_object_or_404(_inspectors(request), pk=pk)
    if not can_edit_registry(request.user, inspector.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以修改该人员。")
    form = InspectorForm(
        request.POST or None, department=inspector.department, initial=inspector_initial(inspector)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_inspector(
                acting_user(request),
                inspector.department,
                form.values(),
                id_number=form.cleaned_data["id_number"] or None,
                phone=form.cleaned_data["phone"] or None,
                reason=form.cleaned_data["reason"],
                inspector=inspector,
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, "已保存，变更已留痕。")
            return redirect("inspectors:detail", inspector.pk)
    return render(
        request,
        "inspectors/form.html",
        {"form": form, "back": "inspectors:list", "title": f"修改：{inspector.name}"},
    )


def _experts(request: HttpRequest) -> Any:
    return (
        Expert.objects.for_user(acting_user(request))
        .select_related("department")
        .prefetch_related("enforcement_areas")
    )


@role_required(*READERS)
def expert_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = ExpertFilterSet(request.GET, queryset=_experts(request), request=request)
    experts = filterset.qs.order_by("department__name", "name", "pk")
    fmt = export_format(request)
    if fmt:
        return _export_experts(request, fmt, experts)
    user: Any = request.user
    return render(
        request,
        "inspectors/expert_list.html",
        {
            "filters": filterset.form,
            "page": paginate(request, experts),
            "query": filter_query(request),
            "can_edit": can_edit_registry(user, user.department_id),
        },
    )


def _export_experts(
    request: HttpRequest, fmt: str, experts: Any
) -> HttpResponse | StreamingHttpResponse:
    """In the import's column order, so that an export can be imported again. Masked for
    everyone; the department's own registry manager may ask for full numbers (`full=1`), which
    are given for their own department's rows only and logged."""
    user: Any = request.user
    full = request.GET.get("full") == "1" and can_edit_registry(user, user.department_id)
    if not full:
        return export(
            request,
            fmt,
            basename="专家库",
            headers=expert_export_headers(),
            queryset=experts,
            action="expert.exported",
            row=lambda e: expert_export_row(e, full=False),
        )
    rows = list(experts)
    record_event(
        action="expert.personal_data_exported",
        actor=user,
        after={
            "format": fmt,
            "filters": filter_query(request),
            "rows": len(rows),
            "full_rows": sum(1 for e in rows if e.department_id == user.department_id),
        },
        reason="导出含完整身份证号和手机号码的专家库",
    )
    data = [expert_export_row(e, full=e.department_id == user.department_id) for e in rows]
    return export_response(fmt, "专家库", expert_export_headers(), data)


@role_required(*EDITORS)
def expert_create(request: HttpRequest) -> HttpResponse:
    department = _own_department(request)
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_expert(
                acting_user(request),
                department,
                form.values(),
                phone=form.cleaned_data["phone"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, "专家已登记。")
            return redirect("inspectors:experts")
    return render(
        request,
        "inspectors/form.html",
        {"form": form, "title": "登记专家", "back": "inspectors:experts"},
    )


@role_required(*EDITORS)
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(_experts(request), pk=pk)
    if not can_edit_registry(request.user, expert.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以修改该专家。")
    form = ExpertForm(request.POST or None, initial=expert_initial(expert))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_expert(
                acting_user(request),
                expert.department,
                form.values(),
                phone=form.cleaned_data["phone"] or None,
                reason=form.cleaned_data["reason"],
                expert=expert,
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, "已保存。")
            return redirect("inspectors:experts")
    return render(
        request,
        "inspectors/form.html",
        {"form": form, "back": "inspectors:experts", "title": f"修改专家：{expert.name}"},
    )
