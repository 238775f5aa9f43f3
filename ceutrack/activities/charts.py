"""Server-side SVG chart of a cycle: units counted per month against a steady pace.

Pure functions: they take the engine's `CycleResult` (its counted activities, required units,
start and end) and return plain data or an SVG string. Month bucketing is presentation; the
steady-pace line is the engine's `required x elapsed / total_days`, taken at the end of each
month so that it reaches the requirement on the cycle's last day.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from ceutrack.rules import CycleResult

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


def _axis_text(font_size: int) -> str:
    return f'font-size="{font_size}" fill="#495057" font-family="system-ui, sans-serif"'


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


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _months(start: date, end: date) -> list[date]:
    months = []
    current = start.replace(day=1)
    while current <= end:
        months.append(current)
        current = _next_month(current)
    return months


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def monthly_points(cycle: CycleResult, *, today: date) -> list[MonthPoint]:
    """One point per calendar month of the cycle.

    `cumulative` is None for months that have not started yet, so the earned line stops at
    today. Units the engine counted from before the cycle's start (AAPC renewal-month units
    moved forward) are shown in the first month, where they took effect.
    """
    months = _months(cycle.start, cycle.end)
    if not months:
        return []
    per_month: dict[date, Decimal] = {m: Decimal(0) for m in months}
    for item in cycle.counted:
        key = min(max(item.completed_on, cycle.start), cycle.end).replace(day=1)
        per_month[key] += item.units
    total_days = cycle.total_days or (cycle.end - cycle.start).days + 1
    points = []
    running = Decimal(0)
    for month in months:
        running += per_month[month]
        through = min(_month_end(month), cycle.end)
        elapsed = (through - cycle.start).days + 1
        points.append(
            MonthPoint(
                month=month,
                label=month.strftime("%b %Y"),
                units=per_month[month],
                cumulative=running if month <= today else None,
                pace=_cents(cycle.required * elapsed / total_days),
            )
        )
    return points


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
) -> str:
    """An accessible inline SVG (role="img" with <title> and <desc>); escaped throughout.

    The SVG scales to its container's width, text with it: a phone gets a narrower viewBox
    (`width`) with a larger `font_size` and fewer month labels, so its text stays readable."""
    axis_text = _axis_text(font_size)
    cid = escape(chart_id)
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

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'class="{escape(css_class)}" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'preserveAspectRatio="xMidYMid meet">',
        f'<title id="{cid}-title">{escape(title)}</title>',
        f'<desc id="{cid}-desc">{escape(desc)}</desc>',
    ]
    for k in range(5):
        value = Decimal(y_max) * k / 4
        gy = y(value)
        parts.append(
            f'<line class="grid" stroke="#dee2e6" x1="{MARGIN_LEFT}" y1="{gy:.1f}" '
            f'x2="{width - MARGIN_RIGHT}" y2="{gy:.1f}"/>'
            f'<text class="axis" {axis_text} x="{MARGIN_LEFT - 6}" y="{gy + font_size / 3:.1f}" '
            f'text-anchor="end">'
            f"{escape(_fmt(_cents(value)))}</text>"
        )
    bar_w = band * 0.6
    for i, point in enumerate(points):
        if point.units > 0:
            top = y(point.units)
            parts.append(
                f'<rect class="bar" fill="#9ec5fe" x="{x_mid(i) - bar_w / 2:.1f}" y="{top:.1f}" '
                f'width="{bar_w:.1f}" height="{MARGIN_TOP + plot_h - top:.1f}">'
                f"<title>{escape(point.label)}: {escape(_fmt(point.units))} units</title></rect>"
            )
    step = math.ceil(n / max_x_labels)
    for i, point in enumerate(points):
        if i % step == 0:
            parts.append(
                f'<text class="axis" {axis_text} x="{x_mid(i):.1f}" '
                f'y="{height - MARGIN_BOTTOM + font_size + 7}" '
                f'text-anchor="middle">{escape(point.month.strftime("%b %y"))}</text>'
            )
    pace = " ".join(f"{x_mid(i):.1f},{y(p.pace):.1f}" for i, p in enumerate(points))
    parts.append(
        f'<polyline class="pace" fill="none" stroke="#6c757d" stroke-width="2" '
        f'stroke-dasharray="6 4" points="{pace}"/>'
    )
    earned = " ".join(
        f"{x_mid(i):.1f},{y(p.cumulative):.1f}"
        for i, p in enumerate(points)
        if p.cumulative is not None
    )
    if earned:
        parts.append(
            f'<polyline class="earned" fill="none" stroke="#0a58ca" stroke-width="2.5" '
            f'points="{earned}"/>'
        )
    if today is not None and points and points[0].month <= today <= _month_end(points[-1].month):
        index = next(i for i, p in enumerate(points) if p.month == today.replace(day=1))
        days = calendar.monthrange(today.year, today.month)[1]
        tx = MARGIN_LEFT + band * (index + today.day / days)
        # Near the right edge the label goes on the line's left so it stays inside the chart.
        near_edge = tx > width - MARGIN_RIGHT - 4 * font_size
        label_x, anchor = (tx - 4, "end") if near_edge else (tx + 4, "start")
        parts.append(
            f'<line class="today" stroke="#dc3545" stroke-width="1" stroke-dasharray="2 3" '
            f'x1="{tx:.1f}" y1="{MARGIN_TOP}" x2="{tx:.1f}" y2="{MARGIN_TOP + plot_h}"/>'
            f'<text class="axis" {axis_text} x="{label_x:.1f}" y="{MARGIN_TOP + font_size}" '
            f'text-anchor="{anchor}">today</text>'
        )
    parts.append(
        f'<line class="axis-line" stroke="#6c757d" x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + plot_h}" '
        f'x2="{width - MARGIN_RIGHT}" y2="{MARGIN_TOP + plot_h}"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


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
