"""Browser tests: real Chromium (Debian's chromium-headless-shell) driven by Playwright against
pytest-django's `live_server`, running in this process, so the locmem mail outbox is shared.

Fixtures for every browser test:
- `page`: pytest-playwright's page, its relative URLs resolved against the live server.
- `signed_in_page(user)`: a fresh page already signed in as `user` (no login form round trip).
- `login(page, email, password)`: signs in through the real login form.
- `verified_user(**fields)`: a user whose email allauth treats as confirmed, so they may log in.
- `email_link(to=..., path=...)`: the first link in the last email sent to `to` whose path
  starts with `path`.
- `screenshot(page, name)`: keeps a full-page PNG of a key page of a journey as a test
  artefact, test-results/screenshots/<name>.png (gitignored).
A failing test leaves screenshots of its pages under test-results/.
"""

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.test import Client, override_settings
from playwright.sync_api import BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError
from pytest_django.live_server_helper import LiveServer

from tests.conftest import running_in_ci
from tests.factories import UserFactory

# Playwright's sync API keeps an event loop running in this thread; Django would otherwise
# refuse every ORM call from the test body as "async unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Debian's chromium-headless-shell: Chromium's headless build without the desktop browser's
# windowing and UI layers, the build Playwright itself runs headless tests in. The same Blink and
# V8 as /usr/bin/chromium (one source package, one version) for about 30 % less CPU: the browser
# tests on two workers kept the machine busy for 158 and 167 CPU-seconds with /usr/bin/chromium
# --headless, 110 and 120 with the shell (runs alternated). --headed (watching a test run) needs
# the full browser, Debian's chromium package.
CHROMIUM = Path("/usr/lib/chromium/chromium-headless-shell")
CHROMIUM_HEADED = Path("/usr/bin/chromium")
# Chromium reads only the last --disable-features switch, and Playwright passes its own list
# first: ours repeats it (test_chromium_setup.py checks, against the running browser, that
# nothing Playwright turns off comes back on).
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync",
    "DestroyProfileOnBrowserClose",
    "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable",
    "LensOverlay",
    "MediaRouter",
    "PaintHolding",
    "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect",
    "TcpPortRandomizationWin",
    "OptimizationHints",
    "NetworkTimeServiceQuerying",
    "AimEnabled",
    "PreconnectToSearch",
    "msForceBrowserSignIn",
    "msEdgeUpdateLaunchServicesPreferredVersion",
)
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium keeps calling Google hosts, which this network refuses.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # JavaScript runs in the interpreter and the baseline compiler only: a page lives for a
    # second or two, too short for the optimizing compilers to pay for themselves (axe-core's
    # run on a fresh page costs about a quarter less CPU). Nothing drawn changes.
    "--js-flags=--max-opt=1",
    # A context's pages of the site share one renderer process, which the page new_context
    # keeps open between tests holds alive: a test's first page is then no new process that
    # starts Blink and V8 and parses Bootstrap's CSS and JavaScript afresh.
    "--process-per-site",
    # A navigation keeps the page's frame (its renderer-side objects and compositor surface)
    # instead of building a new one for each document (RenderDocument, on by default since
    # Chromium 12x): a page load and its two resizes cost 107-116 ms of Chromium CPU instead
    # of 144-150, and the browser tests on two workers 29.5-33.9 CPU-s instead of 35.4-39.1
    # (alternated). What the pages do and look like is the same.
    "--disable-features=" + ",".join((*PLAYWRIGHT_DISABLED_FEATURES, "RenderDocument")),
]
PASSWORD = "correct-horse-battery-staple"  # UserFactory's password
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
FAILURES = Path(__file__).resolve().parents[2] / "test-results"


def pytest_configure(config):
    if config.getoption("--screenshot", default="off") == "off":
        config.option.screenshot = "only-on-failure"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium with the flags above: the headless shell, or the full browser with
    --headed. A missing one skips the browser tests, but fails them under CI."""
    if browser_type_launch_args.get("headless", True):
        executable = CHROMIUM
        install = "apt-get install chromium-headless-shell; `make test` does it"
    else:
        executable, install = CHROMIUM_HEADED, "apt-get install chromium"
    if not executable.exists():
        reason = f"{executable} is missing ({install})"
        if running_in_ci():
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    return {**browser_type_launch_args, "executable_path": str(executable), "args": CHROMIUM_ARGS}


class CachedStaticFilesHandler(StaticFilesHandler):
    """Django's development static files, served with a Cache-Control lifetime, as whitenoise
    serves them in production. Without one, Chromium guesses a lifetime from Last-Modified (a
    tenth of the file's age), so what the browser tests ask for depended on how old the
    checkout's files were: on a fresh clone, whose files are minutes old, pages kept asking
    again for each stylesheet and script (the browser tests made 203 requests for static
    files, 170 of them answered 304; 33 in an older checkout, and now 33 in both)."""

    def serve(self, request):
        response = super().serve(request)
        response["Cache-Control"] = "max-age=3600"
        return response


@pytest.fixture(scope="session")
def live_server(_suite_settings):
    """pytest-django's live server, built while MEDIA_URL is a path: Django's live server wraps
    every request in a media-files handler that cannot parse the project's MEDIA_URL=None
    (certificates are only ever served through an access-checked view). Its session middleware
    is built with the session engine the project configures (`_suite_settings`), which the
    browser tests keep."""
    with override_settings(MEDIA_URL="/test-media-never-linked/", SESSION_ENGINE=_suite_settings):
        server = LiveServer("localhost", start=False)
        server.thread.static_handler = CachedStaticFilesHandler
        server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    return live_server.url


@pytest.fixture(scope="session")
def _idle_contexts() -> Iterator[dict[str, list[BrowserContext]]]:
    """Browser contexts a finished test left, emptied, by the options they were made with."""
    idle: dict[str, list[BrowserContext]] = {}
    yield idle
    for contexts in idle.values():
        for context in contexts:
            context.close()


@pytest.fixture(scope="session")
def _keepers() -> dict[BrowserContext, Page]:
    """Each pooled context's page that holds its renderer process alive between tests."""
    return {}


# What a keeper page shows: a small file of the site (the renderer process is the site's).
KEEPER_PATH = "/static/favicon.svg"


@pytest.fixture
def new_context(
    new_context, browser, browser_context_args, _idle_contexts, _keepers, live_server, request
):
    """A browser context factory like pytest-playwright's, with a 10 s action timeout instead
    of 30 s, that hands out a context an earlier test used when one made with the same
    options is free: a fresh context costs Chromium about half a second of CPU on its first
    page, some 25 times a run. Each such context keeps one page of its own open on a static
    file of the site, so the renderer process the test's pages share (--process-per-site)
    outlives them: a fresh page in a context with no page open starts a renderer process
    (about 0.4 s a page). A test gets its contexts with no page of its own, no cookie and no
    permission (its pages are closed and cookies cleared after each test); so init scripts and
    routes belong on pages, never on contexts. A test that failed leaves a screenshot of each
    of its pages under test-results/. With --tracing or --video, pytest-playwright's own
    fresh contexts are used instead, so that its recordings work."""
    if any(request.config.getoption(option) != "off" for option in ("--tracing", "--video")):

        def fresh(**kwargs):
            context = new_context(**kwargs)
            context.set_default_timeout(10_000)
            return context

        yield fresh
        return
    handed_out: list[tuple[str, BrowserContext]] = []
    closed_by_test: list[BrowserContext] = []  # by the test itself: not handed on

    def on_close(context: BrowserContext) -> None:
        closed_by_test.append(context)
        _keepers.pop(context, None)

    def make(**kwargs):
        options = {**browser_context_args, **kwargs}
        # pytest launches the browser again when the parametrization changes: its contexts
        # are only ever handed out by the browser that made them.
        key = f"{id(browser)} " + json.dumps(options, sort_keys=True, default=str)
        idle = _idle_contexts.setdefault(key, [])
        if idle:
            context = idle.pop()
        else:
            context = browser.new_context(**options)
            keeper = context.new_page()
            keeper.goto(live_server.url + KEEPER_PATH)
            _keepers[context] = keeper
        context.set_default_timeout(10_000)
        context.on("close", on_close)
        handed_out.append((key, context))
        return context

    yield make
    call = getattr(request.node, "rep_call", None)  # pytest-playwright keeps each report
    failed = call is None or call.failed
    keepers = set(_keepers.values())
    pages = [page for _, c in handed_out for page in c.pages if page not in keepers]
    if failed:
        folder = FAILURES / re.sub(r"[^\w.-]+", "-", request.node.nodeid).strip("-")
        for number, page in enumerate(pages, start=1):
            with contextlib.suppress(PlaywrightError):
                page.screenshot(path=folder / f"test-failed-{number}.png", timeout=5_000)
    for page in pages:
        page.close()
    for key, context in handed_out:
        if context in closed_by_test or not browser.is_connected():
            continue
        context.remove_listener("close", on_close)
        context.clear_cookies()
        context.clear_permissions()
        _idle_contexts[key].append(context)


@pytest.fixture(autouse=True)
def _browser_database(transactional_db, live_server):
    """The live server thread needs committed data (the catalog is seeded again after each
    test by tests/conftest.py's pytest_runtest_teardown)."""


@pytest.fixture
def verified_user(db) -> Callable[..., object]:
    def make(**fields):
        user = UserFactory(**fields)
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        return user

    return make


@pytest.fixture
def signed_in_page(new_context, live_server):
    """Return `open(user) -> Page`: a new browser context carrying a session for `user`."""

    def open_page(user):
        client = Client()
        client.force_login(user)
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context = new_context()
        context.add_cookies(
            [{"name": session_cookie.key, "value": session_cookie.value, "url": live_server.url}]
        )
        return context.new_page()

    return open_page


@pytest.fixture
def login() -> Callable[..., None]:
    def sign_in(page, email: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.locator('input[name="login"]').fill(email)
        page.locator('input[name="password"]').fill(password)
        page.locator("form").filter(has=page.locator('input[name="password"]')).locator(
            '[type="submit"]'
        ).first.click()
        page.wait_for_load_state()

    return sign_in


@pytest.fixture
def email_link(mailoutbox) -> Callable[..., str]:
    def find(*, to: str, path: str) -> str:
        sent = [message for message in mailoutbox if to in message.to]
        assert sent, f"no email was sent to {to}; outbox: {[m.to for m in mailoutbox]}"
        links = re.findall(r"https?://[^\s\"'<>]+", sent[-1].body)
        matching = [link for link in links if re.match(rf"https?://[^/]+{re.escape(path)}", link)]
        assert matching, f"no link to {path} in the email to {to}:\n{sent[-1].body}"
        return matching[0]

    return find


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., Path]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
