"""The Spend page and the Notifications page in Chromium: the chart drawn by uPlot under the
strict CSP, filters swapped in place, sorting; a channel added and sent a real test."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from alerts.models import Channel
from orders.services import rollups
from rates.services import set_rate
from tests.alerts.conftest import Hook
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_spend_page_draws_filters_and_sorts(page, log_in, staff_admin, synced, place, snap):
    dollars, roubles = synced("smmsheba"), synced("smmub", currency="RUB")
    set_rate("RUB", Decimal("0.0108"), user=staff_admin)
    for provider, count in ((dollars, 3), (roubles, 1)):
        service = a_service(provider)
        for n in range(count):
            place(service, service.min, link=f"https://instagram.com/p/{provider.pk}-{n}")
    rollups.refresh_due()
    log_in(staff_admin)
    page.goto("/")
    expect(page.get_by_role("heading", name="Money")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Spend").click()
    expect(page.get_by_role("heading", name="Spend", exact=True)).to_be_visible()

    chart = page.locator("figure[data-chart='spend-chart']")
    expect(chart.locator("canvas")).to_have_count(1)  # uPlot drew it, within the CSP
    expect(chart.locator(".u-legend")).to_contain_text("smmsheba")
    table = page.get_by_test_id("spend-providers")
    expect(table.locator("tbody tr")).to_have_count(2)
    snap("spend")

    table.get_by_role("button", name="Provider").click()  # Z to A first
    expect(table.locator("tbody tr").first).to_contain_text("smmub")
    table.get_by_role("button", name="Provider").click()
    expect(table.locator("tbody tr").first).to_contain_text("smmsheba")

    page.locator("#spend-filters select[name=provider]").select_option(label="smmub")
    expect(page).to_have_url(re.compile(rf"provider={roubles.pk}"))
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(page.locator("figure[data-chart='spend-chart'] canvas")).to_have_count(1)

    with page.expect_download() as download:
        page.get_by_role("button", name="CSV").click()
    assert download.value.suggested_filename.startswith("smmdash-spend-")


def test_a_channel_is_added_and_sent_a_test(page, log_in, manager, snap):
    hook = Hook()
    try:
        log_in(manager)
        page.goto("/alerts/notifications/")
        expect(page.get_by_role("heading", name="No channels yet")).to_be_visible()
        page.get_by_label("Name").fill("Ops webhook")
        page.get_by_label("Kind").select_option("apprise")
        page.get_by_label("Send to").fill("nonsense://nowhere")
        page.get_by_role("button", name="Add the channel").click()
        expect(page.locator(".field-error")).to_contain_text("apprise does not understand")

        page.get_by_label("Send to").fill(hook.url)
        page.get_by_role("button", name="Add the channel").click()
        expect(page.locator(".messages")).to_contain_text("Channel “Ops webhook” added")
        row = page.locator(f"#channel-{Channel.objects.get().pk}")
        expect(row).to_contain_text("json://127.0.0.1/••••")

        row.get_by_role("button", name="Send a test").click()
        expect(page.get_by_test_id("test-result")).to_contain_text("Sent at")
        assert hook.received[0]["title"] == "[smmdash] Test message"

        rule = page.locator("table.rules tbody tr", has_text="Runway under")
        rule.get_by_label("Ops webhook").check()
        rule.get_by_role("spinbutton").first.fill("5")
        page.get_by_role("button", name="Save the rules").click()
        expect(page.locator(".messages")).to_contain_text("Alert rules saved")
        expect(page.locator("table.rules tbody tr", has_text="Runway under 5 days")).to_be_visible()
        snap("notifications")
    finally:
        hook.server.shutdown()
