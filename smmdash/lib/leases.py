"""Expiring locks on a row, claimed with one conditional UPDATE.

A lease is a timestamp column: free when empty or in the past, held until the time it holds.
Of two processes claiming it at once, the database lets exactly one UPDATE change the row, so
exactly one wins; a holder that dies leaves a lease that expires on its own.
"""

from contextlib import contextmanager

from django.db.models import Q
from django.utils import timezone


def claim_lease(rows, field: str, until, now=None) -> bool:
    """Take the lease `field` on `rows` (a queryset of one row) until `until`, if it is free."""
    now = now or timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now})
    return bool(rows.filter(free).update(**{field: until}))


def release_lease(rows, field: str, until):
    """Give the lease back, unless it expired and someone else holds it now."""
    rows.filter(**{field: until}).update(**{field: None})


@contextmanager
def lease(rows, field: str, duration):
    """``with lease(...) as held:`` claims the lease for `duration` and releases it at the end;
    `held` is False when someone else has it (and then nothing is released)."""
    until = timezone.now() + duration
    held = claim_lease(rows, field, until)
    try:
        yield held
    finally:
        if held:
            release_lease(rows, field, until)
