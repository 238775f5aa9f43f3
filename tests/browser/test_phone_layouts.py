"""Every page the demo coder and the demo manager can reach fits a phone (390x844) and a
laptop (1280x800): never wider than the viewport (wide tables scroll in their own container
or collapse to cards) and ending at its footer (no blank tail below it).

The pages are found the way a person finds them: following every link from the home page
(GET only, HTML only), one page per URL name and query shape, with the Django test client,
then opened in Chromium: one browser context per person, signed in once, each page loaded once
and measured at both sizes.
"""

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import Resolver404, resolve

from ceutrack.accounts.demo import CODER_EMAIL, MANAGER_EMAIL, ensure_demo_account
from ceutrack.activities.demo import seed_coder_records
from ceutrack.organizations.demo import seed_organization

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 800}}
# Not ceutrack's own pages: the admin, files, and the API (its Swagger UI docs are
# drf-spectacular-sidecar's own layout, without the site's footer; JSON answers are no pages).
NOT_PAGES = ("/accounts/logout", "/admin/", "/static/", "/favicon.ico", "/api/")
MAX_PAGES = 80
# The page is as wide as the viewport (1 px for sub-pixel rounding), and its footer's bottom
# is the document's bottom.
MEASURE = """() => {
  const footer = document.querySelector("body > footer");
  const doc = document.documentElement;
  const bottom = footer ? footer.getBoundingClientRect().bottom + window.scrollY : null;
  const name = (el) => el.tagName.toLowerCase() + "." + String(el.className).replace(/ /g, ".");
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 3).map(name);
  return {scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth,
          height: doc.scrollHeight, footerBottom: bottom, wide};
}"""


def _links(html: str) -> list[str]:
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            if tag == "a":
                href = dict(attrs).get("href") or ""
                if href.startswith("/") and not href.startswith("//"):
                    found.append(href.split("#", 1)[0])

    Parser().feed(html)
    return found


def _shape(url: str) -> tuple[str, tuple[str, ...]] | None:
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = tuple(sorted(k.split("=", 1)[0] for k in parts.query.split("&") if k))
    return (match.view_name, tuple(k for k in keys if k != "page"))


def reachable_pages(user) -> list[str]:
    """Every HTML page reachable by following links from home, one per URL name and query."""
    client = Client()
    client.force_login(user)
    seen: set[tuple[str, tuple[str, ...]]] = set()
    pages: list[str] = []
    queue = deque(["/"])
    while queue and len(pages) < MAX_PAGES:
        url = queue.popleft()
        shape = _shape(url)
        if shape is None or shape in seen or url.startswith(NOT_PAGES):
            continue
        seen.add(shape)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(url)
        queue.extend(_links(response.content.decode()))
    return pages


@pytest.fixture
def demo(db):
    coder = ensure_demo_account(
        email=CODER_EMAIL, full_name="Casey Coder", time_zone="America/Chicago"
    )
    manager = ensure_demo_account(
        email=MANAGER_EMAIL, full_name="Morgan Manager", time_zone="America/New_York"
    )
    seed_coder_records(coder)
    seed_organization(manager, coder)
    return {"coder": coder, "manager": manager}


def _signed_in_context(new_context, live_server, user, viewport):
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context = new_context(viewport=viewport)
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    return context


def test_every_page_of_the_demo_coder_and_manager_fits_a_phone_and_a_laptop(
    demo, new_context, live_server, screenshot
):
    problems = []
    visited = 0
    for who, user in demo.items():
        pages = reachable_pages(user)
        assert len(pages) >= 8, pages
        # Each page loads once and is measured at both sizes (a resize lays it out again).
        page = _signed_in_context(new_context, live_server, user, VIEWPORTS["phone"]).new_page()
        for url in pages:
            page.goto(url)
            for name, viewport in VIEWPORTS.items():
                page.set_viewport_size(viewport)
                m = page.evaluate(MEASURE)
                visited += 1
                where = f"{who} {name} {url}"
                if m["scrollWidth"] > m["innerWidth"]:
                    problems.append(
                        f"{where}: {m['scrollWidth']} px wide > {m['innerWidth']} ({m['wide']})"
                    )
                if m["footerBottom"] is None or abs(m["height"] - m["footerBottom"]) > 2:
                    problems.append(
                        f"{where}: page ends at {m['height']} px, footer at {m['footerBottom']}"
                    )
                if name == "phone" and url == "/":
                    screenshot(page, f"phone-home-{who}")
            page.set_viewport_size(VIEWPORTS["phone"])
        page.context.close()
    assert problems == [], f"{len(problems)} problem(s) on {visited} page visits:\n" + "\n".join(
        problems
    )
