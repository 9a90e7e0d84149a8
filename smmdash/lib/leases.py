"""Expiring locks on a row, claimed with one conditional UPDATE.

A lease is a timestamp column: free when empty or in the past, held until the time it holds.
Of two processes claiming it at once, the database lets exactly one UPDATE change the row, so
exactly one wins. `lease` keeps renewing what it holds while its block runs, so the lease can
be short: a holder that dies, or loses its database, stops renewing, and its lease frees
within one `duration` instead of after the longest its work could take.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from smmdash.lib.patience import DATABASE_UNAVAILABLE

log = logging.getLogger("smmdash.leases")


def claim_lease(rows, field: str, until, now=None) -> bool:
    """Take the lease `field` on `rows` (a queryset of one row) until `until`, if it is free."""
    now = now or timezone.now()
    free = Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__lt": now})
    return bool(rows.filter(free).update(**{field: until}))


def release_lease(rows, field: str, until):
    """Give the lease back, unless it expired and someone else holds it now."""
    rows.filter(**{field: until}).update(**{field: None})


class Held:
    """What `lease` yields: true while this process holds the lease."""

    def __init__(self, rows, field: str, until):
        self.rows, self.field, self.until = rows, field, until
        self.lost = False

    def __bool__(self):
        return self.until is not None and not self.lost

    def renew(self, duration) -> bool:
        """Hold it `duration` from now; False (and lost) when someone else holds it now."""
        until = timezone.now() + duration
        if self.rows.filter(**{self.field: self.until}).update(**{self.field: until}):
            self.until = until
        else:
            self.lost = True
        return not self.lost


@contextmanager
def lease(rows, field: str, duration):
    """``with lease(...) as held:`` claims the lease for `duration`, renews it every third of
    that while the block runs, and releases it at the end; `held` is false when someone else
    has it (and then nothing is released), and becomes false should the lease be lost."""
    until = timezone.now() + duration
    if not claim_lease(rows, field, until):
        yield Held(rows, field, None)
        return
    held = Held(rows, field, until)
    done = threading.Event()
    renewing = threading.Thread(
        target=_keep_renewing, args=(held, duration, done), name=f"lease-{field}", daemon=True
    )
    renewing.start()
    try:
        yield held
    finally:
        done.set()
        renewing.join()
        if held:
            try:
                release_lease(rows, field, held.until)
            except DATABASE_UNAVAILABLE as failure:
                # It expires on its own, within one `duration`.
                log.warning("Could not release the lease %s: %s", field, failure)


def _keep_renewing(held: Held, duration, done: threading.Event):
    try:
        while not done.wait(duration.total_seconds() / 3):
            try:
                if not held.renew(duration):
                    log.warning("The lease %s was lost: someone else holds it now", held.field)
                    return
            except DATABASE_UNAVAILABLE as failure:
                # Tried again next time; until then the lease holds as long as it was renewed.
                log.warning("Could not renew the lease %s: %s", held.field, failure)
                connection.close_if_unusable_or_obsolete()
    finally:
        connection.close()  # this thread's own
