"""A server never starts without a real SECRET_KEY (settings leave it empty for commands)."""

from django.core.exceptions import ImproperlyConfigured


def require_secret_key() -> None:
    from django.conf import settings

    try:
        key = settings.SECRET_KEY  # Django itself refuses an empty one here
    except ImproperlyConfigured:
        key = ""
    if not key:
        raise ImproperlyConfigured("SECRET_KEY is required unless DEBUG=1")
