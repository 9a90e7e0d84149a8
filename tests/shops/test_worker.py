"""Shop orders placed by a real Celery worker: a refusal upstream moves the order on under the
same shop order id; a lost answer leaves it open for the shop and is never placed again."""

import pytest

from orders.models import Order
from orders.services import poll_provider
from shops import services
from shops.models import ShopOrder
from tests.processes import wait_for
from tests.processes import worker_env as worker_env_for

pytestmark = pytest.mark.django_db(transaction=True)
LINK = "https://instagram.com/worker"


@pytest.fixture
def worker(processes, tmp_path):
    env = worker_env_for(
        tmp_path,
        ORDER_POLL_DISPATCH_SECONDS=3600,
        CATALOG_DISPATCH_SECONDS=3600,
        BALANCE_REFRESH_SECONDS=3600,
    )
    processes.celery("worker", "worker", "--pool=solo", "--loglevel=INFO", env=env)
    return processes


def _adds(simulator):
    return {slug: len(simulator.requests(slug, "add")) for slug in ("smmbros", "smmsheba")}


def test_a_refusal_upstream_moves_the_order_on_under_the_same_id(api, product, simulator, worker):
    simulator.inject("smmbros", "canned", action="add", body='{"error": "Not enough funds"}')
    shop_order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]

    moved = wait_for(
        lambda: Order.objects.filter(previous_attempt__isnull=False, status="pending").first(), 60
    )
    assert moved is not None, worker.logs("worker")
    assert moved.provider.name == "smmsheba"
    assert _adds(simulator) == {"smmbros": 1, "smmsheba": 1}
    assert api("status", order=shop_order_id)["status"] == "Pending"
    assert ShopOrder.objects.get(pk=shop_order_id).order == moved  # the pointer moved on
    simulator.advance(3600)
    poll_provider(moved.provider)
    answer = api("status", order=shop_order_id)
    assert answer["status"] in ("Completed", "Partial") and "smmsheba" not in str(answer)


def test_a_lost_answer_leaves_the_order_open_and_never_sends_it_again(
    api, shop, product, simulator, worker
):
    simulator.inject("smmbros", "reset", action="add", after=True)
    shop_order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]

    lost = wait_for(lambda: Order.objects.filter(status="unknown").first(), 60)
    assert lost is not None, worker.logs("worker")
    assert api("status", order=shop_order_id)["status"] == "Pending"
    services.tick()
    services.route(shop_order_id)
    assert api("status", order=shop_order_id)["status"] == "Pending"
    assert _adds(simulator) == {"smmbros": 1, "smmsheba": 0}
    assert Order.objects.count() == 1
    shop.refresh_from_db()
    assert not shop.ledger.filter(kind="refund").exists()
