"""The Routing page's arrows reorder a policy's providers in place, and the header's search,
on a phone too, finds an order."""

import re

import pytest
from playwright.sync_api import expect

from compare.models import PolicyProvider, RoutingPolicy
from orders.services import create_order
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_the_arrows_reorder_a_policys_providers_without_a_reload(
    page, log_in, manager, make_provider, snap
):
    policy = RoutingPolicy.objects.create(
        platform="instagram", kind="followers", strategy="priority"
    )
    for position, panel in enumerate(("smmsheba", "smmprovider", "smmbros"), start=1):
        PolicyProvider.objects.create(
            policy=policy, provider=make_provider(panel), position=position
        )
    log_in(manager)

    page.goto("/compare/routing/")
    expect(page.locator("#policies")).to_contain_text("1. smmsheba, 2. smmprovider, 3. smmbros")
    page.get_by_role("link", name="Instagram followers").click()
    page.evaluate("window.notReloaded = true")
    items = page.locator("#policy-providers li")
    expect(page.get_by_role("button", name="Move smmsheba up")).to_be_disabled()

    page.get_by_role("button", name="Move smmbros up").click()
    expect(items).to_have_text(
        [re.compile(r"1\. smmsheba"), re.compile(r"2\. smmbros"), re.compile(r"3\. smmprovider")]
    )
    page.get_by_role("button", name="Move smmsheba down").click()
    expect(items.first).to_contain_text("1. smmbros")
    snap("reordered")

    assert page.evaluate("window.notReloaded") is True
    names = list(policy.ranks.values_list("provider__name", flat=True))
    assert names == ["smmbros", "smmsheba", "smmprovider"]


def test_the_header_search_on_a_phone_finds_an_order(page, log_in, buyer, synced, snap):
    service = a_service(synced("smmprovider"))
    order, _ = create_order(service, link="https://t.me/found", quantity=service.min, user=buyer)
    log_in(buyer)
    page.set_viewport_size(PHONE)

    page.goto("/orders/")
    search = page.get_by_role("banner").get_by_role("search")
    expect(search.get_by_role("searchbox")).to_be_hidden()
    search.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/search/"))
    field = page.get_by_role("main").get_by_role("searchbox")
    expect(field).to_be_focused()
    field.fill(f"#{order.pk}")
    field.press("Enter")
    page.wait_for_url(re.compile(rf"/orders/{order.pk}/$"))
    expect(page.get_by_role("main")).to_contain_text("https://t.me/found")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.set_viewport_size({"width": 1366, "height": 860})
    header = page.get_by_role("banner").get_by_role("searchbox")
    header.fill("smmprov")
    header.press("Enter")
    expect(page.get_by_role("heading", name="Providers")).to_be_visible()
    expect(page.get_by_role("main").get_by_role("link", name="smmprovider")).to_be_visible()
    snap("results")
