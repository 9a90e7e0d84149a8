"""manage.py classify_services: label every cached service again."""

from django.core.management.base import BaseCommand

from providers.services.labels import relabel


class Command(BaseCommand):
    help = (
        "Recompute every cached service's platform, kind and attributes from its name and "
        "category (after the classifier learned new words). Staff corrections are kept."
    )

    def handle(self, *args, **options):
        changed = relabel()
        self.stdout.write(f"{changed} services relabelled.")
