"""执法检查人员名录库和专家库 (A8–A10). ID and phone numbers are encrypted at rest (SM4), looked
up by a keyed hash and shown masked (security 8, 12)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core import crypto
from core.models import ArchivableModel, TimeStampedModel
from inspectors.choices import InspectorStatus

if TYPE_CHECKING:
    from accounts.models import User

ID_CONTEXT = "inspectors.id_number"
PHONE_CONTEXT = "inspectors.phone"


class PersonalDataModel(models.Model):
    """ID number and phone: ciphertext, keyed hash for lookups, and the masked form for lists."""

    id_number_cipher = models.TextField(_("身份证号（密文）"), blank=True, editable=False)
    id_number_digest = models.CharField(
        _("身份证号（查找摘要）"), max_length=64, blank=True, db_index=True, editable=False
    )
    id_number_masked = models.CharField(_("身份证号"), max_length=24, blank=True, editable=False)
    phone_cipher = models.TextField(_("手机号码（密文）"), blank=True, editable=False)
    phone_digest = models.CharField(
        _("手机号码（查找摘要）"), max_length=64, blank=True, db_index=True, editable=False
    )
    phone_masked = models.CharField(_("手机号码"), max_length=24, blank=True, editable=False)

    class Meta:
        abstract = True

    def set_id_number(self, number: str) -> None:
        self.id_number_cipher = crypto.encrypt(number, ID_CONTEXT)
        self.id_number_digest = crypto.lookup_hash(number, ID_CONTEXT)
        self.id_number_masked = crypto.mask_id_number(number) if number else ""

    def set_phone(self, phone: str) -> None:
        self.phone_cipher = crypto.encrypt(phone, PHONE_CONTEXT)
        self.phone_digest = crypto.lookup_hash(phone, PHONE_CONTEXT)
        self.phone_masked = crypto.mask_phone(phone) if phone else ""

    def id_number(self) -> str:
        """The full number; callers must be entitled and record the view (services.reveal)."""
        return crypto.decrypt(self.id_number_cipher, ID_CONTEXT)

    def phone(self) -> str:
        return crypto.decrypt(self.phone_cipher, PHONE_CONTEXT)


class InspectorQuerySet(models.QuerySet["Inspector"]):
    def for_user(self, user: User) -> InspectorQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(department_id__in=visible_department_ids(user))

    def drawable(self, on: dt.date) -> InspectorQuerySet:
        """A8/C7: in post, certificate valid on `on`, and an enforcement area that an item in force
        of the inspector's department needs."""
        from items.models import InspectionItem

        needed = (
            InspectionItem.objects.in_force()
            .filter(item_list__department_id=OuterRef(OuterRef("department_id")))
            .values("enforcement_area_id")
        )
        area_match = Inspector.enforcement_areas.through.objects.filter(
            inspector_id=OuterRef("pk"), enforcementarea_id__in=needed
        )
        return self.filter(
            is_archived=False,
            status=InspectorStatus.ACTIVE,
            certificate_valid_from__lte=on,
            certificate_valid_until__gte=on,
        ).filter(Exists(area_match))

    def not_drawable(self, on: dt.date) -> InspectorQuerySet:
        return self.exclude(pk__in=self.model.objects.drawable(on).values("pk"))


class Inspector(TimeStampedModel, ArchivableModel, PersonalDataModel):
    """执法检查人员 (A8). Identified by the 执法证号."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="inspectors",
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspectors",
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50, blank=True)
    specialty = models.CharField(_("业务专长"), max_length=200, blank=True)
    experience_years = models.PositiveSmallIntegerField(_("从业年限"), null=True, blank=True)
    certificate_no = models.CharField(_("执法证号"), max_length=32)
    certificate_valid_from = models.DateField(_("执法证有效期起"), null=True, blank=True)
    certificate_valid_until = models.DateField(_("执法证有效期至"), null=True, blank=True)
    enforcement_areas = models.ManyToManyField(
        "items.EnforcementArea", verbose_name=_("执法领域"), blank=True, related_name="inspectors"
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=InspectorStatus.choices, default=InspectorStatus.ACTIVE
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("平台账户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspector_profile",
        help_text=_("该检查人员登录平台所用的账户：据此确定“我的检查记录”和本人申请回避"),
    )

    objects = InspectorQuerySet.as_manager()

    class Meta:
        ordering = ["department", "name", "certificate_no"]
        verbose_name = _("执法检查人员")
        verbose_name_plural = _("执法检查人员")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate_no"],
                name="inspector_unique_certificate",
                violation_error_message="该执法证号已登记",
            ),
            models.CheckConstraint(
                condition=Q(certificate_valid_from__isnull=True)
                | Q(certificate_valid_until__isnull=True)
                | Q(certificate_valid_until__gte=models.F("certificate_valid_from")),
                name="inspector_certificate_dates_ordered",
                violation_error_message="执法证有效期至不能早于有效期起",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.certificate_no}）"


class ExpertQuerySet(models.QuerySet["Expert"]):
    def for_user(self, user: User) -> ExpertQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(department_id__in=visible_department_ids(user))


class Expert(TimeStampedModel, ArchivableModel, PersonalDataModel):
    """专家 (A9): drawn by the same procedure, only in addition to certified inspectors."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        related_name="experts",
    )
    name = models.CharField(_("姓名"), max_length=50)
    organisation = models.CharField(_("工作单位"), max_length=200)
    field = models.CharField(_("专业领域"), max_length=200)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    enforcement_areas = models.ManyToManyField(
        "items.EnforcementArea", verbose_name=_("适用执法领域"), blank=True, related_name="experts"
    )
    is_available = models.BooleanField(_("可参与抽取"), default=True)

    objects = ExpertQuerySet.as_manager()

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "name", "organisation"],
                name="expert_unique_in_department",
                violation_error_message="本部门专家库中已有同一单位的同名专家",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"
