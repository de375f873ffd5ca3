"""The optional e-mail digest for people who were not online."""

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from pytest_django.fixtures import Settings

from approvals.models import Nomination
from notifications.models import DigestMail, Notification
from notifications.tasks import digest_send
from tests.asgi_server import free_port
from tests.celery_worker import wait_for
from workflow import services


def age_all_notices(minutes: int) -> None:
    Notification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=minutes))


def digest(older_than: int = 60) -> str:
    out = StringIO()
    call_command("send_notification_digest", older_than=older_than, stdout=out)
    return out.getvalue()


def test_it_mails_old_unread_notices_once_to_people_with_an_address(people, draft):
    people["reviewer"].email = "reviewer@example.invalid"
    people["reviewer"].save()
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    age_all_notices(90)
    assert "Sent 1 digest(s) covering 1 notification(s)." in digest()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["reviewer@example.invalid"]
    assert f"#{draft.pk}" in message.body and "awaits review" in message.body
    # Run again: nothing new to send.
    assert "Sent 0 digest(s)" in digest()
    assert len(mail.outbox) == 1


def test_it_leaves_out_read_recent_and_address_less_notices(people, draft):
    people["reviewer"].email = "reviewer@example.invalid"
    people["reviewer"].save()
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    assert "Sent 0 digest(s)" in digest(older_than=60)  # too recent
    age_all_notices(90)
    Notification.objects.filter(recipient=people["reviewer"]).update(read_at=timezone.now())
    # The head's draft notice is old and unread, but the head has no e-mail address.
    assert Notification.objects.filter(recipient=people["head"], read_at__isnull=True).exists()
    assert "Sent 0 digest(s)" in digest()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_digest_task_mails_from_a_worker_only_after_its_rows_are_committed(
    people: dict[str, Any], draft: Nomination, settings: Settings, background_worker: object
) -> None:
    settings.EMAIL_BACKEND = "tests.notifications.mail_backends.CommitCheckingBackend"
    people["reviewer"].email = "reviewer@example.invalid"
    people["reviewer"].save()
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    age_all_notices(90)
    digest_send.delay()  # as beat sends it
    assert wait_for(lambda: len(mail.outbox) == 1)
    message = mail.outbox[0]
    assert message.to == ["reviewer@example.invalid"] and f"#{draft.pk}" in message.body
    # Sent outside any transaction, after the outbox row and the notice's mark committed.
    assert message.sent_in_transaction is False
    assert (message.unsent_in_outbox, message.notices_marked) == (1, 1)
    assert wait_for(lambda: DigestMail.objects.filter(sent_at__isnull=False).count() == 1)


def test_a_digest_the_mail_server_refused_stays_in_the_outbox_and_goes_out_at_the_next_run(
    people: dict[str, Any], draft: Nomination, settings: Settings
) -> None:
    people["reviewer"].email = "reviewer@example.invalid"
    people["reviewer"].save()
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    age_all_notices(90)
    # Django's SMTP backend against a port where no server listens: the send fails.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    assert "Sent 0 digest(s)" in digest()
    waiting = DigestMail.objects.get()
    assert (waiting.sent_at, waiting.attempts, waiting.notices) == (None, 1, 1)
    assert "refused" in waiting.last_error.lower()
    assert not Notification.objects.filter(recipient=people["reviewer"], digested_at=None).exists()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server is back
    assert "Sent 1 digest(s) covering 1 notification(s)." in digest()
    assert [m.to for m in mail.outbox] == [["reviewer@example.invalid"]]
    assert f"#{draft.pk}" in mail.outbox[0].body
    sent = DigestMail.objects.get()
    assert sent.sent_at is not None and (sent.attempts, sent.last_error) == (2, "")
    assert "Sent 0 digest(s)" in digest() and len(mail.outbox) == 1


def test_a_digest_refused_at_every_attempt_is_left_in_the_outbox_with_its_error(
    people: dict[str, Any], draft: Nomination, settings: Settings
) -> None:
    settings.NOTIFICATION_DIGEST_MAX_ATTEMPTS = 2
    people["reviewer"].email = "reviewer@example.invalid"
    people["reviewer"].save()
    services.nomination_submit(user=people["head"], nomination_id=draft.pk)
    age_all_notices(90)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2
    digest()
    digest()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert "Sent 0 digest(s)" in digest() and mail.outbox == []
    left = DigestMail.objects.get()
    assert (left.sent_at, left.attempts) == (None, 2) and left.last_error
