"""Charts: small line charts drawn as SVG on the server (sparklines, rate history), and the data
of the bigger ones static/js/charts.js draws with uPlot."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils import timezone

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


def line_chart(
    series: list[tuple[datetime, Decimal]], *, width=WIDTH, height=HEIGHT, pad=PAD
) -> LineChart | None:
    """A chart of (time, value) pairs in time order, or None with fewer than two."""
    if len(series) < 2:
        return None
    start, end = series[0][0], series[-1][0]
    values = [value for _, value in series]
    low, high = min(values), max(values)
    span_seconds = (end - start).total_seconds() or 1
    span_value = (high - low) or 1

    def x(moment):
        return pad + (width - 2 * pad) * (moment - start).total_seconds() / span_seconds

    def y(value):
        # Plot positions only: the values shown as text stay Decimal.
        fraction = float((value - low) / span_value) if high != low else 0.5
        return height - pad - (height - 2 * pad) * fraction

    coordinates = [f"{x(moment):.1f},{y(value):.1f}" for moment, value in series]
    bottom = height - pad
    area = [f"{pad:.1f},{bottom}", *coordinates, f"{x(end):.1f},{bottom}"]
    return LineChart(
        points=" ".join(coordinates),
        area=" ".join(area),
        low=low,
        high=high,
        start=start,
        end=end,
        count=len(series),
        width=width,
        height=height,
    )


def rate_history(changes, current_rate: Decimal, now: datetime, **size) -> LineChart | None:
    """A service's rate over time, as a step line from its PriceChange rows (oldest first) to
    `now`: a rate holds until the next change, so each change is drawn as a step."""
    series = []
    for change in changes:
        if series:
            series.append((change.changed_at, series[-1][1]))
        series.append((change.changed_at, change.new_rate))
    if not series:
        return None
    series.append((now, current_rate))
    return line_chart(series, **size)


def time_series(series: list[tuple[datetime, Decimal]], *, label: str, currency: str = "") -> dict:
    """(time, value) pairs as charts.js reads them from a json_script: seconds since the epoch,
    and the values as text, so no amount passes through a float on the server."""
    values = [value for _, value in series]
    return {
        "x": [int(moment.timestamp()) for moment, _ in series],
        "series": [{"label": label, "values": [str(value) for value in values]}],
        "currency": currency,
        "low": str(min(values)),
        "high": str(max(values)),
        "count": len(values),
        "time_zone": timezone.get_current_timezone_name(),
    }
