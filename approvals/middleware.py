"""Our own 403 / 404 / 500 pages in the demo too (DEBUG=1), never Django's technical pages.

With DEBUG off, Django renders templates/403.html, 404.html and 500.html itself.
With DEBUG on it answers with technical pages that list the URL patterns, the
settings and the code; a demo is shown to people, so this middleware gives them
the same friendly pages instead. A server error's traceback still goes to the
log, as in production (the "django.request" logger).
"""

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.views import defaults

from approvals import unavailable


class FriendlyErrorPagesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and getattr(request, "resolver_match", None) is None
        ):
            # No URL pattern matched: the exception never reached a view.
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request, exception):
        if not settings.DEBUG:
            return None  # Django's own handlers render the same templates
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        if isinstance(exception, (BadRequest, SuspiciousOperation)):
            return defaults.bad_request(request, exception)
        response = defaults.server_error(request)
        # As Django logs it without DEBUG: once, with the traceback.
        log_response(
            "%s: %s", response.reason_phrase, request.path,
            response=response, request=request, exception=exception,
        )
        return response


class DatabaseUnavailableMiddleware:
    """A view that lost its database answers 503 with Retry-After (approvals.unavailable).

    Last in MIDDLEWARE, so that its process_exception runs first, on the request's own
    thread, which holds the broken connection. (Failures outside views reach
    handler500: approvals.views.errors.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, unavailable.DATABASE_ERRORS):
            return unavailable.response_for(request, exception)
        return None


# Room for the multipart framing and the form's other fields around one file.
UPLOAD_OVERHEAD_BYTES = 64 * 1024


class RequestSizeLimitMiddleware:
    """Refuse a body larger than the dossier limit from its Content-Length, before anything
    reads it (the CSRF check reads POST data; a 400 MB upload used to be spooled and then
    read whole by the page view). A body with no Content-Length is bounded where it is read
    (the upload views read at most the limit plus one byte)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.DOSSIER_MAX_UPLOAD_BYTES
        if length > limit + UPLOAD_OVERHEAD_BYTES:
            return too_large(request, limit)
        return self.get_response(request)


def too_large(request, limit: int):
    message = _("Tệp lớn hơn giới hạn %(mb)d MB.") % {"mb": limit // (1024 * 1024)}
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "too_large", "message": str(message)}, status=413)
    else:
        response = render(request, "413.html", {"message": message}, status=413)
    # The body was not read: the connection cannot carry another request after it.
    response["Connection"] = "close"
    return response
