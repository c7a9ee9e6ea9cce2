"""Item list pages (A1–A3). Views parse input, check scope, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.permissions import acting_user, role_required
from core import import_views
from core.listing import export, export_format, filter_query, paginate
from core.registry_roles import EDITORS, READERS, can_edit_registry
from items import services
from items.filters import ItemFilterSet
from items.forms import ItemForm, NewVersionForm, ReasonForm, item_initial
from items.imports import ItemImport, export_headers, export_row
from items.models import InspectionItem, ItemList

IMPORT_PAGE = import_views.ImportPage("items", "导入检查事项", "检查事项导入模板", ItemImport)


def _items(request: HttpRequest) -> Any:
    return InspectionItem.objects.for_user(request.user).select_related(  # type: ignore[arg-type]
        "item_list__department", "enforcement_area"
    )


def _message_of(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@role_required(*READERS)
def item_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = ItemFilterSet(request.GET, queryset=_items(request), request=request)
    items = filterset.qs.order_by(
        "item_list__department__name", "item_list__version", "seq", "code"
    )
    fmt = export_format(request)
    if fmt:
        return export(
            request,
            fmt,
            basename="随机抽查事项清单",
            headers=export_headers(),
            queryset=items.prefetch_related("points"),
            row=export_row,
            action="item.exported",
        )
    user: Any = request.user
    versions = (
        ItemList.objects.for_user(user)
        .select_related("department")
        .order_by("department__name", "-version")
    )
    return render(
        request,
        "items/item_list.html",
        {
            "filters": filterset.form,
            "page": paginate(request, items),
            "query": filter_query(request),
            "versions": versions,
            "can_edit": can_edit_registry(user, user.department_id),
        },
    )


@role_required(*READERS)
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(_items(request).prefetch_related("points"), pk=pk)
    user: Any = request.user
    return render(
        request,
        "items/item_detail.html",
        {
            "item": item,
            "can_edit": item.item_list.is_editable
            and can_edit_registry(user, item.item_list.department_id),
            "reason_form": ReasonForm(),
        },
    )


@role_required(*READERS)
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    item_list = get_object_or_404(
        ItemList.objects.for_user(user).select_related("department", "published_by"), pk=pk
    )
    items = item_list.items.filter(is_archived=False).select_related("enforcement_area")
    return render(
        request,
        "items/version_detail.html",
        {
            "item_list": item_list,
            "items": items,
            "can_edit": can_edit_registry(user, item_list.department_id),
            "reason_form": ReasonForm(),
            "version_form": NewVersionForm(),
        },
    )


def _own_draft(request: HttpRequest) -> ItemList:
    user: Any = request.user
    if not can_edit_registry(user, user.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以修改检查事项清单。")
    return services.draft_for(user, user.department, "新增检查事项")


@role_required(*EDITORS)
def item_create(request: HttpRequest) -> HttpResponse:
    form = ItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = services.save_item(
                acting_user(request),
                _own_draft(request),
                form.values(),
                form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, f"已新增事项“{item.name}”（草稿版本，发布后生效）。")
            return redirect("items:detail", item.pk)
    return render(request, "items/item_form.html", {"form": form, "title": "新增检查事项"})


def _editable_item(request: HttpRequest, pk: int) -> InspectionItem:
    item: InspectionItem = get_object_or_404(_items(request), pk=pk)
    user: Any = request.user
    if not can_edit_registry(user, item.item_list.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以修改检查事项。")
    return item


@role_required(*EDITORS)
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    if not item.item_list.is_editable:
        messages.error(request, "已发布的清单版本不能修改，请先新建版本。")
        return redirect("items:detail", item.pk)
    form = ItemForm(request.POST or None, initial=item_initial(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_item(
                acting_user(request),
                item.item_list,
                form.values(),
                form.cleaned_data["reason"],
                item=item,
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, "事项已保存。")
            return redirect("items:detail", item.pk)
    return render(request, "items/item_form.html", {"form": form, "title": f"修改事项 {item.code}"})


@require_POST
@role_required(*EDITORS)
def item_archive(request: HttpRequest, pk: int) -> HttpResponse:
    item = _editable_item(request, pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写移出清单的原因。")
        return redirect("items:detail", item.pk)
    try:
        services.archive_item(request.user, item, form.cleaned_data["reason"])  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, "事项已移出草稿清单（记录保留）。")
    return redirect("items:detail", item.pk)


@require_POST
@role_required(*EDITORS)
def version_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not can_edit_registry(user, user.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以新建版本。")
    form = NewVersionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写调整说明。")
        return redirect("items:list")
    try:
        draft = services.new_version(
            user, user.department, form.cleaned_data["reason"], form.cleaned_data["title"]
        )
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
        return redirect("items:list")
    messages.success(request, f"已新建第 {draft.version} 版草稿。")
    return redirect("items:version", draft.pk)


@require_POST
@role_required(*EDITORS)
def version_publish(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    item_list = get_object_or_404(ItemList.objects.for_user(user), pk=pk)
    if not can_edit_registry(user, item_list.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以发布清单。")
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写发布说明。")
        return redirect("items:version", pk)
    try:
        services.publish_list(user, item_list, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, f"第 {item_list.version} 版已发布，向社会公开。")
    return redirect("items:version", pk)
