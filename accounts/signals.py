"""At sign-in, what the session still owes (a code, or setting two-factor up) is decided once."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts import services


@receiver(user_logged_in)
def decide_second_step(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        services.decide_second_step(request, user)
