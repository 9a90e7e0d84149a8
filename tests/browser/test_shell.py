import re

import pytest
from playwright.sync_api import expect

from dashboard.health import record_heartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_in_through_the_form_and_out_again(page, viewer):
    page.goto("/orders/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/orders/$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill("wrong")
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct username")

    page.get_by_label("Password").fill("pw")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/orders/$"))
    expect(page.get_by_role("heading", name="No orders yet")).to_be_visible()

    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    expect(page.get_by_role("status")).to_have_text("You have been logged out.")
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))


def test_navigate_every_section(page, log_in, staff_admin):
    log_in(staff_admin)
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(page.get_by_role("heading", name="Welcome, boss")).to_be_visible()

    for item, heading in [
        ("Providers", "No provider accounts yet"),
        ("Compare", "Nothing to compare yet"),
        ("Orders", "No orders yet"),
        ("Dashboard", "Getting started"),
    ]:
        nav.get_by_role("link", name=item).click()
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
        expect(nav.get_by_role("link", name=item)).to_have_attribute("aria-current", "page")

    nav.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Everything smmdash stores")).to_be_visible()


def test_a_user_without_a_role_sees_the_403_page(page, log_in, nobody):
    log_in(nobody)
    response = page.goto("/providers/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You don't have access to this")).to_be_visible()


def test_the_worker_status_fragment_swaps_in_place(page, log_in, viewer):
    log_in(viewer)
    page.goto("/")
    card = page.locator("#worker-status")
    expect(card).to_contain_text("Not running")
    page.evaluate("document.body.dataset.marker = 'same page'")

    record_heartbeat("worker@demo")
    # The card polls every 30 seconds; make the same request now instead of waiting.
    page.evaluate("htmx.ajax('GET', '/', {target: '#worker-status', swap: 'outerHTML'})")

    expect(card).to_contain_text("Running")
    expect(card).to_contain_text("worker@demo")
    # Swapped in place: the page was not reloaded.
    assert page.evaluate("document.body.dataset.marker") == "same page"


def test_the_background_work_page_names_the_queue_nobody_takes(page, log_in, viewer, synced):
    from datetime import timedelta

    from django.utils import timezone

    from orders import services
    from orders.models import Order
    from tests.orders.conftest import a_service

    order, _ = services.create_order(
        a_service(synced("smmprovider")), link="https://t.me/c", quantity=100
    )
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    record_heartbeat("panels@host")  # a worker runs, but none takes the orders queue
    log_in(viewer)

    page.goto("/orders/")
    banner = page.locator("#work-alert")
    expect(banner).to_contain_text("1 order waiting to be sent since 5")
    banner.get_by_role("link", name="What to do").click()

    expect(page.get_by_role("heading", name="Work is waiting and nothing takes it")).to_be_visible()
    expect(page.locator("main")).to_contain_text("celery -A smmdash worker --queues=orders")
    expect(page.locator("main")).to_contain_text("panels@host")
