"""manage.py play_shop: be a reseller's panel buying from a running smmdash through /api/v2."""

from django.core.management.base import BaseCommand

from demo.shop import ORDERS, play_shop


class Command(BaseCommand):
    help = (
        "Act as a shop's panel against a running smmdash: read the balance and the services, "
        "add a few orders and read their status over HTTP, with the shop's key."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/api/v2")
        parser.add_argument(
            "--key", required=True, help="The shop's key (setup_demo prints the demo shop's)."
        )
        parser.add_argument("--orders", type=int, default=ORDERS)

    def handle(self, *args, url, key, orders, **options):
        played = play_shop(url, key, orders, report=self.stderr.write)
        self.stdout.write(
            f"Balance {played.balance}; {played.services} services; "
            f"{len(played.placed)} orders placed: "
            + ", ".join(
                f"#{order_id} {played.statuses.get(order_id, '?')}" for order_id in played.placed
            )
        )
        for refusal in played.refused:
            self.stdout.write(f"Refused: {refusal}")
