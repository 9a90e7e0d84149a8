"""A panel's order id typed wrong after a lost answer: corrected (checked with the panel first)
or the order reopened as needing checking, on a phone and on a laptop screen."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from orders import services
from orders.models import Order
from tests.browser.test_polish import OVERFLOWING, PHONE
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db(transaction=True)
LAPTOP = {"width": 1366, "height": 860}
S = Order.Status


@pytest.fixture
def trapped(page, log_in, buyer, synced, simulator, place):
    """An order whose answer was lost and that staff recorded under an id the panel does not
    know, as the page once allowed, so its status checks fail; its page open for the buyer on
    a `screen`. Returns (order, the right id, the page's card about the id)."""

    def trapped(screen):
        simulator.inject("smmpllus", "reset", action="add", after=True)
        order = place(a_service(synced("smmpllus")), link="https://t.me/typo")
        (right_id,) = simulator.panel("smmpllus").ledger.orders
        Order.objects.filter(pk=order.pk).update(
            status=S.PENDING, provider_order_id="123abc", placed_at=timezone.now()
        )
        services.poll_provider(order.provider, order_ids=[order.pk])
        assert Order.objects.get(pk=order.pk).last_error == "Incorrect order ID"
        log_in(buyer)
        page.set_viewport_size(screen)
        page.goto(f"/orders/{order.pk}/")
        doubt = page.get_by_role("region", name="Is 123abc the panel's id of this order?")
        return order, str(right_id), doubt

    return trapped


def fits_the_screen(page):
    width = page.viewport_size["width"]
    if page.evaluate("document.documentElement.scrollWidth") > width:
        pytest.fail(f"wider than {width} px: {page.evaluate(OVERFLOWING)}")


@pytest.mark.parametrize("screen", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_correct_a_wrong_panel_id_after_the_panel_confirms_the_right_one(
    page, snap, trapped, screen
):
    order, right_id, doubt = trapped(screen)
    expect(doubt).to_contain_text("Status checks of this order fail: “Incorrect order ID”")
    fits_the_screen(page)
    doubt.locator("summary", has_text="Correct the panel's order id").click()
    doubt.get_by_label("The right id").fill(right_id)
    doubt.get_by_label("Why the recorded id is wrong").fill("typed the wrong id")
    # The page refreshes itself while the order is open: what was typed stays.
    with page.expect_response(
        lambda answer: answer.request.headers.get("hx-target") == "order-live"
    ):
        pass
    expect(doubt.get_by_label("The right id")).to_have_value(right_id)
    doubt.get_by_role("button", name="Check with the panel").click()

    answer = doubt.get_by_role("region", name=f"smmpllus knows order {right_id}:")
    expect(answer).to_contain_text("Pending")
    expect(answer).to_contain_text("typed the wrong id")
    fits_the_screen(page)
    snap("checked")
    answer.get_by_role("button", name="Back").click()
    expect(doubt.get_by_label("The right id")).to_have_value(right_id)
    doubt.get_by_role("button", name="Check with the panel").click()
    doubt.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("status")).to_contain_text(f"The panel's order id is now {right_id}")
    expect(page.locator("main")).to_contain_text(
        f"Corrected the panel's order id from 123abc to {right_id}"
    )
    expect(page.locator(".timeline")).to_contain_text("buyer")
    assert Order.objects.get(pk=order.pk).provider_order_id == right_id
    fits_the_screen(page)


@pytest.mark.parametrize("screen", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_reopen_as_needs_checking_then_record_it_not_placed(page, snap, trapped, screen):
    order, _, doubt = trapped(screen)
    doubt.locator("summary", has_text="Reopen as needs checking").click()
    doubt.get_by_label("Why it needs checking again").fill("the panel has no order 123abc")
    doubt.get_by_role("button", name="Reopen as needs checking").click()

    check = page.get_by_role("region", name="Needs checking: was this order placed?")
    expect(check).to_contain_text("Reopened by buyer")
    expect(check).to_contain_text("the panel has no order 123abc")
    expect(page.get_by_role("heading", name=f"Order #{order.pk}")).to_contain_text("Needs checking")
    fits_the_screen(page)
    snap("reopened")
    page.get_by_role("button", name="It was not placed").click()
    expect(page.get_by_role("heading", name=f"Order #{order.pk}")).to_contain_text("Not placed")
    assert Order.objects.get(pk=order.pk).status == S.NOT_PLACED
