"""manage.py fetch_exchange_rates: fetch reference rates now."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rates.services import fetch_rates


class Command(BaseCommand):
    help = "Fetch exchange rates from EXCHANGE_RATES_URL (or --url) for the currencies in use."

    def add_arguments(self, parser):
        parser.add_argument("--url", help="Another source answering in the same JSON form.")

    def handle(self, *args, url=None, **options):
        if not (url or settings.EXCHANGE_RATES_URL):
            raise CommandError("No source: set EXCHANGE_RATES_URL or pass --url.")
        fetch = fetch_rates(url)
        if not fetch.ok:
            raise CommandError(f"Not fetched: {fetch.error}")
        for currency, rate in fetch.stored.items():
            self.stdout.write(f"1 {currency} = {rate} {settings.BASE_CURRENCY}")
        if fetch.error:
            self.stderr.write(fetch.error)
