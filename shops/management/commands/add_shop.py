"""manage.py add_shop NAME [--credit AMOUNT] [--markup PERCENT]: a shop, and its key, once."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from shops import services
from shops.models import Shop


def _amount(text):
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise CommandError(f"{text!r} is not a number") from None
    if not value.is_finite() or value < 0:
        raise CommandError(f"{text!r} must be zero or more")
    return value


class Command(BaseCommand):
    help = "Add a shop that buys through smmdash's panel API, and print its key (shown once)."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--credit", type=_amount, default=Decimal(0))
        parser.add_argument("--markup", type=_amount, default=None, help="percent")

    def handle(self, name, credit, markup, **options):
        if Shop.objects.filter(name__iexact=name.strip()).exists():
            raise CommandError(f"There is already a shop named {name!r}.")
        fields = {"markup_percent": markup} if markup is not None else {}
        shop, key = services.create_shop(name, credit=credit, **fields)
        self.stdout.write(f"Shop {shop.name} (id {shop.pk}), credit {shop.balance}")
        self.stdout.write(f"API URL: /api/v2   API key (shown only now): {key}")
