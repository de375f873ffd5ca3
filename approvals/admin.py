"""Admin for organisation data. Lifecycle state never changes here: only through the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from workflow.admin import ReadOnlyAdmin
from workflow.errors import WorkflowError

from .delegations import delegation_cancel
from .models import (
    Award,
    BulkJob,
    Campaign,
    Delegation,
    DossierDocument,
    Nomination,
    Profile,
    RoleGrant,
    Unit,
)
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


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    """Delegations are lent by the person on their page (or the API), where the service says
    why one is refused; here they are read, and cancelled through the service."""

    list_display = ("id", "delegator", "substitute", "role", "unit", "starts_on", "ends_on",
                    "cancelled_at")
    list_filter = ("role", "unit")
    search_fields = ("delegator__username", "substitute__username")
    list_select_related = ("delegator", "substitute", "unit")
    actions = ["cancel_selected"]

    @admin.action(description=_("Hủy các ủy quyền đã chọn"))
    def cancel_selected(self, request, queryset):
        for delegation in queryset:
            try:
                delegation_cancel(user=request.user, delegation_id=delegation.pk)
            except WorkflowError as error:
                self.message_user(request, f"#{delegation.pk}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, _("Đã hủy ủy quyền #%(pk)s.") % {"pk": delegation.pk})
