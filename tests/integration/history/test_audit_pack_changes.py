"""The audit pack lists every change of the entries it counts, marking the changes made after
the cycle had ended."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse
from pypdf import PdfReader

from ceutrack.activities.history import BASELINE_REASON
from tests.factories import ActivityFactory, CredentialFactory, UserFactory

pytestmark = pytest.mark.django_db

CYCLE_END = "2027-01-31"  # CPC earned 2023-01-10: the cycle from 2025-02-01


def _summary_text(client, owner) -> str:
    client.force_login(owner)
    response = client.post(reverse("activities:audit_pack", args=["AAPC", CYCLE_END]))
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    reader = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def owner():
    user = UserFactory(full_name="Riley Coder")
    CredentialFactory(user=user, earned_on=date(2023, 1, 10))
    return user


def _at(time_machine, *args):
    time_machine.move_to(datetime(*args, tzinfo=UTC), tick=False)


def test_it_marks_an_edit_made_after_the_cycle_had_ended(client, owner, time_machine):
    _at(time_machine, 2025, 4, 1, 12)
    activity = ActivityFactory(user=owner, title="E/M update", completed_on=date(2025, 3, 15))
    _at(time_machine, 2026, 5, 1, 12)
    activity.provider = "Chapter 12"
    activity._history_user = owner
    activity.save()
    _at(time_machine, 2027, 2, 10, 9)
    activity.units = 4
    activity._history_user = owner
    activity.save()

    text = _summary_text(client, owner)

    section = text[text.index("Changes to these entries") :]
    assert "1 change came after the cycle ended on Jan 31, 2027" in section
    assert section.count("AFTER CYCLE END") == 2  # the intro's explanation and the one row
    assert "2027-02-10 09:00" in section
    assert "CEUs: 1.5 -> 4" in section
    assert "Provider: AAPC -> Chapter 12" in section
    assert "Riley Coder" in section


def test_it_says_so_when_nothing_was_changed_after_the_cycle(client, owner, time_machine):
    _at(time_machine, 2025, 4, 1, 12)
    ActivityFactory(user=owner, completed_on=date(2025, 3, 15))

    text = _summary_text(client, owner)

    section = text[text.index("Changes to these entries") :]
    assert "0 changes came after the cycle ended" in section
    assert section.count("AFTER CYCLE END") == 1  # the intro only


def test_it_lists_only_the_entries_counted_in_the_cycle(client, owner, time_machine):
    _at(time_machine, 2025, 4, 1, 12)
    ActivityFactory(user=owner, title="Counted course", completed_on=date(2025, 3, 15))
    ActivityFactory(user=owner, title="Older cycle course", completed_on=date(2024, 3, 15))

    text = _summary_text(client, owner)

    section = text[text.index("Changes to these entries") :]
    assert "Counted course" in text
    assert "Older cycle course" not in text
    created = [line for line in section.splitlines() if line.endswith("not recorded created")]
    assert len(created) == 1  # the counted activity's creation, not the older one's


def test_it_says_when_history_began_for_entries_logged_before(client, owner, time_machine):
    _at(time_machine, 2025, 4, 1, 12)
    activity = ActivityFactory(user=owner, completed_on=date(2025, 3, 15))
    activity.history.update(history_change_reason=BASELINE_REASON)
    owner.credentials.get().history.update(history_change_reason=BASELINE_REASON)

    text = _summary_text(client, owner)

    assert "Changes have been recorded since Apr 1, 2025" in text
    assert "No changes recorded." in text


def test_it_marks_official_cycle_dates_changed_after_the_cycle_had_ended(
    client, owner, time_machine
):
    from tests.factories import OfficialCycleFactory

    _at(time_machine, 2025, 4, 1, 12)
    ActivityFactory(user=owner, completed_on=date(2025, 3, 15))
    cycle = OfficialCycleFactory(user=owner, start=date(2025, 2, 1), end=date(2027, 1, 31))
    OfficialCycleFactory(user=owner, body="AHIMA", start=date(2025, 2, 1), end=date(2027, 1, 31))
    _at(time_machine, 2027, 2, 3, 12)
    cycle.required = 30
    cycle._history_user = owner
    cycle.save()

    text = _summary_text(client, owner)

    section = text[text.index("Changes to these entries") :]
    assert "1 change came after the cycle ended" in section
    assert "Official cycle dates (AAPC cycle Feb 1, 2025 to Jan 31, 2027) changed" in section
    assert "Required units: — -> 30" in section or "Required units: - -> 30" in section
    assert "AHIMA cycle" not in section
    assert "Credential (CPC) created" in section
