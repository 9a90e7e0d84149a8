"""The main flows end to end: Chromium, the live dev server, the simulated panels over loopback,
and a real Celery worker (and beat) in other processes wherever the work is theirs."""

import re

import pytest
from playwright.sync_api import expect

from orders.models import Order
from providers.models import Provider
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db(transaction=True)

# The order list re-reads open rows every 10 s, the order page every 5 s: wait past that.
LIVE = 30_000


def test_log_in_add_a_provider_and_watch_its_first_sync(page, snap, manager, simulator, background):
    page.goto("/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, manager")).to_be_visible()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Providers").click()
    page.get_by_role("button", name="Add provider").first.click()
    page.get_by_label("Name").fill("SMM Pllus")
    page.get_by_label("API URL").fill(simulator.url("smmpllus"))
    page.get_by_label("API key").fill("not-the-key")
    page.get_by_role("button", name="Test connection and add").click()

    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Connection test failed")
    expect(errors).to_contain_text("Invalid API key")  # the panel's own words
    expect(page.get_by_label("API key")).to_have_value("")  # never sent back to the page
    snap("wrong-key")
    assert not Provider.objects.exists()

    page.get_by_label("API key").fill(simulator.key("smmpllus"))
    page.get_by_role("button", name="Test connection and add").click()

    expect(page.get_by_role("heading", name="SMM Pllus")).to_be_visible()
    expect(page.locator("main")).to_contain_text("1,000")  # the balance the panel reported
    sync = page.locator("#sync-status")
    expect(sync).to_contain_text("Waiting for a background worker")
    expect(sync.locator("progress")).to_be_visible()
    # No worker yet: every page says that work waits, and where to look.
    expect(page.locator("#work-alert")).to_contain_text("Background work is not being processed")
    snap("sync-waiting")

    background()  # a worker starts and takes the sync

    expect(sync).to_contain_text("Synced", timeout=LIVE)
    provider = Provider.objects.get()
    expect(sync).to_contain_text(f"{provider.active_services} services")
    assert provider.active_services > 0
    page.get_by_role("link", name="Browse all services").click()
    expect(page.locator("tbody tr")).to_have_count(min(provider.active_services, 50))


def test_compare_order_the_cheapest_and_watch_it_complete_in_the_list_then_refill(
    page, snap, log_in, buyer, synced, simulator, background
):
    for panel in ("smmprovider", "smmpllus"):
        synced(panel)
    background(beat=True)
    log_in(buyer)

    page.goto("/compare/")
    page.get_by_label("Link", exact=True).fill("https://instagram.com/smmdash")
    page.get_by_label("Refill", exact=True).check()
    page.get_by_role("main").get_by_role("searchbox").fill("instagram followers")
    results = page.locator("#compare-results")
    expect(results.locator("tr.row-best")).to_have_count(1)
    snap("compare")
    best = results.locator("tr.row-best td:nth-child(2) > a").inner_text()
    results.locator("tr.row-best").get_by_role("button", name="Order").click()

    expect(page.get_by_role("heading", name=f"Order {best}")).to_be_visible()
    page.get_by_role("button", name="Place order").click()
    expect(page.get_by_role("heading", name=re.compile(r"Order #\d+"))).to_contain_text(
        "Pending", timeout=LIVE
    )
    # "Queued and being sent" was true a moment ago; once the page shows Pending it goes.
    expect(page.locator(".messages")).to_have_count(0)
    order = Order.objects.get()
    assert order.service_name == best and order.provider_order_id

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Orders").click()
    status = page.locator(f"#order-status-{order.pk}")
    expect(status).to_have_text("Pending")
    page.evaluate("document.body.dataset.marker = 'same page'")

    simulator.advance(120)  # the panel starts on it; beat's poll reads that; the list follows
    expect(status).to_have_text("In progress", timeout=LIVE)
    expect(page.locator(f"#order-progress-{order.pk} progress")).to_be_visible()
    snap("in-progress")
    simulator.advance(3600)
    expect(status).to_have_text("Completed", timeout=LIVE)
    assert page.evaluate("document.body.dataset.marker") == "same page"  # never reloaded

    page.get_by_role("link", name=f"#{order.pk}", exact=True).click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Refill").click()
    expect(page.get_by_role("status")).to_contain_text("The panel accepted the refill.")
    refills = page.get_by_role("article", name="Refills")
    expect(refills.locator("tbody tr")).to_have_count(1)
    snap("refilled")


def test_cancel_an_order_the_panel_is_working_on(
    page, log_in, buyer, synced, simulator, place, background
):
    order = place(a_service(synced("smmprovider"), cancel=True))
    background(beat=True)
    log_in(buyer)

    page.goto(f"/orders/{order.pk}/")
    heading = page.get_by_role("heading", name=f"Order #{order.pk}")
    expect(heading).to_contain_text("Pending")
    # It asks first: answered no, nothing reaches the panel.
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Cancel order").click()
    expect(heading).to_contain_text("Pending")
    assert "cancel order" in questions[0] and not simulator.requests("smmprovider", "cancel")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Cancel order").click()

    expect(page.get_by_role("status")).to_contain_text("The panel accepted the cancel")
    expect(heading).to_contain_text("Canceled", timeout=LIVE)  # the page follows the panel
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)
    assert len(simulator.requests("smmprovider", "cancel")) == 1


def test_resolve_orders_whose_answer_was_lost(page, snap, log_in, buyer, synced, simulator, place):
    provider = synced("smmpllus")
    service = a_service(provider)
    simulator.inject("smmpllus", "reset", action="add", after=True)
    placed_after_all = place(service, link="https://t.me/first")
    (panel_id,) = simulator.panel("smmpllus").ledger.orders
    simulator.inject("smmpllus", "reset", action="add", after=False)
    never_placed = place(service, link="https://t.me/second")
    assert placed_after_all.status == never_placed.status == Order.Status.UNKNOWN
    log_in(buyer)

    page.goto("/")
    expect(page.locator("#order-summary")).to_contain_text("2 orders need checking")
    page.locator("#order-summary").get_by_role("link", name="Check them").click()
    expect(page.locator("tbody tr")).to_have_count(2)
    page.get_by_role("link", name=f"#{placed_after_all.pk}", exact=True).click()

    check = page.get_by_role("region", name="Needs checking: was this order placed?")
    expect(check).to_contain_text("will not send it again on its own")
    expect(check).to_contain_text("The balance dropped by")
    snap("needs-checking")
    # What is no order id is refused before the panel is asked; one the panel does not know,
    # in the panel's words. Nothing changes either way.
    id_field = page.get_by_label("The panel's order id")
    id_field.fill("<b>abc</b> 😀")
    page.get_by_role("button", name="Check with the panel").click()
    expect(check.get_by_role("alert")).to_contain_text("A panel's order id is up to 40")
    page.get_by_label("The panel's order id").fill(f"{panel_id}9")
    page.get_by_role("button", name="Check with the panel").click()
    expect(check.get_by_role("alert")).to_contain_text("Incorrect order ID")
    assert Order.objects.get(pk=placed_after_all.pk).status == Order.Status.UNKNOWN

    page.get_by_label("The panel's order id").fill(str(panel_id))
    page.get_by_role("button", name="Check with the panel").click()
    answer = check.locator(".checked-id")
    expect(answer).to_contain_text(f"smmpllus knows order {panel_id}")
    expect(answer).to_contain_text("Pending")
    snap("checked-with-the-panel")
    answer.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("status")).to_contain_text(f"the panel's id {panel_id}")
    heading = page.get_by_role("heading", name=f"Order #{placed_after_all.pk}")
    expect(heading).to_contain_text("Pending")
    expect(page.locator("main")).to_contain_text(
        f"Checked at the panel: placed as order {panel_id}"
    )

    page.goto(f"/orders/{never_placed.pk}/")
    page.get_by_role("button", name="It was not placed").click()
    expect(page.get_by_role("heading", name=f"Order #{never_placed.pk}")).to_contain_text(
        "Not placed"
    )
    page.get_by_role("button", name="Send again").click()
    expect(page.get_by_role("status")).to_contain_text("Queued to be sent again.")
    assert len(simulator.requests("smmpllus", "add")) == 2  # nothing was resent on its own


def test_a_user_without_the_role_cannot_place_an_order(page, log_in, viewer, synced, place):
    provider = synced("smmprovider")
    service = a_service(provider)
    order = place(service)
    log_in(viewer)

    page.goto("/orders/")
    expect(page.get_by_role("heading", name="Orders", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="New order")).to_have_count(0)
    expect(page.get_by_role("button", name="Cancel")).to_have_count(0)

    page.goto(f"/providers/{provider.pk}/services/")
    expect(page.locator("tbody tr").first).to_be_visible()
    expect(page.get_by_role("link", name="Order", exact=True)).to_have_count(0)

    page.goto("/compare/?q=instagram+followers")
    expect(page.locator("#compare-results tbody tr").first).to_be_visible()
    expect(page.get_by_role("button", name="Order", exact=True)).to_have_count(0)

    page.goto(f"/orders/{order.pk}/")
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)

    response = page.goto(f"/orders/new/?service={service.pk}")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You don't have access to this")).to_be_visible()
    # A form posted by hand, with the session and a valid CSRF token, is refused the same way.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.request.post(
        f"/orders/new/?service={service.pk}",
        form={"link": "https://t.me/x", "quantity": "100"},
        headers={"X-CSRFToken": csrf},
    )
    assert answer.status == 403
    assert Order.objects.count() == 1
