"""Server-side SVG chart of a cycle: units counted per month against a steady pace.

Pure functions: they take the engine's `CycleResult` (its counted activities, required units,
start and end) and return plain data, or an SVG drawn by a template that escapes its text.
Month bucketing is presentation; the steady-pace line is the engine's (`expected_through` at
the end of each month, so that it reaches the requirement on the cycle's last day).
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from ceutrack.rules import CycleResult, monthly_progress

WIDTH = 720
HEIGHT = 260
MARGIN_LEFT = 44
MARGIN_RIGHT = 12
MARGIN_TOP = 14
MARGIN_BOTTOM = 34
MAX_X_LABELS = 9
FONT_SIZE = 12
# A phone's drawing: 400 units wide, so at ~330 px the 15-unit text prints at ~12 px.
NARROW_WIDTH = 400
NARROW_FONT_SIZE = 15
NARROW_X_LABELS = 5


@dataclass(frozen=True)
class MonthPoint:
    month: date
    label: str
    units: Decimal
    cumulative: Decimal | None
    pace: Decimal

    @property
    def units_text(self) -> str:
        return _fmt(self.units)

    @property
    def cumulative_text(self) -> str:
        return "" if self.cumulative is None else _fmt(self.cumulative)

    @property
    def pace_text(self) -> str:
        return _fmt(self.pace)


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def monthly_points(cycle: CycleResult, *, today: date) -> list[MonthPoint]:
    """One point per calendar month of the cycle, from the engine's monthly progress.

    `cumulative` is None for months that have not started yet, so the earned line stops at
    today.
    """
    return [
        MonthPoint(
            month=tally.month,
            label=tally.month.strftime("%b %Y"),
            units=tally.units,
            cumulative=tally.cumulative if tally.month <= today else None,
            pace=_cents(tally.pace),
        )
        for tally in monthly_progress(cycle)
    ]


def _nice_ceiling(value: Decimal) -> int:
    """A round axis maximum whose quarters are round too: 4 -> 4, 20 -> 20, 36 -> 40, 52 -> 60."""
    top = max(float(value), 1.0)
    step = 10 ** math.floor(math.log10(top))
    for factor in (1, 2, 4, 6, 8, 10):
        if top <= factor * step:
            return math.ceil(factor * step)
    return math.ceil(top)  # pragma: no cover - the loop always returns


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def render_svg(
    points: list[MonthPoint],
    *,
    required: Decimal,
    title: str,
    desc: str,
    chart_id: str,
    today: date | None = None,
    width: int = WIDTH,
    height: int = HEIGHT,
    font_size: int = FONT_SIZE,
    max_x_labels: int = MAX_X_LABELS,
    css_class: str = "cycle-chart",
) -> SafeString:
    """An accessible inline SVG (role="img" with <title> and <desc>), rendered by the
    template activities/_chart.svg, which escapes every piece of text it writes.

    The SVG scales to its container's width, text with it: a phone gets a narrower viewBox
    (`width`) with a larger `font_size` and fewer month labels, so its text stays readable."""
    plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM
    highest = max(
        [required]
        + [p.units for p in points]
        + [p.cumulative for p in points if p.cumulative is not None]
    )
    y_max = _nice_ceiling(highest)
    n = max(len(points), 1)
    band = plot_w / n

    def x_mid(i: int) -> float:
        return MARGIN_LEFT + band * (i + 0.5)

    def y(value: Decimal) -> float:
        return MARGIN_TOP + plot_h - float(value) / y_max * plot_h

    grid = []
    for k in range(5):
        value = Decimal(y_max) * k / 4
        gy = y(value)
        grid.append(
            {"y": f"{gy:.1f}", "label_y": f"{gy + font_size / 3:.1f}", "label": _fmt(_cents(value))}
        )
    bar_w = band * 0.6
    bars = []
    for i, point in enumerate(points):
        if point.units > 0:
            top = y(point.units)  # pixels from here on
            bars.append(
                {
                    "x": f"{x_mid(i) - bar_w / 2:.1f}",
                    "y": f"{top:.1f}",
                    "width": f"{bar_w:.1f}",
                    "height": f"{MARGIN_TOP + plot_h - top:.1f}",
                    "title": f"{point.label}: {_fmt(point.units)} units",
                }
            )
    step = math.ceil(n / max_x_labels)
    months = [
        {"x": f"{x_mid(i):.1f}", "label": point.month.strftime("%b %y")}
        for i, point in enumerate(points)
        if i % step == 0
    ]
    marker = None
    if today is not None and points and points[0].month <= today <= _month_end(points[-1].month):
        index = next(i for i, p in enumerate(points) if p.month == today.replace(day=1))
        days = calendar.monthrange(today.year, today.month)[1]
        tx = MARGIN_LEFT + band * (index + today.day / days)
        # Near the right edge the label goes on the line's left so it stays inside the chart.
        near_edge = tx > width - MARGIN_RIGHT - 4 * font_size
        label_x, anchor = (tx - 4, "end") if near_edge else (tx + 4, "start")
        marker = {"x": f"{tx:.1f}", "label_x": f"{label_x:.1f}", "anchor": anchor}
    context = {
        "id": chart_id,
        "title": title,
        "desc": desc,
        "width": width,
        "height": height,
        "font_size": font_size,
        "css_class": css_class,
        "left": MARGIN_LEFT,
        "right": width - MARGIN_RIGHT,
        "top": MARGIN_TOP,
        "top_label": MARGIN_TOP + font_size,
        "bottom": MARGIN_TOP + plot_h,
        "month_y": height - MARGIN_BOTTOM + font_size + 7,
        "axis_label_x": MARGIN_LEFT - 6,
        "grid": grid,
        "bars": bars,
        "months": months,
        "pace": " ".join(f"{x_mid(i):.1f},{y(p.pace):.1f}" for i, p in enumerate(points)),
        "earned": " ".join(
            f"{x_mid(i):.1f},{y(p.cumulative):.1f}"
            for i, p in enumerate(points)
            if p.cumulative is not None
        ),
        "today": marker,
    }
    return render_to_string("activities/_chart.svg", context)


def chart_description(points: list[MonthPoint], *, required: Decimal) -> str:
    """One sentence a screen reader can read instead of the picture."""
    shown = [p for p in points if p.cumulative is not None]
    if not shown:
        return f"The cycle has not started; {_fmt(required)} units are required."
    last = shown[-1]
    assert last.cumulative is not None
    return (
        f"By {last.label}, {_fmt(last.cumulative)} units counted against a steady pace of "
        f"{_fmt(last.pace)}; {_fmt(required)} units are required by the end of the cycle."
    )
