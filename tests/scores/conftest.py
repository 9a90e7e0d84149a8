from datetime import timedelta

import pytest
from django.db.models import F

from orders.models import Order, Refill


@pytest.fixture
def time_passes(simulator):
    """Move the simulated panels' clock and smmdash's orders' past by the same amount, as if
    `seconds` went by for both (the panels' clock is manual, smmdash's is the real one)."""

    def time_passes(seconds):
        simulator.advance(seconds)
        earlier = timedelta(seconds=seconds)
        Order.objects.update(
            placed_at=F("placed_at") - earlier,
            started_at=F("started_at") - earlier,
            finished_at=F("finished_at") - earlier,
            cancel_requested_at=F("cancel_requested_at") - earlier,
            status_checked_at=F("status_checked_at") - earlier,
        )
        Refill.objects.update(requested_at=F("requested_at") - earlier)

    return time_passes
