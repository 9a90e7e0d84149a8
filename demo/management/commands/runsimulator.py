"""manage.py runsimulator: the five simulated panels on a local port, for the demo."""

import contextlib
from pathlib import Path

from django.core.management.base import BaseCommand

from demo import provider_accounts as demo_providers
from simulator import DELIVERY_PROFILES, Pace, Simulator, accounts


class Command(BaseCommand):
    help = (
        "Run the simulator of the five SMM panels on a local port, for the demo and for "
        "trying smmdash without real panel accounts. Account keys are kept in a file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=demo_providers.SIMULATOR_PORT)
        parser.add_argument(
            "--accounts-file",
            type=Path,
            default=demo_providers.ACCOUNTS_FILE,
            help="Where the panels' URLs and keys are kept (created if missing).",
        )
        parser.add_argument(
            "--pending-seconds", type=float, default=30, help="How long new orders stay pending."
        )
        parser.add_argument(
            "--running-seconds", type=float, default=180, help="How long orders take to deliver."
        )
        parser.add_argument(
            "--catalog-size", type=int, default=None, help="Services per panel (for benchmarks)."
        )

    def handle(self, *args, host, port, accounts_file, catalog_size, **options):
        pace = Pace(pending=options["pending_seconds"], running=options["running_seconds"])
        keys = accounts.load_or_create(accounts_file)
        simulator = Simulator(
            pace=pace, catalog_size=catalog_size, keys=keys, delivery_profiles=DELIVERY_PROFILES
        ).bind(host, port)
        accounts.save(accounts_file, simulator)
        restored = simulator.keep_books(demo_providers.books_file_for(accounts_file))
        if restored:
            # The panels' books outlive restarts, like a real panel's: the demo's own orders
            # from the setup are among them.
            # Orders a panel refused were never on it, so this may be fewer than were placed.
            self.stdout.write(f"The panels still hold the {restored} orders they took before.")
        self.stdout.write(f"Panel simulator on http://{host}:{port}/ (keys in {accounts_file}):")
        for slug in simulator.panels:
            title = simulator.panel(slug).dialect.title
            self.stdout.write(f"  {slug:<14} {simulator.url(slug):<48} {title}")
        self.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            simulator.serve_forever()
