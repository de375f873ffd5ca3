"""The history is read-only everywhere, the admin included."""

from django.contrib import admin

from .models import AuditRecord, SecurityEvent


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "actor_username", "on_behalf_of_username", "actor_role",
                    "action", "nomination_id", "from_state", "to_state")
    list_filter = ("action", "actor_role")
    search_fields = ("actor_username", "on_behalf_of_username", "comment")
    date_hierarchy = "created_at"

    def get_actions(self, request):
        return {}  # not even the bulk delete action


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdmin):
    list_display = ("id", "created_at", "actor", "action", "nomination_id_attempted", "outcome")
    list_filter = ("outcome", "action")
