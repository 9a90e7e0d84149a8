"""Channels: adding one (checked before it is kept) and sending it a test."""

import apprise
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from alerts.models import Channel, Delivery
from alerts.services.delivery import deliver, write_test_message


class ChannelRefused(ValueError):
    """The target cannot be used; the message says why, for the form."""


def understood(kind: str, target: str) -> str:
    """The target cleaned, or ChannelRefused with why."""
    target = target.strip()
    if kind == Channel.Kind.EMAIL:
        addresses = [address.strip() for address in target.split(",") if address.strip()]
        if not addresses:
            raise ChannelRefused("Enter at least one email address.")
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ChannelRefused(f"“{address}” is not an email address.") from None
        return ", ".join(addresses)
    if "://" not in target:
        raise ChannelRefused(
            "Enter a notification URL such as tgram://bottoken/ChatID, "
            "slack://TokenA/TokenB/TokenC, discord://WebhookID/WebhookToken or "
            "json://hooks.example.com/path."
        )
    if not apprise.Apprise().add(target):
        scheme = target.split("://", 1)[0]
        raise ChannelRefused(
            f"apprise does not understand this {scheme}:// URL: check it against apprise's "
            "list of services and their URL formats."
        )
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
