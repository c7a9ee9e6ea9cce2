"""抽查任务 (C1, C10, C12) and the subject draw with its commitment, witnesses and lock (C2–C5,
C11). The draw itself is computed by the `suiji` engine; these models keep its record."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from tasks.choices import LIVE_DRAW_STATUSES, RANDOM_TRIGGERS, DrawStatus, TaskStatus, TaskTrigger

if TYPE_CHECKING:
    from accounts.models import User


class TaskQuerySet(models.QuerySet["Task"]):
    def for_user(self, user: User) -> TaskQuerySet:
        """Tasks led or joined by a department the user may see, or distributed to it (C6)."""
        from accounts.scope import visible_department_ids

        ids = visible_department_ids(user)
        return self.filter(
            Q(department_id__in=ids)
            | Q(participants__in=ids)
            | Q(draws__selections__assigned_department__in=ids)
        ).distinct()


class Task(TimeStampedModel):
    """一次抽查任务. `code` is stable and public: printed documents link to it (D8)."""

    code = models.CharField(_("任务编号"), max_length=40, unique=True)
    name = models.CharField(_("任务名称"), max_length=200)
    year = models.PositiveIntegerField(_("年度"))
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("牵头部门"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    participants = models.ManyToManyField(
        "organisations.Department",
        verbose_name=_("配合部门"),
        blank=True,
        related_name="joined_tasks",
    )
    plan_entry = models.ForeignKey(
        "plans.PlanEntry",
        verbose_name=_("计划条目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    trigger = models.CharField(_("任务来源"), max_length=16, choices=TaskTrigger.choices)
    reason = models.TextField(_("来源说明"), blank=True, help_text=_("临时抽查或定向检查的原因"))
    items = models.ManyToManyField(
        "items.InspectionItem", verbose_name=_("抽查事项"), related_name="tasks"
    )
    methods = models.CharField(_("抽查方式"), max_length=100, blank=True)
    window_start = models.DateField(_("检查开始日期"))
    window_end = models.DateField(_("检查截止日期"))
    status = models.CharField(
        _("状态"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.PREPARING
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("抽查任务")
        verbose_name_plural = _("抽查任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_end__gte=models.F("window_start")),
                name="task_window_order",
                violation_error_message="检查截止日期不能早于开始日期",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_random(self) -> bool:
        return self.trigger in RANDOM_TRIGGERS

    @property
    def is_joint(self) -> bool:
        return self.participants.exists()


class SubjectDraw(TimeStampedModel):
    """One subject draw of a task: commitment first, then the seed, then the locked result.
    A voided draw stays with its reason and approver; at most one draw per task is live."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="draws"
    )
    number = models.PositiveIntegerField(_("第几次抽取"))
    status = models.CharField(
        _("状态"), max_length=20, choices=DrawStatus.choices, default=DrawStatus.COMMITTED
    )
    settings = models.JSONField(_("抽取设置"), default=dict)
    conditions = models.JSONField(_("定向条件"), default=dict, blank=True)
    params = models.JSONField(_("抽取参数"), null=True, blank=True)
    commitment = models.JSONField(_("承诺"), null=True, blank=True)
    commitment_digest = models.CharField(_("承诺摘要"), max_length=64, blank=True)
    committed_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    pool_file = models.CharField(_("候选名单文件"), max_length=255, blank=True)
    pool_count = models.PositiveIntegerField(_("候选名单数"), default=0)
    mapping_file = models.CharField(
        _("假名对照表文件"),
        max_length=255,
        blank=True,
        help_text=_("假名 → 公开标识、盐值及定层依据；内部保存，不公开"),
    )
    internal = models.JSONField(
        _("内部抽取数据"),
        default=dict,
        blank=True,
        help_text=_("层号与内部分层的对应、对照表摘要、信用加权规则；不公开"),
    )
    lottery_results = models.JSONField(_("彩票开奖结果"), default=dict, blank=True)
    record = models.JSONField(_("抽取记录"), null=True, blank=True)
    seed = models.CharField(_("种子"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("抽取人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void_reason = models.TextField(_("作废原因"), blank=True)
    void_requested_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("申请作废人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    void_approved_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("批准作废人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        ordering = ["task", "number"]
        verbose_name = _("检查对象抽取")
        verbose_name_plural = _("检查对象抽取")
        constraints = [
            models.UniqueConstraint(
                fields=["task", "number"],
                name="draw_unique_number",
                violation_error_message="该任务已有同序号的抽取",
            ),
            models.UniqueConstraint(
                fields=["task"],
                condition=Q(status__in=LIVE_DRAW_STATUSES),
                name="draw_one_live_per_task",
                violation_error_message="该任务已有一次有效抽取；须先经批准作废才能重新抽取",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · 第 {self.number} 次抽取"

    @property
    def is_locked(self) -> bool:
        return self.status in (DrawStatus.LOCKED, DrawStatus.VOID_REQUESTED)


class Witness(models.Model):
    """A witness of a draw: only the commitment is stored before the draw; the secret is
    entered again by the witness at the draw (commit–reveal, suiji §6.2)."""

    draw = models.ForeignKey(SubjectDraw, on_delete=models.PROTECT, related_name="witnesses")
    user = models.ForeignKey("accounts.User", verbose_name=_("见证人"), on_delete=models.PROTECT)
    name = models.CharField(_("姓名"), max_length=50)
    seq = models.PositiveSmallIntegerField(_("顺序"))
    commitment = models.CharField(_("承诺值"), max_length=64, blank=True)
    secret = models.CharField(_("揭示的秘密"), max_length=200, blank=True)
    revealed_at = models.DateTimeField(_("揭示时间"), null=True, blank=True)

    class Meta:
        ordering = ["draw", "seq"]
        verbose_name = _("见证人")
        verbose_name_plural = _("见证人")
        constraints = [
            models.UniqueConstraint(fields=["draw", "user"], name="witness_once_per_draw"),
        ]

    def __str__(self) -> str:
        return self.name


class DrawnSubject(models.Model):
    """One selected or substitute subject of a draw, as the record lists it."""

    draw = models.ForeignKey(SubjectDraw, on_delete=models.PROTECT, related_name="selections")
    subject = models.ForeignKey("subjects.Subject", on_delete=models.PROTECT, related_name="draws")
    public_id = models.CharField(_("公开标识"), max_length=80)
    pseudonym = models.CharField(_("假名"), max_length=64, blank=True)
    salt = models.CharField(_("盐值"), max_length=32, blank=True)
    layer = models.CharField(_("公开层名"), max_length=50, blank=True)
    stratum = models.CharField(_("层"), max_length=50)
    rank = models.PositiveIntegerField(_("名次"))
    key = models.CharField(_("排序键"), max_length=64)
    is_substitute = models.BooleanField(_("备选"), default=False)
    assigned_department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("分派至"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["draw", "is_substitute", "stratum", "rank"]
        verbose_name = _("抽中对象")
        verbose_name_plural = _("抽中对象")
        constraints = [
            models.UniqueConstraint(fields=["draw", "subject"], name="drawn_subject_once"),
        ]

    def __str__(self) -> str:
        return f"{self.stratum} #{self.rank} {self.public_id}"


class Conflict(TimeStampedModel):
    """回避 (C9): an inspector–subject pair that must never be assigned, with its reason."""

    inspector = models.ForeignKey(
        "inspectors.Inspector",
        verbose_name=_("检查人员"),
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    subject = models.ForeignKey(
        "subjects.Subject",
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="conflicts",
    )
    reason = models.TextField(_("回避原因"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "subject"], name="conflict_once"),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} ↔ {self.subject}"


class TeamDraw(TimeStampedModel):
    """The inspector draw (C7–C9) for the locked subjects of one department: its own suiji
    record, whose pool is the locked list and whose assignment gives the teams."""

    task = models.ForeignKey(
        Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="team_draws"
    )
    subject_draw = models.ForeignKey(
        SubjectDraw,
        verbose_name=_("检查对象抽取"),
        on_delete=models.PROTECT,
        related_name="team_draws",
    )
    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("选派部门"),
        on_delete=models.PROTECT,
        related_name="team_draws",
    )
    params = models.JSONField(_("抽取参数"))
    commitment_digest = models.CharField(_("承诺摘要"), max_length=64)
    pool_file = models.CharField(_("对象名单文件"), max_length=255)
    library_file = models.CharField(_("检查人员名录文件"), max_length=255)
    record = models.JSONField(_("抽取记录"))
    seed = models.CharField(_("种子"), max_length=64)
    drawn_at = models.DateTimeField(_("抽取时间"))
    drawn_by = models.ForeignKey(
        "accounts.User", verbose_name=_("抽取人"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["task", "department"]
        verbose_name = _("检查人员抽取")
        verbose_name_plural = _("检查人员抽取")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_draw", "department"],
                name="team_draw_once_per_department",
                violation_error_message="该部门已为本次抽取的检查对象选派过检查人员",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} · {self.department} 检查人员"


class TeamMember(models.Model):
    """One person on one subject's team. A recusal deactivates the row and adds the replacement."""

    team_draw = models.ForeignKey(TeamDraw, on_delete=models.PROTECT, related_name="members")
    subject = models.ForeignKey(
        "subjects.Subject", on_delete=models.PROTECT, related_name="team_members"
    )
    inspector = models.ForeignKey(
        "inspectors.Inspector",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_members",
    )
    expert = models.ForeignKey(
        "inspectors.Expert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="team_members",
    )
    group = models.CharField(_("分组"), max_length=50)
    substitute = models.BooleanField(_("递补"), default=False)
    step = models.PositiveIntegerField(_("产生于第几步"), default=0)
    active = models.BooleanField(_("在组"), default=True)

    class Meta:
        ordering = ["team_draw", "subject", "group", "pk"]
        verbose_name = _("检查组成员")
        verbose_name_plural = _("检查组成员")

    def __str__(self) -> str:
        return str(self.inspector or self.expert)

    @property
    def person(self) -> object:
        return self.inspector or self.expert


class Recusal(TimeStampedModel):
    """A recusal after the draw: the removed member, the replacement and the reason (C9)."""

    team_draw = models.ForeignKey(TeamDraw, on_delete=models.PROTECT, related_name="recusals")
    removed = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="+")
    replacement = models.ForeignKey(TeamMember, on_delete=models.PROTECT, related_name="+")
    step = models.PositiveIntegerField(_("步骤"))
    reason = models.TextField(_("回避原因"))

    class Meta:
        ordering = ["team_draw", "step"]
        verbose_name = _("回避替换")
        verbose_name_plural = _("回避替换")

    def __str__(self) -> str:
        return f"{self.removed} → {self.replacement}"


class TaskSummary(TimeStampedModel):
    """抽查工作总结 (D6): generated from the task's data when it completes, then edited."""

    task = models.OneToOneField(
        Task, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="summary"
    )
    figures = models.JSONField(_("统计数据"))
    text = models.TextField(_("总结正文"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("抽查工作总结")
        verbose_name_plural = _("抽查工作总结")

    def __str__(self) -> str:
        return f"{self.task} 总结"
