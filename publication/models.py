"""一公开 (E1, E3, E4, E6): the publication of each effective inspection result, its second-person
review, corrections and objections. The public sees only `content` (built from a whitelist by
`publication.content`) and the published corrections and objection outcomes beside it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.models import TimeStampedModel
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

if TYPE_CHECKING:
    from accounts.models import User

CONTACT_PHONE_CONTEXT = "publication.objection.phone"


class PublicationPolicy(models.Model):
    """A department's deadlines (E1: 20, 15 or 10 working days in the seeds; E6: corrections
    within 5) and how long a result stays public. Departments without a row use the settings."""

    department = models.OneToOneField(
        "organisations.Department",
        verbose_name=_("部门"),
        on_delete=models.PROTECT,
        related_name="publication_policy",
    )
    publish_days = models.PositiveSmallIntegerField(
        _("公示期限（工作日）"), help_text=_("检查结果生效后多少个工作日内公示")
    )
    correct_days = models.PositiveSmallIntegerField(
        _("更正期限（工作日）"), help_text=_("确认有误后多少个工作日内更正")
    )
    display_months = models.PositiveSmallIntegerField(
        _("公示期（月）"), help_text=_("公示期满后自动撤下（信用修复）")
    )

    class Meta:
        verbose_name = _("公示期限设置")
        verbose_name_plural = _("公示期限设置")
        constraints = [
            models.CheckConstraint(
                condition=Q(publish_days__gte=1)
                & Q(correct_days__gte=1)
                & Q(display_months__gte=1),
                name="publication_policy_positive",
                violation_error_message="期限须为正整数",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} · {self.publish_days} 个工作日"


class ResultPublicationQuerySet(models.QuerySet["ResultPublication"]):
    def for_user(self, user: User) -> ResultPublicationQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(department_id__in=visible_department_ids(user))

    def public(self) -> ResultPublicationQuerySet:
        return self.filter(state__in=PUBLIC_STATES)

    def open(self) -> ResultPublicationQuerySet:
        return self.filter(state__in=OPEN_STATES)

    def overdue(self, today: dt.date) -> ResultPublicationQuerySet:
        return self.open().filter(due__lt=today)

    def due_by(self, today: dt.date, last_day: dt.date) -> ResultPublicationQuerySet:
        """Open and due between today and last_day, both included (due soon)."""
        return self.open().filter(due__gte=today, due__lte=last_day)


class ResultPublication(TimeStampedModel):
    """One effective inspection result and its way to the public."""

    record = models.OneToOneField(
        "inspections.InspectionRecord",
        verbose_name=_("检查记录"),
        on_delete=models.PROTECT,
        related_name="publication",
    )
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("公示部门"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="publications",
    )
    # Denormalised for the public search (E2): the name and code as published.
    subject_name = models.CharField(_("检查对象名称"), max_length=200, db_index=True)
    subject_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    state = models.CharField(
        _("状态"),
        max_length=16,
        choices=PublicationState.choices,
        default=PublicationState.PENDING,
    )
    effective_on = models.DateField(_("结果生效日期"))
    due = models.DateField(_("应公示日期"))
    due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    public_conclusion = models.TextField(
        _("公示说明"), blank=True, help_text=_("公开的检查结论说明，不得含个人隐私、商业秘密")
    )
    content = models.JSONField(_("公示内容"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    review_note = models.TextField(_("审核意见"), blank=True)
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_on = models.DateField(_("公示日期"), null=True, blank=True)
    published_late = models.BooleanField(_("逾期公示"), default=False)
    public_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    classification = models.CharField(
        _("不予公示理由类别"), max_length=16, choices=Classification.choices, blank=True
    )
    ended_at = models.DateTimeField(_("撤下时间"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤下人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    end_reason = models.TextField(_("撤下或不予公示原因"), blank=True)

    objects = ResultPublicationQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("检查结果公示")
        verbose_name_plural = _("检查结果公示")
        indexes = [
            models.Index(fields=["state", "due"], name="publication_state_due"),
            models.Index(fields=["department", "state"], name="publication_dept_state"),
            models.Index(fields=["state", "public_until"], name="publication_state_until"),
            models.Index(
                fields=["-published_on", "-id"],
                name="publication_public_order",
                condition=Q(state__in=PUBLIC_STATES),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=PublicationState.WITHHELD) | ~Q(classification=""),
                name="publication_withheld_has_class",
                violation_error_message="不予公示须说明理由类别",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=[PublicationState.WITHDRAWN, PublicationState.EXPIRED])
                | ~Q(end_reason=""),
                name="publication_end_has_reason",
                violation_error_message="撤下须记录原因",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.task_id}"

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class CorrectionQuerySet(models.QuerySet["Correction"]):
    def for_user(self, user: User) -> CorrectionQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(publication__department_id__in=visible_department_ids(user))

    def overdue(self, today: dt.date) -> CorrectionQuerySet:
        return self.exclude(state=CorrectionState.PUBLISHED).filter(due__lt=today)


class Correction(TimeStampedModel):
    """更正 (E4, E6): a verified error in a published result, corrected within N working days
    after a second person's review and shown beside the original, which stays visible."""

    publication = models.ForeignKey(
        ResultPublication,
        verbose_name=_("检查结果公示"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    source = models.CharField(_("来源"), max_length=16, choices=CorrectionSource.choices)
    objection = models.ForeignKey(
        "Objection",
        verbose_name=_("异议"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=CorrectionState.choices, default=CorrectionState.DRAFT
    )
    verified_on = models.DateField(_("确认有误日期"))
    due = models.DateField(_("应更正日期"))
    due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    reason = models.TextField(_("更正原因"))
    changes = models.JSONField(_("更正内容"), default=dict, help_text=_("公示字段：更正前、更正后"))
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("公示时间"), null=True, blank=True)
    published_late = models.BooleanField(_("逾期更正"), default=False)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["publication", "created_at", "pk"]
        verbose_name = _("更正")
        verbose_name_plural = _("更正")

    def __str__(self) -> str:
        return f"更正 · {self.publication}"

    @property
    def labelled_changes(self) -> list[tuple[str, str, str]]:
        from publication.content import FIELD_LABELS

        return [
            (FIELD_LABELS.get(name, name), str(c.get("before", "")), str(c.get("after", "")))
            for name, c in self.changes.items()
        ]


class ObjectionQuerySet(models.QuerySet["Objection"]):
    def for_user(self, user: User) -> ObjectionQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(publication__department_id__in=visible_department_ids(user))

    def overdue(self, today: dt.date) -> ObjectionQuerySet:
        return self.exclude(state=ObjectionState.DECIDED).filter(due__lt=today)


class Objection(TimeStampedModel):
    """异议 (E4): the subject asks for re-examination (复核) of a published result; the decision
    is fed back to it and published beside the result. The contact is personal data: the
    phone is encrypted and never published."""

    number = models.CharField(_("受理编号"), max_length=32, unique=True)
    publication = models.ForeignKey(
        ResultPublication,
        verbose_name=_("检查结果公示"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    channel = models.CharField(_("提出方式"), max_length=16, choices=ObjectionChannel.choices)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone_cipher = models.TextField(_("联系电话（密文）"), editable=False)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=24, editable=False)
    statement = models.TextField(_("异议内容"))
    state = models.CharField(
        _("状态"), max_length=16, choices=ObjectionState.choices, default=ObjectionState.RECEIVED
    )
    received_on = models.DateField(_("受理日期"))
    due = models.DateField(_("应办结日期"))
    due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decision = models.CharField(
        _("复核结论"), max_length=16, choices=ObjectionDecision.choices, blank=True
    )
    decision_text = models.TextField(
        _("复核意见（公开）"), blank=True, help_text=_("与检查结果一并公示，不得含个人信息")
    )
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    feedback_on = models.DateField(_("反馈日期"), null=True, blank=True)
    feedback_method = models.CharField(_("反馈方式"), max_length=50, blank=True)

    objects = ObjectionQuerySet.as_manager()

    class Meta:
        ordering = ["-received_on", "-pk"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state=ObjectionState.DECIDED) | ~Q(decision=""),
                name="objection_decided_has_decision",
                violation_error_message="办结须给出复核结论",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} · {self.publication}"

    def set_contact_phone(self, phone: str) -> None:
        self.contact_phone_cipher = crypto.encrypt(phone, CONTACT_PHONE_CONTEXT)
        self.contact_phone_masked = crypto.mask_phone(phone)

    @property
    def contact_phone(self) -> str:
        return crypto.decrypt(self.contact_phone_cipher, CONTACT_PHONE_CONTEXT)
