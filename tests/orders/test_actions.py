"""Cancel and refill on the panels that have them, a clear answer on those that do not, and
who may do what."""

import pytest

from orders import services
from orders.models import Order
from tests.orders.conftest import a_service

pytestmark = [pytest.mark.django_db, pytest.mark.over_http_and_https]
S = Order.Status


def offering(simulator, provider, panel, flag):
    """A service the simulated panel really allows `flag` on, even where its catalog is silent."""
    allowed = [s.service_id for s in simulator.panel(panel).catalog if getattr(s, flag)]
    cached = provider.services.filter(active=True, type="Default", service_id__in=map(str, allowed))
    return cached.order_by("rate").first()


def completed(simulator, provider, order):
    simulator.advance(3600)
    services.poll_provider(provider)
    order.refresh_from_db()
    return order


@pytest.mark.parametrize("panel", ["smmprovider", "smmbros", "smmub", "smmpllus"])
def test_cancel_on_the_panels_that_have_it(simulator, synced, place, buyer, buyer_client, panel):
    provider = synced(panel)
    # smmbros and smmub publish no cancel flags: such a service may still be cancelled.
    service = offering(simulator, provider, panel, "cancel")
    assert service.cancel is (None if panel in ("smmbros", "smmub") else True)
    order = place(service)
    assert order.can_cancel

    response = buyer_client.post(f"/orders/{order.pk}/cancel/", follow=True)

    assert "The panel accepted the cancel" in response.content.decode()
    assert simulator.panel(panel).ledger.orders[int(order.provider_order_id)].canceled_at
    services.poll_provider(provider)
    order.refresh_from_db()
    assert order.status == S.CANCELED and order.status_checked_at is not None
    action = order.events.filter(kind="request", data__action="cancel").get()
    assert action.actor == buyer
    provider.refresh_from_db()
    assert provider.capabilities["cancel"] is True


def test_cancel_where_the_panel_has_none_says_so_and_hides_the_button(
    simulator, synced, place, buyer_client
):
    provider = synced("smmsheba")
    order = place(a_service(provider))
    assert order.service.cancel is None and order.can_cancel  # not known until asked

    response = buyer_client.post(f"/orders/{order.pk}/cancel/", follow=True)

    page = response.content.decode()
    assert "smmsheba has no cancel" in page
    order = Order.objects.select_related("provider", "service").get(pk=order.pk)
    assert order.provider.capabilities["cancel"] is False and not order.can_cancel
    assert "Cancel order" not in buyer_client.get(f"/orders/{order.pk}/").content.decode()


@pytest.mark.parametrize("panel", ["smmsheba", "smmprovider", "smmbros", "smmpllus"])
def test_refill_on_the_panels_that_have_it(simulator, synced, place, buyer_client, panel):
    provider = synced(panel)
    order = completed(simulator, provider, place(offering(simulator, provider, panel, "refill")))
    assert order.can_refill, order.status

    response = buyer_client.post(f"/orders/{order.pk}/refill/", follow=True)

    assert "The panel accepted the refill" in response.content.decode()
    refill = order.refills.get()
    at_panel = simulator.panel(panel).ledger.refills
    if panel == "smmbros":  # it answers "Success" with no id to follow
        assert refill.refill_id == "" and "no refill id" in refill.error
        assert len(at_panel) == 1
    else:
        assert int(refill.refill_id) in at_panel


def test_refill_where_the_panel_has_none_says_so(simulator, synced, place, buyer_client):
    provider = synced("smmub")
    order = completed(simulator, provider, place(a_service(provider)))

    page = buyer_client.post(f"/orders/{order.pk}/refill/", follow=True).content.decode()

    assert "smmub has no refill" in page
    assert not order.refills.exists()
    provider.refresh_from_db()
    assert provider.capabilities["refill"] is False


def test_a_panels_refusal_to_cancel_is_shown_verbatim(simulator, synced, place, buyer_client):
    provider = synced("smmub")
    order = place(a_service(provider))
    simulator.advance(11 * 60)  # smmub cancels within 10 minutes only

    page = buyer_client.post(f"/orders/{order.pk}/cancel/", follow=True).content.decode()

    assert "The panel refused: An order can be canceled only within 10 minutes" in page


def test_a_finished_order_offers_no_cancel(simulator, synced, place, buyer_client):
    provider = synced("smmprovider")
    order = completed(simulator, provider, place(a_service(provider, cancel=True)))

    page = buyer_client.post(f"/orders/{order.pk}/cancel/", follow=True).content.decode()

    assert "Only an order the panel is still working on can be cancelled" in page
    assert simulator.requests("smmprovider", "cancel") == []


@pytest.mark.parametrize("action", ["cancel", "refill", "not-placed", "send-again"])
def test_viewers_cannot_change_orders(simulator, synced, place, viewer_client, action):
    order = place(a_service(synced("smmprovider")))

    response = viewer_client.post(f"/orders/{order.pk}/{action}/")

    assert response.status_code == 403
    assert simulator.requests("smmprovider", "cancel") == []


def test_viewers_cannot_place_orders(synced, viewer_client):
    service = a_service(synced("smmprovider"))
    assert viewer_client.get(f"/orders/new/?service={service.pk}").status_code == 403
    response = viewer_client.post(
        f"/orders/new/?service={service.pk}", {"link": "https://t.me/x", "quantity": service.min}
    )
    assert response.status_code == 403
    assert viewer_client.get("/orders/mass/").status_code == 403
    assert not Order.objects.exists()


def test_bulk_cancel_reports_each_order_and_needs_the_role(
    simulator, synced, place, buyer_client, viewer_client
):
    provider = synced("smmprovider")
    done = completed(simulator, provider, place(a_service(provider, cancel=True)))
    open_order = place(a_service(provider, cancel=True))
    ids = {"action": "cancel", "ids": [open_order.pk, done.pk]}

    refused = viewer_client.post("/orders/bulk/", ids, follow=True).content.decode()
    assert "needs the Place orders role" in refused
    assert simulator.requests("smmprovider", "cancel") == []

    page = buyer_client.post("/orders/bulk/", ids, follow=True).content.decode()
    assert "The panels accepted cancelling 1 order." in page
    assert f"#{done.pk}: Only an order the panel is still working on" in page


def test_bulk_refresh_reads_the_panels_now(simulator, synced, place, viewer_client):
    provider = synced("smmprovider")
    order = place(a_service(provider))
    simulator.advance(3600)

    page = viewer_client.post(
        "/orders/bulk/", {"action": "refresh", "ids": [order.pk]}, follow=True
    ).content.decode()

    assert "smmprovider: 1 order checked, 1 changed" in page
    order.refresh_from_db()
    assert order.status in (S.COMPLETED, S.PARTIAL)


def test_the_admin_cancels_through_the_same_service(simulator, synced, place, client, staff_admin):
    order = place(a_service(synced("smmprovider"), cancel=True))
    client.force_login(staff_admin)

    response = client.post(
        "/admin/orders/order/",
        {"action": "cancel", "_selected_action": [order.pk]},
        follow=True,
    )

    assert "The panels accepted cancel for 1 orders." in response.content.decode()
    assert order.events.get(kind="request", data__action="cancel").actor == staff_admin
    assert client.get(f"/admin/orders/order/{order.pk}/change/").status_code == 200


@pytest.mark.parametrize("fault", ["tls_alert", "bad_gateway", "reset"])
def test_a_cancel_whose_answer_was_lost_says_it_may_have_reached_the_panel(
    simulator, synced, place, buyer_client, fault
):
    provider = synced("smmprovider")
    order = place(offering(simulator, provider, "smmprovider", "cancel"))
    simulator.inject("smmprovider", fault, action="cancel")

    page = buyer_client.post(f"/orders/{order.pk}/cancel/", follow=True).content.decode()

    assert "may or may not have reached" in page
    assert simulator.panel("smmprovider").ledger.orders[int(order.provider_order_id)].canceled_at
    assert len(simulator.requests("smmprovider", "cancel")) == 1  # not asked again
    services.poll_provider(provider)
    assert Order.objects.get(pk=order.pk).status == S.CANCELED  # the status told


def test_a_refill_that_never_left_says_nothing_reached_the_panel(
    simulator, synced, place, buyer_client
):
    provider = synced("smmprovider")
    order = completed(
        simulator, provider, place(offering(simulator, provider, "smmprovider", "refill"))
    )
    simulator.inject("smmprovider", "cloudflare", action="refill")

    page = buyer_client.post(f"/orders/{order.pk}/refill/", follow=True).content.decode()

    assert "Nothing reached the panel" in page and "browser check" in page
    assert simulator.panel("smmprovider").ledger.refills == {}
    assert not order.refills.exists()
