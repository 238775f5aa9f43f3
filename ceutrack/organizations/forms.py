import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from ceutrack.credentials.models import Body, CredentialType
from ceutrack.organizations.models import Organization, Role, SummaryStatus, Team

MAX_INVITES = 200


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["name"]
        labels = {"name": "Organization name"}


def split_addresses(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\s,;]+", text) if part.strip()]


class InviteForm(forms.Form):
    emails = forms.CharField(
        label="Email addresses",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One address, or a list pasted from a spreadsheet (separated by commas, "
        "semicolons, spaces or new lines).",
    )
    role = forms.ChoiceField(
        choices=[(Role.MEMBER, "Staff member (shares CEU records, with consent)")],
        initial=Role.MEMBER,
    )
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)

    def __init__(
        self, *args: Any, organization: Organization, can_grant_admin: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        roles = [
            (Role.MEMBER, "Staff member (shares CEU records, with consent)"),
            (Role.MANAGER, "Manager (views staff compliance)"),
        ]
        if can_grant_admin:
            roles.append((Role.ADMIN, "Admin (manages people and invitations)"))
        cast(forms.ChoiceField, self.fields["role"]).choices = roles
        team = cast(forms.ModelChoiceField, self.fields["team"])
        team.queryset = organization.teams.all()
        team.empty_label = "No team"
        self.invalid: list[str] = []
        self.duplicates: list[str] = []

    def clean_emails(self) -> list[str]:
        valid: list[str] = []
        for address in split_addresses(self.cleaned_data["emails"]):
            try:
                validate_email(address)
            except ValidationError:
                self.invalid.append(address)
                continue
            address = address.lower()
            if address in valid:
                self.duplicates.append(address)
            else:
                valid.append(address)
        if len(valid) > MAX_INVITES:
            raise ValidationError(f"Invite at most {MAX_INVITES} people at a time.")
        if not valid:
            if self.invalid:
                raise ValidationError(
                    "None of these is a valid email address: " + ", ".join(self.invalid)
                )
            raise ValidationError("Enter at least one email address.")
        return valid


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["name"]
        labels = {"name": "New team"}

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if self.organization.teams.filter(name__iexact=name).exists():
            raise ValidationError("This organization already has a team with that name.")
        return name


class MemberTeamForm(forms.Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = organization.teams.all()


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label="I agree to share these records with this organization until I withdraw consent.",
        required=True,
        error_messages={"required": "Tick the box to give your consent, or decline."},
    )


class NudgeForm(forms.Form):
    message = forms.CharField(
        label="Personal note (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


SORTS = {
    # Days left order is cycle-end order (days left are derived from it at read time).
    "status": ("user__compliance_summary__status_rank", "user__compliance_summary__cycle_end"),
    "remaining": ("-user__compliance_summary__remaining",),
    "days_left": ("user__compliance_summary__cycle_end",),
    "name": ("user__full_name", "user__email"),
}
SORT_CHOICES = [
    ("status", "Status (worst first)"),
    ("remaining", "Units remaining (most first)"),
    ("days_left", "Days left (fewest first)"),
    ("name", "Name"),
]


class DashboardFilterForm(forms.Form):
    q = forms.CharField(label="Name or email", required=False, max_length=100)
    status = forms.ChoiceField(choices=[("", "Any status"), *SummaryStatus.choices], required=False)
    body = forms.ChoiceField(choices=[("", "Any body"), *Body.choices], required=False)
    credential = forms.ChoiceField(required=False)
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="Any team"
    )
    sort = forms.ChoiceField(choices=SORT_CHOICES, required=False)

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = CredentialType.objects.order_by("code").values_list("code", flat=True)
        cast(forms.ChoiceField, self.fields["credential"]).choices = [("", "Any credential")] + [
            (c, c) for c in codes
        ]
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = organization.teams.all()
