"""Adding and editing providers: every save that could change the connection is tested first."""

from decimal import Decimal

import pytest

from providers.models import BalanceSnapshot, CatalogSync, Provider

pytestmark = pytest.mark.django_db


def form_data(simulator, panel="smmsheba", **changes):
    data = {
        "name": f"My {panel}",
        "api_url": simulator.url(panel),
        "api_key": simulator.key(panel),
        "currency": "",
        "low_balance_threshold": "",
        "sync_interval_minutes": "360",
        "enabled": "on",
        "notes": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_adding_a_provider_tests_the_connection_then_saves_and_queues_a_sync(
    manager_client, simulator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        response = manager_client.post("/providers/add/", form_data(simulator), follow=True)

    provider = Provider.objects.get()
    assert response.redirect_chain == [(f"/providers/{provider.pk}/", 302)]
    assert provider.api_key == simulator.key("smmsheba")
    assert provider.currency == "USD" and provider.currency_from_panel
    assert provider.balance == Decimal("1000")  # what a fresh simulated account holds
    assert BalanceSnapshot.objects.filter(provider=provider).count() == 1
    # The probe: the balance, then whether it answers many statuses at once (it does not:
    # "The order field is required" to `orders`, then one status of an id no panel uses),
    # then whether it has cancel (it does not) and refill (it does), asked for order 0.
    probe = [r.action for r in simulator.requests("smmsheba")]
    assert probe == ["balance"] + ["status"] * 3 + ["cancel", "refill"]
    assert provider.capabilities["cancel"] is False and provider.capabilities["refill"] is True
    assert provider.capabilities["request_form"] == "form"
    assert provider.capabilities["multi_status"] is False
    assert provider.capabilities_learned_at is not None
    sync = CatalogSync.objects.get(provider=provider)
    assert sync.trigger == CatalogSync.Trigger.NEW_PROVIDER and sync.status == "queued"
    assert len(callbacks) == 1  # the sync task, sent once the provider is committed
    body = response.content.decode()
    assert "Connected to My smmsheba: balance 1,000.00 USD" in body
    assert "Its catalog is syncing now" in body


def test_a_wrong_key_shows_the_panels_own_error_and_saves_nothing(manager_client, simulator):
    response = manager_client.post(
        "/providers/add/", form_data(simulator, "smmprovider", api_key="wrong-key-0000")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Connection test failed: Invalid API key" in body
    assert "Save anyway, without a working connection" in body
    assert not Provider.objects.exists()
    # What was typed stays, except the key, which is never sent back to the browser.
    assert 'value="My smmprovider"' in body
    assert "wrong-key-0000" not in body


def test_staff_can_choose_to_save_anyway_after_a_failed_test(manager_client, simulator):
    simulator.inject("smmbros", "unavailable", action="balance")
    data = form_data(simulator, "smmbros", save_anyway="on")

    response = manager_client.post("/providers/add/", data, follow=True)

    provider = Provider.objects.get()
    assert provider.api_key == simulator.key("smmbros") and provider.balance is None
    assert "without a working connection: " in response.content.decode()
    assert "503" in response.content.decode()


def test_save_anyway_does_not_excuse_other_errors(manager_client, simulator):
    data = form_data(simulator, "smmbros", api_key="bad", name="", save_anyway="on")
    response = manager_client.post("/providers/add/", data)
    assert response.status_code == 200 and not Provider.objects.exists()
    assert "This field is required." in response.content.decode()


def test_a_panel_that_reports_no_currency_asks_for_one(manager_client, simulator):
    response = manager_client.post("/providers/add/", form_data(simulator, "smmub"))
    assert "does not say which currency it uses" in response.content.decode()
    assert not Provider.objects.exists()

    response = manager_client.post("/providers/add/", form_data(simulator, "smmub", currency="rub"))
    provider = Provider.objects.get()
    assert response.status_code == 302
    assert (provider.currency, provider.currency_from_panel) == ("RUB", False)
    assert isinstance(provider.balance, Decimal)


def test_a_blank_key_on_edit_keeps_the_stored_one_and_other_edits_call_no_panel(
    manager_client, simulator, make_provider
):
    provider = make_provider("smmpllus", name="Pllus")
    data = form_data(simulator, "smmpllus", name="Pllus main", api_key="", notes="Top up fridays")

    response = manager_client.post(f"/providers/{provider.pk}/edit/", data)

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Pllus main" and provider.notes == "Top up fridays"
    assert provider.api_key == simulator.key("smmpllus")
    assert simulator.requests("smmpllus") == []


def test_a_new_key_on_edit_is_tested_and_replaces_the_old_one(
    manager_client, simulator, make_provider
):
    provider = make_provider("smmsheba")
    new_key = simulator.panel("smmsheba").ledger.open_account(balance=Decimal("12.5"))
    data = form_data(simulator, "smmsheba", name=provider.name, api_key=new_key)

    assert manager_client.post(f"/providers/{provider.pk}/edit/", data).status_code == 302

    provider.refresh_from_db()
    assert provider.api_key == new_key and provider.balance == Decimal("12.5")
    assert provider.masked_key == "••••" + new_key[-4:]
    assert simulator.requests("smmsheba")[0].action == "balance"


def test_a_changed_url_is_tested_with_the_stored_key(manager_client, simulator, make_provider):
    provider = make_provider("smmsheba")
    moved = simulator.url("smmprovider")  # a URL where this key is not known
    data = form_data(simulator, name=provider.name, api_url=moved, api_key="")

    response = manager_client.post(f"/providers/{provider.pk}/edit/", data)

    assert "Connection test failed: Invalid API key" in response.content.decode()
    provider.refresh_from_db()
    assert provider.api_url == simulator.url("smmsheba")


def test_the_edit_form_never_shows_the_key(manager_client, simulator, make_provider):
    provider = make_provider("smmbros")
    body = manager_client.get(f"/providers/{provider.pk}/edit/").content.decode()
    assert simulator.key("smmbros") not in body
    assert f"ending {provider.masked_key}" in body
    assert provider.api_key_encrypted not in body


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://panel.example/api/v2", "must start with http:// or https://"),
        ("https://user:pw@panel.example/api/v2", "must not contain a user name or password"),
        ("http://127.0.0.1:8000/api/v2", "127.0.0.1 is a loopback address"),
    ],
)
def test_the_form_refuses_unsafe_urls(manager_client, simulator, settings, url, message):
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = False
    response = manager_client.post("/providers/add/", form_data(simulator, api_url=url))
    assert message in response.content.decode()
    assert not Provider.objects.exists()
    assert simulator.requests() == []


def test_only_provider_managers_may_add_edit_or_delete(viewer_client, simulator, make_provider):
    provider = make_provider()
    for url in ("/providers/add/", f"/providers/{provider.pk}/edit/"):
        assert viewer_client.get(url).status_code == 403
        assert viewer_client.post(url, form_data(simulator, name="Taken")).status_code == 403
    assert viewer_client.post(f"/providers/{provider.pk}/delete/").status_code == 403
    assert viewer_client.post(f"/providers/{provider.pk}/toggle/").status_code == 403
    provider.refresh_from_db()
    assert provider.name == "smmsheba" and provider.enabled
    body = viewer_client.get(f"/providers/{provider.pk}/").content.decode()
    assert "/edit/" not in body and "Add provider" not in body


def test_deleting_a_provider_removes_its_cached_catalog(manager_client, synced):
    provider = synced("smmbros")
    response = manager_client.post(f"/providers/{provider.pk}/delete/", follow=True)
    assert "Deleted smmbros and its cached catalog." in response.content.decode()
    assert not Provider.objects.exists()


def test_disabling_stops_the_schedule_and_enabling_restarts_it(manager_client, make_provider):
    provider = make_provider()
    manager_client.post(f"/providers/{provider.pk}/toggle/")
    provider.refresh_from_db()
    assert not provider.enabled and provider.health == ("off", "Disabled")
    body = manager_client.get(f"/providers/{provider.pk}/").content.decode()
    assert "Disabled: no scheduled syncs." in body
    manager_client.post(f"/providers/{provider.pk}/toggle/")
    provider.refresh_from_db()
    assert provider.enabled


def test_the_enabled_or_disabled_message_reads_in_russian(manager_client, make_provider, settings):
    provider = make_provider()
    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    disabled = manager_client.post(f"/providers/{provider.pk}/toggle/", follow=True)
    assert f"Провайдер {provider.name} отключён." in disabled.content.decode()
    enabled = manager_client.post(f"/providers/{provider.pk}/toggle/", follow=True)
    assert f"Провайдер {provider.name} включён: снова синхронизируется" in enabled.content.decode()


def test_the_same_panel_account_twice_is_refused_with_a_link_to_the_first(
    manager_client, simulator, make_provider
):
    first = make_provider("smmsheba", name="Sheba main")
    # A trailing slash and an upper-case scheme name the same panel.
    again = form_data(simulator, api_url="HTTP" + simulator.url("smmsheba")[4:] + "/")
    simulator.received.clear()
    page = manager_client.post("/providers/add/", again).content.decode()

    assert Provider.objects.count() == 1
    assert f'already saved as <a href="/providers/{first.pk}/">Sheba main</a>' in page
    assert simulator.requests("smmsheba") == []  # refused before any call to the panel


def test_another_account_at_the_same_panel_is_saved_with_a_warning(
    manager_client, simulator, make_provider
):
    make_provider("smmsheba", name="Sheba main")
    panel = simulator.panel("smmsheba")
    second_key = panel.ledger.open_account(None, panel.dialect.opening_balance)
    response = manager_client.post(
        "/providers/add/", form_data(simulator, name="Sheba two", api_key=second_key), follow=True
    )

    assert Provider.objects.count() == 2
    page = response.content.decode()
    assert "Sheba main uses the same panel with another key" in page
