"""This app's settings with their defaults (config/settings.py may set them from the environment:
EVIDENCE_MAX_BYTES, RECTIFICATION_DAYS, FOLLOW_UP_DAYS)."""

from __future__ import annotations

from django.conf import settings

DEFAULT_EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_RECTIFICATION_DAYS = 15
DEFAULT_FOLLOW_UP_DAYS = 15


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", DEFAULT_EVIDENCE_MAX_BYTES))


def rectification_days() -> int:
    return int(getattr(settings, "RECTIFICATION_DAYS", DEFAULT_RECTIFICATION_DAYS))


def follow_up_days() -> int:
    return int(getattr(settings, "FOLLOW_UP_DAYS", DEFAULT_FOLLOW_UP_DAYS))
