"""Writes that must not be lost to a database that is away for a moment (a restart, a
connection dropped, a lock held too long): tried again, with growing pauses, for a bounded
time."""

import time

from django.db import InterfaceError, OperationalError, connection

# What a database that is unreachable, restarting or locked raises (a connection refused or
# dropped, "database is locked", a lock timeout), as opposed to a write that is wrong.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def write_patiently(write, *, within: float, on_failure=None, first_pause=0.25, longest_pause=2.0):
    """Call `write()` until it succeeds or `within` seconds have gone by; returns what it
    returns, or raises its last error.

    `write` must be safe to run again after a failure (one transaction, or conditional).
    `on_failure(error, attempt)` hears of each failed try, to log it.
    """
    give_up_at = time.monotonic() + within
    pause, attempt = first_pause, 1
    while True:
        try:
            return write()
        except DATABASE_UNAVAILABLE as error:
            if on_failure is not None:
                on_failure(error, attempt)
            if time.monotonic() + pause > give_up_at:
                raise
        if not connection.in_atomic_block:
            # A connection the failure broke is dropped, so the next try opens a new one.
            connection.close_if_unusable_or_obsolete()
        time.sleep(pause)
        pause, attempt = min(pause * 2, longest_pause), attempt + 1
