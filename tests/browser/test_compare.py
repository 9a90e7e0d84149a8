import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from rates.models import ExchangeRate

pytestmark = pytest.mark.django_db(transaction=True)


def test_results_update_as_you_type_and_the_cheapest_is_one_click_from_an_order(
    page, log_in, buyer, synced
):
    for panel in ("smmprovider", "smmbros", "smmub"):
        synced(panel, currency="RUB" if panel == "smmub" else "")
    ExchangeRate.objects.create(currency="RUB", base="USD", rate=Decimal("0.0108"))
    log_in(buyer)
    page.goto("/compare/")
    page.evaluate("document.body.dataset.marker = 'same page'")
    expect(page.get_by_role("heading", name="What are you buying?")).to_be_visible()

    page.get_by_label("Quantity", exact=True).fill("2000")
    page.get_by_label("Link", exact=True).fill("https://instagram.com/smmdash")
    page.get_by_role("main").get_by_role("searchbox").press_sequentially(
        "подписчики instagram", delay=20
    )
    results = page.locator("#compare-results")
    expect(results).to_contain_text("Understood as: Instagram Followers")
    expect(results.locator("tr.row-best")).to_have_count(1)
    expect(results).to_contain_text("smmub")
    assert page.evaluate("document.body.dataset.marker") == "same page"  # swapped, not reloaded
    expect(page).to_have_url(re.compile(r"q=%D0%BF"))  # the search is in the address bar

    page.get_by_label("Refill", exact=True).check()
    expect(page).to_have_url(re.compile(r"refill=on"))
    first = results.locator("tbody tr").first
    # Options are words with a title each, not "Yes · ? · No"; the name has room to read.
    expect(first.locator(".option-yes", has_text="Refill")).to_have_attribute(
        "title", "Refill: yes"
    )
    assert first.locator("td.offer-service").bounding_box()["width"] >= 300
    # All of a row, its Order button included, is on a 1366 px screen without scrolling.
    table_box = results.locator(".table-scroll")
    assert table_box.evaluate("box => box.scrollWidth <= box.clientWidth")
    expect(first.get_by_role("button", name="Order")).to_be_in_viewport()
    best_name = results.locator("tr.row-best td:nth-child(2) > a").inner_text()
    results.locator("tr.row-best").get_by_role("button", name="Order").click()

    expect(page.get_by_role("heading", name=f"Order {best_name}")).to_be_visible()
    expect(page.get_by_label("Link")).to_have_value("https://instagram.com/smmdash")
    expect(page.get_by_label("Quantity")).to_have_value("2000")
    expect(page.locator("#order-cost")).not_to_contain_text("Enter a quantity")


def test_a_quantity_in_the_search_fills_the_field_and_a_bad_one_says_so(
    page, log_in, viewer, synced
):
    synced("smmprovider")
    log_in(viewer)
    page.goto("/compare/")
    quantity = page.get_by_label("Quantity", exact=True)
    page.get_by_role("main").get_by_role("searchbox").press_sequentially(
        "instagram followers 5k", delay=10
    )
    results = page.locator("#compare-results")
    expect(results).to_contain_text("quantity 5,000 (from the search)")
    expect(quantity).to_have_value("5000")
    expect(results.locator("thead")).to_contain_text("Cost of 5,000")

    page.get_by_role("main").get_by_role("searchbox").fill("instagram followers")
    quantity.fill("-5")
    expect(page.locator("#quantity-error")).to_have_text(
        "A quantity is 1 or more: nothing was priced."
    )
    expect(quantity).to_have_attribute("aria-invalid", "true")
    expect(results.locator("tbody tr").first).to_be_visible()  # the search is kept
    quantity.fill("300")
    expect(page.locator("#quantity-error")).to_be_hidden()
