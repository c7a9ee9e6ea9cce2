"""API plumbing shared by every app: Chinese error bodies, never a stack trace."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

logger = logging.getLogger(__name__)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"detail": "数据校验未通过。", "errors": detail}, status=400)
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "无权执行此操作。")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到该对象，或您无权查看。")
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("API 未处理的异常", exc_info=exc)
        return Response(
            {"detail": "服务器内部错误，请稍后再试或联系管理员。"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    return response
