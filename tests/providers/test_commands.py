"""The management commands: sync_catalogs, rotate_provider_keys and the demo's providers."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from demo.shop import DEMO_SHOP
from orders.models import Order, Refill
from providers.models import CatalogSync, Provider
from rates.models import ExchangeRate
from scores.figures import provider_delivery
from shops import services as shop_services
from shops.models import ApiCall, ShopOrder
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def run(command, *args):
    out, err = StringIO(), StringIO()
    call_command(command, *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_sync_catalogs_syncs_every_enabled_provider(simulator, make_provider):
    make_provider("smmsheba")
    make_provider("smmub", currency="RUB")
    make_provider("smmbros", enabled=False)

    out, _ = run("sync_catalogs")

    assert re.search(r"^smmsheba: \d+ services; \d+ added, 0 changed", out, re.M)
    assert "smmub: " in out and "smmbros" not in out
    assert set(CatalogSync.objects.values_list("trigger", flat=True)) == {"command"}


def test_sync_catalogs_of_one_provider_and_its_failures(simulator, make_provider):
    make_provider("smmbros", enabled=False)
    make_provider("smmsheba")
    simulator.inject("smmbros", "invalid_key", action="services")

    with pytest.raises(CommandError, match="1 of 1 syncs did not succeed"):
        run("sync_catalogs", "--provider", "smmbros")
    assert [r.action for r in simulator.requests()] == ["services"]

    with pytest.raises(CommandError, match="No provider is named 'nope'"):
        run("sync_catalogs", "--provider", "nope")


def test_rotate_provider_keys_re_encrypts_with_the_first_key(settings, simulator, make_provider):
    old_keys = list(settings.PROVIDER_SECRET_KEYS)
    provider = make_provider("smmpllus")
    token_before = provider.api_key_encrypted
    new_key = Fernet.generate_key().decode()
    settings.PROVIDER_SECRET_KEYS = [new_key, *old_keys]

    out, _ = run("rotate_provider_keys")

    assert "Re-encrypted 1 API keys" in out
    provider.refresh_from_db()
    assert provider.api_key_encrypted != token_before
    settings.PROVIDER_SECRET_KEYS = [new_key]  # the old keys can go now
    assert provider.api_key == simulator.key("smmpllus")


def test_rotate_provider_keys_names_keys_no_configured_key_can_open(settings, make_provider):
    make_provider("smmsheba", name="Lost key")
    settings.PROVIDER_SECRET_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(CommandError, match=r"could not be decrypted .* Lost key"):
        run("rotate_provider_keys")


# Transactional: the demo shop's panel calls /api/v2 over HTTP, served from another thread.
@pytest.mark.django_db(transaction=True)
def test_the_demo_sets_up_five_synced_providers_on_the_simulator(tmp_path, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]  # as under DEBUG
    accounts_file = tmp_path / "simulator.json"
    args = ["--simulator-port", str(free_port()), "--accounts-file", str(accounts_file)]

    out, err = run("setup_demo", *args)

    assert "Demo ready." in out and "Demo providers on the panel simulator:" in err
    # The demo shop's key is printed (shown once), and its panel has placed a few orders.
    shop_key = out.split("api/v2  key  ")[1].split()[0]
    assert shop_services.shop_for_key(shop_key) is not None
    assert ShopOrder.objects.filter(order__isnull=False).count() == 3
    calls = list(ApiCall.objects.filter(shop__name=DEMO_SHOP).order_by("at", "pk"))
    assert [call.action for call in calls] == ["balance", "services", "add", "add", "add", "status"]
    assert all(call.ok for call in calls)
    assert "its panel placed 3 orders through /api/v2" in err
    providers = {provider.name: provider for provider in Provider.objects.all()}
    assert len(providers) == 5
    for provider in providers.values():
        assert provider.balance is not None and provider.active_services > 0, provider
        assert provider.last_sync_ok is True
    assert providers["SMMUB"].currency == "RUB"
    assert providers["SMM Bros"].balance_is_low  # so the highlight shows in the demo
    assert ExchangeRate.objects.get(currency="RUB").rate == Decimal("0.0108")
    saved = json.loads(accounts_file.read_text())
    assert providers["SMM Sheba"].api_key == saved["smmsheba"]["key"]
    # A handful of orders in several states, one that needs checking, kept by the simulator.
    states = set(Order.objects.values_list("status", flat=True))
    assert {"completed", "partial", "pending", "rejected", "canceled", "unknown"} <= states
    assert states & {"in_progress", "processing"}
    assert Refill.objects.exclude(refill_id="").count() == 1
    # Weeks of finished orders behind them, so the scorecards tell the panels apart.
    delivery = provider_delivery([provider.pk for provider in providers.values()], 30)
    assert all(delivery[provider.pk].enough for provider in providers.values())
    assert delivery[providers["SMM Bros"].pk].partial_share_high
    assert delivery[providers["SMM Provider"].pk].delivered > Decimal("0.98")
    assert delivery[providers["SMM Bros"].pk].delivered < Decimal("0.9")
    slow, fast = (
        delivery[providers[name].pk].start_median for name in ("SMM Sheba", "SMM Provider")
    )
    assert slow > 20 * fast
    books = json.loads((tmp_path / "simulator-orders.json").read_text())
    assert len(books["smmprovider"]["orders"]) == 2
    # What the simulator will say it still holds, when bin/dev starts it, matches the setup's
    # count: the rejected order never reached a panel.
    held = sum(len(panel["orders"]) for panel in books.values())
    placed = int(re.search(r"Demo orders: (\d+) ", err).group(1))
    assert held == placed - 1
    assert f"the panels hold {held} of them: an order a panel refused is not on it" in err

    # Again: the same five accounts, updated rather than duplicated.
    orders = Order.objects.count()
    run("setup_demo", *args)
    assert Provider.objects.count() == 5 and ExchangeRate.objects.count() == 1
    assert Order.objects.count() == orders
    assert shop_services.shop_for_key(shop_key) is None  # a new key each time, shown once
