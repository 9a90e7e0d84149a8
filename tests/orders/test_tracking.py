"""Tracking: statuses read in batches, written in bulk, failures backed off."""

import math
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services
from orders.models import Order, ProviderPolling
from providers.models import Provider
from tests.htmx import htmx_headers
from tests.orders.conftest import a_service

pytestmark = [pytest.mark.django_db, pytest.mark.over_http_and_https]
S = Order.Status


def status_requests(simulator, panel):
    return simulator.requests(panel, "status")


@pytest.mark.parametrize(("panel", "multi"), [("smmprovider", True), ("smmsheba", False)])
def test_a_poll_asks_100_orders_a_request_where_the_panel_can(
    simulator, synced, open_orders, panel, multi
):
    provider = synced(panel)
    orders = open_orders(provider, panel, 250)

    result = services.poll_provider(provider)

    assert (result.checked, result.error) == (250, "")
    sent = status_requests(simulator, panel)
    if multi:
        assert len(sent) == math.ceil(250 / 100)
        assert [len(request.form["orders"].split(",")) for request in sent] == [100, 100, 50]
    else:
        # The first batch tries multi-status once, learns it is not there, then goes one by one.
        assert len(sent) == 250 + 1
    provider.refresh_from_db()
    assert provider.capabilities["multi_status"] is multi
    assert not Order.objects.filter(pk__in=[o.pk for o in orders], status_checked_at=None).exists()
    # A second poll straight away has nothing due.
    assert services.poll_provider(provider).checked == 0
    # Once they are stale, the next poll needs no probing either.
    before = len(status_requests(simulator, panel))
    Order.objects.update(status_checked_at=timezone.now() - timedelta(hours=1))
    services.poll_provider(provider)
    after = len(status_requests(simulator, panel)) - before
    assert after == (math.ceil(250 / 100) if multi else 250)


def test_statuses_charge_and_progress_are_recorded_and_logged(simulator, synced, place):
    provider = synced("smmprovider")
    service = a_service(provider)
    order = place(service, 1000)

    simulator.advance(60 + 150)  # halfway through the run
    services.poll_provider(provider)
    order.refresh_from_db()
    assert (order.status, order.raw_status) == (S.IN_PROGRESS, "In progress")
    assert order.remains == 500 and order.start_count is not None
    assert order.charge == order.expected_cost

    simulator.advance(600)
    Order.objects.update(status_checked_at=None)
    services.poll_provider(provider)
    order.refresh_from_db()
    assert (order.status, order.remains) == (S.COMPLETED, 0)
    messages = list(order.events.filter(kind="status").values_list("message", flat=True))
    assert messages[0].startswith("Pending → In progress")
    assert messages[-1].startswith("In progress → Completed")


def test_figures_reported_for_the_first_time_read_without_a_before(simulator, synced, place):
    provider = synced("smmprovider")
    order = place(a_service(provider), 1000)

    services.poll_provider(provider)  # still pending: the panel's first figures

    [message] = order.events.filter(kind="status").values_list("message", flat=True)
    assert message.startswith("Progress: charge ")
    assert "start count 0" in message and "remains 1000" in message
    assert "None" not in message


def test_a_partial_order_records_the_refunded_charge(simulator, synced, open_orders):
    provider = synced("smmpllus")
    orders = open_orders(provider, "smmpllus", 10)
    simulator.advance(3600)

    services.poll_provider(provider)

    partial = Order.objects.filter(pk__in=[o.pk for o in orders], status=S.PARTIAL)
    assert partial.exists()
    for order in partial:
        assert order.remains > 0 and order.charge < order.expected_cost


def test_an_unknown_order_id_is_flagged_on_the_order_not_the_provider(simulator, synced, place):
    provider = synced("smmprovider")
    order = place(a_service(provider))
    Order.objects.filter(pk=order.pk).update(provider_order_id="999999")

    services.poll_provider(provider)

    order.refresh_from_db()
    assert order.status == S.PENDING and order.last_error == "Incorrect order ID"
    provider.refresh_from_db()
    assert provider.polling_error == ""


def test_a_failing_provider_is_backed_off_and_flagged(simulator, synced, place, viewer_client):
    provider = synced("smmbros")
    place(a_service(provider))
    simulator.inject("smmbros", "unavailable", action="status", times=3)

    result = services.poll_provider(provider)

    assert "503" in result.error
    provider.refresh_from_db()
    assert provider.polling.failures == 1 and provider.polling.backoff_until > timezone.now()
    assert provider.health == ("bad", "Order status checks failing")
    assert services.dispatch_polls() == []  # resting: not asked again yet
    ProviderPolling.objects.filter(provider=provider).update(backoff_until=timezone.now())
    assert services.dispatch_polls() == [provider.pk]
    # A second failure doubles the wait.
    simulator.inject("smmbros", "unavailable", action="status", times=3)
    services.poll_provider(Provider.objects.get(pk=provider.pk))
    provider.refresh_from_db()
    wait = provider.polling.backoff_until - timezone.now()
    assert timedelta(seconds=100) < wait <= timedelta(seconds=120)
    # Success clears the flag.
    Order.objects.update(status_checked_at=None)
    services.poll_provider(provider)
    provider.refresh_from_db()
    assert (provider.polling.failures, provider.polling_error) == (0, "")


def test_polls_of_one_provider_never_overlap(simulator, synced, place):
    provider = synced("smmprovider")
    place(a_service(provider))
    ProviderPolling.objects.create(
        provider=provider, lock_until=timezone.now() + timedelta(minutes=1)
    )

    result = services.poll_provider(provider)

    assert result.skipped and result.checked == 0
    assert status_requests(simulator, "smmprovider") == []
    assert services.dispatch_polls() == []


def test_requests_to_one_panel_keep_their_pace(simulator, synced, open_orders, settings):
    provider = synced("smmsheba")
    open_orders(provider, "smmsheba", 6)
    settings.PANEL_REQUESTS_PER_SECOND = 20

    started = timezone.now()
    services.poll_provider(provider)
    took = (timezone.now() - started).total_seconds()

    assert len(status_requests(simulator, "smmsheba")) == 7
    assert took >= 6 / 20


def test_refills_are_tracked_with_their_own_status(simulator, synced, place, buyer):
    provider = synced("smmprovider")
    order = place(a_service(provider, refill=True))
    simulator.advance(3600)
    services.poll_provider(provider)
    order.refresh_from_db()
    refill = services.refill_order(order, buyer)
    assert refill.refill_id and refill.status == "requested"

    simulator.advance(120)
    Order.objects.update(status_checked_at=timezone.now())
    result = services.poll_provider(provider)

    refill.refresh_from_db()
    assert result.refills_checked == 1
    assert (refill.status, refill.raw_status) == ("in_progress", "In progress")


def test_the_poll_orders_command_reports_each_provider(simulator, synced, place, capsys):
    provider = synced("smmpllus")
    place(a_service(provider))

    call_command("poll_orders")

    assert "smmpllus: 1 order checked" in capsys.readouterr().out


def test_the_list_swaps_in_open_rows_until_none_is_open(simulator, synced, place, viewer_client):
    provider = synced("smmprovider")
    order = place(a_service(provider))
    page = viewer_client.get("/orders/").content.decode()
    assert f"/orders/live/?ids={order.pk}" in page and 'hx-trigger="every 10s"' in page

    simulator.advance(3600)
    services.poll_provider(provider)
    live = viewer_client.get(f"/orders/live/?ids={order.pk}", **htmx_headers()).content.decode()

    assert f'id="order-status-{order.pk}" hx-swap-oob="true"' in live
    assert "Completed" in live or "Partial" in live
    # Nothing on the page is open any more: the poller comes back without a trigger.
    assert 'id="open-orders-poll" hx-swap-oob="true"' in live
    assert "every 10s" not in live
    assert "<html" not in live


def test_the_live_refresh_takes_the_same_queries_however_many_rows(
    synced, open_orders, viewer_client
):
    provider = synced("smmprovider")
    orders = open_orders(provider, "smmprovider", 12)

    def statements(rows):
        ids = ",".join(str(order.pk) for order in rows)
        with CaptureQueriesContext(connection) as captured:
            viewer_client.get(f"/orders/live/?ids={ids}", **htmx_headers())
        return len(captured)

    assert statements(orders[:2]) == statements(orders)
