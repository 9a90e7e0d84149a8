"""What panel clients measured: each provider's daily API figures (``ApiDay``), and whether
its panel can be connected to at all."""

from collections import defaultdict
from datetime import UTC, datetime
from itertools import takewhile

from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce

from panel import Call
from providers.models import ApiDay, Provider
from smmdash.lib import histograms
from smmdash.lib.days import day_of


def record_calls(provider: Provider, calls: list[Call]):
    """Add `calls` to the provider's ApiDay rows: one locked read and one write per day and
    action, however many calls there were."""
    grouped: dict[tuple, list[Call]] = defaultdict(list)
    for call in calls:
        day = day_of(datetime.fromtimestamp(call.at, UTC))
        grouped[day, call.action].append(call)
    for (day, action), group in grouped.items():
        try:
            _add(provider, day, action, group)
        except IntegrityError:
            # Another client created the row between our read and our insert: add to it.
            _add(provider, day, action, group)


@transaction.atomic
def _add(provider, day, action, calls):
    row = (
        ApiDay.objects.select_for_update().filter(provider=provider, day=day, action=action).first()
    ) or ApiDay(provider=provider, day=day, action=action)
    answered = [call.milliseconds for call in calls if call.answered]
    failed = [call for call in calls if not call.answered]
    row.calls += len(calls)
    row.failures += len(failed)
    row.latency = histograms.merge(
        [row.latency, histograms.count(answered, histograms.LATENCY_MS)], histograms.LATENCY_MS
    )
    if failed:
        last = max(failed, key=lambda call: call.at)
        row.last_failure_at = datetime.fromtimestamp(last.at, UTC)
        row.last_failure = last.failure
    row.save()


def record_connecting(provider: Provider, calls: list[Call]):
    """Mark the provider as not connecting when its last calls could not connect (from the
    first of them), and clear that as soon as a call is answered: the call that decides is the
    last one that either was answered or never left. A call that left and lost its answer
    (a timeout, a reset) says nothing either way: the panel was reached."""
    deciding = [call for call in calls if call.answered or not call.connected]
    if not deciding:
        return
    rows = Provider.objects.filter(pk=provider.pk)
    if deciding[-1].answered:
        rows.filter(not_connecting_since__isnull=False).update(
            not_connecting_since=None, connect_error=""
        )
        provider.not_connecting_since, provider.connect_error = None, ""
        return
    failing = list(takewhile(lambda call: not call.answered, reversed(deciding)))
    since = datetime.fromtimestamp(failing[-1].at, UTC)
    error = failing[0].failure
    rows.update(
        not_connecting_since=Coalesce("not_connecting_since", Value(since)), connect_error=error
    )
    provider.not_connecting_since = provider.not_connecting_since or since
    provider.connect_error = error
