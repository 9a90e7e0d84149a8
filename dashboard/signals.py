"""Signal receivers: a message when someone logs out."""

from django.contrib import messages
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.utils.translation import gettext as _


@receiver(user_logged_out)
def confirm_logout(sender, request, user, **kwargs):
    # Stored in a cookie, so it survives the session being flushed.
    messages.info(request, _("You have been logged out."))
