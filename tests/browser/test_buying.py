"""Buying on value in Chromium: the scorecard, Compare ranked by value, and Buy with a real
worker, where the chosen panel refuses and the order moves on by itself."""

import re

import pytest
from playwright.sync_api import expect

from compare.routing import Product, plan
from orders.models import Order
from tests.browser.test_flows import LIVE
from tests.market import GROUP, finished_history
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db(transaction=True)


def test_buy_moves_a_refused_order_to_the_next_provider(
    page, snap, log_in, buyer, market, simulator, background
):
    chosen = plan(Product.from_words(GROUP), 1000)
    first, second = (choice.offer.provider.name for choice in chosen.choices[:2])
    simulator.inject(first, "canned", action="add", body='{"error": "Not enough funds on balance"}')
    background(beat=True)
    log_in(buyer)

    page.goto("/orders/")
    page.get_by_role("button", name="Buy").click()
    page.get_by_label("Product").fill(GROUP)
    page.get_by_label("Quantity").fill("1000")
    route = page.locator("#buy-plan ol.route li")
    expect(route).to_have_count(3)
    expect(route.first).to_contain_text(first)
    expect(page.locator("#buy-plan")).to_contain_text("best value, by the default policy")
    page.get_by_label("Link").fill("https://instagram.com/acme")
    snap("plan")
    page.get_by_role("button", name="Buy", exact=True).click()

    refused = Order.objects.order_by("pk").first()
    heading = page.get_by_role("heading", name=f"Order #{refused.pk}")
    expect(heading).to_contain_text("Rejected", timeout=LIVE)
    moved_notice = page.get_by_role("status").filter(has_text="Moved to")
    expect(moved_notice).to_contain_text(f"at {second}")
    moved = Order.objects.get(previous_attempt=refused)
    expect(page.get_by_role("button", name="Send again")).to_have_count(0)
    snap("moved")

    moved_notice.get_by_role("link", name=f"order #{moved.pk}").click()
    expect(page.get_by_role("heading", name=f"Order #{moved.pk}")).to_contain_text(
        "Pending", timeout=LIVE
    )
    expect(page.locator("main")).to_contain_text("Not enough funds on balance")
    assert len(simulator.requests(second, "add")) == 1


def test_the_scorecard_and_compare_by_value(page, snap, log_in, viewer, market, place, time_passes):
    for panel in ("smmprovider", "smmbros"):
        finished_history(place, time_passes, market[panel])
    log_in(viewer)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scorecard").click()
    table = page.locator("#scorecard table")
    expect(table.locator("tbody tr").first).to_contain_text("smmprovider")
    expect(table.locator("tbody tr").nth(1)).to_contain_text("smmbros")
    expect(table).to_contain_text("no orders yet")  # smmsheba
    page.get_by_role("link", name=re.compile("^Partial")).click()
    expect(page.locator("#scorecard th[aria-sort]")).to_contain_text("Partial")
    expect(table.locator("tbody tr").first).to_contain_text("smmprovider")  # fewest partials
    page.get_by_role("link", name="90 days").click()
    expect(page.get_by_role("link", name="90 days")).to_have_attribute("aria-current", "page")
    snap("scorecard")

    group = Product.from_words(GROUP).group
    page.goto(f"/compare/?group={group.pk}&quantity=1000")
    results = page.locator("#compare-results")
    expect(results.locator("tr.row-best")).to_contain_text("smmbros")  # the cheapest
    expect(results).to_contain_text("Best value: ")
    results.get_by_role("link", name="Sort by best value").click()
    first_row = results.locator("tbody tr").first
    expect(first_row).to_contain_text("smmprovider")
    expect(first_row).to_contain_text("delivered 100% of 12 finished orders")
    snap("compare-by-value")


def test_the_live_cost_keeps_up_when_an_answer_arrives_mid_typing(page, log_in, buyer, synced):
    """A link typed, then a quantity while the link's re-pricing is still on its way: the
    quantity is priced too (its timer is not thrown away with the card the answer replaces)."""
    service = a_service(synced("smmprovider"))
    log_in(buyer)
    held = []

    def hold_the_first(route):
        if not held:
            held.append(route)
            page.wait_for_timeout(800)  # the quantity is typed meanwhile
        route.continue_()

    page.route("**/orders/new/?service=*", hold_the_first)
    page.goto(f"/orders/new/?service={service.pk}")
    page.get_by_label("Link").fill("https://instagram.com/p/live")
    page.get_by_label("Link").press("Tab")
    page.wait_for_timeout(450)  # the link's re-pricing is sent, and held
    page.keyboard.type(str(service.min))
    expect(page.locator("#order-cost")).not_to_contain_text("Enter a quantity")
    expect(page.locator("#order-cost")).to_contain_text(service.provider.currency)
