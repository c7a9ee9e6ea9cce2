"""检查对象名录库 (A4–A7): subjects, their reference data, sub-libraries and removal requests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ArchivableModel, ReferenceDataModel, TimeStampedModel
from organisations.choices import Sector
from subjects.choices import (
    CreditRiskClass,
    IndustryLevel,
    OperatingStatus,
    RemovalReason,
    RemovalStatus,
)

if TYPE_CHECKING:
    from accounts.models import User

USCC_PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"


class SubjectType(ReferenceDataModel):
    """企业、个体工商户、农民专业合作社、产品、项目、场所、行为… an administrator can add more."""

    has_uscc = models.BooleanField(_("须有统一社会信用代码"), default=False)
    is_natural_person = models.BooleanField(
        _("自然人经营者"),
        default=False,
        help_text=_("个体工商户等：住所、电话、身份证号永不公示（个人信息保护）"),
    )

    class Meta(ReferenceDataModel.Meta):
        verbose_name = _("检查对象类型")
        verbose_name_plural = _("检查对象类型")


class Industry(ReferenceDataModel):
    """国民经济行业分类 GB/T 4754-2017: 门类 (A–T) and 大类 (01–97)."""

    level = models.CharField(_("层级"), max_length=16, choices=IndustryLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属门类"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta(ReferenceDataModel.Meta):
        verbose_name = _("国民经济行业")
        verbose_name_plural = _("国民经济行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class LicenceType(ReferenceDataModel):
    """许可证类型 (食品经营许可证、采矿许可证…): a sub-library dimension (A5)."""

    sector = models.CharField(_("行业系统"), max_length=32, choices=Sector.choices, blank=True)

    class Meta(ReferenceDataModel.Meta):
        verbose_name = _("许可证类型")
        verbose_name_plural = _("许可证类型")


class TagQuerySet(models.QuerySet["Tag"]):
    def for_user(self, user: User) -> TagQuerySet:
        """Tags of the user's departments (archived ones too, for history) and active tags other
        departments share with them."""
        from accounts.scope import visible_department_ids

        ids = visible_department_ids(user)
        if not ids:
            return self.none()
        shared = Tag.shared_with.through.objects.filter(
            department_id__in=ids, tag__is_archived=False
        ).values("tag_id")
        return self.filter(Q(department_id__in=ids) | Q(pk__in=shared))

    def active(self) -> TagQuerySet:
        return self.filter(is_archived=False)


class Tag(TimeStampedModel, ArchivableModel):
    """分类标注 / 子库. A shared tag (共享子库) lets the departments named in `shared_with` see the
    tagged subjects, for subjects several departments supervise jointly (A5, A10). A tag is
    archived, never deleted: it is no longer offered for labelling, no longer shares its subjects,
    and keeps its links for the record."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="subject_tags",
    )
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    shared_with = models.ManyToManyField(
        "organisations.Department",
        verbose_name=_("共享给"),
        blank=True,
        related_name="+",
    )

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("子库标签")
        verbose_name_plural = _("子库标签")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="tag_unique_name_in_department",
                violation_error_message="本部门已有同名标签",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SavedFilter(TimeStampedModel):
    """A named set of list filters (e.g. “D 类食品经营者”): a sub-library by conditions (A5)."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="saved_subject_filters",
    )
    name = models.CharField(_("名称"), max_length=50)
    query = models.CharField(_("筛选条件"), max_length=1000)

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("保存的筛选（子库）")
        verbose_name_plural = _("保存的筛选（子库）")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name"],
                name="saved_filter_unique_name",
                violation_error_message="本部门已有同名的子库",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SubjectQuerySet(models.QuerySet["Subject"]):
    def for_user(self, user: User) -> SubjectQuerySet:
        """Own department and below (or conference members), plus subjects in sub-libraries
        shared with those departments."""
        from accounts.scope import visible_department_ids

        ids = visible_department_ids(user)
        if not ids:
            return self.none()
        shared = Subject.tags.through.objects.filter(
            tag__shared_with__in=ids, tag__is_archived=False
        ).values("subject_id")
        return self.filter(Q(department_id__in=ids) | Q(pk__in=shared))

    def active(self) -> SubjectQuerySet:
        return self.filter(is_archived=False)


class Subject(TimeStampedModel, ArchivableModel):
    """检查对象 (A4). `code` identifies it within its department (the USCC when it has one).

    Large registries are imported in bulk (100,000 rows in seconds), so this table carries only
    what queries use: the department is the prefix of the unique (department, code) index, and
    the actor, type, region and industry columns have no index of their own. Its references
    (`REFERENCES_CHECKED_BY_APPLICATION`) have no foreign-key constraint in the database: on
    PostgreSQL each constraint is checked row by row (about 10 µs each, seven per subject with
    its links), which cost more than the whole import. The referenced rows are never deleted
    (reference data is switched off, departments and users are archived), Django still refuses
    to delete a referenced row (PROTECT), every writer sets them from rows it has just read, and
    `manage.py check_references` finds any dangling one set-based."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="subjects",
        db_index=False,
        db_constraint=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    is_archived = models.BooleanField(_("已归档"), default=False)  # (department, is_archived)
    code = models.CharField(_("对象编码"), max_length=64)
    subject_type = models.ForeignKey(
        SubjectType,
        verbose_name=_("对象类型"),
        on_delete=models.PROTECT,
        related_name="subjects",
        db_index=False,
        db_constraint=False,
    )
    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人（负责人）"), max_length=50, blank=True)
    address = models.CharField(_("住所（经营场所）"), max_length=255, blank=True)
    region = models.ForeignKey(
        "organisations.Region",
        verbose_name=_("行政区划"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    town = models.CharField(_("乡镇（街道）"), max_length=50, blank=True)
    industry = models.ForeignKey(
        Industry,
        verbose_name=_("行业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subjects",
        db_index=False,
        db_constraint=False,
    )
    licence_types = models.ManyToManyField(
        LicenceType,
        verbose_name=_("许可证类型"),
        blank=True,
        related_name="subjects",
        db_constraint=False,
    )
    operating_status = models.CharField(
        _("经营状态"),
        max_length=16,
        choices=OperatingStatus.choices,
        default=OperatingStatus.ACTIVE,
    )
    credit_risk_class = models.CharField(
        _("信用风险分类"), max_length=1, choices=CreditRiskClass.choices, blank=True
    )
    abnormal_list = models.BooleanField(_("列入经营异常名录"), default=False)
    serious_violation_list = models.BooleanField(_("列入严重违法失信名单"), default=False)
    complaint_count = models.PositiveIntegerField(_("投诉举报次数"), default=0)
    applicable_items = models.ManyToManyField(
        "items.InspectionItem",
        verbose_name=_("适用的抽查事项"),
        blank=True,
        related_name="subjects",
        db_constraint=False,
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("子库标签"), blank=True, related_name="subjects", db_constraint=False
    )
    import_batch = models.CharField(_("导入批次"), max_length=32, blank=True, editable=False)

    objects = SubjectQuerySet.as_manager()

    class Meta:
        ordering = ["department", "name", "code"]
        verbose_name = _("检查对象")
        verbose_name_plural = _("检查对象")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "code"],
                name="subject_unique_code",
                violation_error_message="本部门已有此对象编码",
            ),
            models.UniqueConstraint(
                fields=["department", "uscc"],
                condition=~Q(uscc=""),
                name="subject_unique_uscc",
                violation_error_message="本部门名录库中已有此统一社会信用代码",
            ),
            models.CheckConstraint(
                condition=Q(uscc="") | Q(uscc__class_regex=USCC_PATTERN),
                name="subject_uscc_format",
                violation_error_message="统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "is_archived"], name="subject_dept_archived_idx"),
            models.Index(fields=["uscc"], name="subject_uscc_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class RemovalRequest(TimeStampedModel):
    """A request to remove a subject (A7); the supervising leader approves; the subject is then
    archived, never deleted."""

    subject = models.ForeignKey(
        Subject,
        verbose_name=_("检查对象"),
        on_delete=models.PROTECT,
        related_name="removal_requests",
    )
    reason_kind = models.CharField(_("移出原因"), max_length=16, choices=RemovalReason.choices)
    reason = models.TextField(_("情况说明"))
    status = models.CharField(
        _("状态"), max_length=16, choices=RemovalStatus.choices, default=RemovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("移出申请")
        verbose_name_plural = _("移出申请")
        constraints = [
            models.UniqueConstraint(
                fields=["subject"],
                condition=Q(status="pending"),
                name="removal_one_pending_per_subject",
                violation_error_message="该对象已有待审批的移出申请",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} · {self.get_reason_kind_display()}"
