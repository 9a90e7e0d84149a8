"""A moment as people read it in a sentence: "14:05" today, "7 Dec, 14:05" on another day."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format


def moment(when: datetime) -> str:
    """`when` in the current time zone: the time alone if it is today, else the day too."""
    local = timezone.localtime(when)
    if local.date() == timezone.localdate():
        return date_format(local, "H:i")
    return date_format(local, "j M, H:i")
