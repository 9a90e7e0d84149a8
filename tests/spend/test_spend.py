"""Spend from real orders at the simulated panels: the panels' charges, refunds from partial
deliveries, estimates where no charge is reported, differences, top-ups found in the balance,
runways, the Spend page and its CSV, in a constant number of queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services
from orders.models import Order, SpendDay
from orders.services import rollups
from providers import services as providers
from providers.models import BalanceSnapshot
from rates.services import set_rate
from spend.models import TopUp
from spend.services import Period, detect_top_ups, report, runways
from spend.services.topups import SETTLE
from tests.market import RUN
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db


def place_several(place, provider, count, quantity=1000):
    """Place `count` orders, then compute their day as the dispatcher's tick would."""
    service = a_service(provider)
    quantity = max(service.min, min(quantity, service.max))
    orders = [
        place(service, quantity, link=f"https://instagram.com/p/{provider.pk}-{n}")
        for n in range(count)
    ]
    rollups.refresh_due()
    return orders


def finish(provider, time_passes):
    time_passes(RUN + 120)
    Order.objects.update(status_checked_at=None)
    services.poll_provider(provider)


def test_spend_is_what_the_panel_charged_less_its_refunds(profiled, synced, place, time_passes):
    partial = synced("smmbros")  # every third order ends partial, delivering 55%
    orders = place_several(place, partial, 6)
    finish(partial, time_passes)

    orders = list(Order.objects.filter(pk__in=[o.pk for o in orders]))
    assert {o.status for o in orders} == {"completed", "partial"}
    charged = sum(o.charge for o in orders)
    expected = sum(o.expected_cost for o in orders)
    [day] = SpendDay.objects.filter(provider=partial)
    assert day.orders == 6 and day.spent == charged
    assert day.gross == expected
    assert day.refunded == expected - charged > 0
    assert day.refunded_orders == 2
    # The simulator charges what its rates say: no difference, nothing estimated.
    assert (day.difference, day.differing_orders, day.estimated_orders) == (0, 0, 0)

    spend = report(Period.last(7), base_currency=partial.currency or "USD")
    line = next(line for line in spend.providers if line.provider == partial)
    assert line.own.spent == charged and line.own.refunded == day.refunded


def test_a_charge_other_than_expected_is_shown_with_its_order(synced, place, viewer_client):
    provider = synced("smmsheba")
    normal, dear = place_several(place, provider, 2)
    Order.objects.filter(pk=dear.pk).update(charge=dear.expected_cost + Decimal("1.5"))
    Order.objects.filter(pk=normal.pk).update(charge=normal.expected_cost)
    rollups.compute(provider.pk, [rollups.day_of(dear.created_at)])

    [day] = SpendDay.objects.filter(provider=provider)
    assert day.difference == Decimal("1.5") and day.differing_orders == 1

    page = viewer_client.get("/spend/")
    assert "1 order behind it" in page.text
    listing = viewer_client.get("/spend/differences/", {"provider": provider.pk})
    assert f"/orders/{dear.pk}/" in listing.text
    assert f"/orders/{normal.pk}/" not in listing.text
    assert "+1.50" in listing.text


def test_an_order_without_a_reported_charge_is_counted_as_estimated(synced, place, viewer_client):
    provider = synced("smmsheba")
    [order] = place_several(place, provider, 1)
    Order.objects.filter(pk=order.pk).update(charge=None)
    rollups.compute(provider.pk, [rollups.day_of(order.created_at)])
    [day] = SpendDay.objects.filter(provider=provider)
    assert day.estimated == day.spent == order.expected_cost and day.estimated_orders == 1
    assert "whose panel reports no charge" in viewer_client.get("/spend/").text


def test_orders_never_placed_cost_nothing_and_lost_answers_are_apart(simulator, synced, place):
    provider = synced("smmprovider")
    service = a_service(provider)
    simulator.inject("smmprovider", "reset", action="add", after=True)
    lost = place(service)
    assert lost.status == "unknown"
    simulator.inject("smmprovider", "invalid_key", action="add")
    refused = place(service, link="https://instagram.com/p/other")
    assert refused.status in ("rejected", "not_sent")
    rollups.refresh_due()
    [day] = SpendDay.objects.filter(provider=provider)
    assert (day.orders, day.spent) == (0, 0)
    assert day.unknown == lost.expected_cost and day.unknown_orders == 1


def age_readings(provider, by=SETTLE + timedelta(minutes=1)):
    for snapshot in BalanceSnapshot.objects.filter(provider=provider):
        BalanceSnapshot.objects.filter(pk=snapshot.pk).update(taken_at=snapshot.taken_at - by)


def test_a_top_up_is_found_once_and_a_refund_is_not_one(
    profiled, simulator, synced, place, time_passes
):
    provider = synced("smmbros")
    place_several(place, provider, 3)  # the third ends partial: a refund raises the balance
    providers.refresh_balance(provider)
    finish(provider, time_passes)
    providers.refresh_balance(provider)
    age_readings(provider, timedelta(hours=1))
    assert detect_top_ups() == []  # the refund explains the rise

    simulator.deposit("smmbros", "250")
    providers.refresh_balance(provider)
    assert detect_top_ups() == []  # too fresh: its refunds may not be seen yet
    age_readings(provider)
    [top_up] = detect_top_ups()
    assert top_up.amount == Decimal("250") and top_up.source == TopUp.Source.DETECTED
    assert detect_top_ups() == [] and TopUp.objects.count() == 1


def test_runway_is_the_balance_over_the_last_weeks_daily_spend(synced, place):
    provider = synced("smmsheba")
    place_several(place, provider, 2)
    provider.refresh_from_db()
    spent = SpendDay.objects.get(provider=provider).spent
    runway = runways([provider])[provider.pk]
    assert runway.daily_spend == spent / 7
    assert runway.days == provider.balance / (spent / 7)
    # A few cheap orders against a full balance: it would last for years.
    assert runway.days > 365 and runway.words == "more than a year left"


def test_the_spend_page_converts_filters_and_exports(synced, place, viewer_client, staff_admin):
    dollars, roubles = synced("smmsheba"), synced("smmub", currency="RUB")
    set_rate("RUB", Decimal("0.0108"), user=staff_admin)
    place_several(place, dollars, 2)
    place_several(place, roubles, 1)
    rub = SpendDay.objects.get(provider=roubles).spent
    usd = SpendDay.objects.get(provider=dollars).spent

    page = viewer_client.get("/spend/", {"period": "7"})
    assert page.status_code == 200
    total = report(Period.last(7), base_currency="USD").total.spent
    assert total == usd + (rub * Decimal("0.0108")).quantize(Decimal("0.000001"))
    assert 'id="spend-chart"' in page.text and "Per platform and kind" in page.text

    only = viewer_client.get("/spend/", {"provider": roubles.pk, "bucket": "week"})
    assert "smmub" in only.text and f">{dollars.name}</a>" not in only.text

    csv = b"".join(viewer_client.get("/spend/", {"export": "csv"}).streaming_content).decode()
    lines = csv.strip().splitlines()
    assert lines[0].startswith("period start,provider,currency,orders,spent")
    assert any(",smmub,RUB,1," in line for line in lines)

    bad = viewer_client.get("/spend/", {"period": "custom", "start": "2026-05-01"})
    assert "Give both dates" in bad.text and "Showing the last 30 days instead" in bad.text


def test_the_spend_page_reads_a_constant_number_of_queries(synced, place, viewer_client):
    provider = synced("smmsheba")
    place_several(place, provider, 1)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get("/spend/", {"period": "90"}).status_code == 200
        return len(captured)

    few = queries()
    place_several(place, synced("smmprovider"), 4)
    assert queries() == few


def test_managers_record_correct_and_remove_top_ups(synced, manager_client, viewer):
    provider = synced("smmsheba")
    viewer_client = Client()
    viewer_client.force_login(viewer)
    at = timezone.now().strftime("%Y-%m-%dT%H:%M")
    refused = viewer_client.post("/spend/top-ups/new/", {"provider": provider.pk})
    assert refused.status_code == 403
    bad = manager_client.post(
        "/spend/top-ups/new/", {"provider": provider.pk, "amount": "-5", "at": at}
    )
    assert bad.status_code == 400 and TopUp.objects.count() == 0
    manager_client.post(
        "/spend/top-ups/new/", {"provider": provider.pk, "amount": "100", "at": at, "note": "card"}
    )
    top_up = TopUp.objects.get()
    assert (top_up.amount, top_up.source, top_up.note) == (100, "manual", "card")

    unexplained = manager_client.post(f"/spend/top-ups/{top_up.pk}/", {"amount": "90", "at": at})
    assert unexplained.status_code == 400  # a correction says why
    manager_client.post(
        f"/spend/top-ups/{top_up.pk}/", {"amount": "90", "at": at, "note": "fee taken"}
    )
    top_up.refresh_from_db()
    assert top_up.amount == 90 and top_up.corrected_at is not None
    assert "fee taken" in viewer_client.get("/spend/").text
    manager_client.post(f"/spend/top-ups/{top_up.pk}/delete/")
    assert not TopUp.objects.exists()


def test_the_dashboard_shows_money_once_smmdash_is_in_use(synced, place, viewer_client):
    assert "Getting started" in viewer_client.get("/").text
    provider = synced("smmsheba")
    assert "Getting started" in viewer_client.get("/").text  # synced, but nothing ordered
    place_several(place, provider, 1)
    home = viewer_client.get("/").text
    assert "Getting started" not in home
    assert "Spent today" in home and "Shortest runway" in home and "Needs attention" in home


def test_weeks_start_on_monday_months_on_the_first_and_totals_add_up(make_provider, staff_admin):
    """The rollups summed per week and month by the database (SQLite's own date functions,
    PostgreSQL's date_trunc), and every total the sum of the rows below it."""
    from datetime import date

    dollars, roubles = make_provider("smmsheba"), make_provider("smmub", currency="RUB")
    set_rate("RUB", Decimal("0.01"), user=staff_admin)
    # Sunday 29 November, Monday 30 November, Tuesday 1 December 2026.
    days = [date(2026, 11, 29), date(2026, 11, 30), date(2026, 12, 1)]
    for number, day in enumerate(days, start=1):
        for provider, currency in ((dollars, "USD"), (roubles, "RUB")):
            for platform in ("instagram", "tiktok"):
                SpendDay.objects.create(
                    provider=provider, day=day, platform=platform, kind="followers",
                    currency=currency, orders=number, gross=Decimal("2.5") * number,
                    spent=Decimal("2.25") * number, refunded=Decimal("0.25") * number,
                    refunded_orders=1,
                )  # fmt: skip
    period = Period(date(2026, 11, 23), date(2026, 12, 6))

    weekly = report(period, bucket="week", base_currency="USD")
    assert [start for start, _ in weekly.buckets] == [date(2026, 11, 23), date(2026, 11, 30)]
    # Dollars 2.25 + 2.25 a day, roubles at 0.01: 4.5 + 0.045 per order counted.
    assert [figures.spent for _, figures in weekly.buckets] == [Decimal("4.545"), Decimal("22.725")]
    assert [figures.orders for _, figures in weekly.buckets] == [4, 20]
    assert weekly.total.spent == sum(figures.spent for _, figures in weekly.buckets)
    assert weekly.total.spent == sum(line.base.spent for line in weekly.providers)
    assert weekly.total.refunded == Decimal("3.03") and weekly.total.refunded_orders == 12
    line = next(line for line in weekly.providers if line.provider == roubles)
    assert line.own.currency == "RUB" and line.own.spent == Decimal("27.00")
    assert weekly.cells[roubles.pk][date(2026, 11, 30)][0].spent == Decimal("22.50")
    assert sum(figures.orders for _, _, figures in weekly.kinds) == 24

    monthly = report(period, bucket="month", base_currency="USD")
    assert [(start, figures.orders) for start, figures in monthly.buckets] == [
        (date(2026, 11, 1), 12),
        (date(2026, 12, 1), 12),
    ]
    assert monthly.total.spent == weekly.total.spent

    # A currency without a rate is left out of the dollar totals, and named.
    euros = make_provider("smmprovider", currency="EUR")
    SpendDay.objects.create(provider=euros, day=days[0], currency="EUR", orders=1, spent=9)
    unrated = report(period, bucket="week", base_currency="USD")
    assert unrated.total.spent == weekly.total.spent and unrated.total.unconverted == {"EUR"}


def test_a_top_up_dated_after_today_is_refused_and_what_was_typed_kept(synced, manager_client):
    provider = synced("smmsheba")
    typed = {"provider": provider.pk, "amount": "75.5", "at": "2999-01-01T10:00", "note": "card"}
    refused = manager_client.post("/spend/top-ups/new/", typed)
    assert refused.status_code == 400 and not TopUp.objects.exists()
    assert "A top-up cannot be dated after today" in refused.text
    assert 'value="2999-01-01T10:00"' in refused.text and 'value="75.5"' in refused.text
    assert 'value="card"' in refused.text and f'value="{provider.pk}" selected' in refused.text

    # Later today is today: accepted, and shown on Spend.
    today = timezone.localtime().replace(hour=23, minute=59).strftime("%Y-%m-%dT%H:%M")
    manager_client.post("/spend/top-ups/new/", {**typed, "at": today})
    top_up = TopUp.objects.get()
    assert f"/spend/top-ups/{top_up.pk}/" in manager_client.get("/spend/", {"period": "7"}).text

    corrected = manager_client.post(
        f"/spend/top-ups/{top_up.pk}/", {"amount": "75.5", "at": "2999-01-01T10:00", "note": "x"}
    )
    assert corrected.status_code == 400 and "cannot be dated after today" in corrected.text
    top_up.refresh_from_db()
    assert timezone.localdate(top_up.at) == timezone.localdate()
