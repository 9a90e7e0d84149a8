"""Balances: read from the panels, kept as history, shown in place and in the base currency."""

from datetime import timedelta
from decimal import Decimal

import pytest

from providers import services
from providers.models import BalanceSnapshot, Provider
from rates.models import ExchangeRate
from smmdash.lib.moments import moment
from tests.htmx import fragment_body, htmx_headers
from tests.processes import free_port

pytestmark = pytest.mark.django_db


def set_sim_balance(simulator, panel, amount):
    ledger = simulator.panel(panel).ledger
    ledger.accounts[simulator.key(panel)].deposit = Decimal(amount)


def test_refresh_balance_records_the_amount_and_its_history(simulator, make_provider):
    provider = make_provider("smmbros")
    set_sim_balance(simulator, "smmbros", "250.12345")

    balance = services.refresh_balance(provider)

    assert balance.amount == Decimal("250.12345")
    provider.refresh_from_db()
    assert provider.balance == Decimal("250.12345") and provider.balance_checked_at
    assert list(provider.balances.values_list("amount", "currency")) == [
        (Decimal("250.12345"), "USD")
    ]


def test_an_unchanged_balance_is_snapshotted_again_only_after_an_hour(simulator, make_provider):
    provider = make_provider("smmsheba")
    services.refresh_balance(provider)
    services.refresh_balance(provider)
    assert provider.balances.count() == 1

    set_sim_balance(simulator, "smmsheba", "990")
    services.refresh_balance(provider)
    assert provider.balances.count() == 2

    provider.balances.update(taken_at=provider.balances.first().taken_at - timedelta(hours=2))
    services.refresh_balance(provider)
    assert provider.balances.count() == 3
    # The reading itself is always updated, snapshot or not.
    provider.refresh_from_db()
    assert provider.balance == Decimal("990")


def test_a_failed_read_is_recorded_and_the_last_good_balance_kept(simulator, make_provider):
    provider = make_provider("smmprovider")
    services.refresh_balance(provider)
    simulator.inject("smmprovider", "invalid_key", action="balance")

    with pytest.raises(services.ProviderProblem, match="Invalid API key"):
        services.refresh_balance(provider)

    provider.refresh_from_db()
    assert provider.balance == Decimal("1000") and provider.balance_error == "Invalid API key"
    assert provider.health == ("bad", "Balance check failing")
    services.refresh_balance(provider)
    provider.refresh_from_db()
    assert provider.balance_error == "" and provider.health[0] != "bad"


def test_a_panel_that_cannot_be_connected_to_is_flagged_until_a_call_is_answered(
    simulator, make_provider, viewer_client
):
    provider = make_provider("smmprovider")
    working_url = provider.api_url
    Provider.objects.filter(pk=provider.pk).update(api_url=f"http://127.0.0.1:{free_port()}/api/v2")
    provider.refresh_from_db()

    def refresh_fails():
        with pytest.raises(services.ProviderProblem, match="connection refused"):
            services.refresh_balance(provider)
        provider.refresh_from_db()
        return provider.not_connecting_since

    first_failure = refresh_fails()
    assert first_failure is not None
    assert refresh_fails() == first_failure  # a run of failures keeps its first moment
    assert provider.health == ("bad", f"Not connecting since {moment(first_failure)}")
    page = viewer_client.get(f"/providers/{provider.pk}/").content.decode()
    assert "smmdash could not connect to this panel" in page and "connection refused" in page

    # Any answer clears it, a refusal too: the panel was reached.
    Provider.objects.filter(pk=provider.pk).update(api_url=working_url)
    provider.refresh_from_db()
    simulator.inject("smmprovider", "invalid_key", action="balance")
    with pytest.raises(services.ProviderProblem, match="Invalid API key"):
        services.refresh_balance(provider)
    provider.refresh_from_db()
    assert provider.not_connecting_since is None and provider.connect_error == ""
    assert provider.health == ("bad", "Balance check failing")


def test_refresh_now_answers_the_balance_fragment_for_htmx(viewer_client, simulator, make_provider):
    provider = make_provider("smmpllus")
    set_sim_balance(simulator, "smmpllus", "77.5")

    target = f"balance-{provider.pk}"
    response = viewer_client.post(f"/providers/{provider.pk}/balance/", **htmx_headers(target))

    assert "77.50 USD" in fragment_body(response, target)
    assert [r.action for r in simulator.requests("smmpllus")] == ["balance"]


def test_refresh_now_shows_the_panels_error_in_the_fragment(
    viewer_client, simulator, make_provider
):
    provider = make_provider("smmsheba")
    simulator.inject("smmsheba", "cloudflare", action="balance")
    target = f"balance-{provider.pk}"
    response = viewer_client.post(f"/providers/{provider.pk}/balance/", **htmx_headers(target))
    body = fragment_body(response, target)
    assert "Could not read the balance:" in body and "asking for a browser check" in body
    assert BalanceSnapshot.objects.count() == 0


def test_refresh_now_without_javascript_redirects_back_with_a_message(
    viewer_client, simulator, make_provider
):
    provider = make_provider("smmsheba")
    simulator.inject("smmsheba", "unavailable", action="balance")
    response = viewer_client.post(
        f"/providers/{provider.pk}/balance/", {"next": "/providers/"}, follow=True
    )
    assert response.redirect_chain == [("/providers/", 302)]
    assert "Could not read the balance of smmsheba: " in response.content.decode()


def test_the_periodic_fragments_read_the_database_and_call_no_panel(
    viewer_client, simulator, synced
):
    synced("smmsheba")
    synced("smmbros")
    before = len(simulator.requests())

    listing = viewer_client.get("/providers/", **htmx_headers("provider-table"))
    home = viewer_client.get("/", **htmx_headers("balances"))

    for response, element in ((listing, "provider-table"), (home, "balances")):
        body = fragment_body(response, element)
        assert 'hx-trigger="every 30s"' in body
        assert "smmsheba" in body and "smmbros" in body
    assert len(simulator.requests()) == before


def test_low_balances_are_highlighted(viewer_client, simulator, make_provider):
    provider = make_provider("smmbros", low_balance_threshold=Decimal("1200"))
    services.refresh_balance(provider)

    listing = viewer_client.get("/providers/").content.decode()
    home = viewer_client.get("/").content.decode()

    assert "balance balance-low" in listing and "Low balance" in listing
    assert "Low balance: " in home and f'href="/providers/{provider.pk}/">smmbros</a>' in home


def test_the_dashboard_totals_balances_in_the_base_currency(viewer_client, simulator, synced):
    synced("smmsheba")  # 1000 USD
    synced("smmpllus")  # 1000 USD
    rub = synced("smmub", currency="RUB")  # 1000 RUB

    body = viewer_client.get("/").content.decode()
    assert "2,000.00 USD" in body
    assert "Not in the total, for lack of an exchange rate: smmub (1,000.00 RUB)" in body

    ExchangeRate.objects.create(currency="RUB", base="USD", rate=Decimal("0.0108"))
    body = viewer_client.get("/").content.decode()
    assert "2,010.80 USD" in body and "lack of an exchange rate" not in body
    listing = viewer_client.get("/providers/").content.decode()
    assert "≈ 10.80 USD" in listing
    assert rub.currency == "RUB"
