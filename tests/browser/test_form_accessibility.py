"""Forms that speak to screen readers and keyboards: after a failed submit the error summary
(role=alert) takes the focus and its links move the focus to each field; every error shows at
once; text fields show a focus ring of at least 3:1; status badges keep text above 4.5:1."""

from datetime import date

from playwright.sync_api import expect

from tests.factories import CredentialFactory

# WCAG relative luminance and contrast ratio of two CSS rgb()/rgba() colours.
LUMINANCE = """(color) => {
  const [r, g, b] = color.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def contrast(page, first: str, second: str) -> float:
    a, b = (page.evaluate(LUMINANCE, color) for color in (first, second))
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def test_a_failed_submit_focuses_a_summary_that_links_to_each_field(signed_in_page, verified_user):
    coder = verified_user()
    page = signed_in_page(coder)
    page.goto("/activities/add/", timeout=30_000)
    page.get_by_label("Units").fill("0.3")
    page.get_by_role("button", name="Log activity", exact=True).click()

    summary = page.get_by_role("alert").filter(has_text="Please correct")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("tabindex", "-1")
    # Units is checked although the date is blank: every error at once.
    links = summary.get_by_role("link")
    texts = links.all_inner_texts()
    assert any(t.startswith("Units") for t in texts), texts
    assert any(t.startswith("Completed") or "date" in t.lower() for t in texts), texts
    summary.get_by_role("link", name="Units").first.click()
    expect(page.get_by_label("Units")).to_be_focused()


def test_a_focused_text_field_has_a_ring_of_at_least_3_to_1(signed_in_page, verified_user):
    page = signed_in_page(verified_user())
    page.goto("/activities/add/", timeout=30_000)
    field = page.get_by_label("Title")
    field.focus()
    ring = field.evaluate(
        "(el) => { const s = getComputedStyle(el); return {color: s.outlineColor,"
        " width: parseFloat(s.outlineWidth), style: s.outlineStyle}; }"
    )
    assert ring["style"] == "solid" and ring["width"] >= 2, ring
    assert contrast(page, ring["color"], "rgb(255, 255, 255)") >= 3, ring


def test_every_status_badge_keeps_its_text_above_4_5_to_1_with_a_margin(
    signed_in_page, verified_user
):
    coder = verified_user()
    CredentialFactory(user=coder, earned_on=date(2024, 3, 1))
    page = signed_in_page(coder)
    page.goto("/", timeout=30_000)
    classes = ["text-bg-success", "text-bg-primary", "text-bg-danger", "text-bg-secondary"]
    page.evaluate(
        "(classes) => classes.forEach((c) => { const b = document.createElement('span');"
        " b.className = 'badge status-badge ' + c; b.textContent = c;"
        " b.dataset.probe = c; document.body.appendChild(b); })",
        classes,
    )
    for css in classes:
        colors = page.locator(f'[data-probe="{css}"]').evaluate(
            "(el) => { const s = getComputedStyle(el); return [s.color, s.backgroundColor]; }"
        )
        assert contrast(page, *colors) >= 5, (css, colors)
