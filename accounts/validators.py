"""Password rules (security 1). Numbers come from settings."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError


class MaximumLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if len(password) > settings.PASSWORD_MAX_LENGTH:
            raise ValidationError(
                f"密码不能超过 {settings.PASSWORD_MAX_LENGTH} 个字符。", code="password_too_long"
            )

    def get_help_text(self) -> str:
        return f"密码不超过 {settings.PASSWORD_MAX_LENGTH} 个字符。"


_CLASSES = (r"[a-z]", r"[A-Z]", r"[0-9]", r"[^a-zA-Z0-9]")


class CharacterClassesValidator:
    def validate(self, password: str, user: Any = None) -> None:
        present = sum(1 for pattern in _CLASSES if re.search(pattern, password))
        needed = settings.PASSWORD_MIN_CHARACTER_CLASSES
        if present < needed:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {needed} 类。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return (
            f"密码须包含小写字母、大写字母、数字、符号中的至少 "
            f"{settings.PASSWORD_MIN_CHARACTER_CLASSES} 类。"
        )


class SiteWordsValidator:
    def validate(self, password: str, user: Any = None) -> None:
        lowered = password.lower()
        for word in settings.PASSWORD_SITE_WORDS:
            if word.lower() in lowered:
                raise ValidationError(
                    "密码不能包含本平台名称、常见单词或连续字符（如 admin、123456）。",
                    code="password_site_word",
                )

    def get_help_text(self) -> str:
        return "密码不能包含本平台名称或常见单词。"
