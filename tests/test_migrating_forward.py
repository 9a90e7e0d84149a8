"""A database made before the apps were split migrates forward with all its data: providers and
their keys, orders and their polling state, exchange rates and their fetches, curated groups.

The test takes the database back to the migrations as they were (rates still in providers,
the polling state on the provider row), fills it through the historical models, migrates
forward and reads everything back through today's models.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from compare.models import ServiceGroup
from orders.models import Order, ProviderPolling
from providers import encryption
from providers.models import Provider
from rates.models import ExchangeRate, RateFetch

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("providers", "0007_manual_calls"),
    ("orders", "0001_initial"),
    ("compare", "0001_initial"),
]
KEY = "sk_live_migrated_0123456789abcdef"


def migrate(targets, *, unapply=()):
    """Migrate to `targets`; the apps in `unapply` are taken back to before their first."""
    executor = MigrationExecutor(connection)
    executor.migrate([*targets, *((app, None) for app in unapply)])
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def fill(old):
    """What a running smmdash had stored, written with the models as they were then."""
    now = timezone.now()
    user = old.get_model("auth", "User").objects.create(username="owner")
    provider = old.get_model("providers", "Provider").objects.create(
        name="Old panel",
        api_url="https://old.example/api/v2",
        api_key_encrypted=encryption.encrypt(KEY),
        currency="RUB",
        balance=Decimal("812.500000"),
        poll_failures=3,
        poll_error="HTTP 503",
        poll_backoff_until=now + timedelta(minutes=4),
        last_poll_at=now - timedelta(minutes=1),
    )
    service = old.get_model("providers", "Service").objects.create(
        provider=provider,
        service_id="101",
        name="Instagram Followers",
        rate=Decimal("0.9000"),
        min=10,
        max=10000,
        first_seen=now,
        last_seen=now,
    )
    old.get_model("orders", "Order").objects.create(
        provider=provider,
        service=service,
        service_ref="101",
        service_name="Instagram Followers",
        rate=Decimal("0.9000"),
        currency="RUB",
        link="https://instagram.com/p/old",
        quantity=1000,
        expected_cost=Decimal("0.900000"),
        status="pending",
        provider_order_id="5501",
        placed_by=user,
    )
    old.get_model("providers", "ExchangeRate").objects.create(
        currency="RUB", base="USD", rate=Decimal("0.0108"), set_by=user, note="by hand"
    )
    old.get_model("providers", "RateFetch").objects.create(source="er-api", ok=True)
    group = old.get_model("compare", "ServiceGroup").objects.create(name="IG followers")
    old.get_model("compare", "GroupMember").objects.create(group=group, service=service)


def test_an_old_database_keeps_everything_when_migrated_forward():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        fill(migrate(BEFORE, unapply=["rates"]))
    finally:
        migrate(latest)

    provider = Provider.objects.get()
    assert provider.api_key == KEY and provider.balance == Decimal("812.5")
    polling = ProviderPolling.objects.get(provider=provider)
    assert (polling.failures, polling.error) == (3, "HTTP 503")
    assert polling.backoff_until > timezone.now() and polling.last_poll_at is not None
    assert provider.health == ("bad", "Order status checks failing")
    order = Order.objects.get()
    assert (order.provider_order_id, order.placed_by.username) == ("5501", "owner")
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.rate, rate.set_by.username) == ("RUB", Decimal("0.0108"), "owner")
    assert RateFetch.objects.get().ok
    assert ContentType.objects.get_for_model(ExchangeRate).app_label == "rates"
    group = ServiceGroup.objects.get()
    assert [member.service.service_id for member in group.members.all()] == ["101"]
