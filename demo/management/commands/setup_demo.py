"""manage.py setup_demo: the demo account, providers on the simulator and a few orders."""

import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from alerts import services as alerts
from demo import provider_accounts as demo_providers
from demo.demo_orders import place_demo_orders
from demo.shop import set_up_shop
from smmdash.lib.access import ROLES, ensure_roles


class Command(BaseCommand):
    help = (
        "Prepare the demo: the staff roles, a demo account with every role (given a fresh "
        "random password that is printed), and one provider account per simulated panel."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")
        parser.add_argument(
            "--simulator-port",
            type=int,
            default=demo_providers.SIMULATOR_PORT,
            help="Where the panel simulator runs.",
        )
        parser.add_argument(
            "--accounts-file",
            type=Path,
            default=demo_providers.ACCOUNTS_FILE,
            help="The simulator's URLs and keys (created if missing).",
        )
        parser.add_argument(
            "--no-providers", action="store_true", help="Only the roles and the account."
        )

    def handle(self, *args, username, simulator_port, accounts_file, no_providers, **options):
        password = self.demo_account(username)
        shop_key = None
        if not no_providers:
            self.stderr.write("Demo providers on the panel simulator:")
            user = get_user_model().objects.get(username=username)

            def place_orders(providers, simulator):
                place_demo_orders(providers, simulator, user, report=self.stderr.write)
                # The demo's smmbros account is set to run low: its alert opens now.
                tick = alerts.evaluate()
                self.stderr.write(f"Alerts: {tick.opened} opened (see the bell).")
                nonlocal shop_key
                shop_key = set_up_shop(user, report=self.stderr.write)

            demo_providers.set_up(
                accounts_file, simulator_port, report=self.stderr.write, then=place_orders
            )
        self.stdout.write(self.style.SUCCESS("Demo ready."))
        self.stdout.write(f"  Log in at http://127.0.0.1:8000 as  {username}  /  {password}")
        if shop_key:
            self.stdout.write(
                f"  Demo shop's panel API: http://127.0.0.1:8000/api/v2  key  {shop_key}"
            )

    @transaction.atomic
    def demo_account(self, username):
        ensure_roles()
        password = secrets.token_urlsafe(18)
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=ROLES))
        verb = "Created" if created else "Reset the password of"
        self.stderr.write(f"{verb} the demo account {username}.")
        return password
