"""The Shops pages in Chromium: a manager adds a shop and copies its key (shown once), the
shop's panel calls the API with it, and the shop's page shows the call, the credit and the
order; the API page a shop's admin reads."""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from shops import services
from tests.shops.conftest import priced_market

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def product(simulator, synced):
    return priced_market(synced)[1]


def test_a_manager_adds_a_shop_and_sees_its_calls_and_orders(page, log_in, manager, product, snap):
    log_in(manager)
    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Shops").click()
    expect(page.get_by_role("heading", name="No shops yet")).to_be_visible()
    page.get_by_role("button", name="Add a shop").click()
    page.get_by_label("Name").fill("My own panel")
    page.get_by_label("Opening credit").fill("25")
    page.get_by_role("button", name="Save").click()

    shown = page.get_by_test_id("new-key")
    expect(shown).to_contain_text("shown only this once")
    key = shown.locator("code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{32}", key)
    expect(page.get_by_test_id("shop-balance")).to_contain_text("25.00")
    snap("key-shown-once")

    panel = Client()  # the shop's panel adds smmdash with the key and places an order
    assert panel.post("/api/v2", {"key": key, "action": "balance"}).json()["balance"] == "25.0000"
    link = "https://instagram.com/browser"
    panel.post(
        "/api/v2",
        {"key": key, "action": "add", "service": product.pk, "link": link, "quantity": 1000},
    )
    expect(page.get_by_test_id("api-call")).to_have_count(2, timeout=15_000)  # live feed
    page.goto(f"/shops/{services.shop_for_key(key).pk}/")
    expect(page.get_by_test_id("new-key")).to_have_count(0)  # never shown again
    assert key not in page.content()
    expect(page.get_by_test_id("shop-order")).to_contain_text("Pending")
    expect(page.get_by_test_id("shop-balance")).to_contain_text("23.83")

    page.get_by_label("Amount").fill("10")
    page.get_by_label("Note").fill("paid by card")
    page.get_by_role("button", name="Add to the credit").click()
    expect(page.get_by_test_id("shop-balance")).to_contain_text("33.83")
    expect(page.get_by_test_id("ledger-entry").first).to_contain_text("paid by card")
    snap("shop")

    page.get_by_role("link", name="Shops", exact=True).first.click()
    expect(page.get_by_test_id("shop-row")).to_contain_text("My own panel")
    assert services.shop_for_key(key).name == "My own panel"


def test_the_api_page_for_a_shops_admin(page, log_in, viewer, snap):
    log_in(viewer)
    page.goto("/shops/api/")
    expect(page.get_by_role("heading", name="API for shops")).to_be_visible()
    expect(page.get_by_test_id("api-url")).to_have_text(re.compile(r"^http://.+/api/v2$"))
    expect(page.get_by_test_id("status-words")).to_contain_text("In progress")
    expect(page.get_by_text("A repeated order is the same order.")).to_be_visible()
    snap("api")
