"""Celery tasks of the notifications app: thin, each calls a service."""

import datetime

from celery import shared_task
from django.conf import settings

from .services import notification_digest_send


@shared_task(name="notifications.digest_send")
def digest_send() -> tuple[int, int]:
    """Periodic (beat): the e-mail digest; the mail goes out after its rows commit."""
    return notification_digest_send(
        older_than=datetime.timedelta(minutes=settings.NOTIFICATION_DIGEST_AFTER_MINUTES)
    )
