"""The append-only, hash-chained audit trail (F5, security 9–11)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.choices import Channel, Outcome


class AuditEvent(models.Model):
    """One event. Rows are only ever inserted, by `audit.services.record_event`."""

    seq = models.BigIntegerField(_("序号"), unique=True)
    occurred_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    actor_label = models.CharField(_("操作人账号"), max_length=150, blank=True)
    client_ip = models.CharField(_("客户端IP"), max_length=45, blank=True)
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True, db_index=True)
    object_id = models.CharField(_("对象ID"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=255, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    outcome = models.CharField(_("结果"), max_length=16, choices=Outcome.choices)
    hash_alg = models.CharField(_("摘要算法"), max_length=16)
    prev_hash = models.CharField(_("前一事件摘要"), max_length=128, unique=True)
    hash = models.CharField(_("本事件摘要"), max_length=128, unique=True)

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The single row that holds the chain's tip; locking it serialises writers (no forks)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=128)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.last_seq} {self.last_hash[:12]}"
