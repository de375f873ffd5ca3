"""The optional e-mail digest for people who were not online."""

import datetime
from io import StringIO

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from notifications.models import Notification
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
