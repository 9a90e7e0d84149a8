"""Small line charts drawn as SVG on the server: no JavaScript, nothing inline for the CSP."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

WIDTH, HEIGHT, PAD = 600, 160, 8


@dataclass(frozen=True)
class LineChart:
    points: str  # the polyline's "x,y x,y ..." in a WIDTH by HEIGHT box
    area: str  # the same line closed along the bottom, for the shading under it
    low: Decimal
    high: Decimal
    start: datetime
    end: datetime
    count: int
    width: int = WIDTH
    height: int = HEIGHT


def line_chart(series: list[tuple[datetime, Decimal]]) -> LineChart | None:
    """A chart of (time, value) pairs in time order, or None with fewer than two."""
    if len(series) < 2:
        return None
    start, end = series[0][0], series[-1][0]
    values = [value for _, value in series]
    low, high = min(values), max(values)
    span_seconds = (end - start).total_seconds() or 1
    span_value = (high - low) or 1

    def x(moment):
        return PAD + (WIDTH - 2 * PAD) * (moment - start).total_seconds() / span_seconds

    def y(value):
        fraction = float((value - low) / span_value) if high != low else 0.5
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * fraction

    coordinates = [f"{x(moment):.1f},{y(value):.1f}" for moment, value in series]
    bottom = HEIGHT - PAD
    area = [f"{PAD:.1f},{bottom}", *coordinates, f"{x(end):.1f},{bottom}"]
    return LineChart(
        points=" ".join(coordinates),
        area=" ".join(area),
        low=low,
        high=high,
        start=start,
        end=end,
        count=len(series),
    )
