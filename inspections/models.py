"""检查记录表 (D1, D2, D5, D7), its review (D3) and the follow-up that an effective result
calls for (D4). One record per subject per task, covering every item of the task."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.models import ArchivableModel, ReferenceDataModel, TimeStampedModel
from inspections.choices import (
    OPEN_FOLLOW_UP_STATUSES,
    Confirmation,
    FeedbackMethod,
    FollowUpAction,
    FollowUpKind,
    FollowUpStatus,
    PointOutcome,
    RecordStatus,
)

if TYPE_CHECKING:
    from accounts.models import User


class ResultCategory(ReferenceDataModel):
    """检查结果 (D2): reference data an administrator can extend and switch off, never remove."""

    adverse = models.BooleanField(_("发现问题"), default=False)
    refusal = models.BooleanField(
        _("拒绝检查或弄虚作假"), default=False, help_text=_("D5：如实记录并公示")
    )
    default_action = models.CharField(
        _("默认后续处置"), max_length=16, choices=FollowUpAction.choices, blank=True
    )

    class Meta(ReferenceDataModel.Meta):
        verbose_name = _("检查结果类别")
        verbose_name_plural = _("检查结果类别")


class InspectionRecordQuerySet(models.QuerySet["InspectionRecord"]):
    def for_user(self, user: User) -> InspectionRecordQuerySet:
        """Records of tasks led or joined by a visible department, or inspected by one."""
        from accounts.scope import visible_department_ids
        from tasks.models import Task

        ids = visible_department_ids(user)
        joined = Task.participants.through.objects.filter(
            task_id=OuterRef("task_id"), department_id__in=ids
        )
        return self.filter(
            Q(department_id__in=ids) | Q(task__department_id__in=ids) | Exists(joined)
        )

    def mine(self, user: User) -> InspectionRecordQuerySet:
        """Records on whose team the user sits (an active member whose registry entry is linked
        to the user's account)."""
        from tasks.models import TeamMember

        member = TeamMember.objects.filter(
            team_draw_id=OuterRef("team_draw_id"),
            subject_id=OuterRef("subject_id"),
            active=True,
            inspector__account=user,
        )
        return self.filter(Exists(member))

    def follow_up_overdue(self, today: dt.date) -> InspectionRecordQuerySet:
        return self.filter(
            status=RecordStatus.APPROVED,
            follow_up_due__lt=today,
            follow_up_closed_at__isnull=True,
        )


class InspectionRecord(TimeStampedModel):
    """检查记录表: checklist, method, on-site notes with the subject's confirmation, evidence,
    result category and follow-up action; reviewed by the unit head before it takes effect."""

    task = models.ForeignKey(
        "tasks.Task", verbose_name=_("抽查任务"), on_delete=models.PROTECT, related_name="records"
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="inspection_records",
    )
    drawn_subject = models.ForeignKey(
        "tasks.DrawnSubject",
        verbose_name=_("抽取记录"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("检查部门"),
        on_delete=models.PROTECT,
        related_name="inspection_records",
    )
    team_draw = models.ForeignKey(
        "tasks.TeamDraw",
        verbose_name=_("检查人员抽取"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    inspected_on = models.DateField(_("检查日期"), null=True, blank=True)
    methods = models.CharField(_("核查方式"), max_length=200, blank=True)
    onsite_notes = models.TextField(_("现场检查笔录"), blank=True)
    confirmation = models.CharField(
        _("当事人确认"), max_length=16, choices=Confirmation.choices, default=Confirmation.PENDING
    )
    confirmed_by_name = models.CharField(_("签字（拒签）人"), max_length=50, blank=True)
    confirmed_at = models.DateTimeField(_("签字（拒签）时间"), null=True, blank=True)
    refusal_reason = models.TextField(_("拒签理由"), blank=True)
    result = models.ForeignKey(
        ResultCategory,
        verbose_name=_("检查结果"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
    )
    conclusion = models.TextField(_("检查结论说明"), blank=True)
    follow_up_action = models.CharField(
        _("后续处置措施"), max_length=16, choices=FollowUpAction.choices, blank=True
    )
    late_entry = models.BooleanField(_("补录"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("审核人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    effective_at = models.DateTimeField(_("结果生效时间"), null=True, blank=True)
    feedback_on = models.DateField(_("反馈检查对象日期"), null=True, blank=True)
    feedback_method = models.CharField(
        _("反馈方式"), max_length=16, choices=FeedbackMethod.choices, blank=True
    )
    follow_up_due = models.DateField(_("后续处置结果应录入日期"), null=True, blank=True)
    follow_up_due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    follow_up_closed_at = models.DateTimeField(_("后续处置办结时间"), null=True, blank=True)

    objects = InspectionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-task_id", "subject__name", "pk"]
        verbose_name = _("检查记录表")
        verbose_name_plural = _("检查记录表")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "subject"],
                name="inspection_record_once_per_task_subject",
                violation_error_message="该任务已有此检查对象的检查记录",
            ),
        ]
        indexes = [models.Index(fields=["status", "follow_up_due"], name="record_follow_up_due")]

    def __str__(self) -> str:
        return f"{self.task} · {self.subject}"

    @property
    def method_list(self) -> list[str]:
        return [m for m in self.methods.split(",") if m]

    @property
    def method_labels(self) -> str:
        from inspections.choices import CheckMethod

        return "、".join(str(CheckMethod(m).label) for m in self.method_list)

    @property
    def needs_follow_up(self) -> bool:
        return self.follow_up_action not in ("", FollowUpAction.NONE)


class ChecklistResult(models.Model):
    """One point of an item's 抽查内容 on a record: 符合/不符合/不适用 and a note. The point's text
    is kept, so a later change of the item list does not change what was checked."""

    record = models.ForeignKey(InspectionRecord, on_delete=models.PROTECT, related_name="checklist")
    point = models.ForeignKey(
        "items.ChecklistPoint",
        verbose_name=_("检查要点"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    item = models.ForeignKey(
        "items.InspectionItem", verbose_name=_("抽查事项"), on_delete=models.PROTECT
    )
    seq = models.PositiveIntegerField(_("序号"))
    text = models.TextField(_("检查内容"))
    outcome = models.CharField(
        _("检查情况"), max_length=8, choices=PointOutcome.choices, blank=True
    )
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["record", "item_id", "seq"]
        verbose_name = _("检查要点结果")
        verbose_name_plural = _("检查要点结果")
        constraints = [
            models.UniqueConstraint(
                fields=["record", "item", "seq"], name="checklist_result_once_per_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text[:40]}"


class Evidence(TimeStampedModel, ArchivableModel):
    """证据材料: stored outside the web root under a random name; archived, never deleted."""

    record = models.ForeignKey(InspectionRecord, on_delete=models.PROTECT, related_name="evidence")
    original_name = models.CharField(_("文件名"), max_length=255)
    stored_name = models.CharField(_("存储名"), max_length=80, unique=True, editable=False)
    kind = models.CharField(_("文件类型"), max_length=8)
    content_type = models.CharField(_("内容类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    source = models.CharField(_("来源说明"), max_length=500)

    class Meta:
        ordering = ["record", "created_at"]
        verbose_name = _("证据材料")
        verbose_name_plural = _("证据材料")

    def __str__(self) -> str:
        return self.original_name


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    def for_user(self, user: User) -> FollowUpQuerySet:
        """Follow-ups of visible records, and transfers addressed to a visible department."""
        from accounts.scope import visible_department_ids

        ids = visible_department_ids(user)
        records = InspectionRecord.objects.for_user(user).filter(pk=OuterRef("record_id"))
        return self.filter(Exists(records) | Q(target_department_id__in=ids))

    def overdue(self, today: dt.date) -> FollowUpQuerySet:
        return self.filter(status__in=OPEN_FOLLOW_UP_STATUSES, due__lt=today)


class FollowUp(TimeStampedModel):
    """后续处置 (D4): 责令改正 with its deadline and re-check, 立案, 移送 with the receiving
    department's acknowledgement, 涉嫌犯罪移送."""

    record = models.ForeignKey(
        InspectionRecord,
        verbose_name=_("检查记录"),
        on_delete=models.PROTECT,
        related_name="follow_ups",
    )
    kind = models.CharField(_("处置类型"), max_length=16, choices=FollowUpKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    started_on = models.DateField(_("处置日期"))
    due = models.DateField(_("期限"))
    due_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    working_days = models.PositiveIntegerField(_("期限（工作日）"))
    description = models.TextField(_("处置内容"), blank=True)
    case_number = models.CharField(_("案件编号"), max_length=64, blank=True)
    target_department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("移送部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_follow_ups",
    )
    agency = models.CharField(_("接收机关"), max_length=200, blank=True)
    acknowledged_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("接收确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("接收确认时间"), null=True, blank=True)
    rechecked_on = models.DateField(_("复查日期"), null=True, blank=True)
    rectified = models.BooleanField(_("已改正"), null=True, blank=True)
    outcome = models.TextField(_("处置结果"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("后续处置")
        verbose_name_plural = _("后续处置")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind=FollowUpKind.CASE) | ~Q(case_number=""),
                name="follow_up_case_has_number",
                violation_error_message="立案须填写案件编号",
            ),
            models.CheckConstraint(
                condition=~Q(kind=FollowUpKind.TRANSFER) | Q(target_department__isnull=False),
                name="follow_up_transfer_has_department",
                violation_error_message="移送须选择接收部门",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.record}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_FOLLOW_UP_STATUSES
