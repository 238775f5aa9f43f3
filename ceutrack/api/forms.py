"""Forms for personal access tokens and verification links (pages and API alike)."""

from typing import Any

from django import forms

from ceutrack.api.models import Scope
from ceutrack.api.tokens import LINK_MAX_DAYS, TOKEN_MAX_DAYS


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. “HR system nightly import”."
    )
    scope = forms.ChoiceField(choices=Scope.choices, initial=Scope.READ)
    days = forms.IntegerField(
        label="Expires after (days)", min_value=1, max_value=TOKEN_MAX_DAYS, initial=90
    )


class VerificationLinkForm(forms.Form):
    label = forms.CharField(
        max_length=100,
        required=False,
        help_text="Only for you, e.g. who you gave it to. Not shown on the page.",
    )
    days = forms.IntegerField(
        label="Valid for (days)", min_value=1, max_value=LINK_MAX_DAYS, initial=30
    )
    show_activities = forms.BooleanField(
        label="Also show my activity list (never the certificates)", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["days"].widget.attrs.update(min=1, max=LINK_MAX_DAYS)
