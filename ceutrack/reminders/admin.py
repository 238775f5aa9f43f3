from django.contrib import admin

from ceutrack.reminders.models import Reminder, ReminderPreferences


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "body", "cycle_end", "status", "attempts", "planned_on"]
    list_filter = ["status", "kind", "body"]
    search_fields = ["user__email", "recipient"]
    date_hierarchy = "planned_on"
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["claimed_at", "claim_token", "sent_at", "created_at", "updated_at"]


@admin.register(ReminderPreferences)
class ReminderPreferencesAdmin(admin.ModelAdmin):
    list_display = ["user", "copy_managers", "digest", "updated_at"]
    search_fields = ["user__email"]
    raw_id_fields = ["user"]
