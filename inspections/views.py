from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.models import User
from accounts.permissions import acting_user, role_required
from core.forms import add_service_errors
from core.listing import export, export_format, filter_query, paginate
from inspections import evidence as evidence_service
from inspections import follow_ups, services
from inspections.choices import RecordStatus
from inspections.filters import FollowUpFilterSet, RecordFilterSet
from inspections.forms import (
    ApproveForm,
    EvidenceForm,
    FeedbackForm,
    FollowUpForm,
    OutcomeForm,
    ReasonForm,
    RecheckForm,
    RecordForm,
)
from inspections.models import Evidence, FollowUp, InspectionRecord, InspectionRecordQuerySet
from tasks.models import Task

R = Role
READERS = (
    R.BUSINESS_STAFF,
    R.SUPERVISING_LEADER,
    R.UNIT_HEAD,
    R.INSPECTOR,
    R.REGISTRY_MANAGER,
    R.CONFERENCE_OFFICE,
)
FILLERS = (R.INSPECTOR,)
REVIEWERS = (R.UNIT_HEAD,)
HANDLERS = follow_ups.HANDLERS
FOLLOW_UP_ROLES = (*follow_ups.HANDLERS, R.SUPERVISING_LEADER)


def _records(request: HttpRequest) -> InspectionRecordQuerySet:
    return InspectionRecord.objects.for_user(acting_user(request)).select_related(
        "task", "subject", "result", "department"
    )


def _record(request: HttpRequest, pk: int) -> InspectionRecord:
    return get_object_or_404(_records(request), pk=pk)


def _fail(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


EXPORT_HEADERS = [
    "任务编号",
    "任务名称",
    "检查对象",
    "统一社会信用代码",
    "检查部门",
    "检查日期",
    "核查方式",
    "检查结果",
    "后续处置措施",
    "状态",
    "补录",
    "结果生效时间",
    "后续处置期限",
]


def _export_row(r: InspectionRecord) -> list[Any]:
    from inspections.choices import CheckMethod

    return [
        r.task.code,
        r.task.name,
        r.subject.name,
        r.subject.uscc,
        r.department.name,
        r.inspected_on,
        "、".join(str(CheckMethod(m).label) for m in r.method_list),
        r.result.name if r.result else "",
        r.get_follow_up_action_display(),
        r.get_status_display(),
        "是" if r.late_entry else "",
        timezone.localtime(r.effective_at).strftime("%Y-%m-%d %H:%M") if r.effective_at else "",
        r.follow_up_due,
    ]


def _list(
    request: HttpRequest, queryset: QuerySet[InspectionRecord], title: str
) -> HttpResponseBase:
    filterset = RecordFilterSet(request.GET, queryset=queryset, request=request)
    records = filterset.qs.order_by("-task__window_start", "task_id", "subject__name", "pk")
    fmt = export_format(request)
    if fmt:
        return export(
            request,
            fmt,
            basename=title,
            headers=EXPORT_HEADERS,
            queryset=records,
            row=_export_row,
            action="inspection.records_exported",
        )
    return render(
        request,
        "inspections/record_list.html",
        {
            "title": title,
            "filters": filterset.form,
            "page": paginate(request, records),
            "query": filter_query(request),
        },
    )


@role_required(*READERS)
def record_list(request: HttpRequest) -> HttpResponseBase:
    return _list(request, _records(request), "检查记录")


@role_required(R.INSPECTOR)
def my_records(request: HttpRequest) -> HttpResponseBase:
    user = acting_user(request)
    return _list(request, _records(request).mine(user), "我的检查记录")


@role_required(R.UNIT_HEAD)
def review_queue(request: HttpRequest) -> HttpResponseBase:
    user = acting_user(request)
    queue = _records(request).filter(
        department_id=user.department_id or 0, status=RecordStatus.SUBMITTED
    )
    return _list(request, queue, "待审核的检查记录")


@require_POST
@role_required(R.BUSINESS_STAFF, R.UNIT_HEAD, R.INSPECTOR)
def generate(request: HttpRequest, task_pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.for_user(acting_user(request)), pk=task_pk)
    try:
        created = services.generate_records(acting_user(request), task)
    except ValidationError as exc:
        _fail(request, exc)
        return redirect("tasks:detail", pk=task.pk)
    messages.success(request, f"已生成 {created} 份检查记录表。")
    return redirect(f"{_url('inspections:list')}?task={task.pk}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@role_required(*READERS)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    user = acting_user(request)
    return render(
        request,
        "inspections/record_detail.html",
        {
            "record": record,
            "checklist": record.checklist.select_related("item"),
            "evidence": record.evidence.select_related("created_by"),
            "follow_ups": record.follow_ups.select_related("target_department", "acknowledged_by"),
            "team": _team(record),
            "can_fill": record.status in ("draft", "returned") and services.can_fill(user, record),
            "can_review": record.status == "submitted" and services.can_review(user, record),
            "can_handle": record.status == "approved" and follow_ups.can_handle(user, record),
            "reason_form": ReasonForm(),
            "approve_form": ApproveForm(),
            "feedback_form": FeedbackForm(),
            "evidence_form": EvidenceForm(),
            "outcome_form": OutcomeForm(),
        },
    )


def _team(record: InspectionRecord) -> list[Any]:
    from tasks.models import TeamMember

    if record.team_draw_id is None:
        return []
    return list(
        TeamMember.objects.filter(
            team_draw_id=record.team_draw_id, subject_id=record.subject_id, active=True
        ).select_related("inspector", "expert")
    )


@role_required(*FILLERS)
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = RecordForm(record, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_record(acting_user(request), record, form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("inspections:detail", pk=record.pk)
    return render(request, "inspections/record_form.html", {"form": form, "record": record})


def _approve(user: User, record: InspectionRecord, request: HttpRequest) -> None:
    form = ApproveForm(request.POST)
    if not form.is_valid():
        raise ValidationError("；".join(str(e) for errs in form.errors.values() for e in errs))
    data = form.cleaned_data
    services.approve_record(
        user, record, data["note"], data.get("feedback_on"), data.get("feedback_method") or ""
    )


def _return(user: User, record: InspectionRecord, request: HttpRequest) -> None:
    form = ReasonForm(request.POST)
    services.return_record(user, record, form.cleaned_data["reason"] if form.is_valid() else "")


def _feedback(user: User, record: InspectionRecord, request: HttpRequest) -> None:
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        raise ValidationError("请填写反馈日期和反馈方式")
    services.record_feedback(
        user, record, form.cleaned_data["feedback_on"], form.cleaned_data["feedback_method"]
    )


def _conclude(user: User, record: InspectionRecord, request: HttpRequest) -> None:
    form = OutcomeForm(request.POST)
    follow_ups.conclude_record_follow_up(
        user, record, form.cleaned_data["outcome"] if form.is_valid() else ""
    )


ACTIONS: dict[str, tuple[Callable[[User, InspectionRecord, HttpRequest], Any], str]] = {
    "unreachable": (
        lambda u, r, q: services.mark_address_unreachable(u, r),
        "已记为“通过登记的住所（经营场所）无法联系”，请核对后提交。",
    ),
    "submit": (lambda u, r, q: services.submit_record(u, r), "检查记录已提交审核。"),
    "approve": (_approve, "已审核通过，检查结果生效。"),
    "return": (_return, "已退回补充核查。"),
    "feedback": (_feedback, "已登记结果反馈。"),
    "conclude": (_conclude, "已录入后续处置结果。"),
}


@require_POST
@role_required(R.INSPECTOR, R.UNIT_HEAD, R.BUSINESS_STAFF)
def record_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    record = _record(request, pk)
    if action not in ACTIONS:
        messages.error(request, "未知的操作。")
        return redirect("inspections:detail", pk=pk)
    run, done = ACTIONS[action]
    try:
        run(acting_user(request), record, request)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("inspections:detail", pk=pk)


@require_POST
@role_required(*FILLERS)
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择文件并说明来源。")
        return redirect("inspections:detail", pk=pk)
    try:
        evidence_service.add_evidence(
            acting_user(request), record, form.cleaned_data["file"], form.cleaned_data["source"]
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "证据材料已上传。")
    return redirect("inspections:detail", pk=pk)


def _evidence(request: HttpRequest, pk: int) -> Evidence:
    records = InspectionRecord.objects.for_user(acting_user(request))
    return get_object_or_404(Evidence.objects.filter(record__in=records), pk=pk)


@role_required(*READERS)
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    evidence = _evidence(request, pk)
    path = evidence_service.path_of(evidence)
    if not path.is_file():
        raise Http404("文件不存在")
    evidence_service.record_download(acting_user(request), evidence)
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_POST
@role_required(*FILLERS)
def evidence_archive(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _evidence(request, pk)
    form = ReasonForm(request.POST)
    try:
        evidence_service.archive_evidence(
            acting_user(request), evidence, form.cleaned_data["reason"] if form.is_valid() else ""
        )
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, "证据材料已撤回（文件保留备查）。")
    return redirect("inspections:detail", pk=evidence.record_id)


# --- follow-up (D4) ---

FOLLOW_UP_HEADERS = [
    "处置类型",
    "检查对象",
    "任务",
    "处置日期",
    "期限",
    "状态",
    "案件编号",
    "移送部门",
    "接收机关",
    "处置结果",
]


def _follow_ups(request: HttpRequest) -> QuerySet[FollowUp]:
    return FollowUp.objects.for_user(acting_user(request)).select_related(
        "record__subject", "record__task", "target_department"
    )


@role_required(*READERS)
def follow_up_list(request: HttpRequest) -> HttpResponseBase:
    filterset = FollowUpFilterSet(request.GET, queryset=_follow_ups(request), request=request)
    items = filterset.qs.order_by("due", "pk")
    fmt = export_format(request)
    if fmt:
        return export(
            request,
            fmt,
            basename="后续处置",
            headers=FOLLOW_UP_HEADERS,
            queryset=items,
            row=lambda f: [
                f.get_kind_display(),
                f.record.subject.name,
                f.record.task.name,
                f.started_on,
                f.due,
                f.get_status_display(),
                f.case_number,
                f.target_department.name if f.target_department else "",
                f.agency,
                f.outcome,
            ],
            action="inspection.follow_ups_exported",
        )
    today = timezone.localdate()
    overdue_records = _records(request).follow_up_overdue(today).order_by("follow_up_due")[:100]
    return render(
        request,
        "inspections/follow_up_list.html",
        {
            "filters": filterset.form,
            "page": paginate(request, items),
            "query": filter_query(request),
            "today": today,
            "overdue_records": overdue_records,
        },
    )


@role_required(*HANDLERS)
def follow_up_new(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk)
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            follow_ups.open_follow_up(acting_user(request), record, form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已登记后续处置。")
            return redirect("inspections:detail", pk=record.pk)
    return render(request, "inspections/follow_up_form.html", {"form": form, "record": record})


@role_required(*FOLLOW_UP_ROLES)
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(_follow_ups(request), pk=pk)
    user = acting_user(request)
    return render(
        request,
        "inspections/follow_up_detail.html",
        {
            "item": item,
            "can_ack": item.status == "awaiting_ack" and follow_ups.can_acknowledge(user, item),
            "can_handle": item.is_open
            and (
                follow_ups.can_handle(user, item.record) or follow_ups.can_acknowledge(user, item)
            ),
            "recheck_form": RecheckForm(initial={"rechecked_on": timezone.localdate()}),
            "outcome_form": OutcomeForm(),
            "reason_form": ReasonForm(),
        },
    )


def _recheck(user: User, item: FollowUp, request: HttpRequest) -> None:
    form = RecheckForm(request.POST)
    if not form.is_valid():
        raise ValidationError("请填写复查日期和复查结果")
    data = form.cleaned_data
    follow_ups.record_recheck(user, item, data["rechecked_on"], data["rectified"], data["outcome"])


def _close(user: User, item: FollowUp, request: HttpRequest) -> None:
    form = OutcomeForm(request.POST)
    follow_ups.close_follow_up(user, item, form.cleaned_data["outcome"] if form.is_valid() else "")


def _ack(user: User, item: FollowUp, request: HttpRequest) -> None:
    form = ReasonForm(request.POST)
    follow_ups.acknowledge_transfer(
        user, item, form.cleaned_data["reason"] if form.is_valid() else ""
    )


FOLLOW_UP_ACTIONS: dict[str, tuple[Callable[[User, FollowUp, HttpRequest], Any], str]] = {
    "recheck": (_recheck, "已录入复查结果。"),
    "close": (_close, "已录入处置结果。"),
    "acknowledge": (_ack, "已确认接收移送。"),
}


@require_POST
@role_required(*FOLLOW_UP_ROLES)
def follow_up_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    item = get_object_or_404(_follow_ups(request), pk=pk)
    if action not in FOLLOW_UP_ACTIONS:
        messages.error(request, "未知的操作。")
        return redirect("inspections:follow_up", pk=pk)
    run, done = FOLLOW_UP_ACTIONS[action]
    try:
        run(acting_user(request), item, request)
    except ValidationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("inspections:follow_up", pk=pk)
