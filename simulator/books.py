"""A simulator's orders and refills, kept in a file so a restart does not forget them.

The demo places orders with one simulator process (while it sets up) and tracks them with
another (the one `bin/dev` runs), so the books must outlive the process. Tests do not use it.
"""

import json
import os
from pathlib import Path

from simulator.ledger import SimOrder, SimRefill


def save(path: Path, simulator) -> None:
    books = {}
    for slug, panel in simulator.panels.items():
        ledger = panel.ledger
        with ledger.lock:
            books[slug] = {
                "next_order_id": ledger.next_order_id,
                "next_refill_id": ledger.next_refill_id,
                "orders": [_order(order) for order in ledger.orders.values()],
                "refills": [
                    [refill.refill_id, refill.order.order_id, refill.created_at]
                    for refill in ledger.refills.values()
                ],
            }
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        json.dump(books, file)
    os.replace(partial, path)


def load(path: Path, simulator) -> int:
    """Put the saved orders back into `simulator`'s panels; returns how many."""
    if not path.exists():
        return 0
    restored = 0
    for slug, saved in json.loads(path.read_text()).items():
        panel = simulator.panels.get(slug)
        if panel is None:
            continue
        ledger = panel.ledger
        accounts = ledger.accounts
        for entry in saved["orders"]:
            if entry["key"] not in accounts:
                continue  # an account whose key has changed since
            order = SimOrder(
                order_id=entry["order_id"],
                account=accounts[entry["key"]],
                service=panel.service(entry["service_id"]),
                link=entry["link"],
                quantity=entry["quantity"],
                fields=entry["fields"],
                created_at=entry["created_at"],
                start_count=entry["start_count"],
                partial=entry["partial"],
                canceled_at=entry["canceled_at"],
                refunded=entry["refunded"],
            )
            ledger.orders[order.order_id] = order
            restored += 1
        for refill_id, order_id, created_at in saved["refills"]:
            if order_id in ledger.orders:
                ledger.refills[refill_id] = SimRefill(
                    refill_id, ledger.orders[order_id], created_at
                )
        ledger.next_order_id = max(ledger.next_order_id, saved["next_order_id"])
        ledger.next_refill_id = max(ledger.next_refill_id, saved["next_refill_id"])
    return restored


def _order(order: SimOrder) -> dict:
    return {
        "order_id": order.order_id,
        "key": order.account.key,
        "service_id": order.service.service_id,
        "link": order.link,
        "quantity": order.quantity,
        "fields": order.fields,
        "created_at": order.created_at,
        "start_count": order.start_count,
        "partial": order.partial,
        "canceled_at": order.canceled_at,
        "refunded": order.refunded,
    }
