"""Every page a person reaches, signed out, as the demo coder and as the demo manager, is
opened once in Chromium and checked there for four things, each asserted by its own test:
- axe-core finds no serious or critical accessibility violation;
- it fits a phone (390x844) and a laptop (1280x800): never wider than the viewport (wide
  tables scroll in their own container or collapse to cards) and ending at its footer (no
  blank tail below it);
- it is served under the Content-Security-Policy and Chromium reports no violation of it;
- the progress bars get their width (set by static/js/progress.js, since style="" attributes
  are forbidden).

The pages are the ones a person finds: every link followed from the home page (GET only, HTML
only, one page per URL name and query shape, read from the page in the browser), and the
states only an action reaches (a form sent with errors, an import preview, an invitation, an
unsubscribe link, the 404 page). One browser context per person, signed in once.

axe-core comes from the axe-playwright-python package (it ships axe.min.js; no CDN).
"""

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlparse, urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT as AXE_SOURCE
from django.urls import Resolver404, resolve, reverse
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from ceutrack.accounts.demo import CODER_EMAIL, MANAGER_EMAIL, ensure_demo_account
from ceutrack.activities.demo import seed_coder_records
from ceutrack.activities.models import Activity
from ceutrack.credentials.models import Credential
from ceutrack.organizations.demo import seed_organization
from ceutrack.organizations.models import Membership
from ceutrack.reminders.emails import unsubscribe_url
from tests.factories import (
    InvitationFactory,
    OfficialCycleFactory,
    OrganizationFactory,
    ReminderFactory,
)

BLOCKING = ("serious", "critical")
# axe runs at the laptop size, where the navigation is expanded; the layout is measured at both.
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
# Not ceutrack's own pages: the admin, files, and the API (its Swagger UI docs are
# drf-spectacular-sidecar's own layout, without the site's footer; JSON answers are no pages).
NOT_PAGES = ("/accounts/logout", "/admin/", "/static/", "/favicon.ico", "/api/")
MAX_PAGES = 80
# axe's violations, with only what the report prints: its whole result (every rule's passes,
# descriptions and links) would cross from the page to the test for nothing. null when axe is
# not loaded.
AXE_RUN = """() => window.axe ? axe.run({resultTypes: ["violations"]}).then((results) =>
  results.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target, failureSummary: n.failureSummary,
                                html: n.html}))}))) : null"""
# The page is as wide as the viewport (1 px for sub-pixel rounding), and its footer's bottom
# is the document's bottom. With `links`, also the links to follow and each progress bar's
# value and drawn width (one round trip for the last measure of a page, not two).
MEASURE = """(links) => {
  const footer = document.querySelector("body > footer");
  const doc = document.documentElement;
  const bottom = footer ? footer.getBoundingClientRect().bottom + window.scrollY : null;
  const name = (el) => el.tagName.toLowerCase() + "." + String(el.className).replace(/ /g, ".");
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map(name);
  const found = links ? {
    links: [...document.querySelectorAll("a[href]")].map((link) => link.getAttribute("href")),
    bars: [...document.querySelectorAll("[data-progress-width]")].map(
      (bar) => [Number(bar.dataset.progressWidth), bar.getBoundingClientRect().width]),
  } : {};
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth,
          height: doc.scrollHeight, footerBottom: bottom, wide, ...found};
}"""


def watch_violations(page: Page) -> list[str]:
    """The Content-Security-Policy violations Chromium reports on `page` from now on."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return seen


@dataclass
class Sweep:
    """What each page showed, by who saw it and what it is: serious and critical axe
    violations (grouped by rule and element, so one shared fault, say in the navbar, is
    reported once), layout faults at each size, policy headers and violations, progress bars."""

    axe: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    layout: list[str] = field(default_factory=list)
    policy: list[str] = field(default_factory=list)
    progress_bars: dict[str, list[list[float]]] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    measured: list[str] = field(default_factory=list)
    crawled: dict[str, list[str]] = field(default_factory=dict)
    # Per person: the URL shapes already checked, and the links seen on the pages checked.
    seen: dict[str, set[tuple[str, tuple[str, ...]] | None]] = field(default_factory=dict)
    links: dict[str, deque[str]] = field(default_factory=dict)
    # The URL shapes axe has checked, whoever saw them: one more person's view of a form
    # is measured, not audited again.
    audited: set[tuple[str, tuple[str, ...]] | None] = field(default_factory=set)
    console: dict[Page, list[str]] = field(default_factory=dict)

    def open(self, page: Page) -> Page:
        # Once per page (contexts are reused by later tests), not once per visit.
        page.add_init_script(script=AXE_SOURCE)
        page.set_viewport_size(VIEWPORTS["laptop"])
        self.console[page] = watch_violations(page)
        return page

    def visit(self, page: Page, who: str, path: str, label: str, *, status: int = 200) -> None:
        response = page.goto(path)
        assert response is not None and response.status == status, (label, path, response)
        self.seen.setdefault(who, set()).add(_shape(path))
        self.check(page, who, label, response.headers)

    def check(
        self,
        page: Page,
        who: str,
        label: str,
        headers: dict[str, str] | None = None,
        *,
        audit: bool = True,
    ) -> None:
        """axe at the laptop size (unless `audit` is false) and the layout at both sizes, of
        the page as it is now; its links are kept for the crawl.

        The page is measured first at the size it was opened at, then resized once: a page
        opened at the laptop size is left at the phone size and the next one is opened there
        (a phone opens pages at its own size too), so each page costs one resize, not two (a
        resize lays the page out and paints it again)."""
        where = f"{who} {label} ({urlparse(page.url).path})"
        if headers is not None and "script-src 'self'" not in headers.get(
            "content-security-policy", ""
        ):
            self.policy.append(f"{where}: no script-src 'self' policy in {headers}")
        first = "phone" if page.viewport_size == VIEWPORTS["phone"] else "laptop"
        second = "laptop" if first == "phone" else "phone"
        if audit and first == "laptop":
            self.audit(page, where)
        self.measure(page, where, first)
        page.set_viewport_size(VIEWPORTS[second])
        if audit and second == "laptop":
            self.audit(page, where)
        found = self.measure(page, where, second, links=True)
        self.policy.extend(f"{where}: {text}" for text in self.console[page])
        self.console[page].clear()
        if found["bars"]:
            self.progress_bars[where] = found["bars"]
        self.links.setdefault(who, deque()).extend(
            href.split("#", 1)[0]
            for href in found["links"]
            if href.startswith("/") and href[1:2] != "/"
        )

    def audit(self, page: Page, where: str) -> None:
        self.checked.append(where)
        self.audited.add(_shape(page.url))
        violations = page.evaluate(AXE_RUN)
        if violations is None:
            raise AssertionError(f"axe-core is not loaded on {where}: open the page with open()")
        for violation in violations:
            if violation["impact"] not in BLOCKING:
                continue
            rule = f"{violation['id']} ({violation['impact']}): {violation['help']}"
            for node in violation["nodes"]:
                why = " ".join(node["failureSummary"].split())
                element = f"{' '.join(map(str, node['target']))}: {why}\n      {node['html']}"
                self.axe.setdefault((rule, element), []).append(where)

    def measure(self, page: Page, where: str, name: str, *, links: bool = False) -> dict:
        """The layout at the size the page is at now, `name`; with `links`, also its links
        and progress bars."""
        m = page.evaluate(MEASURE, links)
        self.measured.append(f"{where} {name}")
        if m["scrollWidth"] > m["innerWidth"]:
            self.layout.append(
                f"{where} {name}: {m['scrollWidth']} px wide > {m['innerWidth']} ({m['wide']})"
            )
        if m["footerBottom"] is None or abs(m["height"] - m["footerBottom"]) > 2:
            self.layout.append(
                f"{where} {name}: page ends at {m['height']} px, footer at {m['footerBottom']}"
            )
        return m

    def crawl(self, page: Page, who: str) -> None:
        """Follow every link seen, from home on, one page per URL name and query shape (the
        pages visited already count), and check each HTML page found."""
        queue = self.links[who]
        seen = self.seen[who]
        found: list[str] = []
        while queue and len(found) < MAX_PAGES:
            url = queue.popleft()
            shape = _shape(url)
            if shape is None or shape in seen or url.startswith(NOT_PAGES):
                continue
            seen.add(shape)
            try:
                response = page.goto(url)
            except PlaywrightError as error:  # a file (a certificate, an export)
                if "Download is starting" in error.message:
                    continue
                raise
            if response is None or response.status != 200 or response.request.redirected_from:
                continue
            if "text/html" not in response.headers.get("content-type", ""):
                continue
            found.append(url)
            self.check(page, who, "found", response.headers, audit=shape not in self.audited)
        self.crawled[who] = found


def _shape(url: str) -> tuple[str, tuple[str, ...]] | None:
    """The URL's name and query keys (but the page number), or None if it is not the site's."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = tuple(sorted(k.split("=", 1)[0] for k in parts.query.split("&") if k))
    return (match.view_name, tuple(k for k in keys if k != "page"))


@pytest.fixture(scope="module")
def _swept() -> dict[str, Sweep]:
    return {}


@pytest.fixture
def sweep(_swept, request, browser) -> Sweep:
    """The sweep, run by whichever test of this module comes first and kept for the others
    (each asserts one property of every page). It names `browser` so that these tests are
    parametrized by browser like the others, or pytest would launch the browser again."""
    if "failed" in _swept:
        pytest.fail(f"the sweep failed in an earlier test: {_swept['failed']!r}")
    if "done" not in _swept:
        try:
            _swept["done"] = _run_sweep(
                request.getfixturevalue("page"),
                request.getfixturevalue("signed_in_page"),
                request.getfixturevalue("tmp_path"),
            )
        except BaseException as error:
            _swept["failed"] = error
            raise
    return _swept["done"]


def _run_sweep(page: Page, signed_in_page, tmp_path) -> Sweep:
    sweep = Sweep()
    coder = ensure_demo_account(
        email=CODER_EMAIL, full_name="Casey Coder", time_zone="America/Chicago"
    )
    manager = ensure_demo_account(
        email=MANAGER_EMAIL, full_name="Morgan Manager", time_zone="America/New_York"
    )
    seed_coder_records(coder)
    # Eight demo staff, one or more in every state: the 28 of `make run` add rows of the same
    # markup, which axe and the layout checks would go through again (1.3-1.9 s more of the sweep).
    organization = seed_organization(manager, coder, size=8)
    member = Membership.objects.get(user=coder, organization=organization)
    cycle = OfficialCycleFactory(user=coder)
    ReminderFactory(user=coder, kind="behind")
    InvitationFactory(organization=organization, email="pending@example.com", invited_by=manager)
    invitation = InvitationFactory(
        organization=OrganizationFactory(name="Lakeside Clinic"), email=coder.email
    )
    activity = Activity.objects.filter(user=coder).first()
    assert activity is not None
    activity.title = f"{activity.title} (corrected)"
    activity.save()  # a change for the history pages to show

    # Signed out: landing, sign-in (also with an error), sign-up (with field errors),
    # password reset, an unsubscribe link, an invitation link and the 404 page.
    anyone = sweep.open(page)
    for path, label, status in [
        ("/", "landing", 200),
        (urlparse(unsubscribe_url(user_id=coder.pk, kind="behind")).path, "unsubscribe", 200),
        ("/reminders/unsubscribe/forged/", "unsubscribe invalid", 400),
        (f"/organizations/invitation/{invitation.token}/", "invitation", 200),
        ("/no-such-page/", "404 page", 404),
        ("/accounts/login/", "login", 200),
    ]:
        sweep.visit(anyone, "signed out", path, label, status=status)
    anyone.locator('input[name="login"]').fill(CODER_EMAIL)
    anyone.locator('input[name="password"]').fill("not the password")
    anyone.locator('input[name="password"]').press("Enter")
    expect(anyone.locator(".alert-danger, .invalid-feedback").first).to_be_visible()
    sweep.check(anyone, "signed out", "login with an error")
    sweep.visit(anyone, "signed out", "/accounts/signup/", "signup")
    anyone.locator('input[name="full_name"]').fill("Someone")
    anyone.locator('input[name="email"]').fill(CODER_EMAIL)
    anyone.locator('input[name="password1"]').fill("short")
    anyone.locator('input[name="password2"]').fill("different")
    anyone.locator('input[name="password2"]').press("Enter")
    expect(anyone.locator(".invalid-feedback").first).to_be_visible()
    sweep.check(anyone, "signed out", "signup with errors")
    sweep.visit(anyone, "signed out", "/accounts/password/reset/", "password reset")
    anyone.locator('input[name="email"]').fill(CODER_EMAIL)
    anyone.locator('input[name="email"]').press("Enter")
    anyone.wait_for_url(re.compile("/accounts/password/reset/done/"))
    sweep.check(anyone, "signed out", "password reset sent")

    # The coder: the pages that need a particular record or state, then every page found.
    casey = sweep.open(signed_in_page(coder))
    credential = Credential.objects.filter(user=coder).first()
    assert credential is not None
    for path, label in [
        ("/", "dashboard with data"),
        (f"/credentials/{credential.pk}/edit/", "credential edit"),
        (f"/credentials/cycles/{cycle.pk}/edit/", "official cycle edit"),
        ("/credentials/apprentice/", "apprentice evidence"),
        (f"/activities/{activity.pk}/edit/", "activity edit"),
        (f"/activities/{activity.pk}/delete/", "activity delete confirm"),
        (f"/activities/{activity.pk}/changes/", "activity changes"),
        ("/changes/", "history of changes"),
        ("/reminders/log/", "reminder log"),
        (f"/organizations/invitation/{invitation.token}/", "invitation accept"),
        (reverse("mfa_index"), "mfa index"),
    ]:
        sweep.visit(casey, "coder", path, label)
    sweep.visit(casey, "coder", "/activities/add/", "activity add")
    casey.get_by_role("button", name="Log activity", exact=True).click()
    expect(casey.locator(".invalid-feedback").first).to_be_visible()
    sweep.check(casey, "coder", "activity add with errors")
    csv_file = tmp_path / "records.csv"
    csv_file.write_text(
        "title,provider,completed_on,units,aapc,aapc_index\n"
        f"Risk adjustment,AAPC,{date.today() - timedelta(days=5)},1.5,yes,RA-9\n"
        "Too precise,AAPC,2025-04-03,0.25,yes,RA-10\n"
    )
    sweep.visit(casey, "coder", "/activities/records/import/", "CSV import")
    casey.get_by_label("CSV file").set_input_files(str(csv_file))
    casey.get_by_role("button", name="Check the file").click()
    expect(casey.get_by_role("heading", name="Check the import")).to_be_visible()
    sweep.check(casey, "coder", "CSV import preview")
    sweep.crawl(casey, "coder")

    # The manager: their home (no credentials of their own) and organization, then the rest.
    morgan = sweep.open(signed_in_page(manager))
    slug = organization.slug
    for path, label in [
        ("/", "home with the organization"),
        (f"/organizations/{slug}/staff/{member.pk}/", "member drill-down"),
        (f"/organizations/{slug}/staff/{member.pk}/changes/", "member changes"),
        (f"/organizations/{slug}/invitations/", "organization invitations"),
    ]:
        sweep.visit(morgan, "manager", path, label)
    sweep.crawl(morgan, "manager")
    for who in ("coder", "manager"):
        assert len(sweep.crawled[who]) >= 8, sweep.crawled
    return sweep


def test_every_page_has_no_serious_or_critical_accessibility_violation(sweep):
    report = [f"{len(sweep.axe)} serious/critical violation(s) on {len(sweep.checked)} pages:"]
    for (rule, element), pages in sweep.axe.items():
        report.append(f"- {rule}\n    {element}\n    on: {', '.join(pages)}")

    assert not sweep.axe, "\n".join(report)
    assert len(sweep.checked) >= 45


def test_every_page_fits_a_phone_and_a_laptop(sweep):
    assert sweep.layout == [], (
        f"{len(sweep.layout)} problem(s) on {len(sweep.measured)} page measures:\n"
        + "\n".join(sweep.layout)
    )
    assert len(sweep.measured) >= 2 * len(sweep.checked)


def test_every_page_loads_under_the_policy_with_no_violation(sweep):
    assert sweep.policy == []


def test_the_progress_bars_get_their_width_from_the_script_the_policy_allows(sweep):
    (dashboard,) = [bars for where, bars in sweep.progress_bars.items() if "dashboard" in where]
    started = [width for progress, width in dashboard if progress > 0]

    assert started, dashboard
    assert all(width > 0 for width in started), dashboard
