from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.http import HttpRequest

from ceutrack.accounts.models import TIME_ZONE_CHOICES, User

TIME_ZONE_HELP = "Deadlines and “today” follow this time zone."


class SignupForm(AllauthSignupForm):
    full_name = forms.CharField(max_length=150, label="Full name")
    # A ChoiceField (not free text): an unknown zone would break every page the person opens.
    time_zone = forms.ChoiceField(
        choices=TIME_ZONE_CHOICES, initial="America/New_York", help_text=TIME_ZONE_HELP
    )

    field_order = ["full_name", "email", "password1", "password2", "time_zone"]

    def save(self, request: HttpRequest) -> User:
        user: User = super().save(request)
        user.full_name = self.cleaned_data["full_name"]
        user.time_zone = self.cleaned_data["time_zone"]
        user.save(update_fields=["full_name", "time_zone"])
        return user


class ProfileForm(forms.ModelForm):
    full_name = forms.CharField(max_length=150, label="Full name")
    time_zone = forms.ChoiceField(choices=TIME_ZONE_CHOICES, help_text=TIME_ZONE_HELP)

    class Meta:
        model = User
        fields = ["full_name", "time_zone"]
