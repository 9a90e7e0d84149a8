"""Before or after the first byte: what decides whether a failed write may have reached the panel.

Each failure point is produced for real (a closed port, an untrusted certificate, a name that
does not resolve), except the connect timeout, which loopback cannot produce on demand.
"""

import ipaddress
import socket

import pytest

from panel import AddressRefused, OrderOutcomeUnknown, PanelClient, ProviderUnreachable, connections
from panel.connections import refusal_reason

pytestmark = pytest.mark.over_http_and_https

KEY = "k" * 32


def a_service_id(simulator):
    return next(s.service_id for s in simulator.panel("smmprovider").catalog if s.min <= 100)


def add_one(client, simulator):
    return client.add_order(a_service_id(simulator), "https://instagram.com/p/wire", 100)


def free_port():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        return free.getsockname()[1]


def test_a_refused_connection_sent_nothing(simulator):
    scheme = simulator.scheme
    client = PanelClient(
        f"{scheme}://127.0.0.1:{free_port()}/api/v2", KEY, retries=0, allow_private_hosts=True
    )

    with pytest.raises(ProviderUnreachable, match="connection refused") as failure:
        client.add_order("1", "https://x.com", 100)

    assert not isinstance(failure.value, OrderOutcomeUnknown)  # safe to try again
    assert client._transport.wire.request_started is False
    # Measured as a call that could not connect, which smmdash tells apart from a lost answer.
    (call,) = client.calls
    assert (call.answered, call.connected) == (False, False)


def test_a_host_name_that_does_not_resolve_sent_nothing(simulator):
    client = PanelClient(f"{simulator.scheme}://panel.invalid/api/v2", KEY, retries=0)

    with pytest.raises(ProviderUnreachable, match="host name not found") as failure:
        client.add_order("1", "https://x.com", 100)

    assert not isinstance(failure.value, OrderOutcomeUnknown)


def test_a_connect_timeout_sent_nothing(connect, simulator, monkeypatch):
    def never_connects(*args):
        raise TimeoutError("timed out")

    monkeypatch.setattr(connections, "connect_to_one_of", never_connects)

    with pytest.raises(ProviderUnreachable, match=r"Could not connect .* within 1s") as failure:
        add_one(connect("smmprovider"), simulator)

    assert not isinstance(failure.value, OrderOutcomeUnknown)
    assert simulator.requests() == []


def test_every_request_byte_handed_over_counts_as_sent(connect, simulator):
    client = connect("smmprovider")
    add_one(client, simulator)

    assert client._transport.wire.request_started is True
    assert client._transport.wire.connected_to == "127.0.0.1"


def test_a_reset_before_the_panel_read_the_request_is_still_unknown(connect, simulator):
    # The bytes left: whether the panel acted on them cannot be seen from here.
    simulator.inject("smmprovider", "reset", action="add", after=False)
    client = connect("smmprovider")

    with pytest.raises(OrderOutcomeUnknown):
        add_one(client, simulator)
    (call,) = client.calls
    assert (call.answered, call.connected) == (False, True)


def test_an_untrusted_certificate_fails_the_handshake_before_anything_is_sent(simulator):
    url = simulator.url("smmprovider", scheme="https")
    # The system's CAs do not know the simulator's: the handshake fails, as for a bad panel.
    client = PanelClient(url, simulator.key("smmprovider"), retries=0, allow_private_hosts=True)

    with pytest.raises(ProviderUnreachable, match="certificate is not trusted") as failure:
        add_one(client, simulator)

    assert not isinstance(failure.value, OrderOutcomeUnknown)
    assert simulator.requests() == []  # the panel saw no request
    assert simulator.panel("smmprovider").ledger.orders == {}
    assert [call.connected for call in client.calls] == [False]


def test_https_to_a_port_that_speaks_plain_http_sent_nothing(simulator):
    url = simulator.url("smmprovider", scheme="http").replace("http://", "https://")
    client = PanelClient(url, KEY, retries=0, allow_private_hosts=True, ca_bundle=simulator.ca_file)

    with pytest.raises(ProviderUnreachable, match="secure connection failed") as failure:
        client.add_order("1", "https://x.com", 100)

    assert not isinstance(failure.value, OrderOutcomeUnknown)
    assert simulator.requests() == []


def test_tls_checks_the_host_name_while_connecting_to_the_checked_address(simulator):
    # localhost is in the certificate and resolves to loopback: the name goes to TLS (SNI and
    # the certificate check) while the socket goes to the address the check saw.
    url = simulator.url("smmprovider", scheme="https").replace("127.0.0.1", "localhost")
    client = PanelClient(
        url, simulator.key("smmprovider"), allow_private_hosts=True, ca_bundle=simulator.ca_file
    )

    assert client.balance().currency == "USD"
    assert client._transport.wire.connected_to in ("127.0.0.1", "::1")


# The address guard ------------------------------------------------------------------------------


def resolver_answering(*addresses, calls):
    """A stand-in for getaddrinfo that answers each lookup with the next address."""

    def getaddrinfo(host, port, *args, **kwargs):
        address = addresses[min(len(calls), len(addresses) - 1)]
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return getaddrinfo


def test_the_host_is_resolved_once_and_the_checked_address_is_the_one_connected_to(
    simulator, monkeypatch
):
    calls = []
    # A rebinding name: the check sees 127.0.0.1 and any later lookup would get 127.0.0.2.
    monkeypatch.setattr(
        socket, "getaddrinfo", resolver_answering("127.0.0.1", "127.0.0.2", calls=calls)
    )
    url = simulator.url("smmprovider", scheme="http").replace("127.0.0.1", "panel.test")
    client = PanelClient(url, simulator.key("smmprovider"), allow_private_hosts=True)

    assert client.balance().amount == 1000

    assert calls == ["panel.test"]
    assert client._transport.wire.connected_to == "127.0.0.1"


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.5.4",
        "192.168.0.10",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "100.100.100.200",  # a cloud's metadata address, inside carrier-grade NAT
        "0.0.0.0",  # noqa: S104 (an address to refuse, not to bind)
        "192.0.2.1",  # documentation
        "224.0.0.1",
    ],
)
def test_an_internal_address_is_refused_before_connecting(simulator, monkeypatch, address):
    calls = []
    monkeypatch.setattr(socket, "getaddrinfo", resolver_answering(address, calls=calls))
    client = PanelClient(f"{simulator.scheme}://panel.test/api/v2", KEY, retries=3)

    with pytest.raises(AddressRefused, match=f"panel.test resolves to {address}") as refused:
        client.add_order("1", "https://x.com", 100)

    assert not isinstance(refused.value, OrderOutcomeUnknown)
    assert "PROVIDER_ALLOW_PRIVATE_HOSTS" in refused.value.message
    assert calls == ["panel.test"]  # refused at once, not retried
    assert client._transport.wire.connected_to is None


@pytest.mark.parametrize(
    "address",
    [
        "::1",
        "fe80::1",
        "fec0::1",  # site-local, which is_global lets through
        "fc00::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
        "2002:c0a8:0001::1",  # 6to4 around 192.168.0.1
        "2002:7f00:0001::1",  # 6to4 around 127.0.0.1
        "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo to 10.0.0.1
        "ff02::1",
        "::",
    ],
)
def test_internal_ipv6_forms_are_refused(address):
    assert refusal_reason(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "2606:4700::1111"])
def test_public_addresses_pass(address):
    assert refusal_reason(ipaddress.ip_address(address)) is None


def test_an_ip_literal_is_named_once_in_the_refusal(simulator):
    client = PanelClient(f"{simulator.scheme}://127.0.0.1:9/api/v2", KEY)

    with pytest.raises(AddressRefused, match=r"^127\.0\.0\.1 is a loopback address"):
        client.balance()
