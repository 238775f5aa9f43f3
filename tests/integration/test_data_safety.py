"""An exception in the middle of a request leaves no partial rows and no orphan file.

Each test lets the first write of a multi-write request happen, then makes a later step
raise, and checks the database holds nothing new and the private media folder holds no file
nobody points to. (pytest-django wraps each test in a transaction, so a view's own atomic
block is a savepoint here: a view without one would leave its first write behind.)
"""

from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from ceutrack.activities.forms import ActivityForm
from ceutrack.activities.models import Activity, PendingCertificate
from ceutrack.activities.records_views import IMPORT_SESSION_KEY
from ceutrack.credentials.models import Credential
from ceutrack.organizations import summaries
from ceutrack.organizations.models import (
    ComplianceSummary,
    Invitation,
    InvitationStatus,
    Membership,
)
from tests.certificate_files import pdf_bytes, png_bytes, upload
from tests.factories import InvitationFactory, MembershipFactory, UserFactory, credential_type

pytestmark = pytest.mark.django_db


class Boom(RuntimeError):
    """The failure a test injects after the request's first write."""


def boom(*args, **kwargs):
    raise Boom("injected failure")


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


@pytest.fixture
def user(client):
    user = UserFactory()
    client.force_login(user)
    return user


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def activity_data(**overrides):
    data = {
        "title": "E/M documentation update",
        "provider": "AAPC",
        "completed_on": "2025-03-15",
        "units": "1.5",
        "kind": "webinar",
        "aapc": "on",
        "aapc_index": "A123",
        "ahima_domain": "on",
    }
    return data | overrides


def test_a_failure_after_the_activity_and_its_certificate_are_written_leaves_neither(
    client, user, monkeypatch
):
    # The summary signal runs after the INSERT and after the file was stored.
    monkeypatch.setattr(summaries, "queue_refresh", boom)
    data = activity_data(certificate_file=upload("certificate.pdf", pdf_bytes()))
    with pytest.raises(Boom):
        client.post(reverse("activities:add"), data)
    assert not Activity.objects.exists()
    assert stored_files() == []


def test_a_failed_edit_keeps_the_certificate_the_unchanged_row_still_points_to(
    client, user, monkeypatch
):
    client.post(
        reverse("activities:add"),
        activity_data(certificate_file=upload("certificate.pdf", pdf_bytes())),
    )
    activity = Activity.objects.get(user=user)
    [kept] = stored_files()
    monkeypatch.setattr(summaries, "queue_refresh", boom)
    with pytest.raises(Boom):
        client.post(reverse("activities:edit", args=[activity.pk]), activity_data(title="Renamed"))
    activity.refresh_from_db()
    assert activity.title == "E/M documentation update"
    assert stored_files() == [kept]
    assert Path(settings.PRIVATE_MEDIA_ROOT, activity.certificate.name) == kept


def test_a_failed_replacement_keeps_the_old_certificate_and_drops_the_new_one(
    client, user, monkeypatch
):
    client.post(
        reverse("activities:add"),
        activity_data(certificate_file=upload("certificate.pdf", pdf_bytes())),
    )
    activity = Activity.objects.get(user=user)
    [kept] = stored_files()
    monkeypatch.setattr(summaries, "queue_refresh", boom)
    with pytest.raises(Boom):
        client.post(
            reverse("activities:edit", args=[activity.pk]),
            activity_data(certificate_file=upload("photo.png", png_bytes())),
        )
    activity.refresh_from_db()
    assert activity.certificate_type == "application/pdf"
    assert stored_files() == [kept]


def test_confirming_a_certificate_with_a_replacement_that_fails_leaves_the_pending_upload(
    client, user, monkeypatch
):
    response = client.post(
        reverse("activities:certificate_start"),
        {"certificate": upload("certificate.pdf", pdf_bytes())},
    )
    pending = PendingCertificate.objects.get(user=user)
    [pending_file] = stored_files()
    # The activity row and the replacement file are written before the pending row goes.
    monkeypatch.setattr(PendingCertificate, "delete", boom)
    data = activity_data(certificate_file=upload("photo.png", png_bytes()))
    with pytest.raises(Boom):
        client.post(response.url, data)
    assert not Activity.objects.exists()
    assert PendingCertificate.objects.filter(pk=pending.pk).exists()
    assert stored_files() == [pending_file]


def test_a_csv_import_that_fails_midway_imports_nothing_and_can_be_confirmed_again(
    client, user, monkeypatch
):
    rows = [
        "title,provider,completed_on,units,kind,aapc,aapc_index,ahima,ahima_domain",
        "First webinar,AAPC,2025-03-15,1.5,webinar,yes,A100,no,yes",
        "Second webinar,AAPC,2025-03-16,1,webinar,yes,A101,no,yes",
        "Third webinar,AAPC,2025-03-17,1,webinar,yes,A102,no,yes",
    ]
    client.post(
        reverse("activities:csv_import"), {"file": upload("a.csv", "\n".join(rows).encode())}
    )
    saved = ActivityForm.save
    calls = []

    def fail_on_second_row(form, *args, **kwargs):
        calls.append(form)
        if len(calls) == 2:
            raise Boom("injected failure")
        return saved(form, *args, **kwargs)

    monkeypatch.setattr(ActivityForm, "save", fail_on_second_row)
    with pytest.raises(Boom):
        client.post(reverse("activities:csv_preview"))
    assert not Activity.objects.exists()
    assert IMPORT_SESSION_KEY in client.session
    monkeypatch.setattr(ActivityForm, "save", saved)
    client.post(reverse("activities:csv_preview"))
    assert Activity.objects.filter(user=user).count() == 3


def test_accepting_an_invitation_that_fails_after_joining_leaves_no_membership(client, monkeypatch):
    owner = MembershipFactory(role="owner", consent_given_at=None)
    invitation = InvitationFactory(organization=owner.organization, invited_by=owner.user)
    coder = UserFactory(email=invitation.email)
    client.force_login(coder)
    # The membership (with consent) is written first, then the invitation is marked.
    monkeypatch.setattr(Invitation, "save", boom)
    accept = reverse("organizations:invitation_accept", args=[invitation.token])
    with pytest.raises(Boom):
        client.post(accept, {"consent": "on"})
    assert not Membership.objects.filter(user=coder).exists()
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_a_credential_whose_summary_refresh_fails_is_kept_and_its_summary_marked_stale(
    client, user, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    """The refresh runs after the credential commits: it cannot undo it, so the person's
    change stands, the page is not an error, and the old verdict is no longer trusted."""
    MembershipFactory(user=user)
    summaries.refresh_summaries([user.pk])
    summary = ComplianceSummary.objects.get(user=user)
    assert summary.valid_until > timezone.now()
    monkeypatch.setattr(summaries, "refresh_summaries", boom)
    data = {"credential_type": credential_type("CPC").pk, "earned_on": "2024-02-01"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("credentials:add"), data)
    assert response.status_code == 302
    assert Credential.objects.filter(user=user, credential_type__code="CPC").exists()
    summary.refresh_from_db()
    assert summary.valid_until <= timezone.now()
    assert summaries.stale_user_ids(Membership.objects.filter(user=user)) == [user.pk]
    assert "injected failure" in caplog.text
