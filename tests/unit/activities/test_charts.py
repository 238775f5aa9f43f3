"""The per-month chart: buckets, the steady-pace line and accessible SVG."""

from datetime import date
from decimal import Decimal

from ceutrack.activities import charts
from ceutrack.activities.charts import chart_description, monthly_points, render_svg
from ceutrack.rules import CountedActivity, CycleResult, Status

D = Decimal


def cycle(counted=(), **overrides) -> CycleResult:
    fields = {
        "start": date(2025, 2, 1),
        "end": date(2027, 1, 31),
        "required": D(36),
        "earned": sum((c.units for c in counted), D(0)),
        "remaining": D(36),
        "status": Status.ON_TRACK,
        "days_left": 580,
        "expected": D("7.35"),
        "total_days": 730,
        "counted": tuple(counted),
    }
    fields.update(overrides)
    return CycleResult(**fields)


def counted(day: date, units: str, id_: str = "1") -> CountedActivity:
    return CountedActivity(id=id_, completed_on=day, units=D(units))


def test_it_makes_one_point_per_calendar_month_of_the_cycle():
    points = monthly_points(cycle(), today=date(2025, 6, 30))
    assert len(points) == 24
    assert (points[0].month, points[-1].month) == (date(2025, 2, 1), date(2027, 1, 1))
    assert points[0].label == "Feb 2025"


def test_it_adds_up_counted_units_per_month_and_cumulatively():
    result = cycle(
        [
            counted(date(2025, 2, 3), "1.5", "1"),
            counted(date(2025, 2, 20), "2", "2"),
            counted(date(2025, 4, 1), "6", "3"),
        ]
    )
    points = monthly_points(result, today=date(2025, 6, 30))
    assert [p.units for p in points[:4]] == [D("3.5"), D(0), D(6), D(0)]
    assert [p.cumulative for p in points[:5]] == [D("3.5"), D("3.5"), D("9.5"), D("9.5"), D("9.5")]


def test_it_stops_the_earned_line_at_the_current_month():
    points = monthly_points(cycle([counted(date(2025, 3, 1), "1")]), today=date(2025, 6, 30))
    assert points[4].cumulative == D(1)
    assert all(p.cumulative is None for p in points[5:])


def test_it_draws_the_steady_pace_from_the_engine_figures_reaching_the_requirement_at_the_end():
    points = monthly_points(cycle(), today=date(2025, 6, 30))
    # Feb 2025 is 28 of 730 days: 36 x 28 / 730 = 1.38.
    assert points[0].pace == D("1.38")
    assert points[-1].pace == D(36)
    assert [p.pace for p in points] == sorted(p.pace for p in points)


def test_it_shows_units_moved_in_from_the_previous_renewal_month_in_the_first_month():
    points = monthly_points(cycle([counted(date(2025, 1, 20), "2")]), today=date(2025, 6, 30))
    assert points[0].units == D(2)


def test_it_renders_an_accessible_svg_with_title_description_and_one_bar_per_active_month():
    result = cycle([counted(date(2025, 2, 3), "2", "1"), counted(date(2025, 5, 9), "4", "2")])
    points = monthly_points(result, today=date(2025, 6, 30))
    svg = render_svg(points, required=D(36), title="AAPC units", desc="Some words", chart_id="c1")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">AAPC units</title>' in svg
    assert '<desc id="c1-desc">Some words</desc>' in svg
    assert svg.count('<rect class="bar"') == 2
    assert 'class="pace"' in svg and 'class="earned"' in svg


def test_it_escapes_text_written_into_the_svg():
    points = monthly_points(cycle(), today=date(2025, 6, 30))
    svg = render_svg(points, required=D(36), title="<script>x</script>", desc="a & b", chart_id="c")
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg and "a &amp; b" in svg


def test_it_leaves_out_the_earned_line_before_the_cycle_starts():
    points = monthly_points(cycle(), today=date(2025, 1, 15))
    svg = render_svg(points, required=D(36), title="t", desc="d", chart_id="c")
    assert 'class="earned"' not in svg
    assert chart_description(points, required=D(36)).startswith("The cycle has not started")


def test_it_describes_the_latest_month_against_the_pace_in_words():
    # The pace is taken at the month's end: Feb 1 to Jun 30 is 150 of 730 days, 7.40.
    points = monthly_points(cycle([counted(date(2025, 3, 1), "8")]), today=date(2025, 6, 30))
    assert chart_description(points, required=D(36)) == (
        "By Jun 2025, 8 units counted against a steady pace of 7.4; "
        "36 units are required by the end of the cycle."
    )


def test_it_marks_today_on_the_chart_only_while_today_is_inside_the_cycle():
    points = monthly_points(cycle(), today=date(2025, 6, 30))
    inside = render_svg(
        points, required=D(36), title="t", desc="d", chart_id="c", today=date(2025, 6, 30)
    )
    after = render_svg(
        points, required=D(36), title="t", desc="d", chart_id="c", today=date(2027, 3, 1)
    )
    assert 'class="today"' in inside
    assert 'class="today"' not in after


def test_it_rounds_the_axis_up_to_a_value_with_round_quarters():
    points = monthly_points(cycle(), today=date(2025, 6, 30))
    svg = render_svg(points, required=D(36), title="t", desc="d", chart_id="c")
    assert ">40</text>" in svg and ">10</text>" in svg
    assert ">37.5</text>" not in svg


def test_the_phone_drawing_is_narrower_with_larger_text_and_fewer_month_labels():
    points = monthly_points(cycle([counted(date(2025, 3, 1), "2")]), today=date(2025, 6, 30))
    wide = render_svg(points, required=D(36), title="t", desc="d", chart_id="c")
    narrow = render_svg(
        points,
        required=D(36),
        title="t",
        desc="d",
        chart_id="c-narrow",
        width=charts.NARROW_WIDTH,
        font_size=charts.NARROW_FONT_SIZE,
        max_x_labels=charts.NARROW_X_LABELS,
    )
    assert 'viewBox="0 0 720 260"' in wide
    assert f'viewBox="0 0 {charts.NARROW_WIDTH} 260"' in narrow
    assert f'font-size="{charts.NARROW_FONT_SIZE}"' in narrow
    assert narrow.count('text-anchor="middle"') < wide.count('text-anchor="middle"')
    # Text scales with the drawing: in a 330 px phone column the narrow text prints at >= 12 px.
    assert charts.NARROW_FONT_SIZE * 330 / charts.NARROW_WIDTH >= 12
