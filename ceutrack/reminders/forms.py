from django import forms

from ceutrack.reminders.models import ReminderPreferences

KIND_FIELDS = ("at_risk", "behind", "due_90", "due_30", "due_7", "lapsed", "submit")


class ReminderPreferencesForm(forms.ModelForm):
    class Meta:
        model = ReminderPreferences
        fields = [*KIND_FIELDS, "copy_managers", "digest"]
