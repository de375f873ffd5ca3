from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One notice for one recipient, written in the transaction of the change that caused it.

    The websocket push after commit is only a nudge: a client that missed it
    replays every row after the last id it saw.
    """

    class Kind(models.TextChoices):
        TASK = "task", _("Việc mới trong hàng chờ")
        ASSIGNED = "assigned", _("Được giao xử lý")
        TAKEN_BACK = "taken_back", _("Việc được thu hồi hoặc giao lại")
        VOTE_OPENED = "vote_opened", _("Hội đồng Thi đua - Khen thưởng mở bỏ phiếu")
        RETURNED = "returned", _("Bị trả lại để bổ sung")
        APPROVED = "approved", _("Được phê duyệt")
        REJECTED = "rejected", _("Không được đề nghị / từ chối")
        REPORTED = "reported", _("Đã báo cáo Ban Thi đua - Khen thưởng tỉnh")
        REVOKED = "revoked", _("Khen thưởng bị thu hồi")
        ALERT = "alert", _("Cảnh báo")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    nomination = models.ForeignKey(
        "approvals.Nomination",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The history record of the transition; one notice per recipient per record.
    audit_record_id = models.BigIntegerField(null=True, blank=True)
    text_vi = models.CharField(_("nội dung"), max_length=400)
    text_en = models.CharField(_("nội dung tiếng Anh"), max_length=400)
    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)
    # Set when an e-mail digest included this notice (send_notification_digest).
    digested_at = models.DateTimeField(null=True, blank=True)
    # The recipient's notice before this one (0: the first). Ids are global, so this is what
    # lets a client see a gap in its own notices and ask for it (live.js).
    previous_id = models.BigIntegerField(default=0)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["recipient", "id"]),
            models.Index(
                fields=["recipient", "id"],
                condition=models.Q(read_at__isnull=True),
                name="notification_unread_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "audit_record_id"],
                condition=models.Q(audit_record_id__isnull=False),
                name="uniq_notification_per_record",
            )
        ]
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")

    def __str__(self):
        return f"{self.recipient} – {self.text_vi}"

    def text(self, language: str = "vi") -> str:
        return self.text_en if language.startswith("en") and self.text_en else self.text_vi


class NotificationCursor(models.Model):
    """Each recipient's newest notice id, locked by a transaction that adds notices for them.

    The lock orders one recipient's notices: a second transaction waits until the first
    commits, so each notice's `previous_id` is the notice that committed before it, and a
    client that holds a notice and its predecessor has missed nothing between them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.user_id}: {self.last_id}"


class DigestMail(models.Model):
    """One digest e-mail in the outbox (notifications.services.notification_digest_send).

    Written with the marks on the notices it covers, in one short transaction
    without I/O; sent after that commit, outside any transaction. It stays here
    until the mail server accepted it: a failed send is tried again at the next
    digest run, up to NOTIFICATION_DIGEST_MAX_ATTEMPTS times, with its last error.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    to = models.EmailField()  # the address when the digest was written
    subject = models.CharField(max_length=200)
    body = models.TextField()
    notices = models.PositiveIntegerField()  # how many notices it covers
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # While one run sends it, no other run may (a conditional UPDATE claims it until then).
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="digest_unsent_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
