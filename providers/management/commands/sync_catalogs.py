"""manage.py sync_catalogs: sync catalogs in the foreground."""

from django.core.management.base import BaseCommand, CommandError

from providers import services
from providers.models import CatalogSync, Provider


class Command(BaseCommand):
    help = "Sync the service catalogs of all enabled providers now, or of one (--provider NAME)."

    def add_arguments(self, parser):
        parser.add_argument("--provider", help="The provider's name (disabled ones too).")

    def handle(self, *args, provider=None, **options):
        if provider:
            providers = list(Provider.objects.filter(name=provider))
            if not providers:
                raise CommandError(f"No provider is named {provider!r}.")
        else:
            providers = list(Provider.objects.filter(enabled=True))
            if not providers:
                self.stdout.write("No enabled providers to sync.")
        failed = 0
        for each in providers:
            sync = services.sync_catalog(each, CatalogSync.Trigger.COMMAND)
            if sync.status == CatalogSync.Status.OK:
                self.stdout.write(
                    f"{each}: {sync.fetched} services; {sync.added} added, {sync.changed} "
                    f"changed, {sync.reactivated} back, {sync.removed} gone, "
                    f"{sync.unchanged} unchanged"
                )
            else:
                failed += 1
                self.stderr.write(f"{each}: {sync.get_status_display().lower()}: {sync.error}")
        if failed:
            raise CommandError(f"{failed} of {len(providers)} syncs did not succeed.")
