"""Channels: adding one (checked before it is kept) and sending it a test."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from alerts.models import Channel, Delivery
from alerts.services.delivery import deliver, write_test_message
from alerts.services.targets import ChannelRefused, notifier_for


def understood(kind: str, target: str) -> str:
    """The target cleaned, or ChannelRefused with why."""
    target = target.strip()
    if kind == Channel.Kind.EMAIL:
        addresses = [address.strip() for address in target.split(",") if address.strip()]
        if not addresses:
            raise ChannelRefused(_("Enter at least one email address."))
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ChannelRefused(
                    _("“{address}” is not an email address.").format(address=address)
                ) from None
        return ", ".join(addresses)
    if "://" not in target:
        raise ChannelRefused(
            _(
                "Enter a notification URL such as tgram://bottoken/ChatID, "
                "slack://TokenA/TokenB/TokenC, discord://WebhookID/WebhookToken or "
                "json://hooks.example.com/path."
            )
        )
    notifier_for(target, check_hosts=True)
    return target


def save_channel(channel: Channel, target: str = "", user=None) -> Channel:
    """Keep a channel; a target typed replaces the stored one (checked first)."""
    if target:
        channel.set_target(understood(channel.kind, target))
    if channel.pk is None:
        channel.created_by = user
    channel.save()
    return channel


def send_test(channel: Channel) -> Delivery:
    """Send a test message now (someone waits on the page) and return how it went."""
    delivery = write_test_message(channel)
    return deliver(delivery.pk) or Delivery.objects.get(pk=delivery.pk)
