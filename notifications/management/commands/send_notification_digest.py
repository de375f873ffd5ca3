"""Mail each user their unread notices older than N minutes, once (restart-safe)."""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from notifications.services import notification_digest_send


class Command(BaseCommand):
    help = "E-mail unread notifications that nobody saw online (each notice at most once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=settings.NOTIFICATION_DIGEST_AFTER_MINUTES,
            help="minutes a notice must have stayed unread (default: %(default)s)",
        )

    def handle(self, *args, older_than: int, **options):
        users, notices = notification_digest_send(older_than=datetime.timedelta(minutes=older_than))
        self.stdout.write(f"Sent {users} digest(s) covering {notices} notification(s).")
