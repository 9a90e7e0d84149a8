"""Hundreds of orders over HTTPS through a network that fails in every way a real one does,
checked against the panel's own books: none created twice, none lost."""

import random
from collections import Counter
from decimal import Decimal

import pytest

from orders import services
from orders.models import Order
from orders.services.placing import SEND_ATTEMPTS
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db
S = Order.Status
ORDERS = 300
# Faults after the panel created the order, faults before it saw anything, and none at all.
AFTER_THE_WORK = ["reset", "tls_alert", "tls_garbage", "truncated", "html_500", "bad_gateway"]
AFTER_THE_WORK += ["found", "server_error", "not_json", "empty"]
BEFORE_THE_WORK = ["cloudflare", "rate_limit", "unavailable"]


@pytest.mark.parametrize("simulator", ["https"], indirect=True)
def test_random_faults_over_https_never_duplicate_or_lose_an_order(simulator, synced, buyer):
    provider = synced("smmprovider")
    service = a_service(provider)
    ledger = simulator.panel("smmprovider").ledger
    ledger.accounts[simulator.key("smmprovider")].deposit += Decimal(1_000_000)
    chance = random.Random(16)  # noqa: S311 (a reproducible mix of faults, not a secret)
    kinds = AFTER_THE_WORK + BEFORE_THE_WORK + ["none"] * 8

    for number in range(ORDERS):
        fault = chance.choice(kinds)
        if fault != "none":
            after = fault in AFTER_THE_WORK
            simulator.inject("smmprovider", fault, action="add", after=after)
            if chance.random() < 0.3:  # and sometimes the retry fails too
                simulator.inject("smmprovider", chance.choice(BEFORE_THE_WORK), action="add")
        order, _ = services.create_order(
            service, link=f"https://instagram.com/p/soak{number}", quantity=service.min, user=buyer
        )
        for _ in range(SEND_ATTEMPTS):  # the task, and each retry it queues
            services.submit(order.pk)
        simulator.faults["smmprovider"].clear()

    at_panel = {placed.link: placed for placed in ledger.orders.values()}
    created = Counter(placed.link for placed in ledger.orders.values())
    assert max(created.values()) == 1, "an order was created twice at the panel"
    outcomes = Counter()
    for order in Order.objects.all():
        placed = at_panel.get(order.link)
        outcomes[order.status] += 1
        if placed is not None:  # it exists: smmdash tracks it by its id, or asks staff
            assert order.status in (S.PENDING, S.UNKNOWN), (order.link, order.status)
            if order.status == S.PENDING:
                assert order.provider_order_id == str(placed.order_id)
        else:  # it does not: smmdash never claims it does
            assert order.status in (S.UNKNOWN, S.NOT_SENT, S.REJECTED, S.QUEUED), order.status
    assert sum(outcomes.values()) == ORDERS
    # The mix really exercised every outcome.
    assert outcomes[S.PENDING] > ORDERS / 3 and outcomes[S.UNKNOWN] > ORDERS / 10
    assert len(ledger.orders) > outcomes[S.PENDING]  # some lost answers were real orders
