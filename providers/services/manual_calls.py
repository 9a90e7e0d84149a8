"""Calls to a panel that people start from the dashboard, at most one of each kind a minute."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from providers.models import ManualCall, Provider

MANUAL_CALL_EVERY = timedelta(minutes=1)


class TooSoon(Exception):
    """The same call was made by hand less than a minute ago; the message says when it may be
    made again."""

    def __init__(self, provider: Provider, kind: str, wait: timedelta):
        self.wait_seconds = max(1, int(wait.total_seconds() + 0.999))
        what = ManualCall.Kind(kind).label
        super().__init__(
            f"A {what} of {provider} was asked for less than a minute ago: "
            f"try again in {self.wait_seconds} s."
        )


def claim_manual_call(provider: Provider, kind: str, now=None) -> None:
    """Claim this provider's `kind` of hand-made call for now, or raise TooSoon.

    A conditional UPDATE decides, so of two people pressing at once exactly one call is made.
    """
    now = now or timezone.now()
    calls = ManualCall.objects.filter(provider=provider, kind=kind)
    if calls.filter(called_at__lte=now - MANUAL_CALL_EVERY).update(called_at=now):
        return
    if not calls.exists():
        try:
            with transaction.atomic():
                ManualCall.objects.create(provider=provider, kind=kind, called_at=now)
        except IntegrityError:
            pass  # someone else's first call, made at this very moment
        else:
            return
    last = calls.values_list("called_at", flat=True).first() or now
    raise TooSoon(provider, kind, last + MANUAL_CALL_EVERY - now)
