"""The public portal (E2): no login, Simplified Chinese, every page built from portal.public."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from portal import public, search
from portal.forms import ObjectionForm, ObjectionLookupForm, SearchForm
from portal.throttles import ObjectionThrottle, allow, wait_message
from publication.models import Objection
from publication.services import find_public, receive_objection
from tasks.models import Task

PER_PAGE = 20


def _page(request: HttpRequest, items: Any, per_page: int = PER_PAGE) -> Any:
    return Paginator(items, per_page).get_page(request.GET.get("page"))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    latest = [public.result_row(p) for p in public.public_results()[:10]]
    tasks = [public.task_row(t) for t in public.public_tasks()[:5]]
    return render(
        request, "portal/home.html", {"form": SearchForm(), "latest": latest, "tasks": tasks}
    )


@require_GET
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    text = form.data.get("q", "")
    query = search.parse(text, request.GET.get("by", ""))
    page = None
    rows: list[dict[str, Any]] = []
    if query.text and not query.error:
        number = search.page_number(request.GET.get("page"))
        page = search.search_page(public.public_results(), query, number, PER_PAGE)
        rows = [public.result_row(p) for p in page.rows]
    return render(
        request,
        "portal/results.html",
        {"form": form, "query": query, "page": page, "rows": rows, "cap": search.COUNT_CAP},
    )


def _subject_page(
    request: HttpRequest, pubs: list[Any], current: int | None = None
) -> HttpResponse:
    if not pubs:
        raise Http404("未找到该检查对象的公示结果")
    details = [public.result_detail(p) for p in pubs]
    return render(
        request,
        "portal/subject.html",
        {"subject": details[0], "results": details, "current": current},
    )


@require_GET
def subject(request: HttpRequest, code: str) -> HttpResponse:
    code = code.strip().upper()
    if not search.USCC.match(code):
        raise Http404("统一社会信用代码格式不正确")
    return _subject_page(request, list(public.public_results().filter(subject_code=code)))


@require_GET
def result(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_object_or_404(public.public_results(), pk=pk)
    if pub.subject_code:
        url = reverse("portal:subject", args=[pub.subject_code])
        return HttpResponseRedirect(f"{url}#r{pub.pk}")
    same = list(public.public_results().filter(subject_id=pub.subject_id, subject_code=""))
    return _subject_page(request, same, pub.pk)


@require_GET
def tasks(request: HttpRequest) -> HttpResponse:
    page = _page(request, public.public_tasks())
    return render(
        request,
        "portal/tasks.html",
        {"page": page, "rows": [public.task_row(t) for t in page.object_list]},
    )


def _public_task(code: str) -> Task:
    return get_object_or_404(public.public_tasks(), code=code)


@require_GET
def task(request: HttpRequest, code: str) -> HttpResponse:
    """The task's public page: the stable address printed as a QR code on documents (D8)."""
    return render(request, "portal/task.html", {"task": public.task_detail(_public_task(code))})


@require_GET
def task_file(request: HttpRequest, code: str, name: str) -> HttpResponse | FileResponse:
    found = public.task_file(_public_task(code), name)
    if found is None:
        raise Http404("没有这个文件")
    kind = "text/csv" if name.endswith(".csv") else "application/json"
    if isinstance(found, Path):
        return FileResponse(
            found.open("rb"),
            as_attachment=True,
            filename=name,
            content_type=f"{kind}; charset=utf-8",
        )
    response = HttpResponse(found, content_type=f"{kind}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def item_lists(request: HttpRequest) -> HttpResponse:
    lists = public.public_item_lists().order_by("department__code", "-version")
    return render(
        request, "portal/item_lists.html", {"lists": [public.item_list_row(x) for x in lists]}
    )


@require_GET
def item_list(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(public.public_item_lists(), pk=pk)
    return render(request, "portal/item_list.html", {"list": public.item_list_detail(found)})


@require_GET
def plans(request: HttpRequest) -> HttpResponse:
    return render(
        request, "portal/plans.html", {"plans": [public.plan_row(p) for p in public.public_plans()]}
    )


@require_GET
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(public.public_plans(), pk=pk)
    return render(request, "portal/plan.html", {"plan": public.plan_detail(found)})


def _too_many(request: HttpRequest, throttle: ObjectionThrottle) -> HttpResponse:
    return render(
        request,
        "portal/throttled.html",
        {"message": wait_message(throttle.wait())},
        status=429,
    )


def _add_errors(form: ObjectionForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


@require_http_methods(["GET", "POST"])
def objection_new(request: HttpRequest) -> HttpResponse:
    """异议 (E4) from the public, with CSRF and a per-address rate limit on POST."""
    form = ObjectionForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST":
        throttle = ObjectionThrottle()
        if not allow(throttle, request):
            return _too_many(request, throttle)
        if form.is_valid():
            data = form.cleaned_data
            try:
                pub = find_public(data["task_code"], data["subject_code"])
                objection = receive_objection(
                    pub, data["contact_name"], data["contact_phone"], data["statement"]
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                return render(
                    request,
                    "portal/objection_received.html",
                    {"number": objection.number, "subject_code": pub.subject_code},
                )
    return render(request, "portal/objection_form.html", {"form": form})


@require_GET
def objection_status(request: HttpRequest) -> HttpResponse:
    form = ObjectionLookupForm(request.GET or None)
    status = None
    if form.is_bound and form.is_valid():
        throttle = ObjectionThrottle()
        if not allow(throttle, request):
            return _too_many(request, throttle)
        found = Objection.objects.filter(
            number=form.cleaned_data["number"].strip(),
            publication__subject_code=form.cleaned_data["subject_code"].strip().upper(),
        ).first()
        if found is None:
            form.add_error(None, "未找到该异议，请核对受理编号和统一社会信用代码")
        else:
            status = public.objection_status(found)
    return render(request, "portal/objection_status.html", {"form": form, "status": status})
