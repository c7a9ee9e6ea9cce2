"""Subject registry pages (A4–A7). Thin: parse, check scope, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.permissions import acting_user, role_required
from audit.models import AuditEvent
from core import import_views
from core.listing import export, export_format, filter_query, paginate
from core.registry_roles import (
    APPROVERS,
    EDITORS,
    READERS,
    can_approve_removal,
    can_edit_registry,
)
from subjects import services
from subjects.choices import RemovalStatus
from subjects.filters import SubjectFilterSet
from subjects.forms import (
    BulkTagForm,
    DecisionForm,
    RemovalRequestForm,
    SavedFilterForm,
    SubjectForm,
    TagArchiveForm,
    TagForm,
    subject_initial,
)
from subjects.imports import export_headers, export_row, make_spec
from subjects.models import RemovalRequest, SavedFilter, Subject, Tag
from subjects.tagging import TagChange

IMPORT_PAGE = import_views.ImportPage("subjects", "导入检查对象", "检查对象导入模板", make_spec)


def _subjects(request: HttpRequest) -> Any:
    return Subject.objects.for_user(request.user).select_related(  # type: ignore[arg-type]
        "subject_type", "industry", "department", "region"
    )


def _message_of(exc: ValidationError) -> str:
    return "；".join(exc.messages)


@role_required(*READERS)
def subject_list(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    filterset = SubjectFilterSet(request.GET, queryset=_subjects(request), request=request)
    subjects = filterset.qs.order_by("name", "pk")
    fmt = export_format(request)
    if fmt:
        return export(
            request,
            fmt,
            basename="检查对象名录库",
            headers=export_headers(),
            queryset=services.with_values_related(subjects),
            row=export_row,
            action="subject.exported",
        )
    user: Any = request.user
    page = paginate(request, subjects.prefetch_related("tags"))
    can_edit = can_edit_registry(user, user.department_id)
    return_query = request.GET.copy()
    return_query.pop("export", None)
    bulk_form = None
    if can_edit:
        bulk_form = BulkTagForm(
            department_id=user.department_id,
            filtered_count=page.paginator.count,
            initial={"query": return_query.urlencode()},
        )
    return render(
        request,
        "subjects/subject_list.html",
        {
            "filters": filterset.form,
            "page": page,
            "query": filter_query(request),
            "can_edit": can_edit,
            "saved_filters": SavedFilter.objects.filter(department_id=user.department_id),
            "filter_form": SavedFilterForm(initial={"query": filter_query(request)}),
            "bulk_form": bulk_form,
        },
    )


def _list_url(query: str) -> str:
    """The list page with its filters (and page) again, re-encoded from what the form sent."""
    encoded = QueryDict(query).urlencode()
    return f"{reverse('subjects:list')}?{encoded}" if encoded else reverse("subjects:list")


@require_POST
@role_required(*EDITORS)
def bulk_tag(request: HttpRequest) -> HttpResponse:
    """添加/移除标签 on the ticked subjects or on all subjects of the current filters."""
    user = acting_user(request)
    form = BulkTagForm(request.POST, department_id=user.department_id)
    back = _list_url(request.POST.get("query", "")[:2000])
    if not form.is_valid():
        messages.error(request, "；".join(_form_errors(form)))
        return redirect(back)
    data = form.cleaned_data
    if data["scope"] == "filtered":
        filterset = SubjectFilterSet(
            QueryDict(data["query"]), queryset=_subjects(request), request=request
        )
        if not filterset.is_valid():
            messages.error(request, "筛选条件无效，请重新筛选后再试。")
            return redirect(back)
        subjects = filterset.qs
    else:
        subjects = Subject.objects.for_user(user).filter(pk__in=data["pks"])
    assigning = data["operation"] == "assign"
    operation = services.assign_tag if assigning else services.remove_tag
    try:
        change = operation(user, data["tag"], subjects, data["reason"])
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _change_message(change, assigning))
    return redirect(back)


def _form_errors(form: Any) -> list[str]:
    return [str(e) for field in form.errors.values() for e in field] or ["请检查填写的内容。"]


def _change_message(change: TagChange, assigning: bool) -> str:
    name = change.tag.name
    if assigning:
        if not change.count:
            return f"所选的 {change.skipped} 个对象都已带有标签“{name}”，没有变更。"
        skipped = f"，另有 {change.skipped} 个原已带有该标签" if change.skipped else ""
        return f"已为 {change.count} 个对象添加标签“{name}”{skipped}，已留痕。"
    if not change.count:
        return f"所选的 {change.skipped} 个对象都没有标签“{name}”，没有变更。"
    skipped = f"，另有 {change.skipped} 个原本没有该标签" if change.skipped else ""
    return f"已从 {change.count} 个对象移除标签“{name}”{skipped}，已留痕。"


def _history(subject: Subject) -> Any:
    query = Q(object_type="subjects.subject", object_id=str(subject.pk))
    if subject.import_batch:
        query |= Q(action="subject.imported", after__batch=subject.import_batch)
    return AuditEvent.objects.filter(query).order_by("-seq")[:50]


@role_required(*READERS)
def subject_detail(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(
        services.with_values_related(_subjects(request)).prefetch_related("tags__department"),
        pk=pk,
    )
    user: Any = request.user
    from tasks.credit import credit_record

    return render(
        request,
        "subjects/subject_detail.html",
        {
            "subject": subject,
            "credit": credit_record(subject),
            "history": _history(subject),
            "requests": subject.removal_requests.select_related("created_by", "decided_by"),
            "can_edit": can_edit_registry(user, subject.department_id) and not subject.is_archived,
            "can_decide": can_approve_removal(user, subject.department_id),
            "removal_form": RemovalRequestForm(),
            "decision_form": DecisionForm(),
        },
    )


def _own_department(request: HttpRequest) -> Any:
    user: Any = request.user
    if not can_edit_registry(user, user.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以修改检查对象名录库。")
    return user.department


@role_required(*EDITORS)
def subject_create(request: HttpRequest) -> HttpResponse:
    department = _own_department(request)
    form = SubjectForm(
        request.POST or None,
        department=department,
        initial={"region": department.region.code, "operating_status": "active"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            subject = services.save_subject(
                acting_user(request),
                department,
                form.values(),
                form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, f"已新增检查对象“{subject.name}”。")
            return redirect("subjects:detail", subject.pk)
    return render(request, "subjects/subject_form.html", {"form": form, "title": "新增检查对象"})


@role_required(*EDITORS)
def subject_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(services.with_values_related(_subjects(request)), pk=pk)
    user: Any = request.user
    if not can_edit_registry(user, subject.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以修改该对象。")
    form = SubjectForm(
        request.POST or None, department=subject.department, initial=subject_initial(subject)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_subject(
                user,
                subject.department,
                form.values(),
                form.cleaned_data["reason"],
                subject=subject,
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, "已保存，变更已留痕。")
            return redirect("subjects:detail", subject.pk)
    return render(
        request,
        "subjects/subject_form.html",
        {"form": form, "title": f"修改检查对象：{subject.name}"},
    )


@require_POST
@role_required(*EDITORS)
def removal_request(request: HttpRequest, pk: int) -> HttpResponse:
    subject = get_object_or_404(_subjects(request), pk=pk)
    user: Any = request.user
    if not can_edit_registry(user, subject.department_id):
        raise PermissionDenied("只有本部门的名录库管理员可以申请移出。")
    form = RemovalRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择移出原因并填写情况说明。")
        return redirect("subjects:detail", pk)
    try:
        services.request_removal(
            user, subject, form.cleaned_data["reason_kind"], form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, "移出申请已提交，待分管领导审批。")
    return redirect("subjects:detail", pk)


@require_POST
@role_required(*APPROVERS)
def removal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user: Any = request.user
    removal = get_object_or_404(
        RemovalRequest.objects.filter(subject__in=Subject.objects.for_user(user)), pk=pk
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审批结果。")
        return redirect("subjects:removals")
    try:
        services.decide_removal(
            user, removal, form.cleaned_data["approve"], form.cleaned_data["note"]
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, _message_of(exc) if isinstance(exc, ValidationError) else str(exc))
    else:
        messages.success(request, "已审批。")
    return redirect("subjects:removals")


@role_required(*READERS)
def removal_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    requests = RemovalRequest.objects.filter(
        subject__in=Subject.objects.for_user(user)
    ).select_related("subject", "created_by", "decided_by")
    status = request.GET.get("status", RemovalStatus.PENDING)
    if status in RemovalStatus.values:
        requests = requests.filter(status=status)
    return render(
        request,
        "subjects/removal_list.html",
        {
            "page": paginate(request, requests),
            "status": status,
            "statuses": RemovalStatus.choices,
            "can_decide": can_approve_removal(user, user.department_id),
            "decision_form": DecisionForm(),
        },
    )


@role_required(*READERS)
def tag_list(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    can_edit = can_edit_registry(user, user.department_id)
    form = TagForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied("只有本部门的名录库管理员可以新建标签。")
        if form.is_valid():
            try:
                services.save_tag(
                    user,
                    user.department,
                    form.cleaned_data["name"],
                    form.cleaned_data["description"],
                    form.cleaned_data["shared_with"],
                )
            except ValidationError as exc:
                form.add_error(None, _message_of(exc))
            else:
                messages.success(request, "标签已新建。")
                return redirect("subjects:tags")
    tags = (
        Tag.objects.for_user(user)
        .select_related("department")
        .prefetch_related("shared_with")
        .annotate(subject_count=Count("subjects", filter=Q(subjects__is_archived=False)))
        .order_by("is_archived", "department", "name")
    )
    return render(
        request,
        "subjects/tag_list.html",
        {"tags": tags, "form": form, "can_edit": can_edit, "department_id": user.department_id},
    )


def _own_tag(request: HttpRequest, pk: int) -> Tag:
    user: Any = request.user
    tag: Tag = get_object_or_404(Tag.objects.for_user(user).select_related("department"), pk=pk)
    if not can_edit_registry(user, tag.department_id):
        raise PermissionDenied("只有标签所属部门的名录库管理员可以修改该标签。")
    return tag


@role_required(*EDITORS)
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改标签：名称、说明、共享给哪些部门；归档或恢复。"""
    tag = _own_tag(request, pk)
    form = TagForm(
        request.POST or None,
        initial={
            "name": tag.name,
            "description": tag.description,
            "shared_with": list(tag.shared_with.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_tag(
                acting_user(request),
                tag.department,
                form.cleaned_data["name"],
                form.cleaned_data["description"],
                form.cleaned_data["shared_with"],
                tag=tag,
            )
        except ValidationError as exc:
            form.add_error(None, _message_of(exc))
        else:
            messages.success(request, "标签已保存，变更已留痕。")
            return redirect("subjects:tags")
    return render(
        request,
        "subjects/tag_form.html",
        {"tag": tag, "form": form, "archive_form": TagArchiveForm()},
    )


@require_POST
@role_required(*EDITORS)
def tag_archive(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _own_tag(request, pk)
    form = TagArchiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写归档原因。")
        return redirect("subjects:tag_edit", pk)
    try:
        services.archive_tag(acting_user(request), tag, form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, f"标签“{tag.name}”已归档：不再用于标注，也不再共享。")
    return redirect("subjects:tags")


@require_POST
@role_required(*EDITORS)
def tag_restore(request: HttpRequest, pk: int) -> HttpResponse:
    tag = _own_tag(request, pk)
    try:
        services.restore_tag(acting_user(request), tag)
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, f"标签“{tag.name}”已恢复使用。")
    return redirect("subjects:tags")


@require_POST
@role_required(*EDITORS)
def filter_save(request: HttpRequest) -> HttpResponse:
    department = _own_department(request)
    form = SavedFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写子库名称。")
        return redirect("subjects:list")
    try:
        services.save_filter(
            acting_user(request),
            department,
            form.cleaned_data["name"],
            form.cleaned_data["query"],
        )
    except ValidationError as exc:
        messages.error(request, _message_of(exc))
    else:
        messages.success(request, "已保存为子库。")
    return redirect(f"{reverse('subjects:list')}?{form.cleaned_data['query']}")
