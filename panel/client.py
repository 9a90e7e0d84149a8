"""``PanelClient``: one provider account at one SMM panel, in whichever dialect it speaks.

What it tolerates, and why, is written next to the code that does it: reading answers in
``shapes``, ``values`` and ``lenient_json``, talking HTTP in ``transport`` and ``connections``.
"""

import functools
import logging
import re
from collections.abc import Iterable

from panel import values
from panel.errors import (
    ActionNotSupported,
    OrderOutcomeUnknown,
    PanelClientError,
    ProviderError,
    ProviderUnreachable,
    RateLimited,
    error_from_message,
)
from panel.records import Balance, Capabilities, Catalog, OrderStatus
from panel.shapes import (
    answers_by_id,
    catalog_entries,
    item_for,
    one_object,
    only_words,
    raise_if_error,
    said_empty,
    service_from,
    slot,
    words_in,
)
from panel.statuses import normalize
from panel.transport import MAX_RESPONSE_BYTES, Timeouts, Transport, mask_key

log = logging.getLogger("smmdash.panel")

MULTI_STATUS_BATCH = 100
MAX_ECHOED_TEXT = 2000  # characters kept of text a panel echoes back, like an order's link
DEFAULT_TIMEOUTS = Timeouts(connect=5.0, read=30.0)
ORDER_EXTRAS = frozenset(
    {
        "runs",
        "interval",
        "comments",
        "usernames",
        "hashtags",
        "username",
        "answer_number",
        "min",
        "max",
        "posts",
        "delay",
        "expiry",
        # Fields some panels document for their own services (research file §2.1); a panel
        # that does not know one ignores it.
        "keywords",
        "media",
        "comments_package",
        "comment_id",
        "old_posts",
        "callback_url",
    }
)
# The catalog action: "services" nearly everywhere, "packages" at some panels (§2.1).
CATALOG_ACTIONS = ("services", "packages")
_BATCH_LIMIT = re.compile(
    r"\b(?:max(?:imum)?|up\s+to|at\s+most|limit(?:ed)?\s+(?:is|of|to)?)\D{0,25}(\d{1,4})\b", re.I
)
# Fields that carry one entry per line; a list given for them is joined with newlines.
_LINE_FIELDS = frozenset({"comments", "usernames", "hashtags"})


def _readable_failures(after_sending=ProviderUnreachable):
    """Whatever goes wrong inside the client reaches the caller as a PanelClientError with
    words for staff: an answer shaped like nothing panels send breaks the code that reads it
    (a KeyError, a TypeError...), and for a write that means the panel did answer, so the
    outcome is unknown rather than "not sent"."""

    def decorate(method):
        @functools.wraps(method)
        def wrapper(self, *args, **kwargs):
            failure = None
            try:
                return method(self, *args, **kwargs)
            except PanelClientError:
                raise
            except Exception as broken:
                log.warning(
                    "%s: unreadable answer to %s",
                    self._transport.host,
                    method.__name__,
                    exc_info=True,
                )
                failure = after_sending(
                    f"{self._transport.host} sent an answer smmdash could not read "
                    f"({type(broken).__name__})"
                )
            raise failure

        return wrapper

    return decorate


class PanelClient:
    """One provider account at one panel."""

    def __init__(
        self,
        api_url: str,
        api_key: str,
        *,
        timeout: float | tuple[float, float] | Timeouts = DEFAULT_TIMEOUTS,
        retries: int = 2,
        backoff: float = 0.5,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        capabilities: Capabilities | None = None,
        requests_per_second: float | None = None,
        ca_bundle: str | None = None,
        allow_private_hosts: bool = False,
    ):
        """``ca_bundle``: a file of CA certificates to verify the panel's certificate against
        instead of the system's. ``allow_private_hosts``: connect to loopback and private
        addresses too (a simulator, a panel on the LAN); off, only public addresses are used."""
        self.capabilities = capabilities or Capabilities()
        self._transport = Transport(
            api_url,
            api_key,
            timeout=timeout,
            retries=retries,
            backoff=backoff,
            max_bytes=max_response_bytes,
            min_interval=1 / requests_per_second if requests_per_second else 0.0,
            ca_bundle=ca_bundle,
            allow_private_hosts=allow_private_hosts,
            capabilities=self.capabilities,
        )
        self.api_url = api_url

    def __repr__(self) -> str:
        return f"<PanelClient {self.api_url} key {mask_key(self._transport._key)}>"

    def close(self):
        self._transport.close()

    @property
    def calls(self) -> list:
        """Every request this client sent (``Call``: action, time taken, answered or not)."""
        return self._transport.calls

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # Catalog and account ------------------------------------------------------------------

    @_readable_failures()
    def services(self) -> Catalog:
        """The panel's catalog. Entries that cannot be read are logged and left out. A panel
        that says its catalog is empty (``{"status": "success", "data": "Empty Data"}``) gets
        an empty one, with its words in ``said``."""
        answer = self._catalog_answer()
        data = catalog_entries(answer)
        if not data:
            said = said_empty(answer)
            if said is not None:
                return Catalog(said=said or None)
            if data is None:
                self._refused_in_words(answer)
                raise ProviderUnreachable(
                    f"{self._transport.host} sent a catalog that is not a list"
                )
        catalog, problems = Catalog(), []
        for entry in data:
            try:
                catalog.append(service_from(entry))
            except (KeyError, TypeError, ValueError) as problem:
                problems.append(f"{type(problem).__name__}: {problem}")
        if problems:
            log.warning(
                "%s: left out %d unreadable catalog entries, e.g. %s",
                self._transport.host,
                len(problems),
                "; ".join(problems[:3]),
            )
        if data and not catalog:
            raise ProviderUnreachable(
                f"{self._transport.host} sent {len(data)} catalog entries and none was readable"
            )
        return catalog

    @_readable_failures()
    def balance(self) -> Balance:
        answer = one_object(self._transport.read("balance"))
        try:
            amount = values.money(answer.get("balance"))
        except ValueError:
            amount = None
        if amount is None:
            self._refused_in_words(answer)
            raise ProviderUnreachable(f"{self._transport.host} sent no readable balance")
        return Balance(amount, values.currency(answer.get("currency")))

    def probe(self) -> Balance:
        """The test a new account gets: its balance, which also finds out the request form
        and the currency; whether the panel answers many statuses at once, asked about two
        order ids no panel hands out (0 and 1), so nothing of the account's is read; and
        whether it has cancel and refill at all, asked for order 0, so that pages offer
        neither where the panel has none."""
        balance = self.balance()
        if self.capabilities.multi_status is None:
            try:
                self.statuses(["0", "1"])
            except PanelClientError as failure:
                log.info("%s: multi-status probe inconclusive: %s", self._transport.host, failure)
        for action in ("cancel", "refill"):
            if getattr(self.capabilities, action) is None:
                self._probe_action(action)
        return balance

    def _probe_action(self, action: str):
        try:
            self._write_learning(action, action, order="0", orders="0")
        except ActionNotSupported:
            pass  # learned: the panel has no such action
        except ProviderError:
            # Refused for order 0, which is no order: the panel knows the action.
            setattr(self.capabilities, action, True)
        except PanelClientError as failure:
            log.info("%s: %s probe inconclusive: %s", self._transport.host, action, failure)

    # Orders ---------------------------------------------------------------------------------

    def add_order(self, service_id, link: str, quantity: int | None, **extra) -> str:
        """Place an order and return the panel's order id.

        Sent exactly once. ``ProviderError``: refused, nothing placed. ``ProviderUnreachable``:
        could not connect, nothing placed. ``OrderOutcomeUnknown``: it went out and the answer
        did not come back, so the order may exist; check before placing it again.
        """
        unexpected = set(extra) - ORDER_EXTRAS
        if unexpected:
            raise TypeError(f"add_order() got unexpected fields: {', '.join(sorted(unexpected))}")
        fields = {name: _form_value(name, value) for name, value in extra.items()}
        if "interval" in fields:
            fields["intervals"] = fields["interval"]  # the name at some panels (§2.1)
        return self._add(service_id, link, quantity, fields)

    @_readable_failures(after_sending=OrderOutcomeUnknown)
    def _add(self, service_id, link, quantity, fields) -> str:
        answer = self._transport.write(
            "add",
            service=str(service_id),
            # One dialect reads `url`, the rest `link`; every panel ignores the field it does not
            # know, so sending both places the order in one request, whichever panel this is.
            link=link,
            url=link,
            quantity=None if quantity is None else str(quantity),
            **fields,
        )
        placed = one_object(answer, OrderOutcomeUnknown)
        # "order" almost everywhere; "order_id" or "id" inside some panels' envelopes.
        order_id = values.identifier(placed.get("order", placed.get("order_id", placed.get("id"))))
        if order_id is None:
            said = words_in(placed)
            said = f": {self._transport.scrub(said)!r}" if said else ""
            raise OrderOutcomeUnknown(
                f"{self._transport.host} answered the order without an order id{said}"
            )
        return order_id

    @_readable_failures()
    def status(self, order_id) -> OrderStatus:
        order_id = str(order_id)
        answer = one_object(self._transport.read("status", order=order_id))
        if "status" not in answer and answer.get(order_id) is not None:
            answer = slot(answer[order_id], "status", only_status_words=True)  # multi-status
            raise_if_error(answer, self._transport.scrub)
        return self._order_status(answer)

    @_readable_failures()
    def statuses(self, order_ids: Iterable) -> dict[str, OrderStatus | ProviderError]:
        """Statuses of many orders, keyed by the ids given (as strings).

        Batches of 100 where the panel has multi-status, one request per order where it does
        not. An id the panel does not know gets a ``ProviderError`` in its slot; a panel that
        cannot be reached, or that rate-limits us, raises.
        """
        pending = list(dict.fromkeys(str(order_id) for order_id in order_ids))
        found: dict[str, OrderStatus | ProviderError] = {}
        while pending:
            size = self.capabilities.multi_status_batch or MULTI_STATUS_BATCH
            batch, pending = pending[:size], pending[size:]
            if len(batch) == 1 or self.capabilities.multi_status is False:
                found.update(self._one_by_one(batch))
                continue
            answered = self._many_at_once(batch)
            found.update(answered)
            # A panel that answers fewer ids than asked has a smaller limit: the rest go again.
            pending = [order_id for order_id in batch if order_id not in answered] + pending
        return found

    @_readable_failures(after_sending=OrderOutcomeUnknown)
    def refill(self, order_id) -> str | None:
        """Ask for a refill; returns the refill id, or None where the panel gives none."""
        order_id = str(order_id)
        if self.capabilities.refill is False:
            raise ActionNotSupported(f"{self._transport.host} has no refill")
        answer = self._write_learning("refill", "refill", order=order_id)
        item = item_for(answer, order_id, field="refill")
        raise_if_error(item, self._transport.scrub)
        refill_id = values.identifier(self._result(item, "refill").get("refill"))
        # Words where the id would be ("Refill request accepted") accept it without one.
        return None if refill_id is None or " " in refill_id else refill_id

    @_readable_failures()
    def refill_status(self, refill_id) -> str:
        refill_id = str(refill_id)
        answer = self._transport.read("refill_status", refill=refill_id)
        item = item_for(answer, refill_id, key="refill")
        raise_if_error(item, self._transport.scrub)
        status = self._result(item, "status").get("status")
        if not isinstance(status, str) or not status.strip():
            self._refused_in_words(item)
            raise ProviderUnreachable(f"{self._transport.host} sent no refill status")
        return status.strip()

    @_readable_failures(after_sending=OrderOutcomeUnknown)
    def cancel(self, order_id) -> None:
        """Ask the panel to cancel; raises ``ProviderError`` when it refuses or cannot."""
        order_id = str(order_id)
        if self.capabilities.cancel is False:
            raise ActionNotSupported(f"{self._transport.host} has no cancel")
        # Panels cancel by `orders` (a list) or by `order`; each ignores the other field.
        answer = self._write_learning("cancel", "cancel", order=order_id, orders=order_id)
        item = item_for(answer, order_id, field="cancel")
        raise_if_error(item, self._transport.scrub)  # a refusal of this id, among others' slots
        self._result(item, "cancel")

    # Internals ------------------------------------------------------------------------------

    def _catalog_answer(self):
        learned = self.capabilities.catalog_action
        if learned:
            return self._transport.read(learned)
        refusal = None
        for action in CATALOG_ACTIONS:
            try:
                answer = self._transport.read(action)
            except ActionNotSupported as refused:
                refusal = refusal or refused
                continue
            self.capabilities.catalog_action = action
            return answer
        raise refusal

    def _write_learning(self, action: str, capability: str, **params):
        try:
            answer = self._transport.write(action, **params)
        except ActionNotSupported:
            setattr(self.capabilities, capability, False)
            raise
        setattr(self.capabilities, capability, True)
        return answer

    def _result(self, item: dict, field: str) -> dict:
        """What an item says in `field` (``{"order": 3, "refill": ...}``, ``{"refill": 3,
        "status": ...}``), as an object: a refusal there (``{"error": ...}``, bare words that
        refuse, ``false``) is raised, as the refusal of this order or refill."""
        result = item.get(field)
        if result is False:
            raise error_from_message(
                self._transport.scrub(words_in(item) or "The panel refused the request")
            )
        result = slot(result, field)
        raise_if_error(result, self._transport.scrub)
        return result

    def _refused_in_words(self, answer):
        """Raise the panel's words as its refusal when a read's answer is nothing but words
        (``{"message": "Order not found"}``)."""
        words = only_words(answer)
        if words:
            raise error_from_message(self._transport.scrub(words))

    def _order_status(self, answer: dict) -> OrderStatus:
        raw_status = answer.get("status")
        if not isinstance(raw_status, str) or not raw_status.strip():
            self._refused_in_words(answer)
            raise ProviderUnreachable(f"{self._transport.host} sent no order status")
        return OrderStatus(
            status=normalize(raw_status),
            raw_status=raw_status,
            charge=_lenient(values.money, answer.get("charge")),
            start_count=_lenient(values.count, answer.get("start_count")),
            remains=_lenient(values.count, answer.get("remains")),
            currency=values.currency(answer.get("currency")),
            link=self._echoed(answer.get("link") or answer.get("url")),
        )

    def _echoed(self, value) -> str | None:
        """Text the panel echoes back (an order's link), cut short, with the key masked should
        the panel quote it."""
        text = values.text(value, MAX_ECHOED_TEXT)
        return self._transport.scrub(text) if text else None

    def _one_by_one(self, batch):
        found = {}
        for order_id in batch:
            try:
                found[order_id] = self.status(order_id)
            except RateLimited:
                raise
            except ProviderError as error:
                found[order_id] = error
        return found

    def _many_at_once(self, batch):
        """The batch's statuses in one request; ids beyond a limit the panel has just shown
        (by answering only the first N, or by saying "max N") are left for the caller."""
        try:
            answer = self._transport.read("status", orders=",".join(batch))
        except RateLimited:
            raise
        except ProviderError as refusal:
            limit = _batch_limit(refusal.message, len(batch))
            if limit:
                self.capabilities.multi_status_batch = limit
                return {}
            if self.capabilities.multi_status:
                raise
            return self._probe_single_status(batch, refusal)
        by_id = answers_by_id(answer, batch)
        if by_id is None:
            if self.capabilities.multi_status:
                raise ProviderUnreachable(
                    f"{self._transport.host} sent an unreadable multi-status answer"
                )
            self.capabilities.multi_status = False
            return self._one_by_one(batch)
        self.capabilities.multi_status = True
        answered = len(batch)
        while answered and batch[answered - 1] not in by_id:
            answered -= 1
        if 1 < answered < len(batch) and all(order_id in by_id for order_id in batch[:answered]):
            self.capabilities.multi_status_batch = answered
            batch = batch[:answered]
        return {order_id: self._slot(by_id.get(order_id)) for order_id in batch}

    def _probe_single_status(self, batch, refusal: ProviderError):
        # The panel refused `orders=`. Either it has no multi-status ("The order field is
        # required") or it refuses everything ("Invalid api key"): one single status tells.
        try:
            first = self.status(batch[0])
        except ProviderError as error:
            if error.message == refusal.message:
                raise refusal from None
            first = error
        self.capabilities.multi_status = False
        return {batch[0]: first, **self._one_by_one(batch[1:])}

    def _slot(self, answer) -> OrderStatus | ProviderError:
        answer = slot(answer, "status", only_status_words=True) if answer is not None else {}
        if not answer:
            return ProviderError("The panel's answer did not include this order")
        try:
            raise_if_error(answer, self._transport.scrub)
            return self._order_status(answer)
        except ProviderError as refused:
            return refused
        except ProviderUnreachable as unreadable:
            return ProviderError(unreadable.message)


def _batch_limit(message: str, asked: int) -> int | None:
    """N, when a refusal of ``asked`` ids says the panel takes at most N at once."""
    match = _BATCH_LIMIT.search(message)
    limit = int(match.group(1)) if match else 0
    return limit if 1 < limit < asked else None


def _lenient(parse, value):
    try:
        return parse(value)
    except ValueError:
        log.warning("Ignored an unreadable number in an order status: %r", value)
        return None


def _form_value(name: str, value) -> str:
    if name in _LINE_FIELDS and isinstance(value, (list, tuple)):
        return "\n".join(str(line) for line in value)
    return str(value)
