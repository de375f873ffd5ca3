"""An e-mail backend for tests: Django's locmem outbox, noting what the sender could see."""

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.core.mail.backends import locmem
from django.db import connection


class CommitCheckingBackend(locmem.EmailBackend):
    """Each message sent also records whether its sender was inside a transaction, and the
    digest rows the database held then. Outside a transaction (autocommit) the sender's
    reads are what is committed."""

    def send_messages(self, messages: Sequence[EmailMessage]) -> int:
        from notifications.models import DigestMail, Notification

        for message in messages:
            message.sent_in_transaction = connection.in_atomic_block
            message.unsent_in_outbox = DigestMail.objects.filter(sent_at__isnull=True).count()
            message.notices_marked = Notification.objects.filter(digested_at__isnull=False).count()
        return super().send_messages(messages)
