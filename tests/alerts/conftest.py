"""A local SMTP server and a local webhook receiver on loopback, so deliveries are real."""

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from alerts.models import Channel, Rule
from alerts.services import save_channel


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            {"to": envelope.rcpt_tos, "text": envelope.content.decode("utf-8", "replace")}
        )
        return "250 OK"


@pytest.fixture
def smtp(settings):
    """An SMTP server on loopback; Django's mail goes to it for the test."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    mailbox.port = controller.port
    yield mailbox
    controller.stop()


class Hook:
    """Receives what apprise's json:// service posts; answers `status` (200 unless told), with
    a `location` if set. Any other request is kept in `others`."""

    def __init__(self):
        self.received = []
        self.others = []
        self.status = 200
        self.location = None
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hook.received.append(json.loads(body or b"{}"))
                self.send_response(hook.status)
                if hook.location:
                    self.send_header("Location", hook.location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                hook.others.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def hook():
    receiver = Hook()
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def channels(smtp, hook):
    """An email channel and a webhook channel, chosen by every rule."""
    email = save_channel(Channel(name="Ops mail", kind=Channel.Kind.EMAIL), "ops@example.com")
    webhook = save_channel(Channel(name="Ops hook", kind=Channel.Kind.APPRISE), hook.url)
    for rule in Rule.objects.all():
        rule.channels.set([email, webhook])
    return email, webhook
