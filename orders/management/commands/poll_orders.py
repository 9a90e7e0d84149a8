"""manage.py poll_orders: read open orders' statuses in the foreground."""

from django.core.management.base import BaseCommand, CommandError

from orders import services
from providers.models import Provider


class Command(BaseCommand):
    help = (
        "Read the statuses of open orders from their panels now: every enabled provider, or one "
        "(--provider NAME). Also marks orders stalled mid-send as needing checking."
    )

    def add_arguments(self, parser):
        parser.add_argument("--provider", help="The provider's name.")

    def handle(self, *args, provider=None, **options):
        stalled, requeued = services.recover_stalled()
        if stalled:
            self.stderr.write(f"{stalled} orders stalled while being sent: they need checking.")
        if requeued:
            self.stdout.write(f"{requeued} queued orders handed to the worker again.")
        if provider:
            providers = list(Provider.objects.filter(name=provider))
            if not providers:
                raise CommandError(f"No provider is named {provider!r}.")
        else:
            providers = list(Provider.objects.filter(enabled=True))
        failed = 0
        for each in providers:
            result = services.poll_provider(each)
            if result.error:
                failed += 1
                self.stderr.write(str(result))
            else:
                # Skipped because another poll holds the provider: that poll does the work, so
                # this is no failure (a cron job running the command must not report one).
                self.stdout.write(str(result))
        if failed:
            raise CommandError(f"{failed} of {len(providers)} providers could not be checked.")
