"""Placing orders: sent once, recorded before sending, and never lost or duplicated."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import services
from orders.models import Order, OrderEvent
from providers.models import Provider
from tests.orders.conftest import PANELS, a_service, adds
from tests.processes import free_port

pytestmark = [pytest.mark.django_db, pytest.mark.over_http_and_https]
S = Order.Status


@pytest.mark.parametrize("panel", PANELS)
def test_an_order_is_placed_once_on_every_dialect(simulator, synced, place, panel):
    provider = synced(panel)
    service = a_service(provider)

    order = place(service, service.min * 2)

    assert order.status == S.PENDING, order.last_error
    sent = adds(simulator, panel)
    assert len(sent) == 1
    at_panel = simulator.panel(panel).ledger.orders[int(order.provider_order_id)]
    assert (at_panel.quantity, at_panel.link) == (service.min * 2, order.link)
    assert at_panel.service.service_id == int(service.service_id)
    assert order.expected_cost == (service.rate * service.min * 2 / 1000).quantize(
        Decimal("0.000001")
    )
    assert isinstance(order.expected_cost, Decimal)
    assert (order.service_name, order.rate, order.currency) == (
        service.name,
        service.rate,
        provider.currency,
    )
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["created", "request", "answer"]
    request = order.events.get(kind="request").data
    assert request["action"] == "add" and request["service"] == service.service_id
    assert simulator.key(panel) not in str(request)


@pytest.mark.parametrize(
    ("panel", "message"),
    [
        ("smmprovider", "Quantity more than maximal {max}"),
        ("smmsheba", "Please follow the limit"),
        ("smmub", "Quantity should be within min quantity to max quantity"),
    ],
)
def test_a_refusal_is_rejected_with_the_panels_words_verbatim(
    simulator, synced, place, buyer_client, panel, message
):
    service = a_service(synced(panel))

    order = place(service, service.max + 1)

    expected = message.format(max=service.max)
    assert (order.status, order.last_error) == (S.REJECTED, expected)
    assert len(adds(simulator, panel)) == 1
    page = buyer_client.get(f"/orders/{order.pk}/").content.decode()
    assert "The panel rejected this order:" in page and expected in page


@pytest.mark.parametrize(
    "fault",
    [
        "reset",
        "server_error",
        "not_json",
        "empty",
        "tls_alert",
        "tls_garbage",
        "truncated",
        "html_500",
        "bad_gateway",
        "found",
    ],
)
def test_a_lost_answer_is_unknown_and_never_sent_again(simulator, synced, place, fault):
    provider = synced("smmprovider")
    service = a_service(provider)
    # The panel places the order, then the answer is lost on the way back.
    simulator.inject("smmprovider", fault, action="add", after=True)

    order = place(service, service.min)

    assert order.status == S.UNKNOWN
    assert order.provider_order_id == ""
    assert len(simulator.panel("smmprovider").ledger.orders) == 1  # it did go in
    # The balance before and after say so: it dropped by the order's cost.
    assert order.balance_before == Decimal("1000")
    assert order.balance_before - order.balance_after == order.expected_cost
    # Nothing sends it again: not the task delivered again, not the dispatcher, not a poll.
    services.submit(order.pk)
    services.recover_stalled(timezone.now() + timedelta(hours=1))
    services.dispatch_polls()
    services.poll_provider(provider)
    assert len(adds(simulator, "smmprovider")) == 1
    assert Order.objects.get(pk=order.pk).status == S.UNKNOWN
    assert OrderEvent.objects.filter(order=order, kind="error").exists()


def test_staff_resolve_an_unknown_order_by_its_panel_id_and_tracking_continues(
    simulator, synced, place, buyer, buyer_client
):
    service = a_service(synced("smmpllus"))
    simulator.inject("smmpllus", "reset", action="add", after=True)
    order = place(service, service.min)
    (panel_id,) = simulator.panel("smmpllus").ledger.orders
    page = buyer_client.get(f"/orders/{order.pk}/").content.decode()
    assert "Needs checking" in page and "fits the order having been placed" in page

    simulator.advance(120)  # the panel has started on it
    checked = buyer_client.post(
        f"/orders/{order.pk}/panel-id/check/", {"provider_order_id": str(panel_id)}
    ).content.decode()
    token = re.search(r'name="checked" value="([^"]+)"', checked).group(1)
    buyer_client.post(f"/orders/{order.pk}/resolve/", {"checked": token})

    order.refresh_from_db()
    assert (order.status, order.provider_order_id) == (S.IN_PROGRESS, str(panel_id))
    resolved = order.events.get(kind="action")
    assert resolved.actor == buyer and str(panel_id) in resolved.message
    assert len(adds(simulator, "smmpllus")) == 1


def test_an_unknown_order_marked_not_placed_can_be_sent_again_by_staff(
    simulator, synced, place, buyer_client, django_capture_on_commit_callbacks
):
    service = a_service(synced("smmbros"))
    simulator.inject("smmbros", "reset", action="add", after=False)  # dropped before acting
    order = place(service, service.min)
    assert order.status == S.UNKNOWN
    assert order.balance_before == order.balance_after  # nothing was taken

    buyer_client.post(f"/orders/{order.pk}/not-placed/")
    order.refresh_from_db()
    assert order.status == S.NOT_PLACED
    with django_capture_on_commit_callbacks(execute=False):
        buyer_client.post(f"/orders/{order.pk}/send-again/")
    services.submit(order.pk)

    order.refresh_from_db()
    assert order.status == S.PENDING and order.provider_order_id
    assert len(adds(simulator, "smmbros")) == 2  # the first never reached the panel's books
    assert len(simulator.panel("smmbros").ledger.orders) == 1


def test_a_panel_that_cannot_be_reached_gets_the_order_later_and_then_gives_up(
    simulator, synced, place
):
    provider = synced("smmprovider")
    service = a_service(provider)
    Provider.objects.filter(pk=provider.pk).update(api_url=f"http://127.0.0.1:{free_port()}/api/v2")

    order = place(service)
    assert (order.status, order.send_attempts) == (S.QUEUED, 1)  # nothing went out: try again
    for _ in range(2):
        services.submit(order.pk)
    order.refresh_from_db()
    assert order.status == S.NOT_SENT and "could not connect" in order.last_error.lower()
    assert "Nothing was placed" in order.events.last().message


def test_a_cloudflare_challenge_placed_nothing_so_the_order_is_sent_again(simulator, synced, place):
    service = a_service(synced("smmprovider"))
    simulator.inject("smmprovider", "cloudflare", action="add")

    order = place(service)

    assert order.status == S.QUEUED and "browser check" in order.last_error
    services.submit(order.pk)  # the retry the task queued
    order.refresh_from_db()
    assert order.status == S.PENDING
    assert len(simulator.panel("smmprovider").ledger.orders) == 1


def test_spam_protection_is_waited_out_not_rejected(simulator, synced, place):
    service = a_service(synced("smmub"))
    simulator.inject("smmub", "rate_limit", action="add")

    order = place(service)

    assert order.status == S.QUEUED and "wait 7 seconds" in order.last_error
    services.submit(order.pk)  # what the task does once the wait is over
    assert Order.objects.get(pk=order.pk).status == S.PENDING


def test_the_task_run_twice_sends_one_add(simulator, synced, buyer):
    service = a_service(synced("smmprovider"))
    order, _ = services.create_order(service, link="https://t.me/x", quantity=service.min)

    first, second = services.submit(order.pk), services.submit(order.pk)

    assert first.status == S.PENDING and second is None
    assert len(adds(simulator, "smmprovider")) == 1


def test_a_worker_that_died_mid_send_leaves_the_order_unknown_not_resent(simulator, synced):
    service = a_service(synced("smmprovider"))
    order, _ = services.create_order(service, link="https://t.me/x", quantity=service.min)
    long_ago = timezone.now() - timedelta(minutes=10)
    # A worker claimed it ten minutes ago and was never heard from again.
    Order.objects.filter(pk=order.pk).update(status=S.SUBMITTING, submitted_at=long_ago)

    stalled, requeued = services.recover_stalled()

    assert (stalled, requeued) == (1, 0)
    order.refresh_from_db()
    assert order.status == S.UNKNOWN and "stopped before" in order.last_error
    assert services.submit(order.pk) is None
    assert adds(simulator, "smmprovider") == []


def test_one_form_token_makes_one_order(synced, buyer):
    service = a_service(synced("smmpllus"))
    fields = {"link": "https://t.me/x", "quantity": service.min, "user": buyer}

    first, created = services.create_order(service, form_token="token-1", **fields)
    again, created_again = services.create_order(service, form_token="token-1", **fields)

    assert (created, created_again) == (True, False)
    assert first.pk == again.pk and Order.objects.count() == 1


def test_a_disabled_provider_gets_nothing_sent(simulator, synced, place):
    provider = synced("smmpllus")
    service = a_service(provider)
    order, _ = services.create_order(service, link="https://t.me/x", quantity=service.min)
    Provider.objects.filter(pk=provider.pk).update(enabled=False)

    services.submit(order.pk)

    order.refresh_from_db()
    assert order.status == S.NOT_SENT and "disabled" in order.last_error
    assert adds(simulator, "smmpllus") == []
