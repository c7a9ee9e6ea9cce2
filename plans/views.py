from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.models import User
from accounts.permissions import acting_user, role_required
from core.exports import EXPORT_FORMATS, export_response
from core.forms import add_service_errors
from items.services import items_without_plan
from organisations.models import JointConference
from plans import services
from plans.choices import AdjustmentKind, AdjustmentStatus, PlanStatus
from plans.forms import AdjustmentForm, DecisionForm, EntryForm, PlanForm, ReasonForm, entry_initial
from plans.models import AnnualPlan, PlanAdjustment, PlanEntry

R = Role
READERS = (
    R.BUSINESS_STAFF,
    R.SUPERVISING_LEADER,
    R.UNIT_HEAD,
    R.INSPECTOR,
    R.REGISTRY_MANAGER,
    R.CONFERENCE_OFFICE,
)
TRANSITIONS: dict[str, tuple[Callable[[User, AnnualPlan, str], AnnualPlan], str]] = {
    "submit": (lambda user, plan, reason: services.submit_plan(user, plan), "计划已提交审核。"),
    "file": (services.file_plan, "计划已审核备案。"),
    "publish": (lambda user, plan, reason: services.publish_plan(user, plan), "计划已公布。"),
    "return": (services.return_plan, "计划已退回修改。"),
}


def _plan(request: HttpRequest, pk: int) -> AnnualPlan:
    return get_object_or_404(
        AnnualPlan.objects.for_user(acting_user(request)).select_related("department"), pk=pk
    )


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


@role_required(*READERS)
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = (
        AnnualPlan.objects.for_user(acting_user(request))
        .select_related("department")
        .annotate(entry_count=Count("entries", filter=Q(entries__is_archived=False)))
        .order_by("-year", "department__name")
    )
    year = request.GET.get("year", "")
    if year.isdigit():
        plans = plans.filter(year=int(year))
    page = Paginator(plans, 50).get_page(request.GET.get("page"))
    user = acting_user(request)
    uncovered = items_without_plan(user.department_id) if user.department_id else []
    return render(
        request,
        "plans/plan_list.html",
        {
            "page": page,
            "year": year,
            "uncovered": uncovered,
            "form": PlanForm(initial={"year": timezone.localdate().year + 1}),
        },
    )


@role_required(R.BUSINESS_STAFF)
def plan_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    form = PlanForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.create_plan(user, form.cleaned_data["year"], form.cleaned_data["title"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "已创建计划，请添加抽查条目。")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/plan_form.html", {"form": form})


@role_required(*READERS)
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    user = acting_user(request)
    entries = (
        plan.entries.filter(is_archived=False)
        .prefetch_related("items", "participants")
        .select_related("lead_department")
    )
    adjustments = plan.adjustments.select_related("entry", "created_by", "decided_by")
    editable = (
        plan.is_draft
        and user.department_id == plan.department_id
        and user.has_role(R.BUSINESS_STAFF)
    )
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "entries": entries,
            "adjustments": adjustments,
            "archived": plan.entries.filter(is_archived=True),
            "editable": editable,
            "can_submit": editable,
            "is_leader": user.has_role(R.SUPERVISING_LEADER)
            and user.department_id == plan.department_id,
            "can_propose": plan.is_in_force
            and user.department_id == plan.department_id
            and user.has_role(R.BUSINESS_STAFF),
            "can_decide": services.can_decide(user, plan),
            "proposals": services.merge_proposals(plan) if editable else [],
            "reason_form": ReasonForm(),
            "decision_form": DecisionForm(),
            "Status": PlanStatus,
            "Pending": AdjustmentStatus.PENDING,
        },
    )


@role_required(R.BUSINESS_STAFF)
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = EntryForm(plan, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_entry(acting_user(request), plan, form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已添加计划条目。")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/entry_form.html", {"form": form, "plan": plan})


@role_required(R.BUSINESS_STAFF)
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        PlanEntry.objects.filter(plan__in=AnnualPlan.objects.for_user(acting_user(request))), pk=pk
    )
    form = EntryForm(entry.plan, request.POST or None, initial=entry_initial(entry))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_entry(acting_user(request), entry, form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("plans:detail", pk=entry.plan_id)
    return render(
        request, "plans/entry_form.html", {"form": form, "plan": entry.plan, "entry": entry}
    )


@require_POST
@role_required(R.BUSINESS_STAFF)
def entry_archive(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(
        PlanEntry.objects.filter(plan__in=AnnualPlan.objects.for_user(acting_user(request))), pk=pk
    )
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.archive_entry(acting_user(request), entry, reason or "编制中删除")
    except ValidationError as exc:
        _fail(request, exc)
    return redirect("plans:detail", pk=entry.plan_id)


@require_POST
@role_required(R.BUSINESS_STAFF, R.SUPERVISING_LEADER)
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    plan = _plan(request, pk)
    if action not in TRANSITIONS:
        messages.error(request, "未知的操作。")
        return redirect("plans:detail", pk=pk)
    service, done = TRANSITIONS[action]
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        service(acting_user(request), plan, reason)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("plans:detail", pk=pk)


@require_POST
@role_required(R.BUSINESS_STAFF)
def entry_merge(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    keep = _live_entry(plan, request.POST.get("keep"))
    other = _live_entry(plan, request.POST.get("other"))
    if keep is None or other is None:
        messages.error(request, "请选择要合并的两个计划条目。")
        return redirect("plans:detail", pk=pk)
    try:
        services.merge_entries(acting_user(request), keep, other)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, f"已将“{other.name}”合并入“{keep.name}”。")
    return redirect("plans:detail", pk=pk)


def _live_entry(plan: AnnualPlan, pk: str | None) -> PlanEntry | None:
    if not pk or not pk.isdigit():
        return None
    return plan.entries.filter(pk=int(pk), is_archived=False).first()


@role_required(R.BUSINESS_STAFF)
def adjustment_new(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    initial = {}
    entry = _live_entry(plan, request.GET.get("entry"))
    if entry is not None:
        initial = {**entry_initial(entry), "entry": entry.pk, "kind": AdjustmentKind.CHANGE}
    form = AdjustmentForm(plan, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            services.propose_adjustment(
                acting_user(request),
                plan,
                kind,
                form.cleaned_data["reason"],
                entry=form.cleaned_data["entry"],
                values=None if kind == AdjustmentKind.REMOVE else form.values(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "计划调整已提交，经分管领导或联席会议办公室批准后生效。")
            return redirect("plans:detail", pk=plan.pk)
    return render(request, "plans/adjustment_form.html", {"form": form, "plan": plan})


@require_POST
@role_required(R.SUPERVISING_LEADER, R.CONFERENCE_OFFICE)
def adjustment_decide(request: HttpRequest, pk: int) -> HttpResponse:
    adjustment = get_object_or_404(
        PlanAdjustment.objects.filter(plan__in=AnnualPlan.objects.for_user(acting_user(request))),
        pk=pk,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审批结果。")
    else:
        try:
            services.decide_adjustment(
                acting_user(request),
                adjustment,
                form.cleaned_data["approve"] == "1",
                form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, "已审批。")
    return redirect("plans:detail", pk=adjustment.plan_id)


@role_required(R.CONFERENCE_OFFICE, R.SUPERVISING_LEADER, R.BUSINESS_STAFF)
def joint_check(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() else timezone.localdate().year
    conferences = JointConference.objects.filter(
        Q(pk=user.conference_id) | Q(members=user.department_id)
    ).distinct()
    report = [(c, services.joint_plan_check(c, year)) for c in conferences]
    return render(request, "plans/joint_check.html", {"report": report, "year": year})


EXPORT_HEADERS = [
    "计划",
    "年度",
    "序号",
    "抽查名称",
    "抽查事项",
    "抽查对象范围",
    "抽取方式",
    "A类比例",
    "B类比例",
    "C类比例",
    "D类比例",
    "抽取数量",
    "开始日期",
    "截止日期",
    "牵头部门",
    "配合部门",
    "状态",
]


@role_required(*READERS)
def plan_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    plan = _plan(request, pk)
    entries = plan.entries.filter(is_archived=False).prefetch_related("items", "participants")
    rows = (
        [
            plan.title,
            plan.year,
            e.seq,
            e.name,
            "；".join(i.name for i in e.items.all()),
            e.object_scope,
            e.get_basis_display(),
            e.ratio_a,
            e.ratio_b,
            e.ratio_c,
            e.ratio_d,
            e.count,
            e.window_start,
            e.window_end,
            plan.department.name,
            "、".join(d.name for d in e.participants.all()),
            plan.get_status_display(),
        ]
        for e in entries
    )
    return export_response(
        fmt if fmt in EXPORT_FORMATS else "csv", plan.title, EXPORT_HEADERS, rows
    )
