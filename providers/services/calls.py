"""What panel clients measured, added to each provider's daily API figures (``ApiDay``)."""

from collections import defaultdict
from datetime import UTC, datetime

from django.db import IntegrityError, transaction

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
