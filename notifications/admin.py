from django.contrib import admin
from django.http import HttpRequest

from .models import DigestMail, Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("id", "recipient", "kind", "nomination", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("recipient__username", "text_vi")
    raw_id_fields = ("recipient", "nomination", "actor")
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DigestMail)
class DigestMailAdmin(admin.ModelAdmin):
    """The digest outbox: an unsent row with an error is a mail the server refused so far."""

    list_display = ("id", "to", "notices", "created_at", "sent_at", "attempts", "last_error")
    list_filter = (("sent_at", admin.EmptyFieldListFilter),)
    readonly_fields = [f.name for f in DigestMail._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
