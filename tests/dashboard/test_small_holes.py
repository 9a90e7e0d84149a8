"""Small holes, closed: where "next" may lead, currency codes, zero rates in the admin, keys in
error reports, expired forms, login errors, and panel calls anyone can start from the dashboard."""

from decimal import Decimal

import pytest
from django.test import Client

from orders.models import Order
from providers.models import Provider
from providers.services import TooSoon, claim_manual_call
from rates.models import ExchangeRate
from tests.htmx import htmx_headers
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, staff_admin):
    client.force_login(staff_admin)
    return client


@pytest.mark.parametrize(
    "where", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_next_never_leads_off_the_site(viewer_client, make_provider, where):
    provider = make_provider()

    response = viewer_client.post(f"/providers/{provider.pk}/balance/", {"next": where})

    assert response.status_code == 302 and response["Location"] == "/providers/"


def test_next_on_the_site_is_followed(viewer_client, make_provider):
    provider = make_provider()
    response = viewer_client.post(f"/providers/{provider.pk}/balance/", {"next": "/orders/"})
    assert response["Location"] == "/orders/"


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("USS", "USS is not an ISO 4217 currency code"),
        ("US$", "is not a currency code: use three letters"),
        ("€", "is not a currency code"),
    ],
)
def test_a_provider_currency_is_an_iso_code(manager_client, simulator, typed, error):
    form = {
        "name": "Panel",
        "api_url": simulator.url("smmub"),
        "api_key": simulator.key("smmub"),
        "currency": typed,
        "sync_interval_minutes": "360",
    }
    response = manager_client.post("/providers/add/", form)

    assert error in response.content.decode()
    assert not Provider.objects.exists()
    manager_client.post("/providers/add/", {**form, "currency": "rub"})
    assert Provider.objects.get().currency == "RUB"


def test_the_rates_page_wants_an_iso_code_or_one_a_panel_uses(manager_client):
    # An old code that a panel still reports for itself (RUR for the rouble).
    Provider.objects.create(name="old", api_url="https://c.example/api/v2", currency="RUR")

    refused = manager_client.post("/compare/rates/set/", {"currency": "XYZ", "rate": "2"})
    manager_client.post("/compare/rates/set/", {"currency": "RUR", "rate": "0.0108"})

    assert refused.status_code == 200
    assert "XYZ is not an ISO 4217 currency code" in refused.content.decode()
    assert list(ExchangeRate.objects.values_list("currency", "rate")) == [
        ("RUR", Decimal("0.0108000000"))
    ]


@pytest.mark.parametrize(
    ("currency", "rate", "error"),
    [
        ("RUB", "0", "A rate is above zero"),
        ("RUB", "-1", "A rate is above zero"),
        ("RUR", "0.011", "RUR is not an ISO 4217 currency code"),
    ],
)
def test_the_admin_refuses_a_zero_rate_and_a_made_up_currency(admin_client, currency, rate, error):
    response = admin_client.post(
        "/admin/rates/exchangerate/add/",
        {"currency": currency, "base": "USD", "rate": rate, "note": ""},
    )

    assert response.status_code == 200 and error in response.content.decode()
    assert not ExchangeRate.objects.exists()


def test_views_that_take_a_key_hide_it_from_error_reports(manager_client, admin_client, simulator):
    form = {"name": "P", "api_url": simulator.url("smmsheba"), "api_key": "secret-key-1234"}

    for client, url in [
        (manager_client, "/providers/add/"),
        (admin_client, "/admin/providers/provider/add/"),
    ]:
        request = client.post(url, form).wsgi_request
        assert request.sensitive_post_parameters == ("api_key",), url


def test_a_form_posted_without_its_token_says_it_expired(viewer, make_provider):
    provider = make_provider()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(viewer)

    page = browser.post(f"/providers/{provider.pk}/balance/")
    assert page.status_code == 403
    assert "This form expired: reload the page" in page.content.decode()

    htmx = browser.post(
        f"/providers/{provider.pk}/balance/", **htmx_headers(f"balance-{provider.pk}")
    )
    assert htmx.status_code == 200 and htmx["HX-Refresh"] == "true"
    assert "This form expired" in browser.get("/providers/").content.decode()


def test_an_order_form_posted_without_its_csrf_token_says_so(buyer, synced):
    service = a_service(synced("smmprovider"))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(buyer)
    form = {"link": "https://t.me/c", "quantity": service.min, "form_token": "t" * 32}

    page = browser.post(f"/orders/new/?service={service.pk}", form)
    assert page.status_code == 403
    assert "This form expired: reload the page" in page.content.decode()
    assert "nothing was sent to a panel" in page.content.decode()

    priced = browser.post(f"/orders/new/?service={service.pk}", form, **htmx_headers("order-cost"))
    assert priced["HX-Refresh"] == "true"
    assert "This form expired" in browser.get(f"/orders/new/?service={service.pk}").text
    assert not Order.objects.exists()


@pytest.mark.parametrize("where", ["new", "buy", "mass"])
def test_an_order_form_posted_without_its_hidden_token_says_why(buyer_client, synced, where):
    service = a_service(synced("smmprovider"))
    url, form = {
        "new": (
            f"/orders/new/?service={service.pk}",
            {"link": "https://t.me/c", "quantity": service.min},
        ),
        "buy": (
            "/orders/buy/",
            {"product": "telegram members", "link": "https://t.me/c", "quantity": service.min},
        ),
        "mass": (
            "/orders/mass/",
            {"provider": service.provider_id, "lines": f"{service.service_id} | x | 1"},
        ),
    }[where]

    page = buyer_client.post(url, form)

    assert page.status_code == 200
    assert "arrived without its token, so nothing was ordered" in page.text
    assert 'role="alert"' in page.text
    assert not Order.objects.exists()


def test_the_login_page_shows_field_errors(client):
    page = client.post("/login/", {"username": "", "password": ""}).content.decode()
    assert page.count("This field is required.") == 2
    assert 'aria-describedby="id_username_error"' in page


def test_refresh_by_hand_calls_the_panel_once_a_minute(viewer_client, simulator, make_provider):
    provider = make_provider("smmpllus")

    first = viewer_client.post(
        f"/providers/{provider.pk}/balance/", **htmx_headers(f"balance-{provider.pk}")
    )
    second = viewer_client.post(
        f"/providers/{provider.pk}/balance/", **htmx_headers(f"balance-{provider.pk}")
    )

    assert "Could not read" not in first.content.decode()
    assert "Not asked again so soon" in second.content.decode()
    assert "Could not read" not in second.content.decode()
    assert len(simulator.requests("smmpllus", "balance")) == 1
    provider.refresh_from_db()
    assert provider.balance_error == ""  # not a failure of the panel


def test_sync_now_once_a_minute(viewer_client, synced, django_capture_on_commit_callbacks):
    provider = synced("smmsheba")
    with django_capture_on_commit_callbacks(execute=False):
        viewer_client.post(f"/providers/{provider.pk}/sync/")
    provider.syncs.update(status="ok")  # as if the worker had finished it at once

    again = viewer_client.post(f"/providers/{provider.pk}/sync/", follow=True)

    assert "catalog sync of smmsheba was asked for less than a minute ago" in again.content.decode()
    assert provider.syncs.filter(trigger="manual").count() == 1


def test_bulk_refresh_once_a_minute(viewer_client, simulator, synced, place):
    provider = synced("smmprovider")
    order = place(a_service(provider))
    form = {"action": "refresh", "ids": [order.pk]}

    viewer_client.post("/orders/bulk/", form)
    again = viewer_client.post("/orders/bulk/", form, follow=True)

    assert "less than a minute ago" in again.content.decode()
    assert len(simulator.requests("smmprovider", "status")) == 1
    assert Order.objects.get().status_checked_at is not None


def test_two_claims_at_once_make_one_call(make_provider):
    provider = make_provider()
    claim_manual_call(provider, "balance")
    with pytest.raises(TooSoon, match="try again in 60 s"):
        claim_manual_call(provider, "balance")
    claim_manual_call(provider, "sync")  # each kind of call on its own
