"""The one home of the words figures become: units, dates, catalog names, reasons, options."""

from dataclasses import replace
from datetime import UTC, date
from decimal import Decimal

from ceutrack.credentials import presentation as words
from ceutrack.rules import (
    DEFAULT_CATALOG,
    INVALID_INCREMENT,
    INVALID_UNITS,
    ApprenticeEvidence,
    Outstanding,
    apprentice_status,
)

D = Decimal


def test_units_read_without_trailing_zeros_or_exponents_and_keep_real_fractions():
    assert [words.units(v) for v in (D("17.0"), D("30.00"), D("2.5"), D("1E+1"), D("-0"))] == [
        "17",
        "30",
        "2.5",
        "10",
        "0",
    ]
    assert words.units("36.0") == "36" and words.units(None) == ""
    assert words.units_phrase(D(1)) == "1 unit" and words.units_phrase(D("2.5")) == "2.5 units"


def test_dates_have_one_format():
    assert words.day(date(2027, 1, 31)) == "31 Jan 2027"
    assert words.span(date(2025, 4, 1), date(2027, 3, 31)) == "1 Apr 2025 \u2013 31 Mar 2027"


def test_topic_names_come_from_the_catalog():
    assert [words.topic_label(t) for t in ("ent", "obgyn", "evaluation_management")] == [
        "ENT",
        "OB/GYN",
        "E/M",
    ]
    assert words.topic_label("anesthesia_pain") == "Anesthesia/Pain management"
    renamed = replace(
        DEFAULT_CATALOG,
        credentials=tuple(
            replace(c, topic_label="Otolaryngology") if c.topic == "ent" else c
            for c in DEFAULT_CATALOG.credentials
        ),
    )
    assert words.topic_label("ent", renamed) == "Otolaryngology"
    assert words.topic_label("not_in_catalog") == "Not in catalog"


def test_refusals_quote_the_catalogs_own_limits():
    assert words.rejection_reason(INVALID_UNITS) == "its units must be more than 0 and at most 40"
    stricter = replace(DEFAULT_CATALOG, max_activity_units=D(30), unit_step=D("0.25"))
    assert words.rejection_reason(INVALID_UNITS, stricter).endswith("at most 30")
    assert words.rejection_reason(INVALID_INCREMENT, stricter).endswith("steps of 0.25")
    assert words.non_domain_cap_phrase("AHIMA") == "the 20 % cap on non-domain units"


def test_outstanding_items_are_typed_and_worded():
    assert words.outstanding_items(
        (Outstanding("self_review", 1), Outstanding("apprentice_removal"))
    ) == ["1 coding self-review missing", "Apprentice (-A) designation not yet removed"]
    assert Outstanding("self_review", 2).code == "self_review:2"


def test_every_apprentice_option_is_shown_closest_first_with_each_condition_marked():
    status = apprentice_status("CPC-A", ApprenticeEvidence(experience_months=23))

    options = words.apprentice_options(status)

    assert [o.key for o in options] == [
        "experience",  # 23 of 24 months: the closest
        "experience_and_course",
        "course_and_practicode",
    ]
    assert options[0].closest and not options[0].met
    assert [(c.text, c.met) for c in options[1].conditions] == [
        ("23 of 12 months of documented coding experience", True),
        ("0 of 80 contact hours of a coding course", False),
    ]
    assert options[2].name == "A coding course plus Practicode"
    assert (options[2].conditions[1].text, options[2].conditions[1].met) == (
        "Practicode not yet completed",
        False,
    )


def test_the_day_filter_shows_a_moment_on_its_local_day():
    from datetime import datetime

    from django.utils import timezone as django_timezone

    from ceutrack.credentials.templatetags.presentation import day

    late_evening_in_new_york = datetime(2025, 3, 2, 3, 30, tzinfo=UTC)
    with django_timezone.override("America/New_York"):
        assert day(late_evening_in_new_york) == "1 Mar 2025"
    assert day(date(2025, 3, 2)) == "2 Mar 2025"
    assert day(None) == ""


def test_the_units_filter_reads_figures_and_shows_any_other_value_as_it_is():
    from ceutrack.credentials.templatetags.presentation import units

    assert [units(v) for v in (D("36.00"), 12, 1.50, "2.50", None, "")] == [
        "36",
        "12",
        "1.5",
        "2.5",
        "",
        "",
    ]
    assert [units(v) for v in ("n/a", D("NaN"), [1])] == ["n/a", "NaN", "[1]"]
