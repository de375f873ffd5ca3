"""The error pages (handler400/403/404/500): rendered with a connection of their own that works.

Under ASGI, Django renders an error page on a thread of a pool of its own
(response_for_exception runs in sync_to_async(thread_sensitive=False)), not on the
request's thread. No request's start or end resets that thread's database
connection, so once PostgreSQL had ended it (a terminated backend, a restart) every
page rendered there failed, and a 404 answered 500 for as long as the worker lived.
Each handler here resets the thread's connection first (closed if it is old or broken,
health-checked before reuse: settings.CONN_HEALTH_CHECKS) and gives it back after
rendering, so that the thread does not sit on a pooled connection between errors. A
page that cannot reach the database answers 503 (approvals.unavailable).
"""

import sys
from collections.abc import Callable

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from approvals import unavailable


def _with_fresh_connection(render: Callable[[], HttpResponse], request) -> HttpResponse:
    if not connection.in_atomic_block:
        connection.close_if_unusable_or_obsolete()
    try:
        return render()
    except unavailable.DATABASE_ERRORS as error:
        return unavailable.response_for(request, error)
    finally:
        unavailable.release_connection()


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _with_fresh_connection(lambda: defaults.bad_request(request, exception), request)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _with_fresh_connection(lambda: defaults.permission_denied(request, exception), request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _with_fresh_connection(lambda: defaults.page_not_found(request, exception), request)


def server_error(request: HttpRequest) -> HttpResponse:
    """A failure outside a view (a middleware saving the session, ...) that was the
    database's answers 503; Django calls this while it handles that exception."""
    error = sys.exc_info()[1]
    if isinstance(error, unavailable.DATABASE_ERRORS):
        return unavailable.response_for(request, error)
    return _with_fresh_connection(lambda: defaults.server_error(request), request)
