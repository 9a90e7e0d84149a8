"""Everything smmdash does with money spent: the Spend report, runways and top-ups. Views,
tasks and commands call these functions."""

from spend.services.overview import WeekSpend, week_spend
from spend.services.report import BUCKETS, Period, Report, report
from spend.services.runway import Runway, runways
from spend.services.topups import correct_top_up, detect_top_ups, record_top_up

__all__ = [
    "BUCKETS",
    "Period",
    "Report",
    "Runway",
    "WeekSpend",
    "correct_top_up",
    "detect_top_ups",
    "record_top_up",
    "report",
    "runways",
    "week_spend",
]
