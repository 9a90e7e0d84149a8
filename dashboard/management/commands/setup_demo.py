import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from dashboard.access import ROLES, ensure_roles


class Command(BaseCommand):
    help = (
        "Prepare the demo: the staff roles and a demo account with every role, "
        "given a fresh random password that is printed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="demo")

    @transaction.atomic
    def handle(self, *args, username, **options):
        ensure_roles()
        password = secrets.token_urlsafe(18)
        user, created = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.is_superuser = True
        user.set_password(password)
        user.save()
        user.groups.add(*Group.objects.filter(name__in=ROLES))

        verb = "Created" if created else "Reset the password of"
        self.stdout.write(self.style.SUCCESS(f"{verb} the demo account."))
        self.stdout.write(f"  Log in at http://127.0.0.1:8000 as  {username}  /  {password}")
