"""Adding a panel that speaks its own dialect, in Chromium: the compatibility card says what
smmdash found out, with nothing configured but URL and key."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_add_a_wild_panel_and_read_its_compatibility_card(page, snap, log_in, manager, simulator):
    log_in(manager)
    page.goto("/providers/add/")
    page.get_by_label("Name").fill("Prime SMM")
    page.get_by_label("API URL").fill(simulator.url("primesmm"))
    page.get_by_label("API key").fill(simulator.key("primesmm"))
    page.get_by_role("button", name="Test connection and add").click()

    expect(page.get_by_role("heading", name="Prime SMM")).to_be_visible()
    card = page.locator("#compatibility")
    expect(card.get_by_role("heading", name="Compatibility")).to_be_visible()
    expect(card).to_contain_text("form POST, key as api_token")
    expect(card).to_contain_text("yes, 100 orders per request")
    expect(card).to_contain_text("link and url")
    expect(card).to_contain_text("found at the first catalog sync")
    expect(card).to_contain_text("Last learned")
    expect(page.locator("body")).not_to_contain_text(simulator.key("primesmm"))
    card.scroll_into_view_if_needed()
    snap("card")

    # A URL that is another API family is refused on the field, in words.
    page.goto("/providers/add/")
    page.get_by_label("Name").fill("Not this API")
    page.get_by_label("API URL").fill(
        simulator.url("smmprovider").replace("/api/v2", "/adminapi/v2")
    )
    page.get_by_label("API key").fill("k" * 32)
    page.get_by_role("button", name="Test connection and add").click()
    expect(page.locator("main form")).to_contain_text("admin API")
