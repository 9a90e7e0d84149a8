"""The simulator's HTTP server: every simulated panel at one address, one path each.

sim = Simulator(clock=ManualClock(), tls_dir="var/tls").start()  # free loopback ports
client = PanelClient(sim.url("smmub"), sim.key("smmub"), allow_private_hosts=True)
sim.inject("smmub", "reset", action="add")  # the next add is placed, then the line drops
sim.scheme = "https"  # url() now names the HTTPS port; verify with ca_bundle=sim.ca_file
"""

import logging
import os
import secrets
import socket
import struct
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from simulator import books, inbound
from simulator.faults import Fault
from simulator.ledger import ManualClock, Pace, RealClock
from simulator.panels import SimPanel
from simulator.tls import Certificates
from simulator.wild import ALL_DIALECTS
from simulator.wire import Reply, to_json

log = logging.getLogger("smmdash.simulator")

CLOUDFLARE_PAGE = (
    "<!DOCTYPE html><html lang=en><head><title>Just a moment...</title></head>"
    "<body><h1>Checking your browser before accessing the panel.</h1>"
    "<p>Cloudflare Ray ID: 8f2c1e0b9a7d4c3e</p></body></html>"
)
# Cloudflare's block page (a firewall rule, error 1020), as it is served to a blocked address.
CLOUDFLARE_BLOCK_PAGE = (
    '<!DOCTYPE html><html class="no-js" lang="en-US"><head>'
    "<title>Attention Required! | Cloudflare</title></head><body>"
    '<div id="cf-wrapper"><div id="cf-error-details" class="cf-error-details-wrapper">'
    '<h1 data-translate="block_headline">Sorry, you have been blocked</h1>'
    "<h2>You are unable to access panel.example</h2>"
    "<h2>Why have I been blocked?</h2><p>This website is using a security service to protect "
    "itself from online attacks.</p>"
    '<p>Error code: <span class="cf-error-code">1020</span></p>'
    "<p>Cloudflare Ray ID: <strong>8f2c1e0b9a7d4c3f</strong> &bull; Your IP: 203.0.113.7</p>"
    "</div></div></body></html>"
)
UNAVAILABLE_PAGE = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center>"
    "<hr><center>nginx</center></body></html>"
)
ERROR_PAGE = (
    "<!DOCTYPE html><html><head><title>{code} {reason}</title></head>"
    "<body><h1>{reason}</h1><p>The server encountered an error.</p></body></html>"
)
# A TLS record of type "alert", level fatal, internal_error: sent in the clear, as a
# misbehaving proxy does; to the client it is a broken TLS stream either way.
TLS_FATAL_ALERT = b"\x15\x03\x03\x00\x02\x02\x50"


@dataclass(frozen=True)
class Received:
    """One request as the simulator saw it (without the key)."""

    panel: str
    action: str
    form: dict
    key_known: bool
    peer: tuple  # the client's address and port: one port per connection
    key_place: str = "form"  # where the panel found the key (see simulator.inbound)
    body: str = "form"  # "form", "json" or "query"
    path: str = ""  # as requested, query string included


class Simulator:
    def __init__(
        self,
        *,
        clock=None,
        pace: Pace | None = None,
        catalog_size: int | None = None,
        keys: dict | None = None,
        latency: float = 0.0,
        tls_dir=None,
        delivery_profiles: dict | None = None,
    ):
        self.clock = clock or RealClock()
        self.pace = pace or Pace()
        self.catalog_size = catalog_size
        self.latency = latency  # seconds added to every answer, like a panel across the world
        self.books_file = None  # where orders are kept across restarts (see simulator.books)
        self.host = "127.0.0.1"
        self.port = 0
        # With a folder for its certificates, it serves HTTPS too, on a port of its own.
        self.certificates = Certificates(tls_dir) if tls_dir is not None else None
        self.https_port = 0
        self.scheme = "http"  # which of the two url() names
        self._server = None
        self._tls_server = None
        self._lock = threading.Lock()  # guards faults and received, shared with server threads
        # {panel slug: ledger.Delivery}: how well each panel delivers (simulator.profiles).
        self.delivery_profiles = delivery_profiles or {}
        self.reset(keys)

    def reset(self, keys: dict | None = None):
        """Fresh panels, each with one account holding its opening balance (1000 in its currency
        unless the panel's currency needs more)."""
        if isinstance(self.clock, ManualClock):
            self.clock = ManualClock()
        self.panels = {
            slug: SimPanel(dialect, self.clock, self.pace, self.catalog_size)
            for slug, dialect in ALL_DIALECTS.items()
        }
        for slug, delivery in self.delivery_profiles.items():
            self.panels[slug].ledger.delivery = delivery
        self._keys = {
            slug: panel.ledger.open_account((keys or {}).get(slug), panel.dialect.opening_balance)
            for slug, panel in self.panels.items()
        }
        self.faults: dict[str, list[Fault]] = {slug: [] for slug in self.panels}
        self.received: list[Received] = []

    # For tests and the demo ------------------------------------------------------------------

    def panel(self, slug: str) -> SimPanel:
        return self.panels[slug]

    def key(self, slug: str) -> str:
        return self._keys[slug]

    def deposit(self, slug: str, amount) -> None:
        """Top the panel's account up by `amount`, as a reseller paying in would."""
        panel = self.panels[slug]
        with panel.ledger.lock:
            panel.ledger.accounts[self._keys[slug]].deposit += Decimal(str(amount))

    def url(self, slug: str, scheme: str | None = None) -> str:
        scheme = scheme or self.scheme
        if scheme == "https" and self._tls_server is None:
            raise RuntimeError("this simulator serves no HTTPS: give it a tls_dir")
        port = self.https_port if scheme == "https" else self.port
        return f"{scheme}://{self.host}:{port}/{slug}{self.panels[slug].dialect.path}"

    @property
    def ca_file(self) -> str | None:
        """The CA certificate that HTTPS clients verify the simulator with."""
        return str(self.certificates.ca_file) if self.certificates else None

    def advance(self, seconds: float):
        self.clock.advance(seconds)

    def keep_books(self, path) -> int:
        """Restore orders saved at `path`, and save them there after every change from now on."""
        self.books_file = path
        return books.load(path, self)

    def _books_changed(self):
        if self.books_file is not None:
            with self._lock:
                books.save(self.books_file, self)

    def inject(self, slug: str, kind: str, **options) -> Fault:
        fault = Fault(kind, **options)
        with self._lock:
            self.faults[slug].append(fault)
        return fault

    def requests(self, slug: str | None = None, action: str | None = None) -> list[Received]:
        return [
            seen
            for seen in self.received
            if (slug is None or seen.panel == slug) and (action is None or seen.action == action)
        ]

    # Serving ---------------------------------------------------------------------------------

    def bind(self, host: str = "127.0.0.1", port: int = 0, https_port: int = 0) -> "Simulator":
        self._server = _Server((host, port), _Handler)
        self._server.simulator = self
        self.host, self.port = host, self._server.server_address[1]
        if self.certificates is not None:
            self._tls_server = _TLSServer((host, https_port), _Handler)
            self._tls_server.simulator = self
            self._tls_server.tls = self.certificates.server_context()
            self.https_port = self._tls_server.server_address[1]
        return self

    def start(self, host: str = "127.0.0.1", port: int = 0, https_port: int = 0) -> "Simulator":
        """Serve on background threads; port 0 picks a free one."""
        self.bind(host, port, https_port)
        for server in self._servers():
            threading.Thread(
                target=server.serve_forever, name="panel-simulator", daemon=True
            ).start()
        return self

    def serve_forever(self):
        """Serve in this thread (HTTPS, if any, in another) until stopped."""
        if self._tls_server is not None:
            threading.Thread(
                target=self._tls_server.serve_forever, name="panel-simulator-tls", daemon=True
            ).start()
        self._server.serve_forever()

    def _servers(self):
        return [server for server in (self._server, self._tls_server) if server is not None]

    def stop(self):
        for server in self._servers():
            server.shutdown()
            server.server_close()
        self._server = self._tls_server = None

    def __enter__(self):
        return self.start() if self._server is None else self

    def __exit__(self, *exc_info):
        self.stop()

    def _take_fault(self, slug: str, action: str) -> Fault | None:
        with self._lock:
            for fault in self.faults[slug]:
                if fault.matches(action):
                    fault.times -= 1
                    return fault
        return None

    def _record(self, slug, action, request, panel, peer, path):
        form = request.form
        seen = Received(
            peer=peer,
            panel=slug,
            action=action,
            form={name: value for name, value in form.items() if name != "key"},
            key_known=form.get("key", "") in panel.ledger.accounts,
            key_place=request.key_place,
            body=request.body,
            path=path,
        )
        with self._lock:
            self.received.append(seen)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        # Clients hanging up (timeouts, refused answers) are part of the job, not errors.
        log.debug("connection from %s ended abruptly", client_address, exc_info=True)


class _TLSServer(_Server):
    """The same panels over HTTPS. The handshake runs in the connection's own thread, so one
    client that never finishes it holds up nobody else."""

    tls = None  # an ssl.SSLContext, set by Simulator.bind

    def finish_request(self, request, client_address):
        secure = self.tls.wrap_socket(request, server_side=True)
        try:
            self.RequestHandlerClass(secure, client_address, self)
        finally:
            secure.close()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format, *args):
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self):
        self._handle(b"")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self._handle(self.rfile.read(length))

    def _handle(self, body: bytes):
        simulator = self.server.simulator
        slug, _, path = urlsplit(self.path).path.strip("/").partition("/")
        panel = simulator.panels.get(slug)
        if panel is None or ("/" + path).rstrip("/") != panel.dialect.path.rstrip("/"):
            return self._send(404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html")
        if self.command not in panel.dialect.methods:
            return self._send(
                405, "<html><body><h1>405 Not Allowed</h1></body></html>", "text/html"
            )
        request = inbound.read(
            panel.dialect, self.command, urlsplit(self.path).query, body, self.headers
        )
        form = request.form
        action = form.get("action", "").strip().lower()
        if simulator.latency:
            time.sleep(simulator.latency)
        simulator._record(slug, action, request, panel, self.client_address, self.path)
        fault = simulator._take_fault(slug, action)
        try:
            if fault is None:
                text = panel.dialect.text_for_other_bodies
                if text is not None and request.body not in panel.dialect.bodies:
                    return self._send(200, text, "text/html; charset=UTF-8")
                return self._answer(panel, panel.answer(form))
            done = panel.answer(form) if fault.after else None
            self._commit(fault, panel, form, done)
        finally:
            if action in ("add", "cancel", "refill"):
                simulator._books_changed()

    def _commit(self, fault, panel, form, done):
        dialect = panel.dialect
        if fault.kind == "slow":
            time.sleep(fault.seconds)
            return self._answer(panel, done if done is not None else panel.answer(form))
        if fault.kind == "reset":
            # SO_LINGER 0 makes close() send a TCP reset instead of a polite FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return None
        if fault.kind == "unavailable":
            return self._send(503, UNAVAILABLE_PAGE, "text/html")
        if fault.kind == "cloudflare":
            # Served by Cloudflare's edge, which marks its challenges with this header.
            headers = {"cf-mitigated": "challenge"}
            return self._send(403, CLOUDFLARE_PAGE, "text/html; charset=UTF-8", headers)
        if fault.kind == "blocked":
            return self._send(403, CLOUDFLARE_BLOCK_PAGE, "text/html; charset=UTF-8")
        if fault.kind == "empty":
            return self._send(200, "", dialect.content_type)
        if fault.kind == "not_json":
            return self._send(200, "Warning: mysql_connect(): Too many connections", "text/html")
        if fault.kind == "server_error":
            return self._send(500, '{"error": "Internal error"}', "application/json")
        if fault.kind == "redirect":
            location = f"https://{self.headers.get('Host', 'localhost')}{self.path}"
            return self._send(301, "", "text/html", {"Location": location})
        if fault.kind == "rate_limit":
            return self._answer(panel, dialect.error("rate_limited", seconds=7))
        if fault.kind == "invalid_key":
            return self._answer(panel, dialect.error("invalid_key"))
        if fault.kind == "echo_key":
            return self._answer(panel, {"error": f"Invalid API key: {form.get('key', '')}"})
        if fault.kind == "huge":
            return self._stream_huge(fault.size)
        if fault.kind == "tls_alert":
            return self._break_stream(TLS_FATAL_ALERT)
        if fault.kind == "tls_garbage":
            # An application-data record whose contents decrypt to nothing.
            return self._break_stream(b"\x17\x03\x03\x00\x40" + secrets.token_bytes(64))
        if fault.kind == "truncated":
            return self._truncated(panel, done)
        if fault.kind == "html_500":
            page = ERROR_PAGE.format(code=500, reason="Internal Server Error")
            return self._send(500, page, "text/html")
        if fault.kind == "bad_gateway":
            return self._send(502, ERROR_PAGE.format(code=502, reason="Bad Gateway"), "text/html")
        if fault.kind == "canned":
            return self._send(fault.code, fault.body, fault.content_type, fault.headers)
        if fault.kind == "found":
            location = f"https://{self.headers.get('Host', 'localhost')}/"
            return self._send(302, "", "text/html", {"Location": location})
        raise AssertionError(fault.kind)

    def _break_stream(self, raw: bytes):
        """Write `raw` straight to the socket, under any TLS layer, and hang up."""
        self.close_connection = True
        try:
            self.wfile.flush()
            os.write(self.connection.fileno(), raw)
        except OSError:
            pass

    def _truncated(self, panel, done):
        if isinstance(done, Reply):
            done = done.data
        body = to_json(done if done is not None else {"error": "Incorrect request"}).encode()
        self.close_connection = True
        try:
            self.send_response(200)
            self.send_header("Content-Type", panel.dialect.content_type)
            self.send_header("Content-Length", str(len(body) + 64))
            self.end_headers()
            self.wfile.write(body[: max(1, len(body) // 2)])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _stream_huge(self, size):
        """Chunked, with no Content-Length, so only counting the bytes can stop a client."""
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"[" + b" " * (64 * 1024 - 1)
        try:
            for _ in range(size // len(chunk) + 1):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                chunk = b" " * len(chunk)
            self.wfile.write(b"1\r\n]\r\n0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _answer(self, panel, answer):
        dialect = panel.dialect
        reply = answer if isinstance(answer, Reply) else Reply(answer)
        text = panel.written(reply.data)
        if dialect.byte_order_mark:
            text = "\ufeff" + text
        self._send(reply.code, text, dialect.content_type, reply.headers)

    def _send(self, code, text, content_type, headers=None):
        body = text.encode("utf-8")
        try:
            self.send_response(code)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up waiting; nothing to do
