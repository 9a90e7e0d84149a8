"""The Django admin for providers and what smmdash records about them."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission

from providers.models import CatalogSync, Provider
from rates.models import ExchangeRate
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


def admin_form(simulator, panel="smmsheba", **changes):
    data = {
        "name": panel,
        "api_url": simulator.url(panel),
        "api_key": simulator.key(panel),
        "enabled": "on",
        "currency": "",
        "low_balance_threshold": "",
        "sync_interval_minutes": "360",
        "notes": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def admin_client(client, staff_admin):
    client.force_login(staff_admin)
    return client


@pytest.fixture
def clerk_client(client, django_user_model):
    """Staff in the admin who may edit providers' other fields, without Manage providers."""
    clerk = make_user(django_user_model, "clerk", "View only", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_provider", "change_provider"])
    )
    client.force_login(clerk)
    return client


def test_adding_in_the_admin_tests_the_connection(admin_client, simulator):
    response = admin_client.post("/admin/providers/provider/add/", admin_form(simulator))
    assert response.status_code == 302
    provider = Provider.objects.get()
    assert provider.api_key == simulator.key("smmsheba") and provider.balance == Decimal("1000")
    assert CatalogSync.objects.get(provider=provider).trigger == CatalogSync.Trigger.NEW_PROVIDER

    wrong = admin_form(simulator, "smmbros", api_key="not-the-key")
    response = admin_client.post("/admin/providers/provider/add/", wrong)
    assert "Connection test failed: Invalid API key" in response.content.decode()
    assert Provider.objects.count() == 1


def test_the_admin_asks_for_the_currency_a_panel_does_not_report(admin_client, simulator):
    response = admin_client.post("/admin/providers/provider/add/", admin_form(simulator, "smmub"))
    assert "does not say which currency it uses" in response.content.decode()
    assert not Provider.objects.exists()


def test_the_admin_never_shows_the_key_and_a_blank_field_keeps_it(
    admin_client, simulator, make_provider
):
    provider = make_provider("smmpllus")
    page = admin_client.get(f"/admin/providers/provider/{provider.pk}/change/").content.decode()
    assert simulator.key("smmpllus") not in page and provider.api_key_encrypted not in page
    assert provider.masked_key in page

    edit = admin_form(simulator, "smmpllus", api_key="", notes="Main account")
    response = admin_client.post(f"/admin/providers/provider/{provider.pk}/change/", edit)
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.notes == "Main account" and provider.api_key == simulator.key("smmpllus")
    assert simulator.requests("smmpllus") == []  # nothing that needs a test changed


def test_without_manage_providers_the_admin_cannot_change_url_or_key(
    clerk_client, simulator, make_provider
):
    provider = make_provider("smmsheba")
    page = clerk_client.get(f"/admin/providers/provider/{provider.pk}/change/").content.decode()
    assert 'name="api_key"' not in page and 'name="api_url"' not in page

    crafted = admin_form(simulator, api_key="attacker-key", api_url="http://evil.example/api")
    crafted["notes"] = "edited by the clerk"
    response = clerk_client.post(f"/admin/providers/provider/{provider.pk}/change/", crafted)

    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.notes == "edited by the clerk"
    assert provider.api_key == simulator.key("smmsheba")
    assert provider.api_url == simulator.url("smmsheba")
    assert clerk_client.get("/admin/providers/provider/add/").status_code == 403


def test_admin_actions_sync_and_refresh_balances(admin_client, simulator, make_provider):
    first, second = make_provider("smmsheba"), make_provider("smmbros")
    simulator.inject("smmbros", "invalid_key", action="balance")
    selected = {"_selected_action": [first.pk, second.pk], "index": 0}

    response = admin_client.post(
        "/admin/providers/provider/", {**selected, "action": "refresh_balances"}, follow=True
    )
    body = response.content.decode()
    assert "Balance of smmsheba: 1,000.00 USD" in body
    assert "Could not read the balance of smmbros: Invalid API key" in body

    admin_client.post("/admin/providers/provider/", {**selected, "action": "sync_now"})
    assert CatalogSync.objects.filter(status="queued").count() == 2


def test_the_records_are_read_only_and_searchable(admin_client, synced):
    provider = synced("smmprovider")
    pages = {
        "/admin/providers/service/": "Instagram",
        "/admin/providers/service/?q=followers": "Followers",
        f"/admin/providers/service/?provider__id__exact={provider.pk}&active__exact=1": "smm",
        "/admin/providers/catalogsync/": "smmprovider",
        "/admin/providers/balancesnapshot/": "1000",
        "/admin/providers/pricechange/": "smmprovider",
    }
    for url, text in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200 and text in response.content.decode(), url
    assert admin_client.get("/admin/providers/service/add/").status_code == 403
    service = provider.services.first()
    page = admin_client.get(f"/admin/providers/service/{service.pk}/change/").content.decode()
    assert 'name="rate"' not in page  # shown, not editable


def test_exchange_rates_are_added_never_edited(admin_client, staff_admin):
    admin_client.post(
        "/admin/rates/exchangerate/add/",
        {"currency": "rub", "base": "USD", "rate": "0.0108", "note": "bank rate"},
    )
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.rate, rate.set_by) == ("RUB", Decimal("0.0108"), staff_admin)
    page = admin_client.get(f"/admin/rates/exchangerate/{rate.pk}/change/").content.decode()
    assert 'name="rate"' not in page


def test_the_admin_names_every_model_in_plain_english(admin_client):
    """No "Rate fetchs" or "Staff accesss": each model's plural is written out where the
    English rule of adding an s does not give it."""
    from django.apps import apps

    ours = {"accounts", "alerts", "compare", "dashboard", "orders", "providers", "rates"}
    ours |= {"scores", "spend"}
    for model in apps.get_models():
        if model._meta.app_label in ours:
            plural = str(model._meta.verbose_name_plural)
            assert not re.search(r"(ss|ch|sh|x|[^aeiou]y)s$", plural), model.__name__
    page = admin_client.get("/admin/").content.decode()
    assert "Exchange-rate fetches" in page and "fetchs" not in page
