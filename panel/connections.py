"""The sockets under a panel client: which address it may connect to, and whether a request left.

Two facts decide what a failed write means, and both are known only down here:

- **Where the connection went.** The host is resolved once, every address it resolves to is
  checked (public only, unless private hosts are allowed), and the socket connects to exactly
  one of those checked addresses. TLS still uses the host name, for SNI and the certificate
  check, and so does the ``Host`` header. Resolving again later (as ``requests`` would) would
  let a host name answer "public" to the check and "internal" to the connection.
- **Whether the request's first byte was handed to the socket.** Before it (DNS, a refused
  connection, a connect timeout, a TLS handshake that failed) nothing reached the panel, so a
  write may be tried again. After it, whatever breaks and whichever library raises it, the panel
  may have acted on the request. ``WireState.request_started`` records the moment.
"""

import ipaddress
import socket
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from panel.errors import ProviderUnreachable

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
# What a refusal says after naming the address; other callers of the guard say it of theirs.
PANELS_PUBLIC_ONLY = (
    "Panels must be on public addresses (PROVIDER_ALLOW_PRIVATE_HOSTS allows internal ones)."
)


class AddressRefused(ProviderUnreachable):
    """The panel's host resolves to an address smmdash must not connect to. Nothing was sent."""


def refusal_reason(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why `address` is no place for a panel (None: it is a public address).

    ``is_global`` alone is not enough: it lets through site-local IPv6 (``fec0::/10``) and IPv6
    forms that carry an IPv4 address inside them (mapped, 6to4, Teredo, NAT64), which reach that
    IPv4 address however private it is.
    """
    inner = _embedded_ipv4(address)
    if inner is not None and refusal_reason(inner):
        return f"it carries {inner}, {refusal_reason(inner)}"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if address.is_private:
        return "a private address"
    if not address.is_global:
        return "not a public address"
    return None


def _embedded_ipv4(address) -> ipaddress.IPv4Address | None:
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped:
        return address.ipv4_mapped
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]  # the client's address, which the relay forwards to
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass
class WireState:
    """What the transport's connections did during one request. Reset before each request."""

    allow_private_hosts: bool = False
    public_only: str = PANELS_PUBLIC_ONLY  # the refusal's last sentence
    request_started: bool = False
    connected_to: str | None = None  # the address the last connection went to

    def reset(self):
        self.request_started = False
        self.connected_to = None


def checked_addresses(
    host: str, port: int, allow_private_hosts: bool, public_only: str = PANELS_PUBLIC_ONLY
):
    """Resolve `host` once; every address must pass, or AddressRefused names the first that
    does not (and ends with `public_only`). Returns getaddrinfo's entries, to connect to in that
    order."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ProviderUnreachable(f"Could not connect to {host} (host name not found)") from None
    if not answers:
        raise ProviderUnreachable(f"Could not connect to {host} (host name not found)")
    if not allow_private_hosts:
        for *_, sockaddr in answers:
            address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
            reason = refusal_reason(address)
            if reason:
                where = (
                    f"{host} is"
                    if host.strip("[]") == str(address)
                    else (f"{host} resolves to {address},")
                )
                raise AddressRefused(f"{where} {reason}. {public_only}")
    return answers


def connect_to_one_of(answers, timeout, socket_options) -> tuple[socket.socket, str]:
    """A TCP connection to the first of `answers` that takes one, like create_connection()."""
    failure = None
    for family, kind, proto, _, sockaddr in answers:
        sock = socket.socket(family, kind, proto)
        try:
            for option in socket_options or ():
                sock.setsockopt(*option)
            sock.settimeout(timeout)
            sock.connect(sockaddr)
        except OSError as error:
            sock.close()
            failure = error
            continue
        return sock, sockaddr[0]
    raise failure


class _WatchedConnection:
    """Shared by the HTTP and HTTPS connection classes below."""

    def __init__(self, *args, wire: WireState, **kwargs):
        super().__init__(*args, **kwargs)
        self.wire = wire

    def _new_conn(self) -> socket.socket:
        wire = self.wire
        answers = checked_addresses(
            self._dns_host, self.port, wire.allow_private_hosts, wire.public_only
        )
        try:
            sock, address = connect_to_one_of(answers, self.timeout, self.socket_options)
        except TimeoutError as timed_out:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out") from timed_out
        except OSError as error:
            raise NewConnectionError(self, f"Failed to establish a connection: {error}") from error
        self.wire.connected_to = address
        return sock

    def send(self, data):
        if self.sock is None:
            self.connect()  # connecting (and the TLS handshake) sends no byte of the request
        self.wire.request_started = True
        super().send(data)


class WatchedHTTPConnection(_WatchedConnection, HTTPConnection):
    pass


class WatchedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


class _WatchedPoolManager(PoolManager):
    def __init__(self, *args, wire: WireState, **kwargs):
        super().__init__(*args, **kwargs)
        self.wire = wire
        self.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def _new_pool(self, scheme, host, port, request_context=None):
        # Pools hand their extra keywords to each connection they make.
        context = dict(request_context if request_context is not None else self.connection_pool_kw)
        context["wire"] = self.wire
        return super()._new_pool(scheme, host, port, request_context=context)


class WatchedAdapter(HTTPAdapter):
    """A requests adapter whose connections go through the address check and report to `wire`."""

    def __init__(self, wire: WireState, **kwargs):
        self.wire = wire
        super().__init__(**kwargs)

    def init_poolmanager(self, connections, maxsize, block=False, **pool_kwargs):
        self._pool_connections, self._pool_maxsize, self._pool_block = connections, maxsize, block
        self.poolmanager = _WatchedPoolManager(
            num_pools=connections, maxsize=maxsize, block=block, wire=self.wire, **pool_kwargs
        )


def guarded_session(wire: WireState, **adapter_options) -> requests.Session:
    """A requests session whose every connection passes the address guard and reports to
    `wire`, through no proxy and with no credentials picked up from the machine. Redirects are
    the caller's to refuse (``allow_redirects=False``)."""
    session = requests.Session()
    session.trust_env = False
    adapter = WatchedAdapter(wire, **adapter_options)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
