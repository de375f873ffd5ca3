"""Our own 403 / 404 / 500 pages in the demo too (DEBUG=1), never Django's technical pages.

With DEBUG off, Django renders templates/403.html, 404.html and 500.html itself.
With DEBUG on it answers with technical pages that list the URL patterns, the
settings and the code; a demo is shown to people, so this middleware gives them
the same friendly pages instead. A server error's traceback still goes to the
log, as in production (the "django.request" logger).
"""

from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404
from django.utils.log import log_response
from django.views import defaults


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
