"""Publication of inspection results (E1, E3, E6), corrections and objections (E4).

Every write is an atomic transition that checks the starting state and the actor, records its
audit event and refuses anything else with a clear Chinese message. Publishing always needs a
second person: whoever submits a publication or a correction cannot also approve it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.choices import Role
from audit.services import record_event
from core.checkdigits import id_number_error
from publication.choices import (
    OPEN_STATES,
    PUBLIC_STATES,
    Classification,
    CorrectionSource,
    CorrectionState,
    ObjectionChannel,
    ObjectionDecision,
    ObjectionState,
    PublicationState,
)
from publication.content import (
    CORRECTABLE_FIELDS,
    FIELD_LABELS,
    displayed,
    personal_data_in,
    public_content,
)
from publication.models import Correction, Objection, PublicationPolicy, ResultPublication
from workdays.services import add_working_days

if TYPE_CHECKING:
    from accounts.models import User
    from inspections.models import InspectionRecord
    from organisations.models import Department

PUBLISHERS = (Role.BUSINESS_STAFF, Role.UNIT_HEAD, Role.SUPERVISING_LEADER)
WITHDRAWERS = (Role.UNIT_HEAD, Role.SUPERVISING_LEADER)
SYSTEM_ACTOR = "系统（公示期满自动撤下）"
PUBLIC_ACTOR = "公众（公示平台在线提交）"
EXPIRY_REASON = "公示期满，依法停止公示（信用修复）"


# --- policy ---


@dataclass(frozen=True)
class Policy:
    publish_days: int
    correct_days: int
    display_months: int


def policy_for(department: Department | int) -> Policy:
    department_id = department if isinstance(department, int) else department.pk
    row = PublicationPolicy.objects.filter(department_id=department_id).first()
    if row is not None:
        return Policy(row.publish_days, row.correct_days, row.display_months)
    return Policy(
        settings.PUBLICATION_DAYS, settings.CORRECTION_DAYS, settings.PUBLICATION_DISPLAY_MONTHS
    )


def set_policy(
    by: User, department: Department, publish_days: int, correct_days: int, display_months: int
) -> PublicationPolicy:
    if not (by.has_role(Role.SUPERVISING_LEADER) and by.department_id == department.pk):
        raise PermissionDenied("只有本部门的分管领导可以设置公示期限")
    errors = {}
    if not 1 <= publish_days <= 60:
        errors["publish_days"] = "公示期限应为 1 至 60 个工作日"
    if not 1 <= correct_days <= 60:
        errors["correct_days"] = "更正期限应为 1 至 60 个工作日"
    if not 1 <= display_months <= 120:
        errors["display_months"] = "公示期应为 1 至 120 个月"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        row, _ = PublicationPolicy.objects.select_for_update().get_or_create(
            department=department,
            defaults={
                "publish_days": publish_days,
                "correct_days": correct_days,
                "display_months": display_months,
            },
        )
        before = {
            "publish_days": row.publish_days,
            "correct_days": row.correct_days,
            "display_months": row.display_months,
        }
        row.publish_days, row.correct_days = publish_days, correct_days
        row.display_months = display_months
        row.save()
        record_event(
            action="publication.policy_set",
            actor=by,
            obj=row,
            before=before,
            after={
                "publish_days": publish_days,
                "correct_days": correct_days,
                "display_months": display_months,
            },
        )
    return row


def add_months(day: dt.date, months: int) -> dt.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due_soon_last_day(today: dt.date) -> dt.date:
    return add_working_days(today, settings.PUBLICATION_DUE_SOON_DAYS).due


# --- who may do what ---


def can_publish(user: User, publication: ResultPublication) -> bool:
    """Staff, unit heads and leaders of the department that publishes."""
    return (
        user.is_active
        and user.has_role(*PUBLISHERS)
        and user.department_id == publication.department_id
    )


def _require_publisher(by: User, publication: ResultPublication) -> None:
    if not can_publish(by, publication):
        raise PermissionDenied("只有公示部门的业务人员、科室负责人或分管领导可以办理公示")


def _require_second_person(by: User, submitted_by_id: int | None) -> None:
    if submitted_by_id == by.pk:
        raise PermissionDenied(
            "公示须经提交人以外的另一人审核（保密审查），不能自己审核自己提交的内容"
        )


def _refuse_state(publication: ResultPublication, *allowed: str) -> None:
    if publication.state not in allowed:
        names = "、".join(str(PublicationState(s).label) for s in allowed)
        raise ValidationError(
            f"该公示当前为“{publication.get_state_display()}”，此操作只适用于“{names}”状态"
        )


def _locked(publication: ResultPublication) -> ResultPublication:
    return ResultPublication.objects.select_for_update().get(pk=publication.pk)


def _locked_for_review(by: User, publication: ResultPublication) -> ResultPublication:
    """Lock a publication awaiting review, refusing the person who submitted it."""
    publication = _locked(publication)
    _refuse_state(publication, PublicationState.IN_REVIEW)
    _require_second_person(by, publication.submitted_by_id)
    return publication


def _check_text(field: str, label: str, text: str) -> None:
    found = personal_data_in(text)
    if found:
        raise ValidationError(
            {
                field: f"{label}中疑似含有{'、'.join(found)}，公示内容不得包含个人信息，请删除后再提交"
            }
        )


def _move(
    by: User | None,
    publication: ResultPublication,
    state: str,
    action: str,
    reason: str = "",
    actor_label: str | None = None,
    **fields: Any,
) -> ResultPublication:
    before = publication.state
    publication.state = state
    for name, value in fields.items():
        setattr(publication, name, value)
    publication.modified_by = by
    publication.save()
    after: dict[str, Any] = {"state": state}
    for name in ("due", "published_on", "published_late", "public_until", "classification"):
        if name in fields:
            after[name] = fields[name]
    record_event(
        action=action,
        actor=by,
        actor_label=actor_label,
        obj=publication,
        before={"state": before},
        after=after,
        reason=reason,
    )
    return publication


# --- publications ---


def open_publication(by: User, record: InspectionRecord) -> ResultPublication:
    """Called in the transaction in which a result takes effect: the publication is due within
    the department's working days (E1)."""
    effective_at = record.effective_at or timezone.now()
    effective_on = timezone.localdate(effective_at)
    deadline = add_working_days(effective_on, policy_for(record.department_id).publish_days)
    subject = record.subject
    publication = ResultPublication.objects.create(
        record=record,
        department_id=record.department_id,
        task_id=record.task_id,
        subject=subject,
        subject_name=subject.name,
        subject_code=subject.uscc,
        effective_on=effective_on,
        due=deadline.due,
        due_provisional=deadline.provisional,
        public_conclusion=record.conclusion,
        created_by=by,
        modified_by=by,
    )
    record_event(
        action="publication.opened",
        actor=by,
        obj=publication,
        after={
            "record": record.pk,
            "due": deadline.due,
            "due_provisional": deadline.provisional,
        },
    )
    return publication


def save_draft(
    by: User, publication: ResultPublication, public_conclusion: str
) -> ResultPublication:
    _require_publisher(by, publication)
    _check_text("public_conclusion", "公示说明", public_conclusion)
    with transaction.atomic():
        publication = _locked(publication)
        _refuse_state(publication, PublicationState.PENDING)
        before = publication.public_conclusion
        publication.public_conclusion = public_conclusion.strip()
        publication.modified_by = by
        publication.save()
        record_event(
            action="publication.edited",
            actor=by,
            obj=publication,
            before={"public_conclusion": before},
            after={"public_conclusion": publication.public_conclusion},
        )
    return publication


def submit(by: User, publication: ResultPublication, note: str = "") -> ResultPublication:
    """Freeze the public content from the whitelist and hand it to a second person."""
    _require_publisher(by, publication)
    with transaction.atomic():
        publication = _locked(publication)
        _refuse_state(publication, PublicationState.PENDING)
        _check_text("public_conclusion", "公示说明", publication.public_conclusion)
        content = public_content(publication.record, publication.public_conclusion)
        return _move(
            by,
            publication,
            PublicationState.IN_REVIEW,
            "publication.submitted",
            reason=note,
            content=content,
            submitted_at=timezone.now(),
            submitted_by=by,
            review_note="",
        )


def approve(by: User, publication: ResultPublication, note: str = "") -> ResultPublication:
    """The second person's review passes: the result goes public now (E1, security 16)."""
    _require_publisher(by, publication)
    with transaction.atomic():
        publication = _locked_for_review(by, publication)
        now = timezone.now()
        today = timezone.localdate(now)
        months = policy_for(publication.department_id).display_months
        return _move(
            by,
            publication,
            PublicationState.PUBLISHED,
            "publication.published",
            reason=note,
            reviewed_at=now,
            reviewed_by=by,
            review_note=note,
            published_at=now,
            published_on=today,
            published_late=today > publication.due,
            public_until=add_months(today, months),
        )


def return_for_changes(by: User, publication: ResultPublication, reason: str) -> ResultPublication:
    _require_publisher(by, publication)
    if not reason.strip():
        raise ValidationError({"reason": "退回须填写原因"})
    with transaction.atomic():
        publication = _locked_for_review(by, publication)
        return _move(
            by,
            publication,
            PublicationState.PENDING,
            "publication.returned",
            reason=reason,
            reviewed_at=timezone.now(),
            reviewed_by=by,
            review_note=reason,
        )


def withhold(
    by: User, publication: ResultPublication, classification: str, reason: str
) -> ResultPublication:
    """Security 16: a result that would disclose a state or business secret or personal privacy
    is not published; the reviewer records which and why."""
    _require_publisher(by, publication)
    if classification not in Classification.values:
        raise ValidationError({"classification": "请选择不予公示的理由类别"})
    if not reason.strip():
        raise ValidationError({"reason": "不予公示须说明依据和理由"})
    with transaction.atomic():
        publication = _locked_for_review(by, publication)
        return _move(
            by,
            publication,
            PublicationState.WITHHELD,
            "publication.withheld",
            reason=reason,
            reviewed_at=timezone.now(),
            reviewed_by=by,
            review_note=reason,
            classification=classification,
            end_reason=reason,
        )


def withdraw(by: User, publication: ResultPublication, reason: str) -> ResultPublication:
    """Take a result out of public view before its period ends, with the reason (E6)."""
    if not (
        by.is_active and by.has_role(*WITHDRAWERS) and by.department_id == publication.department_id
    ):
        raise PermissionDenied("只有公示部门的科室负责人或分管领导可以撤下公示")
    if not reason.strip():
        raise ValidationError({"reason": "撤下公示须填写原因"})
    with transaction.atomic():
        publication = _locked(publication)
        _refuse_state(publication, *PUBLIC_STATES)
        return _move(
            by,
            publication,
            PublicationState.WITHDRAWN,
            "publication.withdrawn",
            reason=reason,
            ended_at=timezone.now(),
            ended_by=by,
            end_reason=reason,
        )


def expire_ended(today: dt.date | None = None) -> int:
    """E6: results whose public period has ended leave the public view, each with its reason
    and audit event. Run daily (`manage.py publication expire`)."""
    today = today or timezone.localdate()
    done = 0
    ids = list(
        ResultPublication.objects.public()
        .filter(public_until__lt=today)
        .values_list("pk", flat=True)
    )
    for pk in ids:
        with transaction.atomic():
            publication = ResultPublication.objects.select_for_update().get(pk=pk)
            if publication.state not in PUBLIC_STATES:
                continue
            _move(
                None,
                publication,
                PublicationState.EXPIRED,
                "publication.expired",
                reason=EXPIRY_REASON,
                actor_label=SYSTEM_ACTOR,
                ended_at=timezone.now(),
                end_reason=EXPIRY_REASON,
            )
            done += 1
    return done


# --- what is shown ---


def published_changes(publication: ResultPublication) -> list[dict[str, Any]]:
    """The published corrections' changes in publication order. Reads `corrections.all()`, so a
    list that prefetches "corrections" asks nothing more per row."""
    published = [c for c in publication.corrections.all() if c.state == CorrectionState.PUBLISHED]
    published.sort(key=lambda c: (c.published_at, c.pk))
    return [c.changes for c in published]


def shown_content(publication: ResultPublication) -> dict[str, Any]:
    """What the public sees now: the frozen content with every published correction applied."""
    return displayed(publication.content, published_changes(publication))


# --- corrections (E4, E6) ---


def _check_changes(publication: ResultPublication, changes: dict[str, str]) -> dict[str, Any]:
    current = shown_content(publication)
    errors: dict[str, str] = {}
    stored: dict[str, Any] = {}
    for name, value in changes.items():
        if name not in CORRECTABLE_FIELDS:
            errors[name] = f"“{FIELD_LABELS.get(name, name)}”不能更正"
            continue
        value = (value or "").strip()
        if name == "inspected_on" and value:
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                errors[name] = "检查日期格式应为 YYYY-MM-DD"
                continue
        found = personal_data_in(value)
        if found:
            errors[name] = f"{FIELD_LABELS[name]}中疑似含有{'、'.join(found)}，不得公示"
            continue
        if value != current.get(name, ""):
            stored[name] = {"before": current.get(name, ""), "after": value}
    if errors:
        raise ValidationError(errors)
    if not stored:
        raise ValidationError("更正内容与当前公示内容相同，请填写更正后的内容")
    return stored


def start_correction(
    by: User,
    publication: ResultPublication,
    reason: str,
    changes: dict[str, str],
    verified_on: dt.date | None = None,
    objection: Objection | None = None,
) -> Correction:
    """A verified error: the correction is due within the department's working days (E6)."""
    _require_publisher(by, publication)
    if not reason.strip():
        raise ValidationError({"reason": "请填写更正原因"})
    verified_on = verified_on or timezone.localdate()
    if verified_on > timezone.localdate():
        raise ValidationError({"verified_on": "确认有误日期不能晚于今天"})
    with transaction.atomic():
        publication = _locked(publication)
        _refuse_state(publication, *PUBLIC_STATES)
        if publication.corrections.exclude(state=CorrectionState.PUBLISHED).exists():
            raise ValidationError("该公示已有一项更正正在办理，请先办结")
        stored = _check_changes(publication, changes)
        deadline = add_working_days(verified_on, policy_for(publication.department_id).correct_days)
        correction = Correction.objects.create(
            publication=publication,
            source=CorrectionSource.OBJECTION if objection else CorrectionSource.STAFF,
            objection=objection,
            verified_on=verified_on,
            due=deadline.due,
            due_provisional=deadline.provisional,
            reason=reason.strip(),
            changes=stored,
            created_by=by,
            modified_by=by,
        )
        record_event(
            action="publication.correction_started",
            actor=by,
            obj=correction,
            after={"publication": publication.pk, "changes": stored, "due": deadline.due},
            reason=reason,
        )
    return correction


def _locked_correction(correction: Correction) -> Correction:
    return (
        Correction.objects.select_for_update().select_related("publication").get(pk=correction.pk)
    )


def _move_correction(
    by: User, correction: Correction, state: str, action: str, reason: str = "", **fields: Any
) -> Correction:
    before = correction.state
    correction.state = state
    for name, value in fields.items():
        setattr(correction, name, value)
    correction.modified_by = by
    correction.save()
    record_event(
        action=action,
        actor=by,
        obj=correction,
        before={"state": before},
        after={"state": state},
        reason=reason,
    )
    return correction


def submit_correction(by: User, correction: Correction) -> Correction:
    _require_publisher(by, correction.publication)
    with transaction.atomic():
        correction = _locked_correction(correction)
        if correction.state != CorrectionState.DRAFT:
            raise ValidationError("只有待提交的更正可以提交审核")
        return _move_correction(
            by,
            correction,
            CorrectionState.IN_REVIEW,
            "publication.correction_submitted",
            submitted_at=timezone.now(),
            submitted_by=by,
        )


def approve_correction(by: User, correction: Correction, note: str = "") -> Correction:
    """The second person approves: the correction is published beside the original result."""
    _require_publisher(by, correction.publication)
    with transaction.atomic():
        correction = _locked_correction(correction)
        if correction.state != CorrectionState.IN_REVIEW:
            raise ValidationError("只有待审核的更正可以审核发布")
        _require_second_person(by, correction.submitted_by_id)
        publication = _locked(correction.publication)
        _refuse_state(publication, *PUBLIC_STATES)
        now = timezone.now()
        correction = _move_correction(
            by,
            correction,
            CorrectionState.PUBLISHED,
            "publication.correction_published",
            reason=note,
            reviewed_by=by,
            published_at=now,
            published_late=timezone.localdate(now) > correction.due,
        )
        renamed = correction.changes.get("subject_name")
        if renamed:  # the public search finds the corrected name
            publication.subject_name = renamed["after"]
            publication.save(update_fields=["subject_name"])
        if publication.state != PublicationState.CORRECTED:
            _move(
                by,
                publication,
                PublicationState.CORRECTED,
                "publication.corrected",
                reason=correction.reason,
            )
    return correction


def return_correction(by: User, correction: Correction, reason: str) -> Correction:
    _require_publisher(by, correction.publication)
    if not reason.strip():
        raise ValidationError({"reason": "退回须填写原因"})
    with transaction.atomic():
        correction = _locked_correction(correction)
        if correction.state != CorrectionState.IN_REVIEW:
            raise ValidationError("只有待审核的更正可以退回")
        _require_second_person(by, correction.submitted_by_id)
        return _move_correction(
            by, correction, CorrectionState.DRAFT, "publication.correction_returned", reason=reason
        )


# --- objections (E4) ---


def _objection_number(today: dt.date) -> str:
    while True:
        number = f"YY{today:%Y%m%d}{secrets.randbelow(10**6):06d}"
        if not Objection.objects.filter(number=number).exists():
            return number


def _clean_phone(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit() or ch == "-").strip("-")
    if not (7 <= len(digits.replace("-", "")) <= 15):
        raise ValidationError({"contact_phone": "请填写有效的联系电话（手机或座机）"})
    return digits


def find_public(task_code: str, subject_code: str) -> ResultPublication:
    """The public result an objection is about, by task code and 统一社会信用代码 (or name)."""
    found = (
        ResultPublication.objects.public()
        .filter(task__code=task_code.strip())
        .filter(subject_code=subject_code.strip().upper())
        .first()
    )
    if found is None:
        raise ValidationError(
            {"subject_code": "未找到该任务下此统一社会信用代码的公示结果，请核对任务编号和代码"}
        )
    return found


def receive_objection(
    publication: ResultPublication,
    contact_name: str,
    contact_phone: str,
    statement: str,
    by: User | None = None,
) -> Objection:
    """An objection from the public form (by=None) or entered by staff; due within
    OBJECTION_DAYS working days."""
    if by is not None:
        _require_publisher(by, publication)
    errors = {}
    if not contact_name.strip():
        errors["contact_name"] = "请填写联系人"
    if len(statement.strip()) < 10:
        errors["statement"] = "请说明异议的事实和理由（不少于 10 个字）"
    if errors:
        raise ValidationError(errors)
    phone = _clean_phone(contact_phone)
    if id_number_error(contact_name.strip()) is None:
        raise ValidationError({"contact_name": "联系人请填写姓名，不要填写身份证号码"})
    today = timezone.localdate()
    with transaction.atomic():
        publication = _locked(publication)
        _refuse_state(publication, *PUBLIC_STATES)
        deadline = add_working_days(today, settings.OBJECTION_DAYS)
        objection = Objection(
            number=_objection_number(today),
            publication=publication,
            channel=ObjectionChannel.STAFF if by else ObjectionChannel.PUBLIC,
            contact_name=contact_name.strip(),
            statement=statement.strip(),
            received_on=today,
            due=deadline.due,
            due_provisional=deadline.provisional,
            created_by=by,
            modified_by=by,
        )
        objection.set_contact_phone(phone)
        objection.save()
        record_event(
            action="publication.objection_received",
            actor=by,
            actor_label=None if by else PUBLIC_ACTOR,
            obj=objection,
            after={
                "publication": publication.pk,
                "channel": objection.channel,
                "contact_phone": objection.contact_phone_masked,
                "due": deadline.due,
            },
        )
    return objection


def start_objection_review(by: User, objection: Objection) -> Objection:
    _require_publisher(by, objection.publication)
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.state != ObjectionState.RECEIVED:
            raise ValidationError("只有已受理的异议可以开始复核")
        objection.state = ObjectionState.REVIEWING
        objection.reviewer = by
        objection.modified_by = by
        objection.save()
        record_event(
            action="publication.objection_reviewing",
            actor=by,
            obj=objection,
            before={"state": ObjectionState.RECEIVED},
            after={"state": ObjectionState.REVIEWING},
        )
    return objection


def decide_objection(
    by: User,
    objection: Objection,
    decision: str,
    decision_text: str,
    feedback_on: dt.date | None = None,
    feedback_method: str = "",
    changes: dict[str, str] | None = None,
) -> Objection:
    """复核结论. 予以更正 opens a correction (which a second person still has to approve);
    the decision text is published beside the result."""
    _require_publisher(by, objection.publication)
    if decision not in ObjectionDecision.values:
        raise ValidationError({"decision": "请选择复核结论"})
    if not decision_text.strip():
        raise ValidationError({"decision_text": "请填写复核意见"})
    _check_text("decision_text", "复核意见", decision_text)
    if decision == ObjectionDecision.CORRECTED and not changes:
        raise ValidationError({"changes": "予以更正须填写更正后的内容"})
    with transaction.atomic():
        objection = Objection.objects.select_for_update().get(pk=objection.pk)
        if objection.state == ObjectionState.DECIDED:
            raise ValidationError("该异议已办结")
        before = objection.state
        objection.state = ObjectionState.DECIDED
        objection.decision = decision
        objection.decision_text = decision_text.strip()
        objection.decided_at = timezone.now()
        objection.decided_by = by
        objection.reviewer = objection.reviewer or by
        objection.feedback_on = feedback_on
        objection.feedback_method = feedback_method
        objection.modified_by = by
        objection.save()
        record_event(
            action="publication.objection_decided",
            actor=by,
            obj=objection,
            before={"state": before},
            after={"state": ObjectionState.DECIDED, "decision": decision},
            reason=decision_text,
        )
        if decision == ObjectionDecision.CORRECTED:
            start_correction(
                by,
                objection.publication,
                reason=f"异议复核（{objection.number}）：{decision_text.strip()}",
                changes=changes or {},
                objection=objection,
            )
    return objection


# --- figures for the home page and lists ---


def counts_for(user: User, today: dt.date | None = None) -> dict[str, int]:
    today = today or timezone.localdate()
    publications = ResultPublication.objects.for_user(user)
    return {
        "overdue": publications.overdue(today).count(),
        "due_soon": publications.due_by(today, due_soon_last_day(today)).count(),
        "in_review": publications.filter(state=PublicationState.IN_REVIEW).count(),
        "objections_open": Objection.objects.for_user(user)
        .exclude(state=ObjectionState.DECIDED)
        .count(),
        "corrections_open": Correction.objects.for_user(user)
        .exclude(state=CorrectionState.PUBLISHED)
        .count(),
    }


__all__ = ["OPEN_STATES"]
