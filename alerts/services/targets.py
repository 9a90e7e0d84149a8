"""Notification URLs: which ones smmdash takes, and where they may lead.

apprise reaches most services over HTTP(S), through requests; smmdash sends those under the
panels' address guard (``panel.guarded_requests``), which checks where each connection goes
as it connects. A URL whose host is an internal address is refused as soon as it is typed, so
the form says so. Services apprise reaches some other way (SMTP, syslog, IRC, MQTT, XMPP, a
desktop...) are refused: the guard could not hold their connections, and email has a kind of
its own, through the mail server smmdash is set up with.
"""

import apprise
from django.conf import settings
from django.utils.translation import gettext as _

from panel import AddressRefused, PanelClientError, checked_addresses

CHANNELS_PUBLIC_ONLY = (
    "Notification services must be on public addresses "
    "(PROVIDER_ALLOW_PRIVATE_HOSTS allows internal ones)."
)
# The schemes of the apprise services (of the version in requirements.txt) reached other than
# through requests. tests/alerts/test_channel_addresses.py reads apprise's plugins and fails
# on a new one missing here.
EMAIL_SCHEMES = frozenset({"mailto", "mailtos", "deltachat", "deltachats"})
NOT_OVER_HTTP = EMAIL_SCHEMES | {
    "amqp",
    "amqps",
    "aprs",
    "blink1",
    "dbus",
    "gio",
    "glib",
    "gnome",
    "growl",
    "irc",
    "ircs",
    "kde",
    "macosx",
    "mqtt",
    "mqtts",
    "nostr",
    "qt",
    "rsyslog",
    "smpp",
    "smpps",
    "syslog",
    "windows",
    "xmpp",
    "xmpps",
}


class ChannelRefused(ValueError):
    """The target cannot be used; the message says why, for the form."""


def notifier_for(url: str, *, check_hosts: bool = False) -> apprise.Apprise:
    """An apprise notifier for `url` (one or more notification URLs), or ChannelRefused.

    `check_hosts`: also resolve the host of every service whose URL names one, and refuse an
    internal address (as the form does; at send time each connection checks its own).
    """
    notifier = apprise.Apprise()
    if not notifier.add(url):
        scheme = url.split("://", 1)[0]
        raise ChannelRefused(
            _(
                "apprise does not understand this {scheme}:// URL: check it against apprise's "
                "list of services and their URL formats."
            ).format(scheme=scheme)
        )
    for service in notifier:
        _check_scheme(service)
        if check_hosts:
            _check_host(service)
    return notifier


def schemes_of(plugin) -> set[str]:
    """Every scheme an apprise service class answers to."""
    found = set()
    for schemes in (plugin.protocol, plugin.secure_protocol):
        if isinstance(schemes, str):
            found.add(schemes.lower())
        elif schemes:
            found |= {scheme.lower() for scheme in schemes}
    return found


def _check_scheme(service):
    schemes = schemes_of(type(service))
    if schemes & EMAIL_SCHEMES:
        raise ChannelRefused(
            _(
                "Email goes through the Email kind, to the mail server smmdash is set up with "
                "(EMAIL_URL): choose Email and enter the addresses."
            )
        )
    if schemes & NOT_OVER_HTTP:
        raise ChannelRefused(
            _(
                "smmdash sends alerts only to services reached over HTTP or HTTPS, where it can "
                "check where each connection goes; {scheme}:// is not one of them."
            ).format(scheme=min(schemes & NOT_OVER_HTTP))
        )


def _check_host(service):
    """Refuse a service whose URL's host (where apprise connects, for the services whose URL
    has one; for the others it is a token) resolves to an internal address."""
    if settings.PROVIDER_ALLOW_PRIVATE_HOSTS or "host" not in service.template_tokens:
        return
    if not service.host:
        return
    port = service.port or (443 if service.secure else 80)
    try:
        checked_addresses(service.host.strip("[]"), port, False, CHANNELS_PUBLIC_ONLY)
    except AddressRefused as refused:
        raise ChannelRefused(refused.message) from None
    except PanelClientError:
        # Not found: nothing to connect to now; if it is ever found, the connection checks it.
        return
