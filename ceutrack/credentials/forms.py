"""Forms for the credentials a person holds, their official cycle dates and apprentice evidence.

Forms check what a person typed (dates, duplicates, contradictions); what the credentials
require is the engine's business.
"""

import calendar
from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.dateformat import format as format_date

from ceutrack.accounts.models import User
from ceutrack.credentials.catalog import load_catalog
from ceutrack.credentials.models import (
    ApprenticeEvidence,
    Body,
    Credential,
    CredentialType,
    OfficialCycle,
)
from ceutrack.credentials.presentation import units as format_units
from ceutrack.rules import DEFAULT_CATALOG, HeldCredential
from ceutrack.rules.counting import credential_rejection
from ceutrack.rules.types import FUTURE_CREDENTIAL, UNKNOWN_CREDENTIAL


class _GroupedByBody(forms.models.ModelChoiceIterator):
    """Credential types as <optgroup>s per certifying body (the queryset is ordered by body)."""

    def __iter__(self) -> Iterator[Any]:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for body, types in groupby(self.queryset, key=lambda t: t.body):
            yield (Body(body).label, [self.choice(t) for t in types])


class CredentialTypeField(forms.ModelChoiceField):
    iterator = _GroupedByBody

    def label_from_instance(self, obj: CredentialType) -> str:
        return f"{obj.code} — {obj.name}"


class CredentialForm(forms.ModelForm):
    credential_type = CredentialTypeField(
        queryset=CredentialType.objects.none(), label="Credential", empty_label="Choose…"
    )

    class Meta:
        model = Credential
        fields = ["credential_type", "earned_on"]
        widgets = {"earned_on": forms.DateInput(attrs={"type": "date"})}
        help_texts = {"earned_on": "The date on your certificate (when you passed the exam)."}

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.user = user
        offered = Q(is_active=True)
        if self.instance.credential_type_id:
            # A credential retired from the catalog stays editable for those who hold it.
            offered |= Q(pk=self.instance.credential_type_id)
        cast(
            forms.ModelChoiceField, self.fields["credential_type"]
        ).queryset = CredentialType.objects.filter(offered).order_by("body", "code")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        chosen, earned_on = cleaned.get("credential_type"), cleaned.get("earned_on")
        if chosen is None or earned_on is None:
            return cleaned
        # The engine decides what it refuses at entry (docs/rules.md §3.1); the form words it.
        reason = credential_rejection(
            HeldCredential(code=chosen.code, earned_on=earned_on),
            today=self.user.local_today(),
            catalog=load_catalog(),
        )
        if reason == FUTURE_CREDENTIAL:
            self.add_error(
                "earned_on",
                "The certification date is in the future. "
                "Add a credential once you have earned it.",
            )
        elif reason == UNKNOWN_CREDENTIAL:
            self.add_error("credential_type", f"{chosen.code} is not in the credential catalog.")
        return cleaned

    def clean_credential_type(self) -> CredentialType:
        chosen: CredentialType = self.cleaned_data["credential_type"]
        others = Credential.objects.filter(user=self.user).exclude(pk=self.instance.pk)
        held = {c.credential_type.code: c for c in others.select_related("credential_type")}
        if chosen.code in held:
            raise forms.ValidationError(f"You already hold {chosen.code}.")
        if chosen.apprentice_of and chosen.apprentice_of in held:
            raise forms.ValidationError(
                f"{chosen.code} is the apprentice variant of {chosen.apprentice_of}, which you "
                f"already hold. You can't hold both."
            )
        apprentice = next(
            (c for c in held.values() if c.credential_type.apprentice_of == chosen.code), None
        )
        if apprentice is not None:
            code = apprentice.credential_type.code
            raise forms.ValidationError(
                f"You hold {code}, the apprentice variant of {chosen.code}. Once the apprentice "
                f"designation is removed, edit your {code} and change it to {chosen.code}."
            )
        return chosen


class MembershipMonthForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["aapc_membership_month"]
        labels = {"aapc_membership_month": "Renewal month"}
        help_texts = {
            "aapc_membership_month": (
                "The month your AAPC membership renews; your CEUs are due at its end. "
                "Leave blank to use the month of your first AAPC certification."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["aapc_membership_month"])
        months = [(m, calendar.month_name[m]) for m in range(1, 13)]
        field.choices = [("", "Default: month of your first AAPC certification"), *months]


# The catalog's unit step (0.5) for the browser's number input.
_STEP = format_units(DEFAULT_CATALOG.unit_step)


class OfficialCycleForm(forms.ModelForm):
    class Meta:
        model = OfficialCycle
        fields = ["body", "start", "end", "required"]
        labels = {"start": "Cycle start", "end": "Cycle end"}
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
            "required": forms.NumberInput(attrs={"step": _STEP, "min": _STEP}),
        }
        help_texts = {
            "required": "Only if the portal shows a different number; leave blank otherwise.",
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.instance.user = user

    def clean_required(self) -> Decimal | None:
        required = self.cleaned_data["required"]
        if required is not None and required <= 0:
            raise forms.ValidationError("Required units must be more than 0 (or leave blank).")
        return required

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        body, start, end = cleaned.get("body"), cleaned.get("start"), cleaned.get("end")
        if not (body and start and end):
            return cleaned
        if end < start:
            self.add_error("end", "The cycle ends before it starts. Check both dates.")
            return cleaned
        overlapping = (
            OfficialCycle.objects.for_user(self.user)
            .filter(body=body, start__lte=end, end__gte=start)
            .exclude(pk=self.instance.pk)
            .first()
        )
        if overlapping is not None:
            self.add_error(
                None,
                f"These dates overlap your official {body} cycle "
                f"{format_date(overlapping.start, 'j M Y')} to "
                f"{format_date(overlapping.end, 'j M Y')}. "
                "Edit that cycle instead.",
            )
        return cleaned


class ApprenticeEvidenceForm(forms.ModelForm):
    class Meta:
        model = ApprenticeEvidence
        fields = ["experience_months", "course_contact_hours", "practicode"]
        help_texts = {
            "experience_months": "Documented by two letters of recommendation or employer letters.",
            "course_contact_hours": "Contact hours of an 80-hour coding preparation course.",
        }

    def clean_course_contact_hours(self) -> Decimal:
        hours = self.cleaned_data["course_contact_hours"]
        if hours < 0:
            raise forms.ValidationError("Contact hours can't be negative.")
        return hours
