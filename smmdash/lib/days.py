"""Days as staff mean them: whole days in TIME_ZONE.

Everything counted by day (the scorecards' and Spend's rollups, the periods they are read
over, the order list's dates, the API figures) cuts a day at the same moment, so the same
dates give the same orders on every page.
"""

from datetime import date, datetime, time

from django.utils import timezone


def zone():
    return timezone.get_default_timezone()


def day_of(moment: datetime) -> date:
    """The day `moment` falls on."""
    return moment.astimezone(zone()).date()


def day_start(day: date) -> datetime:
    """The first moment of `day`."""
    return datetime.combine(day, time.min, zone())


def today(now: datetime | None = None) -> date:
    return day_of(now or timezone.now())
