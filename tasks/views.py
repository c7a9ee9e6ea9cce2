from __future__ import annotations

import json
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.models import User
from accounts.permissions import acting_user, role_required
from core.exports import EXPORT_FORMATS, export_response
from core.forms import add_service_errors
from core.listing import export_format, filter_query, paginate
from plans.models import PlanEntry
from tasks import draws, joint_registry, services, teams
from tasks.choices import DrawStatus
from tasks.forms import (
    CommitmentForm,
    DrawForm,
    JointRegistryFilterForm,
    LotteryForm,
    RecusalForm,
    SecretForm,
    TaskForm,
    TeamForm,
    VoidDecisionForm,
    VoidForm,
    draw_initial,
)
from tasks.models import SubjectDraw, Task, TeamMember

R = Role
READERS = (
    R.BUSINESS_STAFF,
    R.SUPERVISING_LEADER,
    R.UNIT_HEAD,
    R.INSPECTOR,
    R.REGISTRY_MANAGER,
    R.CONFERENCE_OFFICE,
)
DEPARTMENT_STAFF = (
    R.BUSINESS_STAFF,
    R.SUPERVISING_LEADER,
    R.UNIT_HEAD,
    R.INSPECTOR,
    R.REGISTRY_MANAGER,
)


def _task(request: HttpRequest, pk: int) -> Task:
    return get_object_or_404(
        Task.objects.for_user(acting_user(request)).select_related("department"), pk=pk
    )


def _draw(request: HttpRequest, pk: int) -> SubjectDraw:
    visible = Task.objects.for_user(acting_user(request))
    return get_object_or_404(
        SubjectDraw.objects.select_related("task").filter(task__in=visible), pk=pk
    )


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    messages.error(request, "；".join(exc.messages))


@role_required(*READERS)
def task_list(request: HttpRequest) -> HttpResponse:
    tasks = (
        Task.objects.for_user(acting_user(request))
        .select_related("department")
        .order_by("-year", "-created_at")
    )
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    return render(request, "tasks/task_list.html", {"page": page})


@role_required(R.BUSINESS_STAFF)
def task_create(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    assert user.department is not None  # BUSINESS_STAFF always has one (accounts.services)
    initial = {}
    entry_pk = request.GET.get("entry", "")
    entry = (
        PlanEntry.objects.filter(pk=int(entry_pk), plan__department=user.department).first()
        if entry_pk.isdigit()
        else None
    )
    if entry is not None:
        v = services.values_from_entry(entry)
        initial = {
            "trigger": v.trigger,
            "plan_entry": entry.pk,
            "name": v.name,
            "items": v.item_ids,
            "participants": v.participant_ids,
            "methods": v.methods,
            "window_start": v.window_start,
            "window_end": v.window_end,
        }
    form = TaskForm(user.department, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            task = services.create_task(user, form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已创建任务 {task.code}。")
            return redirect("tasks:detail", pk=task.pk)
    return render(request, "tasks/task_form.html", {"form": form})


@role_required(*READERS)
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    user = acting_user(request)
    all_draws = task.draws.prefetch_related("witnesses").select_related(
        "drawn_by", "void_approved_by"
    )
    live = next((d for d in all_draws if d.status != DrawStatus.VOIDED), None)
    selections = (
        live.selections.select_related("subject").order_by("is_substitute", "stratum", "rank")
        if live and live.is_locked
        else []
    )
    return render(
        request,
        "tasks/task_detail.html",
        {
            "task": task,
            "draws": all_draws,
            "live": live,
            "selections": selections,
            "is_staff": user.department_id == task.department_id
            and user.has_role(R.BUSINESS_STAFF),
            "is_leader": user.department_id == task.department_id
            and user.has_role(R.SUPERVISING_LEADER),
            "my_witness": live.witnesses.filter(user=user).first() if live else None,
            "Status": DrawStatus,
            "void_form": VoidForm(),
            "decision_form": VoidDecisionForm(),
            "lottery_form": LotteryForm(),
            "recusal_form": RecusalForm(),
            "joint": joint_registry.summary(task) if task.is_joint else None,
            **_team_context(user, task, live),
        },
    )


@role_required(*READERS)
def joint_registry_page(request: HttpRequest, pk: int) -> HttpResponseBase:
    """联合名录库 (A10): the combined subject and inspector registries of a joint task."""
    task = _task(request, pk)
    if not task.is_joint:
        messages.info(request, "本任务没有配合部门，不是部门联合抽查，没有联合名录库。")
        return redirect("tasks:detail", pk=task.pk)
    user = acting_user(request)
    tab = "inspectors" if request.GET.get("tab") == "inspectors" else "subjects"
    form = JointRegistryFilterForm(task, request.GET)
    filters = form.filters()
    fmt = export_format(request)
    if fmt:
        found = joint_registry.export(user, task, tab, filters, fmt)
        return export_response(fmt, found.basename, found.headers, found.rows)
    rows: list[object]
    if tab == "subjects":
        firms = joint_registry.subject_firms(task, filters)
        page = paginate(request, firms)
        rows = list(
            joint_registry.subject_rows(
                task, list(page), user, include_archived=filters.include_archived
            )
        )
    else:
        page = paginate(request, joint_registry.inspector_queryset(task, filters))
        rows = list(joint_registry.inspector_rows(task, page, user))
    params = request.GET.copy()
    for name in ("page", "export", "tab"):
        params.pop(name, None)
    return render(
        request,
        "tasks/joint_registry.html",
        {
            "task": task,
            "tab": tab,
            "filters": form,
            "page": page,
            "rows": rows,
            "query": filter_query(request),
            "filter_query": params.urlencode(),
            "departments": joint_registry.departments(task),
        },
    )


def _team_context(user: User, task: Task, live: SubjectDraw | None) -> dict[str, object]:
    """The inspector draw section: who may draw teams here, the teams, repeat warnings (D9)."""
    if live is None or not live.is_locked:
        return {}
    team_draws = live.team_draws.select_related("department").prefetch_related(
        "members__inspector",
        "members__expert",
        "members__subject",
        "recusals__removed__inspector",
        "recusals__replacement__inspector",
    )
    in_charge = user.department_id == task.department_id or (
        live.selections.filter(assigned_department_id=user.department_id).exists()
    )
    may_draw = user.department is not None and user.has_role(R.BUSINESS_STAFF) and in_charge
    drawn_here = any(t.department_id == user.department_id for t in team_draws)
    return {
        "team_draws": team_draws,
        "team_form": TeamForm(user.department)
        if may_draw and not drawn_here and user.department
        else None,
        "can_recuse": user.has_role(R.BUSINESS_STAFF, R.UNIT_HEAD, R.INSPECTOR),
        "warnings": teams.repeat_inspection_warnings(live),
        "can_distribute": user.department_id == task.department_id
        and user.has_role(R.BUSINESS_STAFF)
        and task.department.children.exists(),
    }


@role_required(R.BUSINESS_STAFF)
def draw_new(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    user = acting_user(request)
    form = DrawForm(
        task.department, request.POST or None, initial=draw_initial(draws.settings_from_task(task))
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("step") == "commit":
                draws.prepare_draw(user, task, form.settings())
                messages.success(request, "抽取参数与候选名单已确定。")
                return redirect("tasks:detail", pk=task.pk)
            preview = draws.preview(task, form.settings())
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(request, "tasks/draw_form.html", {"task": task, "form": form, "preview": preview})


@role_required(*DEPARTMENT_STAFF)
def witness(request: HttpRequest, pk: int) -> HttpResponse:
    """A witness's own screen: register a commitment (computed in the browser), later reveal."""
    draw = _draw(request, pk)
    me = draw.witnesses.filter(user=acting_user(request)).first()
    commit_form, secret_form = CommitmentForm(), SecretForm()
    if request.method == "POST" and me is not None:
        try:
            if draw.status == DrawStatus.AWAITING_WITNESSES:
                commit_form = CommitmentForm(request.POST)
                if commit_form.is_valid():
                    draws.register_witness_commitment(
                        acting_user(request), draw, commit_form.cleaned_data["commitment"]
                    )
                    messages.success(
                        request, "承诺值已登记。请妥善保管您的秘密，抽取时须再次输入。"
                    )
                    return redirect("tasks:witness", pk=draw.pk)
            else:
                secret_form = SecretForm(request.POST)
                if secret_form.is_valid():
                    draws.reveal_witness_secret(
                        acting_user(request), draw, secret_form.cleaned_data["secret"]
                    )
                    messages.success(request, "秘密已揭示并通过核对。")
                    return redirect("tasks:witness", pk=draw.pk)
        except ValidationError as exc:
            _errors(request, exc)
    return render(
        request,
        "tasks/witness.html",
        {
            "draw": draw,
            "me": me,
            "commit_form": commit_form,
            "secret_form": secret_form,
            "Status": DrawStatus,
        },
    )


@require_POST
@role_required(R.BUSINESS_STAFF)
def draw_lottery(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(request, pk)
    form = LotteryForm(request.POST)
    if form.is_valid():
        try:
            draws.enter_lottery_result(acting_user(request), draw, form.cleaned_data["numbers"])
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, "请填写开奖号码。")
    return redirect("tasks:detail", pk=draw.task_id)


@require_POST
@role_required(R.BUSINESS_STAFF)
def draw_execute(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(request, pk)
    try:
        draws.execute_draw(acting_user(request), draw)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "抽取完成，名单已锁定。")
    return redirect("tasks:detail", pk=draw.task_id)


@require_POST
@role_required(R.BUSINESS_STAFF)
def draw_void_request(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(request, pk)
    form = VoidForm(request.POST)
    try:
        draws.request_void(acting_user(request), draw, form.data.get("reason", ""))
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "作废申请已提交，待分管领导审批。")
    return redirect("tasks:detail", pk=draw.task_id)


@require_POST
@role_required(R.SUPERVISING_LEADER)
def draw_void_decide(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(request, pk)
    form = VoidDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择审批结果。")
    else:
        try:
            draws.decide_void(
                acting_user(request),
                draw,
                form.cleaned_data["approve"] == "1",
                form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("tasks:detail", pk=draw.task_id)


@role_required(*READERS)
def draw_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The draw record for `python -m suiji verify` (with the pool file for internal users)."""
    draw = _draw(request, pk)
    if draw.record is None:
        messages.error(request, "尚未抽取，没有抽取记录。")
        return redirect("tasks:detail", pk=draw.task_id)
    response = HttpResponse(
        json.dumps(draw.record, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="draw-{draw.task.code}-{draw.number}.json"'
    )
    return response


@role_required(R.BUSINESS_STAFF, R.SUPERVISING_LEADER)
def draw_pool(request: HttpRequest, pk: int) -> HttpResponseBase:
    draw = _draw(request, pk)
    if not draw.pool_file:
        messages.error(request, "候选名单尚未确定。")
        return redirect("tasks:detail", pk=draw.task_id)
    return FileResponse(
        open(draw.pool_file, "rb"),
        as_attachment=True,
        filename=f"pool-{draw.task.code}-{draw.number}.csv",
        content_type="text/csv",
    )


EXPORT_HEADERS = ["任务编号", "层", "名次", "备选", "公开标识", "名称", "排序键"]


@role_required(*READERS)
def draw_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    draw = _draw(request, pk)
    rows = (
        [
            draw.task.code,
            s.stratum,
            s.rank,
            "是" if s.is_substitute else "",
            s.public_id,
            s.subject.name,
            s.key,
        ]
        for s in draw.selections.select_related("subject").order_by(
            "is_substitute", "stratum", "rank"
        )
    )
    return export_response(
        fmt if fmt in EXPORT_FORMATS else "csv",
        f"抽取名单-{draw.task.code}-{draw.number}",
        EXPORT_HEADERS,
        rows,
    )


@require_POST
@role_required(R.BUSINESS_STAFF)
def draw_teams(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(request, pk)
    user = acting_user(request)
    form = TeamForm(user.department, request.POST) if user.department else None
    if form is None or not form.is_valid():
        messages.error(request, "请检查检查人员抽取设置。")
        return redirect("tasks:detail", pk=draw.task_id)
    data = form.cleaned_data
    settings = teams.TeamSettings(
        min_team_size=data["min_team_size"],
        max_load=data["max_load"],
        with_expert=data["with_expert"],
        units=[data["unit"].name] if data["unit"] else None,
    )
    try:
        teams.draw_teams(user, draw, settings)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "检查人员已随机选派。")
    return redirect("tasks:detail", pk=draw.task_id)


@require_POST
@role_required(R.BUSINESS_STAFF, R.UNIT_HEAD, R.INSPECTOR)
def member_recuse(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Task.objects.for_user(acting_user(request))
    member = get_object_or_404(TeamMember.objects.filter(team_draw__task__in=visible), pk=pk)
    form = RecusalForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写回避原因。")
    else:
        try:
            recusal = teams.recuse(acting_user(request), member, form.cleaned_data["reason"])
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, f"已回避，由 {recusal.replacement} 替换。")
    return redirect("tasks:detail", pk=member.team_draw.task_id)


@require_POST
@role_required(R.BUSINESS_STAFF)
def draw_distribute(request: HttpRequest, pk: int) -> HttpResponse:
    draw = _draw(request, pk)
    try:
        counts = draws.distribute_by_region(acting_user(request), draw)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        summary = "，".join(f"{k} {v} 户" for k, v in counts.items()) or "没有需要分派的对象"
        messages.success(request, f"已按区划分派：{summary}。")
    return redirect("tasks:detail", pk=draw.task_id)


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@role_required(*DEPARTMENT_STAFF)
def document(request: HttpRequest, pk: int, subject_pk: int, kind: str) -> HttpResponse:
    """随机抽查通知书 (kind "notice") or 检查记录表 (kind "record") for one drawn subject."""
    from tasks import documents

    draw = _draw(request, pk)
    if not draw.is_locked:
        messages.error(request, "名单锁定后才能生成文书。")
        return redirect("tasks:detail", pk=draw.task_id)
    pick = get_object_or_404(
        draw.selections.select_related("subject", "draw"),
        subject_id=subject_pk,
        is_substitute=False,
    )
    if kind == "notice":
        content, title = documents.notice(draw.task, pick), "随机抽查通知书"
    else:
        content, title = documents.record_form(draw.task, pick), "检查记录表"
    response = HttpResponse(content, content_type=DOCX_TYPE)
    filename = quote(f"{title}-{draw.task.code}-{pick.subject.name}.docx")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


@require_POST
@role_required(R.BUSINESS_STAFF)
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    from tasks import summary

    task = _task(request, pk)
    try:
        summary.complete_task(acting_user(request), task)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("tasks:detail", pk=task.pk)
    messages.success(request, "任务已办结，已生成工作总结初稿，请补充完善。")
    return redirect("tasks:summary", pk=task.pk)


@role_required(*READERS)
def task_summary(request: HttpRequest, pk: int) -> HttpResponse:
    from tasks import summary as summaries
    from tasks.forms import SummaryForm
    from tasks.models import TaskSummary

    task = _task(request, pk)
    summary = TaskSummary.objects.filter(task=task).first()
    if summary is None:
        messages.info(request, "任务办结后才会生成抽查工作总结。")
        return redirect("tasks:detail", pk=task.pk)
    form = SummaryForm(request.POST or None, initial={"text": summary.text})
    if request.method == "POST" and form.is_valid():
        try:
            summaries.edit_summary(acting_user(request), summary, form.cleaned_data["text"])
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, "工作总结已保存。")
            return redirect("tasks:summary", pk=task.pk)
    if request.GET.get("export") == "docx":
        response = HttpResponse(summaries.summary_docx(summary), content_type=DOCX_TYPE)
        filename = quote(f"工作总结-{task.code}.docx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
    return render(request, "tasks/summary.html", {"task": task, "summary": summary, "form": form})


@require_POST
@role_required(R.BUSINESS_STAFF)
def targeted_add(request: HttpRequest, pk: int) -> HttpResponse:
    task = _task(request, pk)
    codes = request.POST.get("codes", "").replace("，", ",").replace("\n", ",").split(",")
    try:
        draws.add_targeted_subjects(
            acting_user(request), task, codes, request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, "已登记定向检查对象。")
    return redirect("tasks:detail", pk=task.pk)
