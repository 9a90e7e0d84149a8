"""One panel account's HTTP conversation: a request in the panel's form, decoded JSON out,
failures classified.

The key travels only in a request body or a header, never in a URL; which form the panel takes
is learned (``request_forms``). Redirects are not followed, so the key is never re-sent to
another address. Reads may be retried; writes (``add``, ``refill``, ``cancel``) never are, and
go out on a fresh connection. Whether a failed write may have reached the panel is decided by
what the connection did (``connections.WireState``), never by which exception was raised.
"""

import contextlib
import logging
import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import MaxRetryError

from panel import lenient_json, request_forms
from panel.connections import AddressRefused, WireState, guarded_session
from panel.errors import (
    DEFAULT_RATE_LIMIT_WAIT,
    Blocked,
    BrowserCheck,
    FormRefused,
    OrderOutcomeUnknown,
    PanelClientError,
    ProviderError,
    ProviderUnreachable,
    RateLimited,
    TextAnswer,
    error_from_message,
)
from panel.records import Call, Capabilities
from panel.shapes import error_message, raise_if_error, words_in

log = logging.getLogger("smmdash.panel")

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/142.0.0.0 Safari/537.36"
)
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
_HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_NOT_JSON = object()
# What the challenge pages of Cloudflare and its kind say, old and new.
_CHALLENGE_PAGE = re.compile(
    r"<title>\s*(?:Just a moment\.\.\.|Attention Required! \| Cloudflare|DDoS-Guard)"
    r"|challenge-platform|cf-chl-|Checking your browser before accessing",
    re.IGNORECASE,
)
# What firewalls' block pages say: Cloudflare's (its firewall rules, error 1020; IP, network,
# country and browser-signature bans, errors 1005-1012), as a web page or as the one line it
# sends to clients that are not browsers ("error code: 1020"), and Sucuri's.
_BLOCK_PAGE = re.compile(
    r"Sorry, you have been blocked|used Cloudflare to restrict access"
    r"|error\s+code:?\s*10(?:0[5-9]|1[02]|20)\b|cf-error-code\D{0,5}10(?:0[5-9]|1[02]|20)\b"
    r"|Sucuri Website Firewall - Access Denied|Access Denied - Sucuri Website Firewall",
    re.IGNORECASE,
)
# Cloudflare's rate limit (error 1015) comes on the same page as its blocks; it is no block.
_RATE_LIMIT_PAGE = re.compile(
    r"You are being rate limited|error\s+code:?\s*1015\b|cf-error-code\D{0,5}1015\b",
    re.IGNORECASE,
)
_CLOUDFLARE_CODE = re.compile(r"(?:error\s+code:?|cf-error-code\D{0,5})\s*(10\d\d)", re.I)
# Plain text longer than this, or not printable, is not repeated in an error.
_QUOTED_TEXT = 200


def mask_key(key: str) -> str:
    """``••••1234``: enough to tell keys apart, useless to anyone who reads it."""
    return "••••" + key[-4:] if len(key) >= 12 else "••••"


@dataclass(frozen=True)
class Timeouts:
    connect: float = 5.0
    read: float = 30.0

    @classmethod
    def of(cls, value) -> "Timeouts":
        if isinstance(value, Timeouts):
            return value
        if isinstance(value, (tuple, list)):
            return cls(float(value[0]), float(value[1]))
        return cls(float(value), float(value))


_KEY_NAMES = frozenset({"key", "api_key", "api_token", "Authorization", "X-Api-Key"})


class _Form(dict):
    """A request's fields or key headers. Its repr hides the key, so a debugger or an error
    page cannot show it."""

    def __repr__(self) -> str:
        return repr({name: "••••" if name in _KEY_NAMES else value for name, value in self.items()})


class Transport:
    def __init__(
        self,
        api_url,
        api_key,
        *,
        timeout,
        retries,
        backoff,
        max_bytes,
        min_interval=0.0,
        ca_bundle=None,
        allow_private_hosts=False,
        capabilities=None,
    ):
        """``capabilities``: the client's, shared: the request form and field names learned
        here are kept in it."""
        parts = urlsplit(api_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("The API URL must be an http:// or https:// address")
        if not api_key:
            raise ValueError("The API key is empty")
        self.api_url = api_url
        self.host = parts.hostname
        self._key = api_key
        self.timeouts = Timeouts.of(timeout)
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        # Requests start at least this many seconds apart: a panel's own rate limit is kept
        # by not reaching it, rather than by backing off once it complains.
        self.min_interval = min_interval
        self._last_request_at = None
        # Certificates are always verified: against these CA certificates if given, else the
        # system's. A panel with a self-signed certificate needs its CA here, never "verify off".
        self.verify = ca_bundle or True
        self.wire = WireState(allow_private_hosts=allow_private_hosts)
        self.capabilities = capabilities if capabilities is not None else Capabilities()
        # Every request sent, answered or not, for whoever measures the panel (``Call``).
        self.calls: list[Call] = []
        self._reads = self._session()

    def _session(self) -> requests.Session:
        session = guarded_session(self.wire, pool_connections=1, pool_maxsize=8, max_retries=0)
        session.verify = self.verify
        session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json, */*"})
        return session

    def __repr__(self) -> str:
        return f"<Transport {self.api_url} key {mask_key(self._key)}>"

    def close(self):
        self._reads.close()

    def scrub(self, text: str) -> str:
        """Remove the key from any text built from what the panel sent back."""
        return text.replace(self._key, mask_key(self._key)) if self._key in text else text

    def read(self, action: str, **params):
        """An action that changes nothing at the panel: retried with backoff."""
        attempt = 0
        while True:
            try:
                return self._call(action, params, ProviderUnreachable, self._reads)
            except ProviderUnreachable as unreachable:
                # Neither a refused address nor a block lifts by itself within seconds.
                if attempt == self.retries or isinstance(unreachable, AddressRefused | Blocked):
                    raise
                pause = self.backoff * 2**attempt
                log.info("%s %s: %s; retrying in %.1fs", self.host, action, unreachable, pause)
            time.sleep(pause)
            attempt += 1

    def write(self, action: str, **params):
        """An action that changes something (an order, a refill, a cancel): sent once.

        A failure once the request's first byte left raises ``OrderOutcomeUnknown``: the panel
        may have acted on it. ``ProviderUnreachable`` means it certainly did not. Only a refusal
        (which proves nothing was done) lets it go out again, in another form.
        """
        return self._call(action, params, OrderOutcomeUnknown)

    def _pace(self):
        if self.min_interval and self._last_request_at is not None:
            wait = self._last_request_at + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
        self._last_request_at = time.monotonic()

    def _call(self, action, params, after_sending, session=None):
        """Send in the form this panel takes; while that is not known yet, try each form in
        turn for as long as the panel answers that it found no key or action, or answers a
        read in plain text."""
        learned = self.capabilities
        renamed = learned.field_names
        params = {
            renamed.get(name, name): value for name, value in params.items() if value is not None
        }
        known = request_forms.BY_NAME.get(learned.request_form)
        candidates = [known] if known else list(request_forms.FORMS)
        first_refusal = None
        while candidates:
            form = candidates[0]
            try:
                data = self._send(form, action, params, after_sending, session)
            except RateLimited:
                raise
            except TextAnswer as text:
                if known:
                    raise
                first_refusal = first_refusal or text
            except ProviderError as refusal:
                alias = request_forms.alias_asked_for(refusal.message, params)
                if alias is not None:
                    ours, theirs = alias
                    renamed[ours] = theirs
                    params[theirs] = params.pop(ours)
                    continue  # refused, so nothing was done: the same request, renamed
                form_refused = isinstance(refusal, FormRefused)
                if known or not (
                    form_refused or request_forms.says_form_not_understood(str(refusal))
                ):
                    raise
                first_refusal = first_refusal or refusal
            except ProviderUnreachable as failure:
                # While learning, a read may meet a panel that breaks on a form it does not
                # take; the next form may still work. A write stops: its outcome is unknown.
                if first_refusal is None or after_sending is not ProviderUnreachable:
                    raise
                if isinstance(failure, AddressRefused | BrowserCheck | Blocked):
                    raise
            else:
                if not known:
                    learned.request_form = form.name
                return data
            candidates.pop(0)
        if isinstance(first_refusal, TextAnswer):
            # No form did better than plain text: that text is the answer, not a refusal.
            raise first_refusal
        raise ProviderError(
            f"{self.host} refused every way smmdash sends a request ({request_forms.TRIED}); "
            f"its first answer was: {first_refusal}. A panel that only reads the key from the "
            "URL cannot be used: smmdash never puts a key in a URL, where logs would keep it."
        )

    def _send(self, form, action, params, after_sending, session):
        self._pace()
        started, sent_at = time.monotonic(), time.time()

        def measured(answered, failure=""):
            elapsed = round((time.monotonic() - started) * 1000)
            connected = answered or self.wire.request_started
            self.calls.append(Call(action, sent_at, elapsed, answered, failure, connected))

        try:
            if session is None:
                # A pooled connection may have been closed by the panel while idle; sending on
                # it fails in a way that looks like "sent, no answer". A new connection per
                # write rules that out.
                with self._session() as fresh:
                    fresh.headers["Connection"] = "close"
                    data = self._exchange(form, action, params, fresh, after_sending)
            else:
                data = self._exchange(form, action, params, session, after_sending)
        except ProviderError as refusal:
            measured(answered=True)
            log.info("%s %s refused: %s", self.host, action, refusal)
            raise
        except Exception as failure:
            measured(answered=False, failure=self.scrub(str(failure))[:300])
            log.warning(
                "%s %s failed after %.0f ms: %s",
                self.host,
                action,
                (time.monotonic() - started) * 1000,
                failure,
            )
            raise
        measured(answered=True)
        log.debug(
            "%s %s answered in %.0f ms", self.host, action, (time.monotonic() - started) * 1000
        )
        return data

    def _request(self, form, action, params) -> dict:
        """The keyword arguments of ``session.request`` for this form."""
        fields = _Form({form.key_field: self._key} if form.key_field else {})
        fields["action"] = action
        fields.update(params)
        request = {"method": form.method, "headers": _Form(form.key_headers(self._key))}
        if form.body == "json":
            request["json"] = fields
        elif form.body == "query":
            request["params"] = fields  # never holds the key: a GET form takes it in a header
        else:
            request["data"] = fields
        return request

    def _exchange(self, form, action, params, session, after_sending):
        # Failures are raised outside the `except` blocks so that no exception from requests
        # (which holds the request, key included) stays attached to ours as its context.
        failure = None
        self.wire.reset()
        try:
            response = session.request(
                url=self.api_url,
                timeout=(self.timeouts.connect, self.timeouts.read),
                allow_redirects=False,
                stream=True,
                **self._request(form, action, params),
            )
        except PanelClientError as refused:  # the address check, from inside the connection
            failure = type(refused)(refused.message)
        except requests.RequestException as sending_failed:
            failure = self._sending_failure(sending_failed, after_sending)
        if failure is not None:
            raise failure
        with response:
            body = self._body(response, after_sending)
        return self._decode(response, body, after_sending, form)

    def _sending_failure(self, failure, after_sending) -> ProviderUnreachable:
        if not self.wire.request_started:
            return ProviderUnreachable(self._not_sent_message(failure))
        if isinstance(failure, requests.ReadTimeout):
            return after_sending(
                f"{self.host} did not answer within {self.timeouts.read:g}s "
                "after the request was sent"
            )
        return after_sending(
            f"The connection to {self.host} broke after the request was sent ({_reason(failure)})"
        )

    def _not_sent_message(self, failure) -> str:
        if isinstance(failure, requests.ConnectTimeout):
            return f"Could not connect to {self.host} within {self.timeouts.connect:g}s"
        if isinstance(failure, requests.exceptions.SSLError):
            return (
                f"Could not connect to {self.host}: the secure connection failed "
                f"({_tls_reason(failure)})"
            )
        return f"Could not connect to {self.host} ({_reason(failure)})"

    def _body(self, response, after_sending) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise after_sending(self._too_large())
        chunks, size, broken = [], 0, None
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > self.max_bytes:
                    break
                chunks.append(chunk)
        except requests.RequestException as failure:
            broken = _reason(failure)
        if broken is not None:
            raise after_sending(f"The answer from {self.host} broke off ({broken})")
        if size > self.max_bytes:
            raise after_sending(self._too_large())
        return b"".join(chunks)

    def _too_large(self) -> str:
        return f"{self.host} sent an answer larger than {self.max_bytes // (1024 * 1024)} MB"

    def _decode(self, response, body: bytes, after_sending, form):
        code = response.status_code
        if response.headers.get("cf-mitigated", "").strip().lower() == "challenge":
            # Cloudflare's edge answered before the panel saw the request: nothing was done.
            raise BrowserCheck(self._browser_check("so the request did not reach the panel"))
        if 300 <= code < 400:
            # A panel may act on a request and then redirect, so after a write this is unknown.
            where = self.scrub(response.headers.get("Location", "elsewhere"))
            raise after_sending(
                f"{self.host} redirected to {where} (HTTP {code}); use that address as the API URL"
            )
        text = body.decode("utf-8", errors="replace")
        if code == 429:
            raise RateLimited(
                f"{self.host} is rate limiting requests (HTTP 429)", wait_seconds(response.headers)
            )
        try:
            data = lenient_json.loads(text)
        except lenient_json.NotJSON:
            data = _NOT_JSON
        if data is _NOT_JSON and _RATE_LIMIT_PAGE.search(text[:20000]):
            message = f"{self.host}'s firewall is rate limiting this server (HTTP {code})"
            if after_sending is ProviderUnreachable:
                raise RateLimited(message, wait_seconds(response.headers))
            raise after_sending(f"{message} after the request was sent")
        if data is _NOT_JSON and _BLOCK_PAGE.search(text[:20000]):
            # The page alone does not prove the panel never saw a write (see below).
            if after_sending is ProviderUnreachable:
                raise Blocked(self._blocked(text, f"HTTP {code}"))
            raise after_sending(self._blocked(text, f"HTTP {code}, after the request was sent"))
        if data is _NOT_JSON and _CHALLENGE_PAGE.search(text[:20000]):
            # Without Cloudflare's header the page alone does not prove the panel never saw a
            # write, so a write stays unknown; a read says what it is.
            if after_sending is ProviderUnreachable:
                raise BrowserCheck(self._browser_check(f"(HTTP {code})"))
            raise after_sending(self._browser_check(f"(HTTP {code}) after the request was sent"))
        if code in request_forms.REFUSED_FORM_CODES:
            # Turned away at the door (method or body type): nothing was done.
            said = self._error_suffix(data) if data is not _NOT_JSON else self._text_suffix(text)
            raise FormRefused(f"{self.host} does not take {form.description} (HTTP {code}){said}")
        if data is _NOT_JSON:
            described = self._describe_non_json(code, text)
            plain = text.lstrip("\ufeff").strip()
            if after_sending is ProviderUnreachable and plain and not plain.startswith("<"):
                raise TextAnswer(described)
            raise after_sending(described)
        if code >= 500:
            raise after_sending(f"{self.host} failed with HTTP {code}{self._error_suffix(data)}")
        raise_if_error(data, self.scrub)
        if isinstance(data, str) and data.strip() and after_sending is ProviderUnreachable:
            # A JSON string alone ("Invalid API key") answers a read with words, not figures.
            raise error_from_message(self.scrub(data.strip()))
        if code >= 400:
            # A 4xx refuses the request; the panel's words may be anywhere ({"message": ...}).
            words = words_in(data)
            if words:
                raise error_from_message(self.scrub(words))
            raise after_sending(f"{self.host} answered HTTP {code} without an error message")
        return data

    def _browser_check(self, detail: str) -> str:
        return (
            f"{self.host}'s site is asking for a browser check (a Cloudflare challenge) {detail}. "
            "An API client cannot pass it: ask the panel to let API requests from this server "
            "through, or for the API address it gives to scripts."
        )

    def _blocked(self, page: str, detail: str) -> str:
        code = _CLOUDFLARE_CODE.search(page)
        error = f"Cloudflare error {code.group(1)}, " if code else ""
        return (
            f"{self.host}'s firewall is blocking this server's address ({error}{detail}). "
            "This is not a browser check and trying again will not help: ask the panel to "
            "allow this server's IP address to use its API."
        )

    def _error_suffix(self, data) -> str:
        message = error_message(data)
        return f": {self.scrub(message)}" if message else ""

    def _text_suffix(self, text: str) -> str:
        quoted = self._quotable(text)
        return f": {quoted!r}" if quoted else ""

    def _quotable(self, text: str) -> str | None:
        """Plain text (not a web page) short and readable enough to repeat to staff."""
        said = " ".join(text.lstrip("\ufeff").split())
        if not said or said.startswith("<") or len(said) > _QUOTED_TEXT:
            return None
        return self.scrub(said) if said.isprintable() else None

    def _describe_non_json(self, code: int, text: str) -> str:
        stripped = text.lstrip("\ufeff").strip()
        if not stripped:
            return f"{self.host} sent an empty answer (HTTP {code})"
        if stripped.startswith("<"):
            title = _HTML_TITLE.search(stripped)
            named = (
                f" titled {self.scrub(' '.join(title.group(1).split()))[:80]!r}" if title else ""
            )
            return f"{self.host} sent a web page{named} instead of JSON (HTTP {code})"
        return f"{self.host} sent an answer that is not JSON (HTTP {code}){self._text_suffix(text)}"


def _reason(failure: Exception) -> str:
    cause = failure.args[0] if failure.args else failure
    if isinstance(cause, MaxRetryError) and cause.reason is not None:
        cause = cause.reason
    text = str(cause).lower()
    if "refused" in text:
        return "connection refused"
    if "reset" in text:
        return "connection reset"
    if "name" in text and ("resolve" in text or "known" in text):
        return "host name not found"
    if "aborted" in text or "disconnected" in text or "closed" in text:
        return "connection closed by the panel"
    return type(cause).__name__


def _tls_reason(failure: Exception) -> str:
    text = str(failure.args[0] if failure.args else failure)
    if "CERTIFICATE_VERIFY_FAILED" in text or "certificate verify failed" in text:
        detail = text.split("certificate verify failed:", 1)[-1].split("(_ssl", 1)[0]
        return f"its certificate is not trusted:{detail}".rstrip(" :")
    if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text:
        return "it does not speak HTTPS on this port"
    return "TLS handshake failed"


def wait_seconds(headers, now=None) -> int:
    """How long a panel asks us to wait, from ``Retry-After`` (seconds or an HTTP date) or
    ``X-RateLimit-Reset`` (seconds to go, or the moment as a Unix time)."""
    now = time.time() if now is None else now
    retry_after = (headers.get("Retry-After") or "").strip()
    if retry_after.isdigit():
        return max(1, int(retry_after))
    if retry_after:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            return max(1, round(parsedate_to_datetime(retry_after).timestamp() - now))
    reset = (headers.get("X-RateLimit-Reset") or "").strip()
    if reset.isdigit():
        value = int(reset)
        # Large numbers are a moment (Unix time); small ones the seconds left.
        return max(1, value - round(now) if value > 1_000_000_000 else value)
    return DEFAULT_RATE_LIMIT_WAIT
