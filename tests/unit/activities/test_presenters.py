"""The dashboard's wording and percentages, from engine results built by hand."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from ceutrack.activities.presenters import (
    format_units,
    outstanding_items,
    percent,
    present_apprentice,
    present_body,
    present_cycle,
    present_history,
    present_rejections,
    status_reason,
)
from ceutrack.rules import (
    ApprenticeOption,
    ApprenticeRequirement,
    ApprenticeStatus,
    BodyResult,
    CycleResult,
    Evaluation,
    Outstanding,
    Rejection,
    SourcedResult,
    Status,
    TopicResult,
)

D = Decimal


def cycle(**overrides) -> CycleResult:
    fields = {
        "start": date(2025, 2, 1),
        "end": date(2027, 1, 31),
        "required": D(36),
        "earned": D(8),
        "remaining": D(28),
        "status": Status.ON_TRACK,
        "days_left": 580,
        "expected": D("7.35"),
        "progress": D(8),
        "total_days": 730,
        "elapsed_days": 149,
    }
    fields.update(overrides)
    return CycleResult(**fields)


def test_it_formats_units_without_trailing_zeros_or_exponents():
    assert format_units(D("36.0")) == "36"
    assert format_units(D("3.50")) == "3.5"
    assert format_units(D("40")) == "40"
    assert format_units(D("1E+1")) == "10"
    assert format_units(D("0.0")) == "0"


def test_it_floors_the_progress_percentage_and_keeps_it_within_0_and_100():
    assert percent(D(8), D(36)) == 22
    assert percent(D(40), D(36)) == 100
    assert percent(D(0), D(36)) == 0
    assert percent(D(0), D(0)) == 100


def test_it_explains_a_behind_status_as_units_behind_a_steady_pace():
    result = cycle(status=Status.BEHIND, expected=D("9.5"), progress=D(6), remaining=D(30))
    assert status_reason(result, body="AAPC") == "3.5 units behind a steady pace"


def test_it_explains_an_at_risk_status_with_days_left_and_units_owed():
    result = cycle(status=Status.AT_RISK, days_left=90, remaining=D(6), progress=D(30))
    assert status_reason(result, body="AAPC") == "90 days left, 6 units owed"


def test_it_tells_a_complete_coder_to_report_in_the_body_portal():
    result = cycle(status=Status.COMPLETE, earned=D(36), remaining=D(0), progress=D(36))
    assert status_reason(result, body="AAPC") == "Complete — report your units in the AAPC portal"
    assert "AHIMA portal" in status_reason(result, body="AHIMA")


def test_it_explains_a_lapsed_cycle_with_days_since_the_end_and_units_owed():
    result = cycle(status=Status.LAPSED, days_left=-10, remaining=D(6), progress=D(30))
    assert status_reason(result, body="AAPC") == "Lapsed 10 days ago with 6 units owed"


def test_it_names_the_missing_self_review_when_a_lapsed_cycle_has_all_its_units():
    result = cycle(
        status=Status.LAPSED,
        days_left=-1,
        remaining=D(0),
        earned=D(20),
        required=D(20),
        outstanding=(Outstanding("self_review", 1),),
    )
    assert (
        status_reason(result, body="AHIMA") == "Lapsed 1 day ago with 1 coding self-review missing"
    )


def test_it_says_a_singular_unit_and_day_in_the_singular():
    result = cycle(status=Status.AT_RISK, days_left=1, remaining=D(1))
    assert status_reason(result, body="AAPC") == "1 day left, 1 unit owed"


def test_it_says_how_far_ahead_of_a_steady_pace_an_on_track_coder_is():
    result = cycle(expected=D("7.35"), progress=D(10), remaining=D(26))
    assert status_reason(result, body="AAPC") == "2.7 units ahead of a steady pace, 26 units to go"


def test_it_says_how_far_short_of_a_steady_pace_an_on_track_coder_is():
    result = cycle(expected=D("8.19"), progress=D(8), remaining=D(28), days_left=580)
    assert status_reason(result, body="AAPC") == (
        "0.2 units short of a steady pace, 28 units to go in 580 days"
    )


def test_it_words_the_engine_outstanding_codes():
    items = (Outstanding("self_review", 2), Outstanding("apprentice_removal"))
    assert outstanding_items(items) == [
        "2 coding self-reviews missing",
        "Apprentice (-A) designation not yet removed",
    ]


def test_it_presents_a_cycle_with_badge_percentage_topics_and_surplus():
    view = present_cycle(
        cycle(
            status=Status.COMPLETE,
            earned=D("38.5"),
            remaining=D(0),
            progress=D(36),
            topics=(TopicResult("evaluation_management", D(8), D("4.5")),),
        ),
        body="AAPC",
    )
    assert view.badge.label == "Complete"
    assert view.badge.css_class == "text-bg-success"
    assert view.percent == 100
    assert view.surplus == "2.5"
    [topic] = view.topics
    assert (topic.label, topic.required, topic.earned, topic.met) == (
        "E/M",
        "8",
        "4.5",
        False,
    )


def test_it_shows_ahima_domain_and_sourced_figures_only_when_the_engine_gives_them():
    aapc = present_cycle(cycle(), body="AAPC")
    ahima = present_cycle(
        cycle(
            required=D(20),
            domain_earned=D(9),
            non_domain_earned=D(5),
            non_domain_cap=D(4),
            sourced=SourcedResult(required=D(8), earned=D(3)),
        ),
        body="AHIMA",
    )
    assert aapc.ahima is None
    assert ahima.ahima is not None
    assert ahima.ahima.non_domain_over_cap is True
    assert (ahima.ahima.sourced_earned, ahima.ahima.sourced_required) == ("3", "8")
    assert ahima.ahima.sourced_met is False


def test_it_describes_the_apprentice_option_closest_to_being_met():
    status = ApprenticeStatus(
        credential="CPC-A",
        removal_ready=False,
        met_by=None,
        closest="experience_and_course",
        options=(
            ApprenticeOption(
                "experience",
                False,
                D("0.5"),
                (ApprenticeRequirement("experience_months", D(12), D(24)),),
            ),
            ApprenticeOption(
                "experience_and_course",
                False,
                D("0.75"),
                (
                    ApprenticeRequirement("experience_months", D(12), D(12)),
                    ApprenticeRequirement("course_contact_hours", D(40), D(80)),
                ),
            ),
        ),
    )
    view = present_apprentice(status)
    assert view.closest == "Coding experience plus a coding course"
    assert view.closest_steps == [
        "12 of 12 months of documented coding experience",
        "40 of 80 contact hours of a coding course",
    ]
    assert view.ready is False


def test_it_presents_a_body_with_its_portal_and_history_newest_first():
    older = cycle(
        start=date(2021, 2, 1), end=date(2023, 1, 31), status=Status.LAPSED, remaining=D(4)
    )
    newer = cycle(
        start=date(2023, 2, 1), end=date(2025, 1, 31), status=Status.COMPLETE, remaining=D(0)
    )
    result = BodyResult(body="AAPC", credentials=("CPC",), current=cycle(), history=(older, newer))
    card = present_body(result)
    assert (card.portal_name, card.history_count) == ("AAPC portal", 2)
    assert [row.badge.label for row in present_history(result)] == ["Complete", "Lapsed"]


def test_it_presents_a_body_without_a_current_cycle():
    card = present_body(BodyResult(body="AHIMA", credentials=("CCS",), current=None, history=()))
    assert card.cycle is None
    assert card.credentials == ("CCS",)


def test_it_names_rejected_activities_by_title_and_credentials_by_code():
    evaluation = Evaluation(
        today=date(2025, 6, 30),
        bodies=(),
        rejected=(Rejection("7", "future_date"), Rejection("CPC", "future_credential")),
        excluded=(),
    )
    rows = present_rejections(evaluation, activity_titles={"7": "Coding clinic"})
    assert [(r.name, r.reason) for r in rows] == [
        ("Coding clinic", "its completion date is after today"),
        ("CPC", "its certification date is after today"),
    ]


def test_it_prefers_the_cycle_credentials_over_the_body_list():
    current = replace(cycle(), credentials=("CPC",))
    result = BodyResult(body="AAPC", credentials=("CPC", "CPMA"), current=current, history=())
    assert present_body(result).credentials == ("CPC",)
