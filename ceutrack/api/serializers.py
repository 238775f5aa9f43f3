"""What the API answers with, and the request bodies it documents.

Writes are validated by the same Django forms the pages use (ceutrack.api.records binds them),
so the input serializers here only describe the request bodies for the OpenAPI schema.
"""

from functools import cached_property
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity, Kind
from ceutrack.api.models import ApiToken, VerificationLink
from ceutrack.api.tokens import LINK_MAX_DAYS, public_url
from ceutrack.credentials.models import Body, Credential, CredentialType, OfficialCycle
from ceutrack.credentials.presentation import units
from ceutrack.organizations.models import Invitation, Role
from ceutrack.organizations.staff_list import LocalToday, days_left_on
from ceutrack.reminders.forms import KIND_FIELDS
from ceutrack.reminders.models import ReminderPreferences
from ceutrack.rules import DEFAULT_CATALOG


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "time_zone", "aapc_membership_month"]
        read_only_fields = ["id", "email"]


class UserUpdateSerializer(serializers.Serializer):
    full_name = serializers.CharField(required=False, max_length=150)
    time_zone = serializers.CharField(
        required=False, help_text="An IANA zone, e.g. America/Chicago."
    )
    aapc_membership_month = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=12
    )


class CredentialTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CredentialType
        fields = ["code", "name", "body", "base_units", "topic", "apprentice_of", "supersedes"]


class CredentialSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="credential_type.code")
    name = serializers.CharField(source="credential_type.name")
    body = serializers.CharField(source="credential_type.body")

    class Meta:
        model = Credential
        fields = ["id", "code", "name", "body", "earned_on"]


class CredentialInputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A credential type code from /api/v1/credential-types/.")
    earned_on = serializers.DateField(help_text="The certification date.")


class OfficialCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = OfficialCycle
        fields = ["id", "body", "start", "end", "required"]


class OfficialCycleInputSerializer(serializers.Serializer):
    body = serializers.ChoiceField(choices=Body.choices)
    start = serializers.DateField()
    end = serializers.DateField()
    required = serializers.DecimalField(  # type: ignore[assignment]  # a declared field, not Field.required
        max_digits=None, decimal_places=None, required=False, allow_null=True
    )


class CountNoteSerializer(serializers.Serializer):
    text = serializers.CharField()
    counted = serializers.BooleanField()


class ActivitySerializer(serializers.ModelSerializer):
    has_certificate = serializers.SerializerMethodField()
    certificate_url = serializers.SerializerMethodField()
    counting = serializers.SerializerMethodField(
        help_text="Where the engine counted the activity, in words (present when listed)."
    )

    class Meta:
        model = Activity
        fields = [
            "id",
            "title",
            "provider",
            "completed_on",
            "units",
            "kind",
            "aapc",
            "aapc_index",
            "topic",
            "ahima",
            "ahima_domain",
            "ahima_sourced",
            "notes",
            "has_certificate",
            "certificate_name",
            "certificate_url",
            "counting",
            "created_at",
            "updated_at",
        ]

    def get_has_certificate(self, activity: Activity) -> bool:
        return bool(activity.certificate)

    def get_certificate_url(self, activity: Activity) -> str | None:
        if not activity.certificate:
            return None
        path = reverse("api:activity_certificate", args=[activity.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    @extend_schema_field(CountNoteSerializer(many=True))
    def get_counting(self, activity: Activity) -> list[dict[str, object]]:
        notes = self.context.get("counting", {}).get(activity.pk, ())
        return [{"text": n.text, "counted": n.counted} for n in notes]


class ActivityInputSerializer(serializers.Serializer):
    # Types only: the rules (required, lengths, unit steps) are the page form's, with its words.
    title = serializers.CharField(allow_blank=True)
    provider = serializers.CharField(required=False, allow_blank=True)
    completed_on = serializers.DateField()
    units = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        help_text=(
            f"In steps of {units(DEFAULT_CATALOG.unit_step)}, more than 0, at most "
            f"{units(DEFAULT_CATALOG.max_activity_units)} (the catalog's limits)."
        ),
    )
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    aapc = serializers.BooleanField(required=False)
    aapc_index = serializers.CharField(required=False, allow_blank=True)
    topic = serializers.CharField(required=False, allow_blank=True)
    ahima = serializers.BooleanField(required=False)
    ahima_domain = serializers.BooleanField(required=False, default=True)
    ahima_sourced = serializers.BooleanField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class ActivityUploadInputSerializer(ActivityInputSerializer):
    certificate_file = serializers.FileField(required=False, help_text="PDF, PNG or JPEG.")


class CertificateUploadSerializer(serializers.Serializer):
    certificate_file = serializers.FileField(help_text="PDF, PNG or JPEG.")


class ReminderPreferencesSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReminderPreferences
        fields = [*KIND_FIELDS, "copy_managers", "digest"]


class OrganizationSerializer(serializers.Serializer):
    slug = serializers.CharField(source="organization.slug")
    name = serializers.CharField(source="organization.name")
    role = serializers.ChoiceField(choices=Role.choices)


class StatusCountSerializer(serializers.Serializer):
    status = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    count = serializers.IntegerField()


class StaffRowSerializer(serializers.Serializer):
    membership_id = serializers.IntegerField(source="pk")
    name = serializers.CharField(source="user__full_name")
    email = serializers.CharField(source="user__email")
    team = serializers.CharField(source="team__name", allow_null=True)
    status = serializers.CharField(source="user__compliance_summary__status", allow_null=True)
    credentials = serializers.CharField(
        source="user__compliance_summary__credentials", allow_null=True
    )
    cycle_end = serializers.DateField(source="user__compliance_summary__cycle_end", allow_null=True)
    days_left = serializers.SerializerMethodField()
    remaining = serializers.DecimalField(
        source="user__compliance_summary__remaining",
        max_digits=6,
        decimal_places=2,
        allow_null=True,
    )
    bodies = serializers.JSONField(source="user__compliance_summary__bodies", allow_null=True)
    last_activity_on = serializers.DateField(
        source="user__compliance_summary__last_activity_on", allow_null=True
    )
    updating = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_days_left(self, row: dict[str, Any]) -> int | None:
        # Derived at read time: a stored verdict holds for many days (docs/rules.md §5.1).
        return days_left_on(
            row["user__compliance_summary__cycle_end"], row["user__time_zone"], self._today
        )

    @extend_schema_field(serializers.BooleanField())
    def get_updating(self, row: dict[str, Any]) -> bool:
        """True while a task recomputes this row (its last verdict is shown meanwhile)."""
        valid_until = row["user__compliance_summary__valid_until"]
        return row["user__compliance_summary__as_of"] is None or (
            valid_until is not None and valid_until <= self._today.now
        )

    @cached_property
    def _today(self) -> LocalToday:
        return LocalToday()


class InvitationSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()
    team = serializers.CharField(source="team.name", allow_null=True, default=None)

    class Meta:
        model = Invitation
        fields = ["id", "email", "role", "team", "state", "created_at", "sent_at", "expires_at"]

    def get_state(self, invitation: Invitation) -> str:
        return invitation.state()


class InviteInputSerializer(serializers.Serializer):
    emails = serializers.CharField(
        help_text="One address or several, separated by commas, semicolons, spaces or lines."
    )
    role = serializers.ChoiceField(choices=Role.choices, required=False, default=Role.MEMBER)
    team = serializers.IntegerField(required=False, allow_null=True, help_text="A team id.")


class InviteResultSerializer(serializers.Serializer):
    sent = serializers.ListField(child=serializers.EmailField())
    already_members = serializers.ListField(child=serializers.EmailField())
    already_invited = serializers.ListField(child=serializers.EmailField())
    invalid = serializers.ListField(child=serializers.CharField())
    duplicates = serializers.ListField(child=serializers.CharField())


class VerificationLinkSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The public page (absolute URL).")
    active = serializers.SerializerMethodField()

    class Meta:
        model = VerificationLink
        fields = [
            "id",
            "url",
            "label",
            "show_activities",
            "active",
            "created_at",
            "expires_at",
            "revoked_at",
            "view_count",
            "last_viewed_at",
        ]

    def get_url(self, link: VerificationLink) -> str:
        return public_url(link, self.context.get("request"))

    def get_active(self, link: VerificationLink) -> bool:
        return link.is_active()


class VerificationLinkInputSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=1, max_value=LINK_MAX_DAYS)
    label = serializers.CharField(required=False, allow_blank=True, max_length=100, default="")  # type: ignore[assignment]  # a declared field, not Field.label
    show_activities = serializers.BooleanField(required=False, default=False)


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"]


class FieldChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label
    old = serializers.CharField(allow_null=True)
    new = serializers.CharField(allow_null=True)


class CycleEndSerializer(serializers.Serializer):
    body = serializers.CharField()
    cycle_end = serializers.DateField()


class HistoryEntrySerializer(serializers.Serializer):
    """The shape of ceutrack.activities.history.HistoryEntry.as_json() (documentation only)."""

    id = serializers.IntegerField()
    record_kind = serializers.CharField()
    record_id = serializers.IntegerField()
    record_label = serializers.CharField()
    action = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    at = serializers.DateTimeField()
    by = serializers.CharField(allow_null=True)
    by_you = serializers.BooleanField()
    changes = FieldChangeSerializer(many=True)
    after_cycle_end = CycleEndSerializer(
        many=True, help_text="Cycles this activity counts in that had ended when it changed."
    )
    earlier_recorded = serializers.BooleanField()
    withheld_changes = serializers.BooleanField()
