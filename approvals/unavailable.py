"""What a request answers while the database is gone: 503 with Retry-After, never a 500.

A connection killed mid-request (a terminated backend, a restarted server, the network)
or a database that cannot be reached at all raise django.db's OperationalError or
InterfaceError. That is not a fault of the application, and the client should try
again: pages answer with our own page (templates/503.html, rendered without the
database), the API with its JSON error body {"code": "unavailable", ...}. The broken
connection is closed at once, so the next use on this thread opens a fresh one (or
takes a checked one from the pool: settings.CONN_HEALTH_CHECKS).

A change that committed just before its connection died is not lost and not done
twice when the client retries: the API's Idempotency-Key and the web forms' one-time
token return the first outcome (approvals.idempotency).
"""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5
CODE = "unavailable"
MESSAGE = _("Hệ thống tạm thời gián đoạn; vui lòng thử lại sau ít giây.")


def release_connection() -> None:
    """Close this thread's broken connection (outside a transaction someone else holds)."""
    if not connection.in_atomic_block:
        connection.close()


def api_body() -> dict[str, str]:
    return {"code": CODE, "message": str(MESSAGE)}


def response_for(request: HttpRequest, error: BaseException) -> HttpResponse:
    """The 503 for this request: JSON under /api/, our page elsewhere."""
    logger.warning("database unavailable for %s %s: %r", request.method, request.path, error)
    release_connection()
    response: HttpResponse
    if request.path_info.startswith("/api/"):
        response = JsonResponse(api_body(), status=503)
    else:
        response = HttpResponse(render_to_string("503.html", request=None), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
