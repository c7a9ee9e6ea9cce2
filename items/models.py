"""随机抽查事项清单 (A1–A3): versioned item lists per department, items and their checklists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import ArchivableModel, ReferenceDataModel, TimeStampedModel
from items.choices import InspectionMethod, ItemKind, ItemListStatus, Mandate
from organisations.choices import Sector

if TYPE_CHECKING:
    from accounts.models import User


class EnforcementArea(ReferenceDataModel):
    """执法领域: what an item needs and what an inspector's certificate covers (C7 matching)."""

    sector = models.CharField(_("行业系统"), max_length=32, choices=Sector.choices, blank=True)

    class Meta(ReferenceDataModel.Meta):
        verbose_name = _("执法领域")
        verbose_name_plural = _("执法领域")


class ItemListQuerySet(models.QuerySet["ItemList"]):
    def for_user(self, user: User) -> ItemListQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(department_id__in=visible_department_ids(user))

    def published(self) -> ItemListQuerySet:
        """Every version ever published (current and superseded): all are public (A3)."""
        return self.filter(status__in=[ItemListStatus.PUBLISHED, ItemListStatus.SUPERSEDED])


class ItemList(TimeStampedModel):
    """One version of a department's item list. Published versions never change; a law change
    makes a new version (a draft copied from the current one), and the old versions stay readable."""

    department = models.ForeignKey(
        "organisations.Department",
        verbose_name=_("抽查主体（部门）"),
        on_delete=models.PROTECT,
        related_name="item_lists",
    )
    version = models.PositiveIntegerField(_("版本号"))
    title = models.CharField(_("清单名称"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=16, choices=ItemListStatus.choices, default=ItemListStatus.DRAFT
    )
    change_note = models.TextField(_("调整说明"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ItemListQuerySet.as_manager()

    class Meta:
        ordering = ["department__name", "-version"]
        verbose_name = _("随机抽查事项清单")
        verbose_name_plural = _("随机抽查事项清单")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "version"],
                name="item_list_unique_version",
                violation_error_message="该部门已有此版本号的清单",
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(status="draft"),
                name="item_list_one_draft",
                violation_error_message="每个部门同时只能有一个草稿版本",
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(status="published"),
                name="item_list_one_published",
                violation_error_message="每个部门同时只能有一个现行版本",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

    @property
    def is_editable(self) -> bool:
        return self.status == ItemListStatus.DRAFT


class InspectionItemQuerySet(models.QuerySet["InspectionItem"]):
    def for_user(self, user: User) -> InspectionItemQuerySet:
        from accounts.scope import visible_department_ids

        return self.filter(item_list__department_id__in=visible_department_ids(user))

    def public(self) -> InspectionItemQuerySet:
        """Items of published versions, for the public portal (E2)."""
        return self.filter(
            item_list__status__in=[ItemListStatus.PUBLISHED, ItemListStatus.SUPERSEDED],
            is_archived=False,
        )

    def in_force(self) -> InspectionItemQuerySet:
        return self.filter(item_list__status=ItemListStatus.PUBLISHED, is_archived=False)


class InspectionItem(TimeStampedModel, ArchivableModel):
    """一项抽查事项 (A1). `code` identifies the item across versions of its department's list."""

    item_list = models.ForeignKey(
        ItemList, verbose_name=_("所属清单"), on_delete=models.PROTECT, related_name="items"
    )
    code = models.CharField(_("事项编码"), max_length=64)
    seq = models.PositiveIntegerField(_("序号"), default=0)
    name = models.CharField(_("事项名称"), max_length=200)
    kind = models.CharField(
        _("事项类别"), max_length=16, choices=ItemKind.choices, default=ItemKind.GENERAL
    )
    legal_basis = models.TextField(_("抽查依据"))
    object_scope = models.TextField(_("检查对象/范围"), blank=True)
    standard = models.TextField(_("抽查标准"), blank=True)
    ratio_percent = models.DecimalField(
        _("抽查比例（%）"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    ratio_cap_percent = models.DecimalField(
        _("比例上限（%）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("一般检查事项的抽查比例上限；重点检查事项不设上限"),
    )
    frequency = models.CharField(_("抽查频次"), max_length=100, blank=True)
    methods = models.CharField(
        _("抽查方式"),
        max_length=100,
        blank=True,
        help_text=_("以逗号分隔的方式代码：" + "、".join(InspectionMethod.values)),
    )
    mandate = models.CharField(
        _("实施方式"), max_length=16, choices=Mandate.choices, default=Mandate.OWN
    )
    entrusted_unit = models.CharField(_("受委托单位"), max_length=200, blank=True)
    authorising_authority = models.CharField(_("授权机关"), max_length=200, blank=True)
    inspecting_body = models.CharField(
        _("检查主体"), max_length=200, blank=True, help_text=_("法律授权其他机构实施时填写该机构")
    )
    enforcement_area = models.ForeignKey(
        EnforcementArea,
        verbose_name=_("执法领域"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="items",
    )
    remarks = models.TextField(_("备注"), blank=True)

    objects = InspectionItemQuerySet.as_manager()

    class Meta:
        ordering = ["item_list", "seq", "code"]
        verbose_name = _("抽查事项")
        verbose_name_plural = _("抽查事项")
        constraints = [
            models.UniqueConstraint(
                fields=["item_list", "code"],
                name="item_unique_code_in_list",
                violation_error_message="同一版本清单中事项编码不能重复",
            ),
            models.CheckConstraint(
                condition=Q(ratio_percent__isnull=True)
                | Q(ratio_percent__gte=0, ratio_percent__lte=100),
                name="item_ratio_percent_range",
                violation_error_message="抽查比例应在 0 到 100 之间",
            ),
            models.CheckConstraint(
                condition=~Q(kind="key") | Q(ratio_cap_percent__isnull=True),
                name="item_key_has_no_cap",
                violation_error_message="重点检查事项不设比例上限",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def method_labels(self) -> list[str]:
        labels = dict(InspectionMethod.choices)
        return [str(labels.get(code, code)) for code in self.methods.split(",") if code]


class ChecklistPoint(models.Model):
    """One point of an item's 抽查内容; the points become the inspection form's checklist (D1)."""

    item = models.ForeignKey(
        InspectionItem, verbose_name=_("抽查事项"), on_delete=models.CASCADE, related_name="points"
    )
    seq = models.PositiveIntegerField(_("序号"))
    text = models.TextField(_("检查内容"))

    class Meta:
        ordering = ["item", "seq"]
        verbose_name = _("检查要点")
        verbose_name_plural = _("检查要点")
        constraints = [
            models.UniqueConstraint(
                fields=["item", "seq"],
                name="checklist_point_unique_seq",
                violation_error_message="同一事项的检查要点序号不能重复",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seq}. {self.text[:40]}"
