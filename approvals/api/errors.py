"""The API's one error contract: every failure is JSON with a machine code and a human message.

Service errors (workflow.errors.WorkflowError) carry their own HTTP status;
DRF's own exceptions (bad JSON, authentication, throttling, ...) are reshaped
into the same body. The message follows the request language (Vietnamese by
default, English with ``Accept-Language: en``).
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions
from rest_framework.response import Response

from approvals import unavailable
from workflow.errors import InvalidInput, WorkflowError

NOT_FOUND_MESSAGE = _("Không tìm thấy.")


def error_body(code: str, message: Any, *, reasons: Any = None, fields: Any = None) -> dict:
    body: dict[str, Any] = {"code": code, "message": str(message)}
    if reasons:
        body["reasons"] = [str(r) for r in reasons]
    if fields:
        body["fields"] = flatten_fields(fields)
    return body


def flatten_fields(detail, prefix: str = "") -> dict:
    """{"a": {"0": ["x"]}} -> {"a.0": ["x"]}: field errors as flat lists of strings."""
    if isinstance(detail, dict):
        flat: dict = {}
        for key, value in detail.items():
            flat.update(flatten_fields(value, f"{prefix}.{key}" if prefix else str(key)))
        return flat
    if isinstance(detail, list | tuple):
        messages, flat = [], {}
        for index, item in enumerate(detail):
            if isinstance(item, dict | list | tuple):
                flat.update(flatten_fields(item, f"{prefix}.{index}" if prefix else str(index)))
            else:
                messages.append(str(item))
        if messages:
            flat[prefix or "non_field_errors"] = messages
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


def exception_handler(exc, context):
    """DRF EXCEPTION_HANDLER: map service and framework errors to the contract; others are 500.

    A database that is gone is 503 {"code": "unavailable"} with Retry-After."""
    if isinstance(exc, unavailable.DATABASE_ERRORS):
        return unavailable.response_for(context["request"], exc)
    if isinstance(exc, WorkflowError):
        body = error_body(exc.code, exc.message, reasons=exc.reasons, fields=exc.fields)
        retry = getattr(exc, "retry_after", None)  # "in progress": the first request runs
        return Response(body, status=exc.status,
                        headers={"Retry-After": str(retry)} if retry else None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if not isinstance(exc, exceptions.APIException):
        return None
    headers = {}
    auth_header, wait = getattr(exc, "auth_header", None), getattr(exc, "wait", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    if wait:
        headers["Retry-After"] = str(int(wait))
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(InvalidInput.code, InvalidInput.default_message, fields=exc.detail)
    else:
        body = error_body(_code(exc), exc.detail)
    return Response(body, status=exc.status_code, headers=headers)


def _code(exc) -> str:
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


@csrf_exempt
def not_found_view(request, *args, **kwargs):
    """Any /api/v1/ URL that names no endpoint: the same JSON 404 as a hidden object."""
    return JsonResponse(error_body("not_found", NOT_FOUND_MESSAGE), status=404)
