"""factory_boy factories for every model. Catalog rows (CredentialType) are seeded by a
data migration: look them up by code (`credential_type("CPC")`) rather than building them."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from ceutrack.accounts.models import User
from ceutrack.activities.models import Activity, Kind
from ceutrack.credentials.models import (
    ApprenticeEvidence,
    Body,
    Credential,
    CredentialType,
    OfficialCycle,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"coder{n}@example.com")
    # Deterministic names (a run is the same every time), cheaper than Faker's (93 µs each).
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    time_zone = "UTC"
    password = factory.django.Password("correct-horse-battery-staple")


def credential_type(code: str) -> CredentialType:
    return CredentialType.objects.get(code=code)


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    user = factory.SubFactory(UserFactory)
    credential_type = factory.LazyFunction(lambda: credential_type("CPC"))
    earned_on = date(2023, 1, 10)


class OfficialCycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfficialCycle

    user = factory.SubFactory(UserFactory)
    body = Body.AAPC
    start = date(2025, 2, 1)
    end = date(2027, 1, 31)


class ApprenticeEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprenticeEvidence

    user = factory.SubFactory(UserFactory)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    user = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Coding webinar {n}")
    provider = "AAPC"
    completed_on = date(2025, 3, 15)
    units = Decimal("1.5")
    kind = Kind.WEBINAR
    aapc = True
    aapc_index = factory.Sequence(lambda n: f"IDX{n:05d}")


class ReminderFactory(factory.django.DjangoModelFactory):
    """An outbox row (pending by default) for the CPC cycle ending 2027-01-31."""

    class Meta:
        model = "reminders.Reminder"

    user = factory.SubFactory(UserFactory)
    body = "AAPC"
    cycle_end = date(2027, 1, 31)
    kind = "behind"
    planned_on = date(2026, 6, 1)


class ReminderPreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "reminders.ReminderPreferences"
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Organization"

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Team"

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A consented staff member by default; pass role= for owners, admins and managers."""

    class Meta:
        model = "organizations.Membership"

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = "member"
    consent_given_at = factory.LazyFunction(timezone.now)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organizations.Invitation"

    organization = factory.SubFactory(OrganizationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = "member"
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
