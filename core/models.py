"""Small abstract base models every domain app builds on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Created/modified at and by. The actor is set by services, never by signals."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    modified_at = models.DateTimeField(_("修改时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True


class ArchivableModel(models.Model):
    """Archive instead of delete: nothing in the platform is hard-deleted."""

    is_archived = models.BooleanField(_("已归档"), default=False, db_index=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    archived_reason = models.TextField(_("归档原因"), blank=True)

    class Meta:
        abstract = True


class ReferenceDataModel(models.Model):
    """Reference data is switched off, never removed, so old records keep their meaning."""

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name
