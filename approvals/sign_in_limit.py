"""Failed sign-ins, counted by django-axes per username and client address.

The web form, the admin login and the API token login all authenticate through
`axes.backends.AxesStandaloneBackend` (first in AUTHENTICATION_BACKENDS), so they
share one count. The counts are rows of axes' `AccessAttempt` table: a cache would
cull them when an attacker fills it with made-up usernames.

Axes checks the lockout before the password and counts a failure after it, so
guesses sent at once could all pass the check before any of them was counted.
Here the check and the count are one step (`AtomicDatabaseHandler.is_locked`):
under a PostgreSQL advisory lock on the username and address, an attempt is
refused once LOGIN_MAX_FAILURES are counted, else it is counted *before* its
password is checked; a success resets the count. So at most LOGIN_MAX_FAILURES
passwords are checked in LOGIN_LOCKOUT_SECONDS however many guesses arrive
together, and the lock is held for that short step only, not during the hash.

The address is REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front the one
the first of them saw (docs/deploy.md): never a header the client chose.
"""

import datetime
import ipaddress
import logging
import math
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Max
from django.http import HttpRequest
from django.utils import timezone

log = logging.getLogger(__name__)


def failure_limit(request: HttpRequest, credentials: dict | None) -> int:
    """AXES_FAILURE_LIMIT: read at each attempt, so that a test may override the setting."""
    return settings.LOGIN_MAX_FAILURES


def cool_off(request: HttpRequest | None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: how long counted failures stay counted."""
    return datetime.timedelta(seconds=settings.LOGIN_LOCKOUT_SECONDS)


def client_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address the outermost trusted proxy saw.

    Each proxy appends the address it received from to X-Forwarded-For, so with N trusted
    proxies the client is the N-th entry from the right; entries left of it are the
    client's own and worth nothing. A header with fewer entries did not come through all
    the proxies, and a malformed one is ignored: REMOTE_ADDR is used then."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count == 0:
        return remote
    entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(entries) < count or not entries[-count]:
        return remote
    try:
        return str(ipaddress.ip_address(entries[-count]))
    except ValueError:
        log.warning("X-Forwarded-For %r has no address at position -%d", entries, count)
        return remote


class AtomicDatabaseHandler(AxesDatabaseHandler):
    """Axes' database handler whose lockout check also counts the attempt, atomically."""

    def is_locked(self, request: Any, credentials: dict | None = None) -> bool:
        username = get_client_username(request, credentials)
        self.clean_expired_user_attempts(request, credentials)
        with transaction.atomic():
            _lock(username, request.axes_ip_address)
            if self.get_failures(request, credentials) >= get_failure_limit(request, credentials):
                return True
            _count(request, username)
        request.vinhdanh_counted = True
        return False

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        if request is not None and getattr(request, "vinhdanh_counted", False):
            return  # counted in is_locked, before the password was checked
        super().user_login_failed(sender, credentials, request, **kwargs)


def _lock(username: str | None, address: str | None) -> None:
    """Serialise the check-and-count of one username and address until the transaction ends.

    An advisory lock rather than a row lock: the attempt row may not exist yet, and axes
    keeps one row per user agent, which a client chooses."""
    if connection.vendor != "postgresql":
        return  # the demo's SQLite: one writer at a time anyway
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"vinhdanh sign-in\n{username}\n{address}"],
        )


def _count(request: Any, username: str | None) -> None:
    attempt, created = AccessAttempt.objects.get_or_create(
        username=username,
        ip_address=request.axes_ip_address,
        user_agent=request.axes_user_agent,
        defaults={
            "get_data": "",
            "post_data": "",
            "http_accept": request.axes_http_accept,
            "path_info": request.axes_path_info,
            "failures_since_start": 1,
            "attempt_time": request.axes_attempt_time,
        },
    )
    if not created:
        AccessAttempt.objects.filter(pk=attempt.pk).update(
            failures_since_start=F("failures_since_start") + 1,
            attempt_time=request.axes_attempt_time,
            path_info=request.axes_path_info,
            http_accept=request.axes_http_accept,
        )


def refused(request: Any) -> bool:
    """Whether the last authenticate() on this request was refused by the limit."""
    return bool(getattr(request, "axes_locked_out", False))


def retry_after(request: Any, username: str) -> int:
    """Seconds until the refused username and address may try again (at least 1)."""
    newest = AccessAttempt.objects.filter(
        username=username, ip_address=request.axes_ip_address
    ).aggregate(newest=Max("attempt_time"))["newest"]
    wait = cool_off(request)
    if newest is not None:
        wait = newest + wait - timezone.now()
    return max(1, math.ceil(wait.total_seconds()))


def succeeded(request: Any, username: str) -> None:
    """A sign-in that does not go through django.contrib.auth.login (the API token) resets the
    count like the web form's does (AXES_RESET_ON_SUCCESS)."""
    AxesProxyHandler.update_request(request)
    AxesProxyHandler.get_implementation().reset_user_attempts(request, {"username": username})
