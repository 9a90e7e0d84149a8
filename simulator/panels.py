"""One simulated panel: its dialect, catalog and books, answering API requests."""

from collections import deque

from simulator import catalog
from simulator.ledger import Ledger, Refusal
from simulator.wire import Reply, to_json

# Fields each service type needs besides service and link, as the common API documents them.
REQUIRED_FIELDS = {
    "Custom Comments": ("comments",),
    "Mentions": ("usernames",),
    "Mentions with Hashtags": ("usernames", "hashtags"),
    "Mentions User Followers": ("username",),
    "Poll": ("answer_number",),
    "Subscriptions": ("username", "min", "max", "delay"),
}
NO_QUANTITY_TYPES = {"Package", "Custom Comments", "Subscriptions"}
LINE_FIELDS = ("comments", "usernames", "hashtags")
_KEPT_FROM = 1000  # entries: an answer this large is a catalog (see SimPanel.written)


class SimPanel:
    def __init__(self, dialect, clock, pace, catalog_size=None):
        self.dialect = dialect
        self.ledger = Ledger(
            clock=clock,
            pace=pace,
            partial_every=dialect.partial_every,
            cancel_window=dialect.cancel_window,
            spam_window=dialect.spam_window,
        )
        self.catalog = catalog.build(dialect, seed=dialect.slug, size=catalog_size)
        self._by_id = {service.service_id: service for service in self.catalog}
        self._clock = clock
        self._calls: dict[str, deque] = {action: deque() for action in dialect.limits}
        self._last_written = None  # (data, its JSON text): see written()

    # What tests and the demo change --------------------------------------------------------

    def service(self, service_id) -> catalog.SimService:
        return self._by_id[int(service_id)]

    def set_rate(self, service_id, rate):
        self.service(service_id).rate = rate

    def withdraw(self, service_id):
        """The service vanishes from the catalog (and cannot be ordered) until restored."""
        self.service(service_id).active = False

    def restore(self, service_id):
        self.service(service_id).active = True

    def refund(self, order_id):
        self.ledger.orders[int(order_id)].refunded = True

    # Answering -----------------------------------------------------------------------------

    def written(self, data) -> str:
        """`data` as this panel writes JSON. The last large answer (a catalog) is kept and
        written again only when its data changed, as a panel caches its catalog: 10,000
        services take the simulator 50-100 ms to write, which a benchmark would otherwise
        count as the client's."""
        if not isinstance(data, (list, dict)) or len(data) < _KEPT_FROM:
            return to_json(data, trailing_commas=self.dialect.trailing_commas)
        last = self._last_written
        if last is not None and last[0] == data:
            return last[1]
        text = to_json(data, trailing_commas=self.dialect.trailing_commas)
        self._last_written = (data, text)
        return text

    def answer(self, form: dict):
        """The answer to one API request, as data for ``simulator.wire`` (a ``Reply`` where
        the panel answers with another HTTP status)."""
        with self.ledger.lock:
            try:
                return self._limited(form) or self._dispatch(form)
            except Refusal as refusal:
                answer = self.dialect.error(refusal.code, **refusal.details)
                code = self.dialect.error_statuses.get(refusal.code, 200)
                return answer if code == 200 else Reply(answer, code)

    def _limited(self, form) -> Reply | None:
        """A 429 once an action went over its documented limit, with the headers that say
        when to come back (``dialect.limits``: action: (calls, seconds))."""
        action = form.get("action", "").strip().lower()
        if action not in self._calls:
            return None
        calls, window = self.dialect.limits[action]
        now, made = self._clock.now(), self._calls[action]
        while made and made[0] <= now - window:
            made.popleft()
        if len(made) < calls:
            made.append(now)
            return None
        reset = round(made[0] + window - now)
        headers = {
            "X-RateLimit-Limit": str(calls),
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": str(max(1, reset)),
            "Retry-After": str(max(1, reset)),
        }
        return Reply({"error": "Rate limit exceeded"}, 429, headers)

    def _dispatch(self, form):
        dialect = self.dialect
        key = form.get("key", "").strip()
        action = form.get("action", "").strip().lower()
        if not key:
            raise Refusal("missing_key")
        if not action:
            raise Refusal("missing_action")
        account = self.ledger.accounts.get(key)
        if account is None:
            raise Refusal("invalid_key")
        handlers = {
            "services": self._services,
            "balance": self._balance,
            "add": self._add,
            "status": self._status,
        }
        if dialect.refill_action:
            handlers["refill"] = self._refill
        if dialect.refill_status_action:
            handlers["refill_status"] = self._refill_status
        if dialect.cancel_by:
            handlers["cancel"] = self._cancel
        if action not in handlers:
            raise Refusal("bad_action")
        return handlers[action](account, form)

    def _services(self, account, form):
        entries = [self.dialect.service(service) for service in self.catalog if service.active]
        return self.dialect.catalog(entries)

    def _balance(self, account, form):
        amount = self.ledger.balance(account)
        return self.dialect.wrap(self.dialect.balance(amount, account))

    def _add(self, account, form):
        dialect = self.dialect
        if not form.get("service", "").strip():
            raise Refusal("missing_service")
        try:
            service = self._by_id[int(form["service"])]
        except (KeyError, ValueError):
            raise Refusal("bad_service") from None
        if not service.active:
            raise Refusal("inactive_service")
        link = form.get(dialect.link_field, "").strip()
        if not link:
            raise Refusal("missing_link")
        for name in REQUIRED_FIELDS.get(service.type, ()):
            if not form.get(name, "").strip():
                raise Refusal("missing_field", field=name)
        quantity = self._quantity(service, form)
        fields = {name: form[name] for name in form if name not in ("key", "action")}
        order = self.ledger.place(account, service, link, quantity, fields)
        return dialect.wrap(dialect.added(order))

    def _quantity(self, service, form) -> int:
        if service.type == "Package":
            return 1
        if service.type == "Custom Comments":
            quantity = len([line for line in form["comments"].splitlines() if line.strip()])
        elif service.type == "Subscriptions":
            quantity = _number(form.get("max"))
        else:
            text = form.get("quantity", "").strip()
            if not text:
                raise Refusal("missing_quantity")
            quantity = _number(text)
        if quantity < service.min:
            raise Refusal("too_few", min=service.min, max=service.max)
        if quantity > service.max:
            raise Refusal("too_many", min=service.min, max=service.max)
        runs = form.get("runs", "").strip()
        if runs:
            if not service.dripfeed:
                raise Refusal("no_dripfeed")
            quantity *= max(1, _number(runs))
        return quantity

    def _status(self, account, form):
        dialect, ledger = self.dialect, self.ledger
        if dialect.multi_status and form.get("orders", "").strip():
            answers = {}
            for order_id in _ids(form["orders"])[: dialect.multi_status_limit]:
                try:
                    order = ledger.order(account, order_id)
                    answers[order_id] = self._status_of(order)
                except Refusal as refusal:
                    answers[order_id] = dialect.slot_error(refusal.code)
            return answers
        if not form.get("order", "").strip():
            raise Refusal("missing_order")
        order = ledger.order(account, form["order"])
        return dialect.wrap(self._status_of(order))

    def _status_of(self, order) -> dict:
        answer = self.dialect.status(self.ledger.view(order), self.dialect.currency)
        return {"order": order.order_id, **answer} if self.dialect.status_echoes_order else answer

    def _refill(self, account, form):
        dialect, ledger = self.dialect, self.ledger
        if form.get("orders", "").strip() and dialect.multi_status:
            answers = []
            for order_id in _ids(form["orders"])[:100]:
                try:
                    refill = ledger.refill(ledger.order(account, order_id))
                    answers.append({"order": int(order_id), "refill": refill.refill_id})
                except Refusal as refusal:
                    answers.append({"order": order_id, "refill": dialect.error(refusal.code)})
            return answers
        if not form.get("order", "").strip():
            raise Refusal("missing_order")
        refill = ledger.refill(ledger.order(account, form["order"]))
        return dialect.wrap(dialect.refilled(refill))

    def _refill_status(self, account, form):
        dialect, ledger = self.dialect, self.ledger
        if form.get("refills", "").strip():
            answers = []
            for refill_id in _ids(form["refills"])[:100]:
                try:
                    phase = ledger.refill_phase(account, refill_id)
                    answers.append({"refill": int(refill_id), **dialect.refill_status(phase)})
                except Refusal as refusal:
                    answers.append({"refill": refill_id, "status": dialect.error(refusal.code)})
            return answers
        if not form.get("refill", "").strip():
            raise Refusal("bad_refill")
        return dialect.wrap(dialect.refill_status(ledger.refill_phase(account, form["refill"])))

    def _cancel(self, account, form):
        dialect, ledger = self.dialect, self.ledger
        if dialect.cancel_by == "orders":
            order_ids = _ids(form.get("orders", ""))
            if not order_ids:
                raise Refusal("missing_order")
            results = []
            for order_id in order_ids[:100]:
                try:
                    ledger.cancel(ledger.order(account, order_id))
                    results.append((int(order_id), dialect.canceled(int(order_id))))
                except Refusal as refusal:
                    results.append((order_id, {"cancel": dialect.error(refusal.code)}))
            return dialect.cancel_results(results)
        if not form.get("order", "").strip():
            raise Refusal("missing_order")
        order_id = form["order"].strip()
        ledger.cancel(ledger.order(account, order_id))
        return dialect.wrap(dialect.canceled(order_id))


def _ids(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _number(text) -> int:
    try:
        return int(str(text).strip())
    except ValueError:
        raise Refusal("missing_quantity") from None
