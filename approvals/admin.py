"""Admin for organisation data. Lifecycle state never changes here: only through the services."""

from django.contrib import admin

from workflow.admin import ReadOnlyAdmin

from .models import Award, BulkJob, Campaign, DossierDocument, Nomination, Profile, RoleGrant, Unit
from .services import role_grant, role_revoke


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "parent", "has_legal_personality")
    list_filter = ("kind", "has_legal_personality")
    search_fields = ("code", "name", "name_en")


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "title", "unit")
    search_fields = ("user__username", "user__first_name", "user__last_name", "title")
    autocomplete_fields = ("unit",)


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    """Grants are added and removed through the role services, which keep permissions in step."""

    list_display = ("user", "role", "unit", "granted_at")
    list_filter = ("role", "unit")
    search_fields = ("user__username",)
    fields = ("user", "role", "unit")

    def has_change_permission(self, request, obj=None):
        return obj is None

    # The role services open their own durable transaction, so the admin's usual
    # wrapping transaction must not surround them.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(  # type: ignore[attr-defined]  # Django's own, untyped
            request, object_id, form_url, extra_context
        )

    def delete_view(self, request, object_id, extra_context=None):
        return self._delete_view(  # type: ignore[attr-defined]  # Django's own, untyped
            request, object_id, extra_context
        )

    def save_model(self, request, obj, form, change):
        grant = role_grant(user=obj.user, role=obj.role, unit=obj.unit, granted_by=request.user)
        obj.pk = grant.pk

    def delete_model(self, request, obj):
        role_revoke(user=obj.user, role=obj.role, unit=obj.unit, revoked_by=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "year", "submission_deadline")
    list_filter = ("kind", "year")
    search_fields = ("code", "name")


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("code", "name_vi", "subject", "decided_by", "requires_council_vote")
    list_filter = ("subject", "decided_by", "requires_council_vote")
    search_fields = ("code", "name_vi", "name_en")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("id", "nominee_name", "award", "unit", "state", "state_changed_at")
    list_filter = ("state", "unit", "award", "campaign")
    search_fields = ("nominee_name", "decision_number")
    list_select_related = ("award", "unit")


@admin.register(DossierDocument)
class DossierDocumentAdmin(ReadOnlyAdmin):
    list_display = ("id", "original_name", "kind", "nomination", "uploaded_at", "removed_at")
    list_select_related = ("nomination__award",)


@admin.register(BulkJob)
class BulkJobAdmin(ReadOnlyAdmin):
    list_display = ("id", "user", "action", "status", "total", "processed", "succeeded", "failed",
                    "attempts")
    list_filter = ("status", "action")
