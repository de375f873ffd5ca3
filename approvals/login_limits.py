"""Failed sign-ins, counted per username and client address in the shared cache.

The web sign-in form and the API token login share these counts: after
LOGIN_MAX_FAILURES failures, that username from that address is refused for
LOGIN_LOCKOUT_SECONDS, even with the right password; a success clears the
count. The cache is the database cache, so every worker process sees the same
counts (config/settings.py).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(request, username: str) -> str:
    # REMOTE_ADDR, not a forwarded header a client could forge; hashed to a safe cache key.
    who = f"{username.casefold()}\n{request.META.get('REMOTE_ADDR', '')}"
    return "login-failures:" + hashlib.sha256(who.encode()).hexdigest()


def locked_out(request, username: str) -> bool:
    return cache.get(_key(request, username), 0) >= settings.LOGIN_MAX_FAILURES


def record_failure(request, username: str) -> None:
    key = _key(request, username)
    cache.add(key, 0, timeout=settings.LOGIN_LOCKOUT_SECONDS)
    cache.incr(key)


def record_success(request, username: str) -> None:
    cache.delete(_key(request, username))
