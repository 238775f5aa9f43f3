from django.contrib import admin

from ceutrack.organizations.models import (
    ComplianceSummary,
    Invitation,
    Membership,
    NudgeLog,
    Organization,
    Team,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user", "team"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_select_related = ["organization"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organization", "role", "status", "sent_at", "expires_at"]
    list_filter = ["status", "role"]
    list_select_related = ["organization"]
    search_fields = ["email"]
    exclude = ["token"]  # the link is a credential: never shown


@admin.register(NudgeLog)
class NudgeLogAdmin(admin.ModelAdmin):
    list_display = ["recipient", "organization", "sender", "sent_at"]
    list_select_related = ["recipient", "organization", "sender"]


@admin.register(ComplianceSummary)
class ComplianceSummaryAdmin(admin.ModelAdmin):
    """Read-only: rows are the engine's output, rewritten by ceutrack.organizations.summaries."""

    list_display = ["user", "status", "as_of", "cycle_end", "remaining"]
    list_filter = ["status"]
    list_select_related = ["user"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
