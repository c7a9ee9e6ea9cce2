"""Publication pages for department staff: the due list, each publication's review, corrections,
objections and the department's deadlines. Views are thin: the services decide."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.choices import Role
from accounts.models import User
from accounts.permissions import acting_user, role_required
from core.forms import add_service_errors
from core.listing import export, export_format, filter_query, paginate
from publication import exports, services
from publication.choices import CorrectionState, ObjectionState, PublicationState
from publication.content import FIELD_LABELS, public_content
from publication.filters import ObjectionFilterSet, PublicationFilterSet
from publication.forms import (
    CorrectionForm,
    DecisionForm,
    DraftForm,
    NoteForm,
    ObjectionForm,
    PolicyForm,
    ReasonForm,
    WithholdForm,
)
from publication.models import (
    Correction,
    Objection,
    ResultPublication,
    ResultPublicationQuerySet,
)

R = Role
READERS = (
    R.BUSINESS_STAFF,
    R.UNIT_HEAD,
    R.SUPERVISING_LEADER,
    R.INSPECTOR,
    R.REGISTRY_MANAGER,
    R.CONFERENCE_OFFICE,
)
WRITERS = services.PUBLISHERS


def _publications(request: HttpRequest) -> ResultPublicationQuerySet:
    return ResultPublication.objects.for_user(acting_user(request)).select_related(
        "task", "department"
    )


def _publication(request: HttpRequest, pk: int) -> ResultPublication:
    return get_object_or_404(_publications(request), pk=pk)


def _fail(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    if isinstance(exc, PermissionDenied):
        messages.error(request, str(exc))
    else:
        messages.error(request, "；".join(exc.messages))


@role_required(*READERS)
def publication_list(request: HttpRequest) -> HttpResponseBase:
    filterset = PublicationFilterSet(request.GET, queryset=_publications(request), request=request)
    rows = filterset.qs.order_by("due", "pk")
    fmt = export_format(request)
    if fmt and request.GET.get("layout") == "national":
        return export(
            request,
            fmt,
            basename=exports.basename("抽查检查信息-国家企业信用信息公示系统"),
            headers=exports.NATIONAL_HEADERS,
            queryset=rows.public().prefetch_related("corrections"),
            row=exports.national_row,
            action="publication.national_exported",
        )
    if fmt:
        return export(
            request,
            fmt,
            basename=exports.basename("检查结果公示"),
            headers=exports.LIST_HEADERS,
            queryset=rows,
            row=exports.list_row,
            action="publication.list_exported",
        )
    user = acting_user(request)
    return render(
        request,
        "publication/publication_list.html",
        {
            "filters": filterset.form,
            "page": paginate(request, rows),
            "query": filter_query(request),
            "counts": services.counts_for(user),
            "today": timezone.localdate(),
        },
    )


@role_required(*READERS)
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    user = acting_user(request)
    can_act = services.can_publish(user, publication)
    state = publication.state
    if publication.content:
        preview = services.shown_content(publication)
    else:
        preview = public_content(publication.record, publication.public_conclusion)
    awaiting_review = state == PublicationState.IN_REVIEW
    corrections = list(publication.corrections.select_related("submitted_by", "reviewed_by"))
    open_correction = next((c for c in corrections if c.state != CorrectionState.PUBLISHED), None)
    return render(
        request,
        "publication/publication_detail.html",
        {
            "publication": publication,
            "preview": [
                (FIELD_LABELS[k], preview.get(k)) for k in FIELD_LABELS if k != "inspectors"
            ],
            "inspectors": preview.get("inspectors", []),
            "corrections": corrections,
            "objections": publication.objections.all(),
            "can_edit": can_act and state == PublicationState.PENDING,
            "can_review": can_act and awaiting_review and publication.submitted_by_id != user.pk,
            "own_submission": awaiting_review and publication.submitted_by_id == user.pk,
            "can_withdraw": publication.is_public
            and user.has_role(*services.WITHDRAWERS)
            and user.department_id == publication.department_id,
            "can_correct": can_act and publication.is_public and open_correction is None,
            "can_object": can_act and publication.is_public,
            "open_correction": open_correction,
            "can_review_correction": can_act
            and open_correction is not None
            and open_correction.state == CorrectionState.IN_REVIEW
            and open_correction.submitted_by_id != user.pk,
            "draft_form": DraftForm(initial={"public_conclusion": publication.public_conclusion}),
            "note_form": NoteForm(),
            "reason_form": ReasonForm(),
            "withhold_form": WithholdForm(),
        },
    )


def _save(user: User, p: ResultPublication, request: HttpRequest) -> Any:
    form = DraftForm(request.POST)
    text = form.cleaned_data["public_conclusion"] if form.is_valid() else ""
    return services.save_draft(user, p, text)


def _note(request: HttpRequest) -> str:
    form = NoteForm(request.POST)
    return str(form.cleaned_data["note"]) if form.is_valid() else ""


def _reason(request: HttpRequest) -> str:
    form = ReasonForm(request.POST)
    return str(form.cleaned_data["reason"]) if form.is_valid() else ""


def _withhold(user: User, p: ResultPublication, request: HttpRequest) -> Any:
    form = WithholdForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    return services.withhold(user, p, data.get("classification", ""), data.get("reason", ""))


ACTIONS: dict[str, tuple[Callable[[User, ResultPublication, HttpRequest], Any], str]] = {
    "save": (_save, "公示说明已保存。"),
    "submit": (lambda u, p, q: services.submit(u, p, _note(q)), "已提交审核，请由另一人审核。"),
    "approve": (lambda u, p, q: services.approve(u, p, _note(q)), "审核通过，检查结果已公示。"),
    "return": (lambda u, p, q: services.return_for_changes(u, p, _reason(q)), "已退回修改。"),
    "withhold": (_withhold, "已决定不予公示，理由已记录。"),
    "withdraw": (lambda u, p, q: services.withdraw(u, p, _reason(q)), "已撤下公示，原因已记录。"),
}


@require_POST
@role_required(*WRITERS)
def publication_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    publication = _publication(request, pk)
    if action not in ACTIONS:
        messages.error(request, "未知的操作。")
        return redirect("publication:detail", pk=pk)
    run, done = ACTIONS[action]
    try:
        run(acting_user(request), publication, request)
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("publication:detail", pk=pk)


@role_required(*WRITERS)
def correction_new(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    current = services.shown_content(publication)
    form = CorrectionForm(
        request.POST or None,
        current=current,
        initial={"verified_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.start_correction(
                acting_user(request),
                publication,
                form.cleaned_data["reason"],
                form.changes(),
                form.cleaned_data["verified_on"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            _fail(request, exc)
        else:
            messages.success(request, "已登记更正，请提交审核。")
            return redirect("publication:detail", pk=pk)
    return render(
        request,
        "publication/correction_form.html",
        {"publication": publication, "form": form},
    )


CORRECTION_ACTIONS: dict[str, tuple[Callable[[User, Correction, HttpRequest], Any], str]] = {
    "submit": (lambda u, c, q: services.submit_correction(u, c), "更正已提交审核。"),
    "approve": (
        lambda u, c, q: services.approve_correction(u, c, _note(q)),
        "更正已公示，与原结果并列显示。",
    ),
    "return": (lambda u, c, q: services.return_correction(u, c, _reason(q)), "更正已退回。"),
}


@require_POST
@role_required(*WRITERS)
def correction_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    correction = get_object_or_404(
        Correction.objects.for_user(acting_user(request)).select_related("publication"), pk=pk
    )
    target = correction.publication_id
    if action not in CORRECTION_ACTIONS:
        messages.error(request, "未知的操作。")
        return redirect("publication:detail", pk=target)
    run, done = CORRECTION_ACTIONS[action]
    try:
        run(acting_user(request), correction, request)
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    else:
        messages.success(request, done)
    return redirect("publication:detail", pk=target)


# --- objections ---


def _objections(request: HttpRequest) -> Any:
    return Objection.objects.for_user(acting_user(request)).select_related(
        "publication", "publication__task"
    )


@role_required(*READERS)
def objection_list(request: HttpRequest) -> HttpResponse:
    filterset = ObjectionFilterSet(request.GET, queryset=_objections(request), request=request)
    return render(
        request,
        "publication/objection_list.html",
        {
            "filters": filterset.form,
            "page": paginate(request, filterset.qs.order_by("-received_on", "-pk")),
            "query": filter_query(request),
            "today": timezone.localdate(),
        },
    )


@role_required(*WRITERS)
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A staff member enters an objection received at the window, by letter or by phone."""
    publication = _publication(request, pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objection = services.receive_objection(
                publication,
                form.cleaned_data["contact_name"],
                form.cleaned_data["contact_phone"],
                form.cleaned_data["statement"],
                by=acting_user(request),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            _fail(request, exc)
        else:
            messages.success(request, f"异议已受理，受理编号 {objection.number}。")
            return redirect("publication:objection", pk=objection.pk)
    return render(
        request, "publication/objection_form.html", {"publication": publication, "form": form}
    )


@role_required(*READERS)
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objection = get_object_or_404(_objections(request), pk=pk)
    user = acting_user(request)
    can_act = services.can_publish(user, objection.publication)
    return render(
        request,
        "publication/objection_detail.html",
        {
            "objection": objection,
            "can_start": can_act and objection.state == ObjectionState.RECEIVED,
            "can_decide": can_act and objection.state != ObjectionState.DECIDED,
            "decision_form": DecisionForm(initial={"feedback_on": timezone.localdate()}),
        },
    )


@require_POST
@role_required(*WRITERS)
def objection_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    objection = get_object_or_404(_objections(request), pk=pk)
    user = acting_user(request)
    try:
        if action == "review":
            services.start_objection_review(user, objection)
            messages.success(request, "已开始复核。")
        elif action == "decide":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                raise ValidationError("请填写复核结论和复核意见")
            data = form.cleaned_data
            services.decide_objection(
                user,
                objection,
                data["decision"],
                data["decision_text"],
                data.get("feedback_on"),
                data.get("feedback_method") or "",
                form.changes(),
            )
            messages.success(request, "异议已办结。如予以更正，请在公示页面提交更正审核。")
        else:
            messages.error(request, "未知的操作。")
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect("publication:objection", pk=pk)


# --- deadlines ---


@role_required(*READERS)
def policy(request: HttpRequest) -> HttpResponse:
    user = acting_user(request)
    department = user.department
    current = services.policy_for(department.pk) if department else None
    can_set = department is not None and user.has_role(R.SUPERVISING_LEADER)
    form = PolicyForm(
        request.POST or None,
        initial=current.__dict__ if current else None,
    )
    if request.method == "POST":
        if not can_set or department is None:
            raise PermissionDenied("只有本部门的分管领导可以设置公示期限")
        if form.is_valid():
            try:
                services.set_policy(user, department, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "公示期限已更新，适用于此后生效的检查结果。")
                return redirect("publication:policy")
    return render(
        request,
        "publication/policy.html",
        {"department": department, "current": current, "form": form, "can_set": can_set},
    )
