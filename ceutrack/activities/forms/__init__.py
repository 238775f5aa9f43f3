"""The activities app's forms. The activity form converts what a coder typed and refuses what
the engine would reject; the others filter the list and take a certificate upload. The CSV
upload form is in `csv_upload`, since it reads the file with `csvio`, which itself runs each row
through `ActivityForm`.

Which activities are refused at entry (docs/rules.md §3.1) is decided by the engine's
`date_rejection` and `units_rejection` (the two halves of `activity_rejection`, checked
separately so every error shows at once); this form only turns their reasons into words.
"""

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings

from ceutrack.accounts.models import User
from ceutrack.activities.certificates import (
    CheckedCertificate,
    check_quota,
    check_reading_backlog,
    check_upload,
)
from ceutrack.activities.listing import CycleChoice, cycle_choices
from ceutrack.activities.models import Activity, Kind
from ceutrack.credentials.models import Body, CredentialType
from ceutrack.credentials.presentation import topic_label
from ceutrack.rules import DEFAULT_CATALOG, Catalog, Evaluation
from ceutrack.rules.counting import (
    date_rejection,
    normalise_text,
    units_rejection,
)
from ceutrack.rules.types import FUTURE_DATE, INVALID_INCREMENT, INVALID_UNITS

# Phones offer the camera for image/* as well as their files.
CERTIFICATE_ACCEPT = "image/*,application/pdf,.pdf,.png,.jpg,.jpeg"


def topic_choices(current: str = "") -> list[tuple[str, str]]:
    """The catalog's topic keys (those with a topic minimum) with the catalog's names for
    them (ENT, OB/GYN), plus the activity's own; in the order of those names."""
    labels: dict[str, str] = {}
    for topic, label in CredentialType.objects.exclude(topic="").values_list(
        "topic", "topic_label"
    ):
        labels[topic] = labels.get(topic) or label or topic_label(topic)
    if current and current not in labels:
        labels[current] = topic_label(current)
    return [("", "No specific topic"), *sorted(labels.items(), key=lambda item: item[1].lower())]


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


class ActivityForm(forms.ModelForm):
    # No decimal places limit here: the engine's rule, not the column width, explains bad units.
    units = forms.DecimalField(label="Units (CEUs)")
    topic = forms.ChoiceField(
        required=False,
        help_text="For a specialty or topic minimum (e.g. auditing for CPMA). Optional.",
    )
    certificate_file = forms.FileField(
        label="Certificate",
        required=False,
        widget=forms.FileInput(attrs={"accept": CERTIFICATE_ACCEPT}),
    )
    remove_certificate = forms.BooleanField(label="Remove the current certificate", required=False)

    class Meta:
        model = Activity
        fields = [
            "title",
            "provider",
            "completed_on",
            "units",
            "kind",
            "aapc",
            "ahima",
            "aapc_index",
            "topic",
            "ahima_domain",
            "ahima_sourced",
            "notes",
        ]
        labels = {
            "aapc": "Report to AAPC (AAPC-approved course)",
            "ahima": "Report to AHIMA",
            "ahima_domain": "In an AHIMA health information domain",
            "ahima_sourced": "Offered by AHIMA or a state association",
        }
        help_texts = {
            "aapc_index": "The index number on an AAPC-approved course certificate.",
            "provider": "Who offered it, e.g. AAPC, AHIMA, a local chapter.",
        }
        widgets = {
            "completed_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(
        self,
        *args: Any,
        user: User,
        catalog: Catalog = DEFAULT_CATALOG,
        topics: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """`topics`: the topic choices, when the caller builds many forms (a CSV import) and
        looked them up once."""
        super().__init__(*args, **kwargs)
        self.user = user
        self.catalog = catalog
        self.instance.user = user
        self.checked_certificate: CheckedCertificate | None = None
        self.fields["units"].widget.attrs.update(
            step=_number(catalog.unit_step),
            min=_number(catalog.unit_step),
            max=_number(catalog.max_activity_units),
        )
        self.fields["units"].help_text = (
            f"In steps of {_number(catalog.unit_step)} (60 minutes = 1 unit), "
            f"at most {_number(catalog.max_activity_units)}."
        )
        cast(forms.ChoiceField, self.fields["topic"]).choices = (
            topics if topics is not None else topic_choices(self.instance.topic)
        )
        limit = settings.CERTIFICATE_MAX_BYTES / 2**20
        self.fields["certificate_file"].help_text = f"PDF, PNG or JPEG, up to {limit:g} MB."
        self.fields["kind"].initial = Kind.WEBINAR
        if not self.instance.certificate:
            del self.fields["remove_certificate"]

    def clean_certificate_file(self) -> Any:
        upload = self.cleaned_data.get("certificate_file")
        if upload:
            self.checked_certificate = check_upload(
                upload, max_bytes=settings.CERTIFICATE_MAX_BYTES
            )
            replacing = self.instance.certificate.name if self.instance.certificate else ""
            check_quota(self.user, size=upload.size or 0, replacing=replacing)
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        # Each field is checked on its own, so every error shows at once: a units error is
        # not held back while the date is blank or in the future (and the reverse).
        completed_on, units = cleaned.get("completed_on"), cleaned.get("units")
        today = self.user.local_today()
        if completed_on is not None and date_rejection(completed_on, today=today) == FUTURE_DATE:
            self.add_error(
                "completed_on",
                "The completion date is in the future. Log an activity once you have done it.",
            )
        if units is None:
            return cleaned
        reason = units_rejection(units, catalog=self.catalog)
        if reason == INVALID_UNITS:
            self.add_error(
                "units",
                f"Units must be more than 0 and at most "
                f"{_number(self.catalog.max_activity_units)} for one activity.",
            )
        elif reason == INVALID_INCREMENT:
            self.add_error(
                "units",
                f"Units come in steps of {_number(self.catalog.unit_step)} "
                f"(60 minutes = 1 unit); {_number(units)} is not one.",
            )
        elif reason is not None:
            self.add_error(None, f"This activity can't be logged ({reason}).")
        return cleaned

    def apply_certificate(self, activity: Activity) -> str:
        """Attach the new upload or clear the old file; the replaced file's name, if any, for the
        caller to delete once the change is committed."""
        upload = self.cleaned_data.get("certificate_file")
        old_name = activity.certificate.name if activity.certificate else ""
        if upload and self.checked_certificate is not None:
            activity.certificate = upload
            activity.certificate_name = self.checked_certificate.original_name
            activity.certificate_type = self.checked_certificate.content_type
            return old_name
        if self.cleaned_data.get("remove_certificate"):
            activity.certificate = ""
            activity.certificate_name = ""
            activity.certificate_type = ""
            return old_name
        return ""

    def duplicate_warnings(self) -> list[str]:
        """Entries this one may repeat, compared the way the engine compares them; logged
        anyway, since only the engine decides what counts."""
        data = self.cleaned_data
        others = Activity.objects.filter(user=self.user).exclude(pk=self.instance.pk).order_by("id")
        warnings = []
        key = (normalise_text(data["title"]), normalise_text(data.get("provider", "")))
        same_day = others.filter(completed_on=data["completed_on"]).only("title", "provider")
        if key[0] and any(
            (normalise_text(a.title), normalise_text(a.provider)) == key for a in same_day
        ):
            warnings.append(
                f"You already logged “{data['title']}” from the same provider on the same "
                "date. If this is the same activity, only the first entry counts."
            )
        index = data.get("aapc_index", "").strip()
        if data.get("aapc") and index:
            candidates = others.filter(aapc=True, aapc_index__icontains=index).only(
                "title", "aapc_index"
            )
            earlier = next(
                (a for a in candidates if a.aapc_index.strip().casefold() == index.casefold()),
                None,
            )
            if earlier is not None:
                warnings.append(
                    f"AAPC index {index} is already logged (“{earlier.title}”). AAPC counts "
                    "each approved course once."
                )
        return warnings


class ActivityFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "Title, provider, index, notes"}),
    )
    body = forms.ChoiceField(
        label="Reported to", required=False, choices=[("", "Any body"), *Body.choices]
    )
    cycle = forms.ChoiceField(label="Cycle", required=False)
    kind = forms.ChoiceField(
        label="Kind", required=False, choices=[("", "Any kind"), *Kind.choices]
    )
    sort = forms.ChoiceField(
        label="Sort",
        required=False,
        choices=[("newest", "Newest first"), ("oldest", "Oldest first")],
    )

    def __init__(self, *args: Any, evaluation: Evaluation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycles = {c.value: c for c in cycle_choices(evaluation)}
        cast(forms.ChoiceField, self.fields["cycle"]).choices = [("", "Any cycle")] + [
            (value, c.label) for value, c in self.cycles.items()
        ]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def filters(self) -> dict[str, Any]:
        """The valid filters given; an invalid one (a stale cycle link) is dropped alone."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def has_filters(self) -> bool:
        return any(name in self.filters() for name in ("q", "body", "cycle", "kind"))

    def selected_cycle(self) -> CycleChoice | None:
        return self.cycles.get(self.filters().get("cycle", ""))


class CertificateUploadForm(forms.Form):
    """The certificate that starts an activity: checked here, read later by a worker."""

    certificate = forms.FileField(
        label="Certificate",
        widget=forms.FileInput(attrs={"accept": CERTIFICATE_ACCEPT}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        limit = settings.CERTIFICATE_MAX_BYTES / 2**20
        self.fields["certificate"].help_text = (
            f"A PDF, or a photo or scan (PNG or JPEG), up to {limit:g} MB. On a phone you can "
            "take the photo now. Its text is read to fill in the form; you check every field "
            "before anything is saved."
        )

    def clean_certificate(self) -> Any:
        upload = self.cleaned_data["certificate"]
        self.checked = check_upload(upload, max_bytes=settings.CERTIFICATE_MAX_BYTES)
        check_quota(self.user, size=upload.size or 0)
        check_reading_backlog(self.user)
        return upload
