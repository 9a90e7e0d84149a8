"""The simulator's books outlive its process, so demo orders can be tracked after a restart."""

from panel import PanelClient
from simulator import Simulator


def test_orders_placed_before_a_restart_are_still_known(tmp_path):
    books = tmp_path / "orders.json"
    first = Simulator().start()
    keys = {slug: first.key(slug) for slug in first.panels}
    first.keep_books(books)
    service = next(s for s in first.panel("smmprovider").catalog if s.cancel and s.min <= 500)
    with PanelClient(
        first.url("smmprovider"), keys["smmprovider"], allow_private_hosts=True
    ) as client:
        order_id = client.add_order(service.service_id, "https://t.me/c", 500)
        client.cancel(order_id)
    first.stop()

    again = Simulator(keys=keys).start()
    try:
        assert again.keep_books(books) == 1
        with PanelClient(
            again.url("smmprovider"), keys["smmprovider"], allow_private_hosts=True
        ) as client:
            assert client.status(order_id).status == "canceled"
            assert client.add_order(service.service_id, "https://t.me/d", 500) != order_id
    finally:
        again.stop()
    assert (books.stat().st_mode & 0o777) == 0o600
