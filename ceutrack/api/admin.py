"""Support staff may see and revoke tokens and links; secrets are never shown or editable."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ceutrack.api.models import ApiToken, VerificationLink


@admin.action(description="Revoke the selected now")
def revoke(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


TOKEN_FIELDS = (
    "user",
    "name",
    "scope",
    "lookup",
    "created_at",
    "expires_at",
    "last_used_at",
    "revoked_at",
)
LINK_FIELDS = (
    "user",
    "label",
    "show_activities",
    "created_at",
    "expires_at",
    "revoked_at",
    "view_count",
    "last_viewed_at",
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "name",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["user__email", "name", "lookup"]
    list_select_related = ["user"]
    fields = readonly_fields = TOKEN_FIELDS
    actions = [revoke]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are created by their owner, who alone sees the secret


@admin.register(VerificationLink)
class VerificationLinkAdmin(admin.ModelAdmin):
    list_display = ["user", "label", "created_at", "expires_at", "revoked_at", "view_count"]
    search_fields = ["user__email", "label"]
    list_select_related = ["user"]
    fields = readonly_fields = LINK_FIELDS
    actions = [revoke]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
