"""User text is hostile. Every user-controlled field (names, titles, providers, notes, file
names, organization and team names, a manager's note) holds markup and a spreadsheet formula;
every page, email, PDF and CSV that shows it must hand it back inert: escaped in HTML, literal
in plain text and PDF, formula-neutralised in CSV. (Certificate confirm page: see intake's
tests.)"""

import copy
import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from ceutrack.activities.evaluation import evaluate_person
from ceutrack.mail import render_email
from ceutrack.organizations.models import Invitation, Role
from ceutrack.reminders.sender import reminder_context
from tests.certificate_samples import certificate_pdf
from tests.factories import (
    ActivityFactory,
    CredentialFactory,
    InvitationFactory,
    MembershipFactory,
    OfficialCycleFactory,
    OrganizationFactory,
    TeamFactory,
)
from tests.integration.accounts.helpers import verified_user
from tests.shared_rows import rows_for_the_module

pytestmark = pytest.mark.django_db

FIELDS = ("name", "title", "provider", "notes", "file", "org", "team", "manager", "note")


def hostile(tag: str) -> str:
    """A formula (CSV), an attribute break-out with an event handler, and a script (HTML)."""
    return f'=HYPERLINK("x")"><img src=x onerror={tag}()><script>{tag}()</script>'


VALUE = {field: hostile(field) for field in FIELDS}
RAW = ("<script>", "<img src=x")
CERTIFICATE_PDF = certificate_pdf("Certificate")


def escaped(tag: str) -> str:
    return f"&lt;script&gt;{tag}()&lt;/script&gt;"


def assert_inert_html(html: str, *, shows: tuple[str, ...]) -> None:
    for marker in RAW:
        assert marker not in html, f"unescaped {marker!r}"
    for field in shows:
        assert escaped(field) in html, f"the {field} never reached the page"


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(2025, 6, 30), tick=False)


def build_world():
    coder = verified_user(email="coder@example.com", full_name=VALUE["name"])
    manager = verified_user(email="manager@example.com", full_name=VALUE["manager"])
    CredentialFactory(user=coder)
    cycle = OfficialCycleFactory(user=coder)
    activity = ActivityFactory(
        user=coder, title=VALUE["title"], provider=VALUE["provider"], notes=VALUE["notes"]
    )
    activity.certificate.save("cert.pdf", ContentFile(CERTIFICATE_PDF))
    activity.certificate_name = VALUE["file"][:190] + ".pdf"
    activity.certificate_type = "application/pdf"
    activity.save()
    organization = OrganizationFactory(name=VALUE["org"])
    team = TeamFactory(organization=organization, name=VALUE["team"][:100])
    owner = MembershipFactory(
        user=manager, organization=organization, role=Role.OWNER, consent_given_at=None
    )
    member = MembershipFactory(user=coder, organization=organization, team=team)
    return {
        "coder": coder,
        "manager": manager,
        "activity": activity,
        "cycle": cycle,
        "organization": organization,
        "owner": owner,
        "member": member,
    }


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, on the same day as its tests; each test's changes are rolled
    back after it."""
    with (
        time_machine.travel(date(2025, 6, 30), tick=False),
        rows_for_the_module(django_db_blocker, tmp_path_factory.mktemp("escaping")),
    ):
        yield build_world()


@pytest.fixture
def world(module_world, settings):
    """A copy of the module's world for one test, its certificate file in this test's
    private storage."""
    world = copy.deepcopy(module_world)
    path = Path(settings.PRIVATE_MEDIA_ROOT) / world["activity"].certificate.name
    path.parent.mkdir(parents=True)
    path.write_bytes(CERTIFICATE_PDF)
    return world


CODER_PAGES = {
    "home": (lambda w: reverse("home"), ()),
    "activity list": (lambda w: reverse("activities:list"), ("title", "provider")),
    "activity form": (
        lambda w: reverse("activities:edit", args=[w["activity"].pk]),
        ("title", "provider", "notes", "file"),
    ),
    "activity delete": (
        lambda w: reverse("activities:delete", args=[w["activity"].pk]),
        ("title",),
    ),
    "history": (lambda w: reverse("activities:history", args=["aapc"]), ()),
    "records": (lambda w: reverse("activities:records"), ()),
    "credentials": (lambda w: reverse("credentials:list"), ()),
    "cycle form": (lambda w: reverse("credentials:cycle_edit", args=[w["cycle"].pk]), ()),
    "organizations": (lambda w: reverse("organizations:list"), ("org",)),
    "profile": (lambda w: reverse("profile"), ("name",)),
}
MANAGER_PAGES = {
    "dashboard": (
        lambda w: reverse("organizations:dashboard", args=[w["organization"].slug]),
        ("org", "name", "team"),
    ),
    "member detail": (
        lambda w: reverse(
            "organizations:member_detail", args=[w["organization"].slug, w["member"].pk]
        ),
        ("org", "name", "title"),
    ),
    "people": (
        lambda w: reverse("organizations:people", args=[w["organization"].slug]),
        ("org", "name", "team"),
    ),
    "invitations": (
        lambda w: reverse("organizations:invitations", args=[w["organization"].slug]),
        ("org",),
    ),
}


@pytest.mark.parametrize("page_name", CODER_PAGES)
def test_the_coders_pages_escape_every_field(client, world, page_name):
    url, shows = CODER_PAGES[page_name]
    client.force_login(world["coder"])

    response = client.get(url(world))

    assert response.status_code == 200
    assert_inert_html(response.content.decode(), shows=shows)


@pytest.mark.parametrize("page_name", MANAGER_PAGES)
def test_the_managers_pages_escape_every_field(client, world, page_name):
    url, shows = MANAGER_PAGES[page_name]
    client.force_login(world["manager"])

    response = client.get(url(world))

    assert response.status_code == 200
    assert_inert_html(response.content.decode(), shows=shows)


def test_a_form_sent_back_with_errors_escapes_what_was_typed(client, world):
    client.force_login(world["coder"])

    response = client.post(
        reverse("activities:add"),
        {"title": VALUE["title"], "provider": VALUE["provider"], "notes": VALUE["notes"]},
    )
    created = client.post(reverse("organizations:create"), {"name": VALUE["org"] + "x" * 200})

    assert response.status_code == 200
    assert_inert_html(response.content.decode(), shows=("title", "provider", "notes"))
    assert_inert_html(created.content.decode(), shows=("org",))


def test_the_invitation_page_and_email_escape_the_organization_and_inviter(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organizations:invitations", args=[world["organization"].slug]),
            {"emails": "new@example.com", "role": "member"},
        )
    invitation = Invitation.objects.get(email="new@example.com")
    client.logout()

    page = client.get(reverse("organizations:invitation_accept", args=[invitation.token]))

    assert_inert_html(page.content.decode(), shows=("org",))
    [message] = mail.outbox
    assert_plain_text_and_html(message, shows=("org", "manager"))


def test_a_nudge_email_escapes_the_managers_note_and_names(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world["manager"])
    url = reverse(
        "organizations:member_nudge", args=[world["organization"].slug, world["member"].pk]
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"message": VALUE["note"]})

    [message] = mail.outbox
    assert_plain_text_and_html(message, shows=("note", "manager", "org"))


def test_a_reminder_email_escapes_the_persons_name(world):
    [body] = evaluate_person(world["coder"]).bodies
    subject, text, html = render_email(
        "reminder_behind", reminder_context(world["coder"], body=body, kind="behind")
    )

    assert "\n" not in subject
    assert VALUE["name"] in text  # plain text carries the name as typed
    assert_inert_html(html, shows=("name",))


def test_the_weekly_digest_escapes_staff_names_and_the_organization(world):
    from ceutrack.reminders.emails import absolute_url

    [body] = evaluate_person(world["coder"]).bodies
    entry = {"person": world["coder"], "body": "AAPC", "cycle": body.current, "status": "Behind"}
    context = {
        "user": world["manager"],
        "week_start": date(2025, 6, 23),
        "week_end": date(2025, 6, 29),
        "organizations": [{"organization": world["organization"].name, "people": [entry]}],
        "count": 1,
        "dashboard_url": absolute_url("/"),
        "preferences_url": absolute_url("/"),
        "unsubscribe_url": absolute_url("/"),
    }
    subject, text, html = render_email("digest", context)

    assert "\n" not in subject
    assert_inert_html(html, shows=("name", "org", "manager"))
    assert VALUE["name"] in text and VALUE["org"] in text


def assert_plain_text_and_html(message, *, shows):
    html = next(content for content, kind in message.alternatives if kind == "text/html")
    assert "\n" not in message.subject
    assert_inert_html(html, shows=shows)
    for field in shows:
        assert VALUE[field] in message.body, f"the {field} is not in the text part as typed"


def test_the_audit_pack_pdf_writes_user_text_literally(client, world):
    client.force_login(world["coder"])

    response = client.post(reverse("activities:audit_pack", args=["AAPC", "2027-01-31"]))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    reader = PdfReader(io.BytesIO(archive.read("summary.pdf")))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    # The text layer holds the characters typed, as text: nothing was interpreted or dropped.
    assert "<script>name()</script>" in text
    assert "<script>title()" in text
    for name in archive.namelist():
        assert "<" not in name and ">" not in name and '"' not in name
    assert not any("/JavaScript" in str(page.get("/AA", "")) for page in reader.pages)
    assert "/JavaScript" not in str(reader.trailer["/Root"])


def formula_cells(rows):
    return [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@")]


def test_the_activity_csv_neutralises_formulas(client, world):
    client.force_login(world["coder"])

    response = client.get(reverse("activities:csv_export"))

    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert formula_cells(rows) == []
    assert "'" + VALUE["title"] in cells and "'" + VALUE["provider"] in cells


def test_the_staff_csv_neutralises_formulas(client, world):
    client.force_login(world["manager"])

    response = client.get(reverse("organizations:export", args=[world["organization"].slug]))

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    cells = [cell for row in rows for cell in row]
    assert formula_cells(rows) == []
    assert "'" + VALUE["name"] in cells and "'" + VALUE["team"][:100] in cells


def test_no_template_marks_text_safe_or_turns_autoescape_off_in_html():
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    offenders = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("ceutrack/**/templates/**/*.html")]:
        source = path.read_text()
        if "|safe" in source or "autoescape off" in source or "safeseq" in source:
            offenders.append(str(path.relative_to(root)))
    for path in root.glob("ceutrack/**/*.py"):
        if "mark_safe(" in path.read_text():
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


def test_an_invitation_to_the_hostile_organization_keeps_the_subject_on_one_line(
    world, django_capture_on_commit_callbacks
):
    from ceutrack.organizations import emails

    world["organization"].name = "Evil\r\nBcc: victim@example.com\n" + VALUE["org"]
    world["organization"].save()
    invitation = InvitationFactory(
        organization=world["organization"], email="x@example.com", invited_by=world["manager"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        emails.send_invitation(invitation)

    message = mail.outbox[-1]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.bcc == [] and "Bcc" not in message.message()


def test_the_csv_import_preview_escapes_the_uploaded_rows_and_file_name(client, world):
    from tests.certificate_files import upload

    client.force_login(world["coder"])
    header = "title,provider,completed_on,units,kind,aapc,aapc_index,notes"

    def quoted(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    rows = [
        header,
        ",".join(
            [
                *(quoted(VALUE["title"]), quoted(VALUE["provider"])),
                *("2025-03-15", "1", "webinar", "yes", "X1", quoted(VALUE["notes"])),
            ]
        ),
        ",".join([quoted(VALUE["name"]), "AAPC", "not-a-date", "1", "webinar", "yes", "", ""]),
    ]
    uploaded = client.post(
        reverse("activities:csv_import"),
        {"file": upload(VALUE["file"][:80] + ".csv", "\n".join(rows).encode())},
    )
    preview = client.get(reverse("activities:csv_preview"))

    assert uploaded.status_code == 302
    assert_inert_html(preview.content.decode(), shows=("title", "name"))


def test_the_profile_form_sent_back_with_errors_escapes_the_name(client, world):
    client.force_login(world["coder"])

    response = client.post(
        reverse("profile"), {"full_name": VALUE["manager"], "time_zone": "Nowhere"}
    )

    assert response.status_code == 200
    assert_inert_html(response.content.decode(), shows=("manager",))
