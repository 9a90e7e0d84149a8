"""Look at every alert rule now, as beat's tick does, and send what follows."""

from django.core.management.base import BaseCommand

from alerts import services


class Command(BaseCommand):
    help = "Find top-ups, evaluate every alert rule, and write and queue the messages."

    def handle(self, *args, **options):
        tick = services.evaluate()
        self.stdout.write(
            f"{tick.opened} alerts opened, {tick.reminded} reminded, {tick.resolved} resolved; "
            f"{tick.deliveries} messages written; {tick.top_ups} top-ups found"
        )
