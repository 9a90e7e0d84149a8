"""manage.py rebuild_scorecards: compute the scorecards' rollups again from the orders."""

from datetime import timedelta

from django.core.management.base import BaseCommand

from orders.services import rollups
from smmdash.lib.days import today


class Command(BaseCommand):
    help = (
        "Compute every provider's and service's daily scorecard figures again from the orders "
        "(all of them, or those of the last --days days). The poll and the dispatcher keep them "
        "current on their own; this is for after a restore, an import or a new TIME_ZONE."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Only the last this many days.")

    def handle(self, *args, days=None, **options):
        since = today() - timedelta(days=days) if days else None
        computed = rollups.rebuild(since=since)
        self.stdout.write(f"Computed {computed:,} provider days.")
