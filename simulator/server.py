"""The simulator's HTTP server: the five panels at one address, one path each.

sim = Simulator(clock=ManualClock()).start()      # on a free loopback port
client = PanelClient(sim.url("smmub"), sim.key("smmub"))
sim.inject("smmub", "reset", action="add")        # the next add is placed, then the line drops
"""

import logging
import socket
import struct
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from simulator import books
from simulator.dialects import DIALECTS
from simulator.faults import Fault
from simulator.ledger import ManualClock, Pace, RealClock
from simulator.panels import SimPanel
from simulator.wire import to_json

log = logging.getLogger("smmdash.simulator")

CLOUDFLARE_PAGE = (
    "<!DOCTYPE html><html lang=en><head><title>Just a moment...</title></head>"
    "<body><h1>Checking your browser before accessing the panel.</h1>"
    "<p>Cloudflare Ray ID: 8f2c1e0b9a7d4c3e</p></body></html>"
)
UNAVAILABLE_PAGE = (
    "<html><head><title>503 Service Temporarily Unavailable</title></head>"
    "<body><center><h1>503 Service Temporarily Unavailable</h1></center>"
    "<hr><center>nginx</center></body></html>"
)


@dataclass(frozen=True)
class Received:
    """One request as the simulator saw it (without the key)."""

    panel: str
    action: str
    form: dict
    key_known: bool
    peer: tuple  # the client's address and port: one port per connection


class Simulator:
    def __init__(
        self,
        *,
        clock=None,
        pace: Pace | None = None,
        catalog_size: int | None = None,
        keys: dict | None = None,
        latency: float = 0.0,
    ):
        self.clock = clock or RealClock()
        self.pace = pace or Pace()
        self.catalog_size = catalog_size
        self.latency = latency  # seconds added to every answer, like a panel across the world
        self.books_file = None  # where orders are kept across restarts (see simulator.books)
        self.host = "127.0.0.1"
        self.port = 0
        self._server = None
        self._lock = threading.Lock()  # guards faults and received, shared with server threads
        self.reset(keys)

    def reset(self, keys: dict | None = None):
        """Fresh panels, each with one account holding 1000 in its currency."""
        if isinstance(self.clock, ManualClock):
            self.clock = ManualClock()
        self.panels = {
            slug: SimPanel(dialect, self.clock, self.pace, self.catalog_size)
            for slug, dialect in DIALECTS.items()
        }
        self._keys = {
            slug: panel.ledger.open_account((keys or {}).get(slug))
            for slug, panel in self.panels.items()
        }
        self.faults: dict[str, list[Fault]] = {slug: [] for slug in self.panels}
        self.received: list[Received] = []

    # For tests and the demo ------------------------------------------------------------------

    def panel(self, slug: str) -> SimPanel:
        return self.panels[slug]

    def key(self, slug: str) -> str:
        return self._keys[slug]

    def url(self, slug: str) -> str:
        return f"http://{self.host}:{self.port}/{slug}{self.panels[slug].dialect.path}"

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

    def bind(self, host: str = "127.0.0.1", port: int = 0) -> "Simulator":
        self._server = _Server((host, port), _Handler)
        self._server.simulator = self
        self.host, self.port = host, self._server.server_address[1]
        return self

    def start(self, host: str = "127.0.0.1", port: int = 0) -> "Simulator":
        """Serve on a background thread; port 0 picks a free one."""
        self.bind(host, port)
        threading.Thread(target=self.serve_forever, name="panel-simulator", daemon=True).start()
        return self

    def serve_forever(self):
        self._server.serve_forever()

    def stop(self):
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

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

    def _record(self, slug, action, form, panel, peer):
        seen = Received(
            peer=peer,
            panel=slug,
            action=action,
            form={name: value for name, value in form.items() if name != "key"},
            key_known=form.get("key", "") in panel.ledger.accounts,
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


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server_version = "nginx"
    sys_version = ""

    def log_message(self, format, *args):
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self):
        self._handle(parse_qsl(urlsplit(self.path).query, keep_blank_values=True))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        self._handle(parse_qsl(body, keep_blank_values=True))

    def _handle(self, pairs):
        simulator = self.server.simulator
        slug, _, path = urlsplit(self.path).path.strip("/").partition("/")
        panel = simulator.panels.get(slug)
        if panel is None or "/" + path.rstrip("/") != panel.dialect.path:
            return self._send(404, "<html><body><h1>404 Not Found</h1></body></html>", "text/html")
        if self.command not in panel.dialect.methods:
            return self._send(
                405, "<html><body><h1>405 Not Allowed</h1></body></html>", "text/html"
            )
        form = dict(pairs)
        action = form.get("action", "").strip().lower()
        if simulator.latency:
            time.sleep(simulator.latency)
        simulator._record(slug, action, form, panel, self.client_address)
        fault = simulator._take_fault(slug, action)
        try:
            if fault is None:
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
            return self._send(403, CLOUDFLARE_PAGE, "text/html; charset=UTF-8")
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
        raise AssertionError(fault.kind)

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
        text = to_json(answer, trailing_commas=dialect.trailing_commas)
        if dialect.byte_order_mark:
            text = "\ufeff" + text
        self._send(200, text, dialect.content_type)

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
