"""Spend and the order list count the same orders on the same dates, to the last decimal: days
cut at midnight in TIME_ZONE on both, the orders the panels took, at what each finally cost."""

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.test import override_settings

from orders.models import Order
from orders.services import rollups
from rates.services import set_rate
from scores.models import RollupDue
from smmdash.lib.numbers import amount_text
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db

ZONE = "Asia/Kolkata"  # UTC+05:30: its midnight is 18:30 the day before in UTC
FIRST, LAST = date(2026, 3, 9), date(2026, 3, 10)
TO_TIME_ZONE = import_module("orders.migrations.0008_rollup_days_in_time_zone")
STEP = Decimal("0.000001")  # the places amounts are stored with
STORED = re.compile(r"^-?\d+\.\d{6}$")


def midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, ZoneInfo(ZONE))


def ordered(service, at, status, *, charge=None, remains=None, quantity=1000):
    order = Order.of_service(
        service, link=f"https://instagram.com/p/{at.timestamp()}{status}", quantity=quantity
    )
    order.status, order.charge, order.remains = status, charge, remains
    order.created_at = at
    if status not in ("queued", "not_sent", "rejected"):
        order.placed_at = order.submitted_at = at
        order.provider_order_id = str(int(at.timestamp()))
    order.save()
    return order


@override_settings(TIME_ZONE=ZONE)
def test_spend_and_the_order_list_give_the_same_orders_and_amounts(
    synced, viewer_client, staff_admin
):
    dollars, roubles = synced("smmprovider"), synced("smmub", currency="RUB")
    more_roubles = synced("smmub", name="smmub too", currency="RUB")
    set_rate("RUB", Decimal("0.0108"), user=staff_admin)
    usd, rub, rub_too = a_service(dollars), a_service(roubles), a_service(more_roubles)
    inside = [
        # The first moment of the period and the last.
        ordered(usd, midnight(FIRST), "completed", charge=Decimal("1.234567")),
        ordered(usd, midnight(LAST + timedelta(days=1)) - timedelta(seconds=1), "completed"),
        # Partial without a charge: what it delivered of the expected cost.
        ordered(usd, midnight(LAST) + timedelta(hours=5), "partial", remains=333),
        ordered(usd, midnight(LAST) + timedelta(hours=6), "canceled", charge=Decimal(0)),
        ordered(rub, midnight(FIRST) + timedelta(hours=1), "completed", charge=Decimal("7.77")),
        ordered(rub, midnight(LAST) + timedelta(hours=23), "pending"),
        ordered(rub_too, midnight(LAST) + timedelta(hours=22), "completed", charge=Decimal("3.33")),
    ]
    never_taken = [
        ordered(usd, midnight(FIRST) + timedelta(hours=2), status)
        for status in ("rejected", "not_sent", "queued", "not_placed")
    ]
    lost = ordered(usd, midnight(LAST) + timedelta(hours=3), "unknown")
    outside = [
        ordered(usd, midnight(FIRST) - timedelta(seconds=1), "completed"),
        ordered(rub, midnight(LAST + timedelta(days=1)), "completed"),
    ]
    rollups.mark_due([*inside, *never_taken, lost, *outside])
    rollups.refresh_due()
    dates = {"start": FIRST.isoformat(), "end": LAST.isoformat()}

    spend = viewer_client.get("/spend/", {"period": "custom", **dates})
    listing = viewer_client.get("/orders/", {"since": dates["start"], "until": dates["end"]})
    report, totals = spend.context["report"], listing.context["totals"]

    assert listing.context["page"].paginator.count == len(inside) + len(never_taken) + 1
    assert report.total.orders == totals["orders"] == len(inside)
    assert report.total.unknown_orders == totals["unknown_orders"] == 1
    assert report.total.spent == totals["in_base"]
    by_currency = dict(totals["by_currency"])
    for currency, spent in by_currency.items():
        lines = [line for line in report.providers if line.own.currency == currency]
        assert spent == sum(line.own.spent for line in lines)
    # What the panels charged, after refunds, else what was expected: exact.
    partial = (inside[2].expected_cost * 667 / 1000).quantize(STEP, rounding=ROUND_HALF_UP)
    assert by_currency["USD"] == Decimal("1.234567") + inside[1].expected_cost + partial
    assert by_currency["RUB"] == Decimal("7.77") + inside[5].expected_cost + Decimal("3.33")
    shown = amount_text(report.total.spent, "USD")
    assert shown in spend.text and f"≈ <strong>{shown}</strong>" in listing.text
    assert "Orders no panel took are not counted" in listing.text

    exported = viewer_client.get("/spend/", {"period": "custom", **dates, "export": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert {row["period start"] for row in rows} == {FIRST.isoformat(), LAST.isoformat()}
    assert sum(int(row["orders"]) for row in rows) == len(inside)
    amounts = ["spent", "refunded", "estimated (no charge reported)", "charged less expected"]
    for row in rows:
        for column in [*amounts, "spent (USD)"]:
            assert STORED.match(row[column]), (column, row[column])


@override_settings(TIME_ZONE=ZONE)
def test_days_counted_in_utc_are_counted_again_where_time_zone_cuts_them(synced):
    provider = synced("smmprovider")
    ordered(a_service(provider), midnight(FIRST) + timedelta(hours=1), "completed")
    RollupDue.objects.all().delete()
    TO_TIME_ZONE.mark_days_due_in_time_zone(apps, None)
    # 01:00 in Kolkata is the evening before in UTC: both days are counted again.
    assert set(RollupDue.objects.values_list("day", flat=True)) == {FIRST - timedelta(1), FIRST}
