"""Deployment checks (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def audit_chain_is_signed(app_configs, **kwargs):
    if settings.AUDIT_CHAIN_KEYS:
        return []
    return [
        Warning(
            "AUDIT_CHAIN_KEYS is not set: the history is hashed with plain SHA-256, which "
            "anyone with write access to the database can recompute after an edit.",
            hint="Set AUDIT_CHAIN_KEYS to a long random secret before the first record "
            "(docs/deploy.md).",
            id="vinhdanh.W001",
        )
    ]
