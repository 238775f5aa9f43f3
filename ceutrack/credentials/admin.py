"""Admin for the credential catalog (requirement data the engine reads) and people's records.

Editing a CredentialType or BodyRule changes every evaluation from the next request on: the
adapter (ceutrack.credentials.catalog.load_catalog) reads these rows each time.
"""

from django.contrib import admin

from ceutrack.credentials.models import (
    ApprenticeEvidence,
    BodyRule,
    Credential,
    CredentialType,
    OfficialCycle,
)

CATALOG_NOTE = (
    "These numbers drive every computation. Check the body's published rules before "
    "changing them; the body's own portal stays authoritative."
)


@admin.register(CredentialType)
class CredentialTypeAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "body",
        "base_units",
        "topic",
        "topic_minimum",
        "apprentice_of",
        "supersedes",
        "self_review",
        "is_active",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["body", "is_active", "self_review"]
    search_fields = ["code", "name", "topic"]
    ordering = ["body", "code"]
    fieldsets = (
        (None, {"fields": ("code", "name", "body", "is_active"), "description": CATALOG_NOTE}),
        ("Units per cycle", {"fields": ("base_units", "topic", "topic_label", "topic_minimum")}),
        ("Relations", {"fields": ("apprentice_of", "supersedes", "self_review")}),
    )


@admin.register(BodyRule)
class BodyRuleAdmin(admin.ModelAdmin):
    list_display = [
        "body",
        "name",
        "extra_units",
        "max_units",
        "cycle_kind",
        "cycle_months",
        "domain_share",
        "sourced_share",
        "self_review_count",
    ]
    list_filter = ["cycle_kind"]
    search_fields = ["body", "name"]
    fieldsets = (
        (None, {"fields": ("body", "name"), "description": CATALOG_NOTE}),
        ("Required units", {"fields": ("extra_units", "max_units")}),
        (
            "Cycles",
            {
                "fields": (
                    "cycle_kind",
                    "cycle_months",
                    "prorate_first_cycle",
                    "renewal_month_carry",
                )
            },
        ),
        (
            "What counts",
            {
                "fields": (
                    "index_dedupe",
                    "domain_share",
                    "sourced_share",
                    "sourced_from",
                    "self_review_count",
                    "self_review_until",
                )
            },
        ),
    )


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin):
    list_display = ["user", "credential_type", "body", "earned_on"]
    list_filter = ["credential_type__body", "credential_type"]
    search_fields = ["user__email", "user__full_name", "credential_type__code"]
    list_select_related = ["user", "credential_type"]
    raw_id_fields = ["user"]
    date_hierarchy = "earned_on"

    @admin.display(ordering="credential_type__body")
    def body(self, obj: Credential) -> str:
        return obj.credential_type.body


@admin.register(OfficialCycle)
class OfficialCycleAdmin(admin.ModelAdmin):
    list_display = ["user", "body", "start", "end", "required"]
    list_filter = ["body"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]


@admin.register(ApprenticeEvidence)
class ApprenticeEvidenceAdmin(admin.ModelAdmin):
    list_display = ["user", "experience_months", "course_contact_hours", "practicode"]
    list_filter = ["practicode"]
    search_fields = ["user__email", "user__full_name"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
