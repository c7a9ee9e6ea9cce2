from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.permissions import acting_user, role_required
from audit.services import record_event
from core.exports import XLSX_TYPE
from core.forms import add_service_errors
from core.listing import paginate
from organisations.models import Department
from oversight import drill, reports, services
from oversight.access import Selection, select
from oversight.choices import ReportKind
from oversight.figures import COUNT_NAMES, FIGURE_LABELS, RATE_LABELS
from oversight.forms import ReasonForm, ReportTextForm, RuleDocumentForm
from oversight.models import RuleDocument
from oversight.periods import report_period, year_period
from oversight.xlsx import title_of, workbook_bytes

R = Role
READERS = (
    R.BUSINESS_STAFF,
    R.SUPERVISING_LEADER,
    R.UNIT_HEAD,
    R.INSPECTOR,
    R.REGISTRY_MANAGER,
    R.CONFERENCE_OFFICE,
)
EDITORS = services.EDITORS
OFFICE = (R.CONFERENCE_OFFICE,)
# Figures shown per department on the dashboard, with their drill-down.
DASHBOARD_FIGURES = [
    "drawn",
    "inspected",
    "problems",
    "published",
    "published_late",
    "overdue_pending",
    "closed",
    "corrections",
]


def _publication_list(department: int | None, **params: str) -> str | None:
    """The publication app's own list with filters, when it is installed."""
    try:
        url = reverse("publication:list")
    except NoReverseMatch:
        return None
    query = "&".join(f"{k}={quote(v)}" for k, v in params.items())
    return f"{url}?{query}" + (f"&department={department}" if department else "")


def _drill(sel: Selection, figure: str, department: int | None = None, **extra: Any) -> str:
    params = {"year": sel.year, **extra}
    if department is not None or sel.department is not None:
        params["department"] = department if department is not None else sel.department
    query = "&".join(f"{k}={v}" for k, v in params.items() if v not in (None, ""))
    return f"{reverse('oversight:drill', kwargs={'figure': figure})}?{query}"


def _department_rows(sel: Selection, data: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for dept in data["departments"]:
        cells = [(dept[f], _drill(sel, f, dept["id"])) for f in DASHBOARD_FIGURES]
        rows.append({**dept, "cells": cells, "filter": f"?{sel.query(department=dept['id'])}"})
    return rows


@role_required(*READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    sel = select(user, request.GET)
    data = reports.cached_dashboard(sel.departments, sel.year, sel.listed)
    totals = data["totals"]
    cards = [
        (key, FIGURE_LABELS[key], totals[key], _drill(sel, key))
        for key in ("pool", "drawn", "inspected", "problems", "published", "overdue_pending")
    ]
    rates = [(key, label, totals[key]) for key, label in RATE_LABELS.items()]
    names = reports.department_names(sel.scope)
    return render(
        request,
        "oversight/dashboard.html",
        {
            "sel": sel,
            "data": data,
            "cards": cards,
            "rates": rates,
            "headers": [FIGURE_LABELS[f] for f in DASHBOARD_FIGURES],
            "rows": _department_rows(sel, data),
            "items": [
                {**i, "url": _drill(sel, "problems", item=i["item"])} for i in data["by_item"]
            ],
            "risks": [
                {**r, "url": _drill(sel, "problems", risk=r["risk_class"] or "none")}
                for r in data["by_risk_class"]
            ],
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "choices": sorted(names.items(), key=lambda kv: kv[1]),
            "api_url": f"{reverse('oversight-figures')}?{sel.query()}",
            "overdue_list": _publication_list(sel.department, overdue="1"),
        },
    )


@role_required(*READERS)
def drill_down(request: HttpRequest, figure: str) -> HttpResponse:
    if figure not in drill.DRILL_FIGURES:
        raise Http404("没有这项统计")
    sel = select(acting_user(request), request.GET)
    month = request.GET.get("month", "")
    period = (
        report_period(ReportKind.MONTHLY, sel.year, sel.month)
        if month.isdigit()
        else year_period(sel.year)
    )
    item = request.GET.get("item", "")
    risk = request.GET.get("risk", "")
    layout, rows = drill.drill_rows(
        figure,
        sel.departments,
        period,
        item=int(item) if item.isdigit() else None,
        risk=("" if risk == "none" else risk) if risk else None,
    )
    page = paginate(request, rows)
    department = Department.objects.filter(pk=sel.department).first() if sel.department else None
    return render(
        request,
        "oversight/drill.html",
        {
            "title": drill.label(figure),
            "figure": figure,
            "period": period,
            "department": department,
            "layout": layout,
            "page": page,
            "cells": [layout.row(obj) for obj in page],
            "back": f"{reverse('oversight:dashboard')}?{sel.query()}",
        },
    )


def _report_context(
    request: HttpRequest, kind: str, sel: Selection
) -> tuple[dict[str, Any], dict[str, Any], Any]:
    user = acting_user(request)
    month = sel.month if kind == ReportKind.MONTHLY else 0
    if sel.department is None:
        conference = user.conference.name if user.conference_id else "本级各部门"  # type: ignore[union-attr]
        content = reports.report_content(
            kind,
            sel.year,
            month,
            sel.departments,
            None,
            f"{conference}（汇总 {len(sel.listed)} 个部门）",
        )
        submissions = [s.to_json() for s in services.submissions(sel.listed, kind, sel.year, month)]
        return content, {"submitted_on": timezone.localdate().isoformat()}, submissions
    report = services.report_for(sel.department, kind, sel.year, month)
    if report.pk is None:
        report.department = Department.objects.get(pk=sel.department)
    content = services.live_content(report)
    meta = {name: getattr(report, name) for name in services.TEXT_FIELDS}
    meta["submitted_on"] = (
        timezone.localdate(report.submitted_at).isoformat() if report.submitted_at else ""
    )
    meta["report"] = report
    return content, meta, None


def _xlsx(
    request: HttpRequest, content: dict[str, Any], meta: dict[str, Any], subs: Any
) -> HttpResponse:
    record_event(
        action="oversight.report_exported",
        actor=acting_user(request),
        after={
            "kind": content["kind"],
            "year": content["year"],
            "month": content["month"],
            "unit": content["unit"],
        },
    )
    meta = {k: v for k, v in meta.items() if k != "report"}
    response = HttpResponse(workbook_bytes(content, meta, subs), content_type=XLSX_TYPE)
    filename = f"{title_of(content)}-{content['unit']}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _report_post(request: HttpRequest, kind: str, sel: Selection) -> HttpResponseBase:
    user = acting_user(request)
    month = sel.month if kind == ReportKind.MONTHLY else 0
    if sel.department is None:
        raise PermissionDenied("汇总表由系统生成，不能填报")
    form = ReportTextForm(kind, request.POST)
    form.is_valid()
    values = {k: str(v) for k, v in form.cleaned_data.items()}
    action = request.POST.get("action", "save")
    try:
        if action == "submit":
            services.submit_report(user, sel.department, kind, sel.year, month, values)
            messages.success(request, "已报送联席会议办公室，报表数据已固定。")
        else:
            services.save_report(user, sel.department, kind, sel.year, month, values)
            messages.success(request, "已保存。")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{request.path}?{sel.query(month=month or None)}")


@role_required(*READERS)
def report(request: HttpRequest, kind: str) -> HttpResponseBase:
    if kind not in ReportKind.values:
        raise Http404("没有这种报表")
    user = acting_user(request)
    sel = select(user, request.GET, default_to_own=True)
    if request.method == "POST":
        return _report_post(request, kind, sel)
    content, meta, subs = _report_context(request, kind, sel)
    if request.GET.get("export") == "xlsx":
        return _xlsx(request, content, meta, subs)
    saved = meta.get("report")
    editable = bool(
        saved is not None and not saved.is_submitted and services.can_edit(user, sel.department)
    )
    form = ReportTextForm(kind, initial=meta) if editable else None
    month = sel.month if kind == ReportKind.MONTHLY else 0
    return render(
        request,
        "oversight/report.html",
        {
            "kind": kind,
            "kind_label": ReportKind(kind).label,
            "sel": sel,
            "content": content,
            "title": title_of(content),
            "meta": meta,
            "report": saved,
            "form": form,
            "submissions": subs,
            "columns": reports.TASK_COLUMNS,
            "count_names": COUNT_NAMES,
            "rates": [(label, content["totals"][key]) for key, label in RATE_LABELS.items()],
            "opens_on": services.opens_on(kind, sel.year, month),
            "export": f"{request.path}?{sel.query(month=month or None, export='xlsx', aggregate='1' if sel.aggregate else None)}",
            "choices": sorted(reports.department_names(sel.scope).items(), key=lambda kv: kv[1]),
            "months": range(1, 13),
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        },
    )


@role_required(*OFFICE)
def submissions(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    sel = select(user, request.GET, default_to_own=True)
    kind = request.GET.get("kind", ReportKind.MONTHLY)
    kind = kind if kind in ReportKind.values else ReportKind.MONTHLY
    month = sel.month if kind == ReportKind.MONTHLY else 0
    members = reports.conference_members(sel.scope)
    rows = services.submissions(members, kind, sel.year, month)
    return render(
        request,
        "oversight/submissions.html",
        {
            "sel": sel,
            "kind": kind,
            "kinds": ReportKind.choices,
            "month": month,
            "rows": rows,
            "due": rows[0].due if rows else None,
            "submitted": sum(1 for r in rows if r.state in ("on_time", "late")),
            "months": range(1, 13),
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
        },
    )


@role_required(*READERS)
def rule_documents(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    editable = services.can_edit(user, user.department_id)
    form = RuleDocumentForm(request.POST or None) if editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有本部门的业务人员或分管领导可以登记文件")
        if form.is_valid():
            try:
                assert user.department is not None
                services.add_rule_document(
                    user, user.department, services.RuleValues(**form.cleaned_data)
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已登记。")
                return redirect("oversight:rules")
    docs = (
        RuleDocument.objects.for_user(user)
        .filter(is_archived=False)
        .select_related("department")
        .order_by("department__name", "-issued_on")
    )
    return render(
        request,
        "oversight/rules.html",
        {
            "form": form,
            "page": paginate(request, docs),
            "editable": editable,
            "reason": ReasonForm(),
        },
    )


@require_POST
@role_required(*EDITORS)
def rule_document_archive(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request)
    doc = get_object_or_404(RuleDocument.objects.for_user(user), pk=pk)
    form = ReasonForm(request.POST)
    try:
        services.archive_rule_document(
            user, doc, form.data.get("reason", "") if form.is_bound else ""
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已撤销登记。")
    return redirect("oversight:rules")
