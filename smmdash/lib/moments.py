"""How dates and times are written for people, in the active language and time zone.

- A moment is the day and the time to the minute: "7 Dec 2026, 16:51" ("7 декабря 2026,
  16:51" in Russian), the DATETIME_FORMAT of smmdash/formats/.
- A day is "7 Dec 2026" ("7 декабря 2026"), the DATE_FORMAT; a month is "December 2026".
- Where freshness matters (a balance read, a sync, a poll, an alert) the time is relative,
  "3 minutes ago", with the moment in the element's title (see the `ago` template filter).
"""

from datetime import date, datetime

from django.contrib.humanize.templatetags.humanize import NaturalTimeFormatter
from django.utils import timezone
from django.utils.formats import date_format


def moment(when: datetime) -> str:
    """`when` in the current time zone, as a moment: "7 Dec 2026, 16:51"."""
    if when is None:
        return ""
    if timezone.is_aware(when):
        when = timezone.localtime(when)
    return date_format(when, "DATETIME_FORMAT")


def day(when: date | datetime) -> str:
    """A day: "7 Dec 2026". A datetime is taken in the current time zone first."""
    if when is None:
        return ""
    if isinstance(when, datetime) and timezone.is_aware(when):
        when = timezone.localtime(when)
    return date_format(when, "DATE_FORMAT")


def month(when: date | datetime) -> str:
    """A month: "December 2026"."""
    return date_format(when, "YEAR_MONTH_FORMAT")


def ago(when: datetime) -> str:
    """How long ago (or from now) `when` is: "3 minutes ago", "in 5 minutes"."""
    if when is None:
        return ""
    return str(NaturalTimeFormatter.string_for(when))
