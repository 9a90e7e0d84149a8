"""Scorecards measured from real orders at the simulated panels, each with its delivery
profile: figures rolled up by the poll, read by the pages in a constant number of queries."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services
from orders.models import Order, SpendDay
from orders.services import rollups
from providers.models import ApiDay
from providers.services import refresh_balance
from scores import figures, periods
from scores.cards import league, provider_cards
from scores.models import COUNTS, DURATIONS, ProviderDay, RollupDue, ServiceDay
from tests.market import RUN
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db


def place_many(place, provider, count, quantity=1000):
    service = a_service(provider)
    quantity = max(service.min, min(quantity, service.max))
    return [
        place(service, quantity, link=f"https://instagram.com/p/{provider.pk}-{n}")
        for n in range(count)
    ]


def test_delivery_figures_tell_a_reliable_panel_from_one_that_delivers_part(
    profiled, synced, place, time_passes
):
    reliable, partial = synced("smmprovider"), synced("smmbros")
    place_many(place, reliable, 12)
    place_many(place, partial, 12)

    time_passes(90)  # both in progress
    services.poll_provider(reliable)
    services.poll_provider(partial)
    time_passes(RUN + 60)  # both done
    for provider in (reliable, partial):
        Order.objects.update(status_checked_at=None)
        services.poll_provider(provider)

    good = figures.provider_delivery([reliable.pk], 7)[reliable.pk]
    bad = figures.provider_delivery([partial.pk], 7)[partial.pk]
    assert (good.orders, good.completed, good.partial) == (12, 12, 0)
    assert good.delivered == 1
    # Every third order ends partial at the often-partial panel, delivering 55% of it.
    assert (bad.orders, bad.completed, bad.partial) == (12, 8, 4)
    assert bad.share_of("partial") == Decimal(4) / Decimal(12)
    assert bad.partial_share_high
    quantity = Order.objects.filter(provider=partial).first().quantity
    delivered = 8 * quantity + 4 * int(quantity * 0.55)
    assert bad.delivered == Decimal(delivered) / Decimal(12 * quantity)
    # Each started at the first poll that saw progress (90 s after placing) and ended at the
    # next (7 minutes later).
    assert 60 <= good.start_median <= 120
    assert 300 <= good.finish_median <= 600
    # Per service, the same figures: one service each here.
    [service_id] = ServiceDay.objects.filter(provider=partial).values_list("service_id", flat=True)
    assert figures.service_delivery([service_id])[service_id].partial == 4
    assert not RollupDue.objects.exists()


def test_a_slow_starter_is_measured_as_one(profiled, synced, place, time_passes):
    fast, slow = synced("smmprovider"), synced("smmsheba")
    place_many(place, fast, 10)
    place_many(place, slow, 10)
    for _ in range(8):  # a poll every two minutes for 16 minutes
        time_passes(120)
        Order.objects.update(status_checked_at=None)
        services.poll_provider(fast)
        services.poll_provider(slow)

    fast_start = figures.provider_delivery([fast.pk], 7)[fast.pk].start_median
    slow_start = figures.provider_delivery([slow.pk], 7)[slow.pk].start_median
    assert fast_start <= 180
    # smmsheba's orders wait 12 minutes before anything moves.
    assert slow_start >= 720


def test_too_few_orders_are_not_judged(simulator, synced, place, time_passes):
    provider = synced("smmprovider")
    place_many(place, provider, 3)
    time_passes(RUN + 120)
    services.poll_provider(provider)

    delivery = figures.provider_delivery([provider.pk], 30)[provider.pk]
    assert delivery.finished == 3
    assert delivery.delivered is None and delivery.share_of("completed") is None
    assert delivery.judged == "3 finished orders: not enough to judge"


def test_refills_that_never_complete_and_cancels(profiled, synced, place, time_passes, buyer):
    provider = synced("smmpllus")
    service = a_service(provider, refill=True, cancel=True)
    done = [place(service, service.min, link=f"https://t.me/c/{n}") for n in range(3)]
    time_passes(RUN + 120)
    services.poll_provider(provider)
    for order in done:
        order.refresh_from_db()
        services.refill_order(order, buyer)
    running = place(service, service.min, link="https://t.me/c/running")
    services.cancel_order(running, buyer)
    time_passes(3600)
    Order.objects.update(status_checked_at=None)
    services.poll_provider(provider)

    delivery = figures.provider_delivery([provider.pk], 7)[provider.pk]
    assert (delivery.refills, delivery.refills_completed, delivery.refills_rejected) == (3, 0, 0)
    assert (delivery.cancels_asked, delivery.cancels_honoured) == (1, 1)
    # The cancelled order does not count against what the panel delivers.
    assert delivery.quantity_finished == 3 * service.min


def test_lost_answers_are_counted_even_once_resolved(simulator, synced, place, buyer):
    provider = synced("smmprovider")
    service = a_service(provider)
    simulator.inject("smmprovider", "reset", action="add", after=True)
    lost = place(service, service.min)
    assert lost.status == Order.Status.UNKNOWN
    services.resolve_not_placed(lost, buyer)
    rollups.refresh_due()

    assert figures.provider_delivery([provider.pk], 7)[provider.pk].needs_checking == 1


def test_api_calls_are_measured_per_action(simulator, synced, place):
    provider = synced("smmprovider")
    place_many(place, provider, 2)
    simulator.inject("smmprovider", "unavailable", action="status", times=3)
    result = services.poll_provider(provider)  # three tries, three HTML 503 pages

    assert result.error
    actions = {row.action: row for row in ApiDay.objects.filter(provider=provider)}
    assert {"balance", "services", "add", "status"} <= set(actions)
    assert (actions["add"].calls, actions["add"].failures) == (2, 0)
    assert sum(actions["add"].latency) == 2  # answered calls, by time taken
    assert (actions["status"].calls, actions["status"].failures) == (3, 3)
    assert "503" in actions["status"].last_failure
    week = provider_cards(provider)[0]
    assert week.api["status"].success == 0
    assert week.api[""].calls == sum(row.calls for row in actions.values())
    # The league's figures are summed again on the dispatcher's tick, as the calls happened.
    periods.refresh_stale(timezone.now() + periods.STALE_AFTER)
    league_api = figures.provider_scores(7)[provider.pk].api
    assert league_api["calls"] == week.api[""].calls
    [row] = [row for row in league(7) if row.provider == provider]
    assert row.last_outage[0] == actions["status"].last_failure_at
    assert "503" in row.last_outage[1]


def test_the_rollups_are_the_same_computed_again_from_scratch(profiled, synced, place, time_passes):
    provider = synced("smmbros")
    place_many(place, provider, 9)
    time_passes(RUN + 120)
    services.poll_provider(provider)
    before = list(ProviderDay.objects.values(*COUNTS, *DURATIONS))

    ProviderDay.objects.all().delete()
    ServiceDay.objects.all().delete()
    assert rollups.rebuild() >= 1
    assert list(ProviderDay.objects.values(*COUNTS, *DURATIONS)) == before


def test_a_rebuild_that_dies_half_way_leaves_every_figure_readable(
    profiled, synced, place, time_passes, monkeypatch
):
    providers = [synced(panel) for panel in ("smmprovider", "smmbros")]
    for provider in providers:
        place_many(place, provider, 4)
    time_passes(RUN + 120)
    for provider in providers:
        services.poll_provider(provider)
    # A day of the first provider's with no orders left (as after TIME_ZONE changed).
    gone = ProviderDay.objects.filter(provider=providers[0]).first()
    ProviderDay.objects.create(provider=providers[0], day=gone.day - timedelta(days=400))

    def rollups_of(rollup, *fields):
        return sorted(rollup.objects.values_list("provider_id", "day", *fields))

    def figures_now():
        return [
            rollups_of(ProviderDay, *COUNTS, *DURATIONS),
            rollups_of(ServiceDay, "service_id", *COUNTS),
            rollups_of(SpendDay, "platform", "kind", "orders", "spent"),
        ]

    before = figures_now()
    assert all(before)
    computed = rollups.compute
    done = []

    def dies_on_the_second_provider(provider_id, days, **options):
        if done and provider_id != done[0]:
            raise SystemExit("the process was stopped")  # as a killed command would
        done.append(provider_id)
        computed(provider_id, days, **options)

    monkeypatch.setattr(rollups, "compute", dies_on_the_second_provider)
    with pytest.raises(SystemExit):
        rollups.rebuild()
    assert figures_now() == before  # scorecards and Spend still read every figure

    monkeypatch.undo()
    assert rollups.rebuild() >= 2
    before[0] = [row for row in before[0] if row[1] != gone.day - timedelta(days=400)]
    assert figures_now() == before


def test_the_league_and_the_provider_card_take_the_same_queries_however_many_orders(
    profiled, synced, place, time_passes, viewer_client
):
    providers = [synced(panel) for panel in ("smmprovider", "smmbros")]
    place_many(place, providers[0], 2)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get("/scorecard/?days=30").status_code == 200
        return len(captured)

    few = queries()
    for provider in providers:
        place_many(place, provider, 12)
    time_passes(RUN + 120)
    for provider in providers:
        services.poll_provider(provider)
    assert queries() == few
    rows = league(30, "delivered")
    assert [row.provider.name for row in rows] == ["smmprovider", "smmbros"]
    assert [card.days for card in provider_cards(providers[1])] == [7, 30, 90]


def test_the_league_sorts_each_column_both_ways_with_arrows_that_say_which(
    simulator, make_provider, viewer_client
):
    one_call = make_provider("smmprovider")
    refresh_balance(one_call)  # its only call to the panel
    periods.refresh_stale(timezone.now() + periods.STALE_AFTER)

    page = viewer_client.get("/scorecard/?days=7").text
    assert "of 1 call<" in page  # not "1 calls"
    # Delivered sorts best first, high to low: the arrow points down, and a second click
    # turns it round; a time sorts low (best) first.
    assert 'aria-sort="descending"' in page
    assert re.search(r'href="\?days=7&amp;sort=-delivered"[^>]*>\s*Delivered ↓', page)
    assert 'href="?days=7&amp;sort=orders"' in page
    turned = viewer_client.get("/scorecard/?days=7&sort=-delivered").text
    assert re.search(r'href="\?days=7&amp;sort=delivered"[^>]*>\s*Delivered ↑', turned)
    assert 'aria-sort="ascending"' in turned
    by_start = viewer_client.get("/scorecard/?days=7&sort=start").text
    assert re.search(r'href="\?days=7&amp;sort=-start"[^>]*>\s*Time to start ↑', by_start)
