"""The web side of imports (A6), shared by the three registries: upload → validation and preview
→ confirm, the error report, the template and the progress the page polls. Each app's views
decorate these with their roles; the department is always the user's own."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, reverse

from accounts.choices import Role
from accounts.scope import can_edit_department_data
from core import import_tools, imports
from core.exports import XLSX_TYPE, _disposition

SESSION_KEY = "imports"
PREVIEW_ERRORS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label="选择文件", help_text="支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）；第 1 行为列标题。"
    )
    progress = forms.CharField(widget=forms.HiddenInput, required=False)


@dataclass(frozen=True)
class ImportPage:
    namespace: str  # URL namespace of the app: "subjects"
    title: str  # 导入检查对象
    filename: str  # 检查对象导入模板
    make_spec: Callable[[Any, Any], imports.ImportSpec]  # (department, actor) → spec

    def url(self, name: str) -> str:
        return reverse(f"{self.namespace}:{name}")


def _department(request: HttpRequest) -> Any:
    user: Any = request.user
    if not user.has_role(Role.REGISTRY_MANAGER) or not can_edit_department_data(
        user, user.department_id
    ):
        raise PermissionDenied("只有本部门的名录库管理员可以导入。")
    return user.department


_URL_NAMES = (
    "import",
    "import_confirm",
    "import_cancel",
    "import_errors",
    "import_template",
    "import_progress",
    "list",
)


def _context(page: ImportPage, **extra: Any) -> dict[str, Any]:
    urls = {name: page.url(name) for name in _URL_NAMES}
    return {"page": page, "urls": urls, "progress_token": imports.new_token(), **extra}


def upload(request: HttpRequest, page: ImportPage) -> HttpResponse:
    department = _department(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return render(request, "imports/import.html", _context(page, form=form))
    uploaded = form.cleaned_data["file"]
    try:
        token, path = imports.store_upload(uploaded.name, uploaded.chunks())
    except imports.ImportRejected as exc:
        form.add_error("file", str(exc))
        return render(request, "imports/import.html", _context(page, form=form))
    spec = page.make_spec(department, request.user)
    try:
        result = imports.run_import(
            spec,
            path,
            commit=False,
            filename=uploaded.name,
            progress=imports.progress_writer(form.cleaned_data.get("progress") or ""),
        )
    except imports.ImportRejected as exc:
        imports.discard_upload(token)
        form.add_error("file", str(exc))
        return render(request, "imports/import.html", _context(page, form=form))
    stored = request.session.get(SESSION_KEY, {})
    stored[token] = {"ns": page.namespace, "department": department.pk, "name": uploaded.name}
    request.session[SESSION_KEY] = stored
    return _preview(request, page, token, result, spec)


def _preview(
    request: HttpRequest,
    page: ImportPage,
    token: str,
    result: imports.ImportResult,
    spec: imports.ImportSpec,
) -> HttpResponse:
    return render(
        request,
        "imports/preview.html",
        _context(
            page,
            token=token,
            result=result,
            changes=[_readable(spec, change) for change in result.samples],
            errors=result.errors[:PREVIEW_ERRORS],
            more_errors=max(result.error_count - PREVIEW_ERRORS, 0),
        ),
    )


def _readable(spec: imports.ImportSpec, change: imports.Change) -> dict[str, Any]:
    """A sampled change as the preview shows it: the columns' Chinese headers, lists joined."""
    headers = {c.key: c.header for c in spec.columns}

    def shown(value: Any) -> str:
        if isinstance(value, list | tuple):
            return "、".join(str(v) for v in value)
        if isinstance(value, bool):
            return "是" if value else "否"
        return "" if value is None else str(value)

    return {
        "row": change.row,
        "action": change.action,
        "code": change.code,
        "name": shown(change.after.get("name", "")),
        "fields": [
            (headers.get(key, key), shown(change.before.get(key)), shown(value))
            for key, value in change.after.items()
        ],
    }


def _stored(request: HttpRequest, page: ImportPage, token: str) -> tuple[Any, Any] | None:
    meta = request.session.get(SESSION_KEY, {}).get(token)
    if not meta or meta.get("ns") != page.namespace:
        return None
    path = imports.stored_upload(token)
    if path is None:
        return None
    return meta, path


def confirm(request: HttpRequest, page: ImportPage) -> HttpResponse:
    department = _department(request)
    token = request.POST.get("token", "")
    found = _stored(request, page, token)
    if found is None or found[0]["department"] != department.pk:
        messages.error(request, "导入文件已过期或不存在，请重新上传。")
        return redirect(page.url("import"))
    meta, path = found
    spec = page.make_spec(department, request.user)
    try:
        result = imports.run_import(
            spec,
            path,
            commit=True,
            filename=meta["name"],
            progress=imports.progress_writer(request.POST.get("progress", "")),
        )
    except imports.ImportRejected as exc:
        messages.error(request, str(exc))
        return redirect(page.url("import"))
    if not result.committed:
        messages.error(
            request, "数据已发生变化，重新校验发现错误，未导入任何数据。请修改后重新上传。"
        )
        return _preview(request, page, token, result, spec)
    _forget(request, token)
    messages.success(
        request,
        f"导入完成：新增 {result.created} 条，更新 {result.updated} 条，"
        f"未变化 {result.unchanged} 条。",
    )
    return redirect(reverse(f"{page.namespace}:list"))


def _forget(request: HttpRequest, token: str) -> None:
    imports.discard_upload(token)
    stored = request.session.get(SESSION_KEY, {})
    stored.pop(token, None)
    request.session[SESSION_KEY] = stored


def cancel(request: HttpRequest, page: ImportPage) -> HttpResponse:
    _department(request)
    token = request.POST.get("token", "")
    if _stored(request, page, token) is not None:
        _forget(request, token)
    messages.info(request, "已取消导入，上传的文件已删除。")
    return redirect(page.url("import"))


def error_report(request: HttpRequest, page: ImportPage) -> HttpResponse:
    department = _department(request)
    token = request.GET.get("token", "")
    found = _stored(request, page, token)
    if found is None:
        messages.error(request, "导入文件已过期或不存在，请重新上传。")
        return redirect(page.url("import"))
    meta, path = found
    try:
        result = imports.run_import(
            page.make_spec(department, request.user), path, commit=False, filename=meta["name"]
        )
    except imports.ImportRejected as exc:
        messages.error(request, str(exc))
        return redirect(page.url("import"))
    response = HttpResponse(import_tools.error_report_xlsx(result), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _disposition(f"{page.filename}-错误报告.xlsx")
    return response


def template(request: HttpRequest, page: ImportPage) -> HttpResponse:
    spec = page.make_spec(None, None)
    if request.GET.get("format") == "csv":
        response = HttpResponse(
            import_tools.template_csv(spec), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = _disposition(f"{page.filename}.csv")
        return response
    response = HttpResponse(import_tools.template_xlsx(spec), content_type=XLSX_TYPE)
    response["Content-Disposition"] = _disposition(f"{page.filename}.xlsx")
    return response


def progress(request: HttpRequest) -> JsonResponse:
    return JsonResponse(imports.read_progress(request.GET.get("token", "")))


def urlpatterns_for(page: ImportPage) -> list[URLPattern]:
    """The six import routes of one registry, named alike in every app (A6): upload and
    preview, confirm, cancel, the error report, the template and the progress poll."""
    from django.urls import path
    from django.views.decorators.http import require_POST

    from accounts.permissions import role_required
    from core.registry_roles import EDITORS, READERS

    edit = role_required(*EDITORS)

    def import_upload(request: HttpRequest) -> HttpResponse:
        return upload(request, page)

    def import_confirm(request: HttpRequest) -> HttpResponse:
        return confirm(request, page)

    def import_cancel(request: HttpRequest) -> HttpResponse:
        return cancel(request, page)

    def import_errors(request: HttpRequest) -> HttpResponse:
        return error_report(request, page)

    def import_template(request: HttpRequest) -> HttpResponse:
        return template(request, page)

    return [
        path("import/", edit(import_upload), name="import"),
        path("import/confirm/", require_POST(edit(import_confirm)), name="import_confirm"),
        path("import/cancel/", require_POST(edit(import_cancel)), name="import_cancel"),
        path("import/errors/", edit(import_errors), name="import_errors"),
        path("import/template/", role_required(*READERS)(import_template), name="import_template"),
        path("import/progress/", edit(progress), name="import_progress"),
    ]
