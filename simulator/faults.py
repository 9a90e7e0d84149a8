"""Faults a test (or a curious demo user) can make a simulated panel commit.

Each fault is used up by the next matching request(s). ``after=True`` lets the panel do the
work first (create the order) and then fail to answer: the case a client must never resend.
"""

from dataclasses import dataclass

KINDS = {
    "slow": "answer only after `seconds` (by default after doing the work)",
    "reset": "drop the connection without an answer (by default after doing the work)",
    "unavailable": "HTTP 503 with an HTML error page",
    "cloudflare": "HTTP 403 with a Cloudflare challenge page",
    "blocked": "HTTP 403 with Cloudflare's block page (error 1020: this address is blocked)",
    "empty": "HTTP 200 with an empty body",
    "not_json": "HTTP 200 with text that is not JSON",
    "server_error": 'HTTP 500 with {"error": "Internal error"}',
    "redirect": "HTTP 301 to the https:// address",
    "rate_limit": "the panel's own rate-limit error",
    "invalid_key": "the panel's own invalid-key error",
    "echo_key": "an error that quotes the key back, as careless panels do",
    "huge": "an answer of `size` bytes",
    # A real network's ways of losing an answer, each by default after the work was done:
    "tls_alert": "a fatal TLS alert record instead of the answer, then the line drops",
    "tls_garbage": "a TLS record that cannot be decrypted instead of the answer",
    "truncated": "the answer's headers and half its body, then the line drops",
    "html_500": "HTTP 500 with an HTML error page",
    "bad_gateway": "HTTP 502 with the HTML page a proxy in front of the panel sends",
    "found": "HTTP 302 to the panel's home page",
    # Any answer a real panel gives, as its page documents it, for the client's tests:
    "canned": "answer `body` with HTTP `code`, `content_type` and `headers`",
}
DONE_FIRST_BY_DEFAULT = {
    "slow",
    "reset",
    "tls_alert",
    "tls_garbage",
    "truncated",
    "html_500",
    "bad_gateway",
    "found",
}


@dataclass
class Fault:
    kind: str
    action: str | None = None  # None: any action
    times: int = 1
    seconds: float = 2.0
    after: bool | None = None
    size: int = 40 * 1024 * 1024
    body: str = ""
    code: int = 200
    content_type: str = "application/json"
    headers: dict | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown fault {self.kind!r}; one of {', '.join(KINDS)}")
        if self.after is None:
            self.after = self.kind in DONE_FIRST_BY_DEFAULT

    def matches(self, action: str) -> bool:
        return self.times > 0 and (self.action is None or self.action == action)
