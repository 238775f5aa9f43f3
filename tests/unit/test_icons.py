"""Inline SVG icons (ceutrack/icons): every icon a template names is vendored, and the tag
writes a decorative, escaped <svg>."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template

from ceutrack.icons import SVG_DIR, icon

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def render(source: str, **context: object) -> str:
    return Template("{% load icons %}" + source).render(Context(context))


def icons_named_in_templates() -> set[str]:
    named: set[str] = set()
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        named |= set(re.findall(r'{%\s*icon\s+"([^"]+)"', text))
        for choices in re.findall(r'{%\s*icon\s+[^"%]+\|yesno:"([^"]+)"', text):
            named |= set(choices.split(","))
    return named


def test_every_icon_a_template_names_is_vendored_and_no_other():
    named = icons_named_in_templates()
    vendored = {svg.stem for svg in SVG_DIR.glob("*.svg")}

    assert len(named) > 40
    assert named - vendored == set(), "copy these from bootstrap-icons"
    assert vendored - named == set(), "no template uses these any more"


def test_no_template_still_uses_the_icon_font():
    leftovers = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if re.search(r'class="bi\b|\bbi-[a-z]', path.read_text())
    ]

    assert leftovers == []


def test_every_vendored_icon_is_drawn_with_paths_on_the_16_unit_grid_the_tag_assumes():
    for svg in SVG_DIR.glob("*.svg"):
        assert 'viewBox="0 0 16 16"' in svg.read_text(), svg.name
        assert "<path d=" in icon(svg.stem)


def test_it_writes_the_icons_paths_in_a_decorative_svg_of_the_texts_size_and_colour():
    html = render('{% icon "house" %}')

    assert html.startswith('<svg class="bi" width="1em" height="1em" viewBox="0 0 16 16"')
    assert 'fill="currentColor" aria-hidden="true" focusable="false"><path d="M8.707' in html
    assert html.endswith("</svg>")


def test_it_adds_extra_classes_escaped():
    html = render('{% icon "award" class=extra %}', extra='display-4" onload="alert(1)')

    assert 'class="bi display-4&quot; onload=&quot;alert(1)"' in html
    assert 'onload="' not in html


def test_it_takes_the_icon_name_from_a_variable():
    met = render('{% icon met|yesno:"check-circle,circle" %}', met=True)
    unmet = render('{% icon met|yesno:"check-circle,circle" %}', met=False)

    assert met != unmet
    assert met == render('{% icon "check-circle" %}')


@pytest.mark.parametrize("name", ["no-such-icon", "../../settings", "House"])
def test_it_refuses_a_name_that_is_no_vendored_icon(name):
    with pytest.raises(ValueError, match="icon"):
        render("{% icon name %}", name=name)


def test_it_refuses_an_option_it_does_not_know():
    with pytest.raises(TypeError, match="class="):
        render('{% icon "house" title="Home" %}')
