"""Requests that code smmdash does not own makes to an address staff typed, under the panels'
address guard.

smmdash's own requests (the panel client, the exchange-rate fetch) go through a guarded session
(``connections.guarded_session``). apprise, which delivers alerts to notification services,
calls ``requests.post`` and its like itself. Inside ``guarded_requests()``, and in every thread
started with a copy of its context (as apprise starts its senders), each request made through
``requests`` is sent by the same connections as a panel's: the host resolved once, every
address it resolves to checked, the socket connected to exactly a checked address. It goes
through no proxy and follows no redirect. Outside, ``requests`` behaves as ever.

The guard keeps what happened (refused, not reached, answered HTTP n), so that a failure can be
told in those words rather than in a socket error's, which would make a port scanner of it.
"""

import contextvars
import functools
import threading
from contextlib import contextmanager
from dataclasses import dataclass

import requests

from panel.connections import AddressRefused, WatchedAdapter, WireState
from panel.errors import PanelClientError


class OutboundRefused(requests.ConnectionError):
    """The guard refused the address: a requests error, so a sender's usual handling applies."""


@dataclass
class Guard:
    """What the requests made under one guard did."""

    wire: WireState
    adapter: WatchedAdapter
    refused: str = ""  # the guard's words, when it refused an address
    unreachable: bool = False  # a connection failed, timed out, or the name was not found
    status: int | None = None  # the HTTP status of the last answer
    redirected: bool = False


_ACTIVE: contextvars.ContextVar[Guard | None] = contextvars.ContextVar(
    "guarded_requests", default=None
)
_INSTALLING = threading.Lock()


@contextmanager
def guarded_requests(allow_private_hosts: bool, public_only: str):
    """Guard every request made through ``requests`` in this context; yields the Guard.

    `public_only` ends a refusal's words ("Notification services must be on public
    addresses...").
    """
    _install()
    wire = WireState(allow_private_hosts=allow_private_hosts, public_only=public_only)
    guard = Guard(wire, WatchedAdapter(wire, max_retries=0))
    token = _ACTIVE.set(guard)
    try:
        yield guard
    finally:
        _ACTIVE.reset(token)
        guard.adapter.close()


def _install():
    """Wrap ``requests.Session`` once; the wrappers do nothing where no guard is active."""
    with _INSTALLING:
        if getattr(requests.Session, "_guarded_by_smmdash", False):
            return
        _wrap(requests.Session)


def _wrap(session_class):
    send, get_adapter = session_class.send, session_class.get_adapter

    @functools.wraps(get_adapter)
    def guarded_get_adapter(session, url):
        adapter = get_adapter(session, url)
        guard = _ACTIVE.get()
        if guard is None or isinstance(adapter, WatchedAdapter):
            return adapter  # not guarded here, or a session with a guard of its own (a panel's)
        return guard.adapter

    @functools.wraps(send)
    def guarded_send(session, request, **kwargs):
        guard = _ACTIVE.get()
        if guard is None:
            return send(session, request, **kwargs)
        # A redirect is answered, never followed; a proxy would connect on our behalf to
        # wherever it was told.
        kwargs.update(allow_redirects=False, proxies={})
        failure = None
        try:
            response = send(session, request, **kwargs)
        except AddressRefused as refused:  # raised by the guard, inside the connection
            guard.refused = refused.message
            failure = OutboundRefused(refused.message)
        except PanelClientError as unreachable:  # the host name was not found
            guard.unreachable = True
            failure = requests.ConnectionError(unreachable.message)
        except requests.RequestException:
            guard.unreachable = True
            raise
        if failure is not None:
            raise failure
        guard.status = response.status_code
        guard.redirected = guard.redirected or response.is_redirect
        return response

    session_class.get_adapter = guarded_get_adapter
    session_class.send = guarded_send
    session_class._guarded_by_smmdash = True
