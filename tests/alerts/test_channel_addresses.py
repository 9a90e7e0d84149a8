"""Where alert channels may lead (server-side request forgery).

A notification URL passes the panels' address guard: refused on the Notifications form when its
host is internal, and at send time by every connection apprise makes, which goes to exactly
the address the guard checked, through no proxy and following no redirect. A failed delivery
says what kind of failure it was, never what the socket said. Every refusal here happens before
any connection: no test sends anything beyond loopback.
"""

import re
import socket
import sys
from pathlib import Path

import pytest
from apprise.manager_plugins import NotificationManager

from alerts import services
from alerts.models import Channel, Delivery
from alerts.services.targets import NOT_OVER_HTTP, schemes_of
from tests.alerts.conftest import Hook, free_port
from tests.client.test_sending import resolver_answering

pytestmark = pytest.mark.django_db


@pytest.fixture
def production(settings):
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = False


def stored_without_a_check(url, name="Hook"):
    """A channel kept as if its URL had passed the form (saved while its name looked public)."""
    channel = Channel(name=name, kind=Channel.Kind.APPRISE)
    channel.set_target(url)
    channel.save()
    return channel


def add_channel(client, target, name="Hook"):
    return client.post(
        "/alerts/notifications/channels/new/",
        {"name": name, "kind": "apprise", "target": target, "enabled": "on"},
    )


@pytest.mark.parametrize(
    ("target", "refusal"),
    [
        ("json://127.0.0.1:8000/hook", "127.0.0.1 is a loopback address"),
        ("json://localhost/hook", "localhost resolves to"),
        ("jsons://10.0.0.1/hook", "10.0.0.1 is a private address"),
        ("json://169.254.169.254/latest/meta-data", "169.254.169.254 is a link-local address"),
        ("xml://100.100.100.200/", "100.100.100.200 is not a public address"),
        ("form://[::1]:8000/", "::1 is a loopback address"),
        ("json://2130706433/hook", "resolves to 127.0.0.1, a loopback address"),
        ("gotify://192.168.0.10/AbCdEfGhIjKlMnO", "192.168.0.10 is a private address"),
        ("apprise://172.16.5.4/token", "172.16.5.4 is a private address"),
    ],
)
def test_an_internal_address_is_refused_on_the_notifications_form(
    production, manager_client, target, refusal
):
    response = add_channel(manager_client, target)

    assert response.status_code == 400
    error = " ".join(response.context["channel_form"].errors["target"])
    assert refusal in error and "must be on public addresses" in error
    assert not Channel.objects.exists()


def test_a_name_that_resolves_inside_is_refused_on_the_form(
    production, manager_client, monkeypatch
):
    calls = []
    monkeypatch.setattr(socket, "getaddrinfo", resolver_answering("10.1.2.3", calls=calls))

    response = add_channel(manager_client, "json://hooks.test/path")

    assert "hooks.test resolves to 10.1.2.3, a private address" in response.text
    assert calls == ["hooks.test"]


@pytest.mark.parametrize(
    ("target", "refusal"),
    [
        ("mailto://user:password@mail.example.com", "Email goes through the Email kind"),
        ("mailtos://user:password@example.com?smtp=10.0.0.1", "Email goes through"),
        ("rsyslog://10.0.0.1", "rsyslog:// is not one of them"),
        ("irc://bot@127.0.0.1/#ops", "irc:// is not one of them"),
        ("syslog://", "syslog:// is not one of them"),
    ],
)
def test_services_apprise_reaches_other_than_over_http_are_refused(manager_client, target, refusal):
    # Whatever the setting: the guard could not hold their connections.
    response = add_channel(manager_client, target)

    assert response.status_code == 400
    assert refusal in " ".join(response.context["channel_form"].errors["target"])
    assert not Channel.objects.exists()


def test_every_apprise_service_not_reached_through_requests_is_refused():
    """If an apprise upgrade brings a service that connects some other way, this names it."""
    raw_transport = re.compile(
        r"^\s*(?:import|from)\s+(?:socket|smtplib|ssl|paho|slixmpp|gntp|dbus|gi\b|syslog|"
        r"asyncio|ctypes|subprocess|pika|smpplib|hid|websocket|\.+(?:\w+\.)?(?:socket|email))",
        re.MULTILINE,
    )
    manager = NotificationManager()
    manager.load_modules()
    unguarded = {}
    for plugin in set(manager.plugins()):
        sources = set()
        for cls in plugin.__mro__:
            name = cls.__module__
            if not name.startswith("apprise.plugins.") or name == "apprise.plugins.base":
                continue
            path = Path(sys.modules[name].__file__)
            sources |= set(path.parent.glob("*.py")) if path.parent.name != "plugins" else {path}
        if any(raw_transport.search(source.read_text()) for source in sources):
            unguarded[plugin.__name__] = schemes_of(plugin)
    assert "NotifyEmail" in unguarded and "NotifyRSyslog" in unguarded  # the scan finds them
    missing = {name: schemes for name, schemes in unguarded.items() if not schemes <= NOT_OVER_HTTP}
    assert missing == {}


def test_send_a_test_to_a_stored_loopback_url_is_refused_before_connecting(
    production, manager_client, hook
):
    channel = stored_without_a_check(hook.url)

    tested = manager_client.post(
        f"/alerts/notifications/channels/{channel.pk}/test/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET=f"channel-{channel.pk}",
    )

    assert hook.received == [] and hook.others == []
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.last_error.startswith("Not delivered: 127.0.0.1 is a loopback address.")
    assert "Not delivered: 127.0.0.1 is a loopback address" in tested.text


def test_a_name_that_resolves_inside_is_refused_by_the_connection(production, hook, monkeypatch):
    # Public when the channel was saved; now the name answers with a loopback address.
    channel = stored_without_a_check(hook.url.replace("127.0.0.1", "hooks.test"))
    calls = []
    monkeypatch.setattr(socket, "getaddrinfo", resolver_answering("127.0.0.1", calls=calls))

    delivery = services.send_test(channel)

    assert hook.received == []
    assert calls == ["hooks.test"]  # resolved once, by the guard, and refused
    assert delivery.status == "failed"
    assert "hooks.test resolves to 127.0.0.1, a loopback address" in delivery.last_error


def test_a_service_with_a_fixed_host_passes_the_guard_too(production, monkeypatch):
    # Telegram's host is apprise's (api.telegram.org), not the URL's: the connection checks it.
    channel = stored_without_a_check("tgram://123456789:abcdefg_hijklmnop/12315544/")
    calls = []
    monkeypatch.setattr(socket, "getaddrinfo", resolver_answering("127.0.0.1", calls=calls))

    delivery = services.send_test(channel)

    assert calls == ["api.telegram.org"]
    assert "api.telegram.org resolves to 127.0.0.1, a loopback address" in delivery.last_error


def test_the_address_checked_is_the_one_connected_to(hook, monkeypatch):
    calls = []
    # A rebinding name: the check sees 127.0.0.1, and any later lookup would get 127.0.0.2,
    # where nothing listens.
    monkeypatch.setattr(
        socket, "getaddrinfo", resolver_answering("127.0.0.1", "127.0.0.2", calls=calls)
    )
    channel = services.save_channel(
        Channel(name="Hook", kind=Channel.Kind.APPRISE),
        hook.url.replace("127.0.0.1", "hooks.test"),
    )

    delivery = services.send_test(channel)

    assert delivery.status == "sent"
    assert calls == ["hooks.test"]
    assert hook.received[0]["title"] == "[smmdash] Test message"


def test_a_redirect_is_not_followed():
    hook, elsewhere = Hook(), Hook()
    try:
        hook.status, hook.location = 302, elsewhere.url.replace("json://", "http://")
        channel = services.save_channel(Channel(name="Hook", kind=Channel.Kind.APPRISE), hook.url)

        delivery = services.send_test(channel)

        assert len(hook.received) == 1
        assert elsewhere.received == [] and elsewhere.others == []
        assert delivery.status == "failed"
        assert "answered with a redirect, which smmdash does not follow" in delivery.last_error
    finally:
        hook.server.shutdown()
        elsewhere.server.shutdown()


def test_a_failed_delivery_tells_its_kind_not_what_the_socket_said(hook):
    closed = services.save_channel(
        Channel(name="Closed", kind=Channel.Kind.APPRISE), f"json://127.0.0.1:{free_port()}/x"
    )
    failing = services.save_channel(Channel(name="Failing", kind=Channel.Kind.APPRISE), hook.url)
    hook.status = 500

    unreachable = services.send_test(closed)
    answered = services.send_test(failing)

    assert unreachable.last_error == "Could not be delivered: the service could not be reached."
    assert answered.last_error == "Could not be delivered: the service answered HTTP 500."
