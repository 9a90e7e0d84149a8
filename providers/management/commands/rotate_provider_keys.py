"""manage.py rotate_provider_keys: re-encrypt every key with the newest one."""

from django.core.management.base import BaseCommand, CommandError

from providers import services


class Command(BaseCommand):
    help = (
        "Re-encrypt every provider's API key with the first key in PROVIDER_SECRET_KEYS. "
        "Run it after putting a new key first; drop the old key once it has succeeded."
    )

    def handle(self, *args, **options):
        rotated, unreadable = services.rotate_keys()
        self.stdout.write(f"Re-encrypted {rotated} API keys with the first key.")
        if unreadable:
            names = ", ".join(provider.name for provider in unreadable)
            raise CommandError(
                f"{len(unreadable)} API keys could not be decrypted with any configured key and "
                f"were left as they are: {names}. Restore the key they were written with, or "
                "enter these API keys again."
            )
