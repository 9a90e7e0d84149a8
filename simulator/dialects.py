"""The five panels' dialects: their names, wording, answer shapes and quirks, as documented.

Each class answers with the shapes of its panel's API page, including what the page gets wrong
(bare words, trailing commas, wrapped answers). ``Common`` is the form most panels share.
"""

from decimal import Decimal

from simulator.russian import RUSSIAN_GEOS, RUSSIAN_KINDS, RUSSIAN_PLATFORMS, RUSSIAN_QUALITIES
from simulator.wire import Bare, dotted

COMMON_ERRORS = {
    "missing_key": "API key is required",
    "missing_action": "Action is required",
    "invalid_key": "Invalid API key",
    "bad_action": "Invalid action",
    "bad_service": "Incorrect service ID",
    "inactive_service": "Incorrect service ID",
    "missing_link": "Incorrect request",
    "missing_quantity": "Incorrect request",
    "too_few": "Quantity less than minimal {min}",
    "too_many": "Quantity more than maximal {max}",
    "funds": "Not enough funds on balance",
    "missing_field": "The {field} field is required",
    "missing_service": "Incorrect service ID",
    "no_dripfeed": "Drip-feed is not available for this service",
    "bad_order": "Incorrect order ID",
    "missing_order": "Incorrect order ID",
    "bad_refill": "Refill not found",
    "not_refillable": "Refill is disabled for this order",
    "not_cancelable": "The order can not be canceled",
    "already_canceled": "The order is already canceled",
    "cancel_window": "The order can not be canceled",
    "spam": "Too many requests, wait {seconds} seconds",
    "rate_limited": "Too many requests, wait {seconds} seconds",
}

# SmartPanel's canonical messages (smmsheba; linksindexing.com/api, research file §2.6).
SMARTPANEL_ERRORS = COMMON_ERRORS | {
    "missing_key": "The api key field is required",
    "missing_action": "The action field is required",
    "invalid_key": "Invalid api key",
    "bad_action": "Invalid action",
    "bad_service": "Invalid Service Id",
    "inactive_service": "Invalid Service Id",
    "missing_link": "The link field is required",
    "missing_quantity": "The quantity field is required",
    "too_few": "Please follow the limit",
    "too_many": "Please follow the limit",
    "funds": "Insufficient balance",
    "missing_order": "The order field is required",
    "bad_order": "Invalid Order Id",
}

COMMON_WORDS = {
    "pending": "Pending",
    "in_progress": "In progress",
    "completed": "Completed",
    "partial": "Partial",
    "canceled": "Canceled",
    "refunded": "Refunded",
}
REFILL_WORDS = {"pending": "Pending", "in_progress": "In progress", "completed": "Completed"}
SHORT_PLATFORM = {"Instagram": "IG", "TikTok": "TT", "YouTube": "YT", "Telegram": "TG"}
SHORT_PLATFORM |= {"Facebook": "FB", "Twitter": "X"}


class Common:
    """The common form (smmprovider.co): strings for numbers, multi-status, cancel by `orders`."""

    slug = "common"
    title = "Common panel"
    path = "/api/v2"
    methods = ("POST",)
    bodies = ("form",)  # request bodies read: "form", "json"
    key_fields = ("key",)  # where in the body the key is looked for
    key_headers = False  # whether `Authorization: Bearer` or `X-Api-Key` carries it too
    field_aliases: dict = {}  # the panel's field name: ours
    action_aliases: dict = {}  # the panel's action name: ours (ours is then unknown to it)
    multi_status_limit = 100
    error_statuses: dict = {}  # refusal: HTTP status, where the panel uses one
    limits: dict = {}  # action: (calls, seconds), answered 429 beyond
    opening_balance = Decimal(1000)  # in the panel's currency
    status_echoes_order = False  # whether a status answer names its order
    # What the panel answers, in plain text, to a request body it does not read (None: it
    # reads nothing from it and answers as to a request without a key).
    text_for_other_bodies: str | None = None
    content_type = "application/json"
    byte_order_mark = False
    trailing_commas = False
    currency = "USD"
    usd_rate = Decimal(1)
    price_factor = Decimal(1)
    rate_step = Decimal("0.01")
    first_service_id = 1
    variants_per_product = (3, 6)
    only_default_types = False
    link_field = "link"
    multi_status = True
    cancel_by = "orders"  # "orders", "order", or None for no cancel
    refill_action = True
    refill_status_action = True
    partial_every = 6
    cancel_window = None
    spam_window = None
    errors = COMMON_ERRORS
    words = COMMON_WORDS

    def name(self, variant) -> tuple[str, str]:
        product = variant.product
        refill = f"Refill {variant.refill_days}D" if variant.refill_days else "No Refill"
        geo = f" [{variant.geo}]" if variant.geo else ""
        name = f"{product.platform} {product.kind}{geo} [{variant.quality}] [{refill}]"
        return f"{name} [{variant.speed}]", f"{product.platform} - {product.kind}"

    def error(self, code: str, **details):
        return {"error": self.errors[code].format(**details)}

    def wrap(self, answer):
        return answer

    def slot_error(self, code: str):
        """An id's slot in a multi-status answer when the panel refuses that id."""
        return self.error(code)

    def count(self, number: int):
        return str(number)

    def rate(self, rate: Decimal):
        return str(rate)

    def service(self, service) -> dict:
        return {
            "service": service.service_id,
            "name": service.name,
            "type": service.type,
            "category": service.category,
            "rate": self.rate(service.rate),
            "min": self.count(service.min),
            "max": self.count(service.max),
            "refill": service.refill,
            "cancel": service.cancel,
        }

    def catalog(self, entries: list):
        return entries

    def added(self, order) -> dict:
        return {"order": order.order_id}

    def status(self, view, currency: str) -> dict:
        return {
            "charge": str(view.charge),
            "start_count": self.count(view.start_count),
            "status": self.words[view.phase],
            "remains": self.count(view.remains),
            "currency": currency,
        }

    def balance(self, amount: Decimal, account) -> dict:
        return {"balance": str(amount), "currency": self.currency}

    def refilled(self, refill) -> dict:
        return {"refill": str(refill.refill_id)}

    def refill_status(self, phase: str) -> dict:
        return {"status": REFILL_WORDS[phase]}

    def canceled(self, order_id: str):
        return {"order": order_id, "cancel": 1}

    def cancel_results(self, results: list):
        """The answer to a cancel of several orders: (order id, its answer) pairs."""
        return [{"order": order_id, **answer} for order_id, answer in results]


class SmmSheba(Common):
    """smmsheba.com API v1: no type or cancel in services, one status at a time, no charge."""

    slug = "smmsheba"
    title = "SMM Sheba"
    path = "/api/v1"
    content_type = "text/html; charset=UTF-8"
    trailing_commas = True
    price_factor = Decimal("0.92")
    rate_step = Decimal("0.00000001")
    variants_per_product = (3, 5)
    only_default_types = True
    multi_status = False
    cancel_by = None
    partial_every = 0
    errors = SMARTPANEL_ERRORS | {
        "not_refillable": "Order not eligible for refill",
        "bad_refill": "Invalid Refill Id",
        "spam": "Please wait {seconds} seconds before placing another order",
    }
    words = {
        "pending": "Pending",
        "in_progress": "Processing",
        "completed": "Complete",
        "partial": "Complete",
        "canceled": "Order Cancelled",
        "refunded": "Refunded",
    }

    def name(self, variant):
        product = variant.product
        refill = f"Refill {variant.refill_days} Days" if variant.refill_days else "No Refill"
        geo = f" {variant.geo}" if variant.geo else ""
        # The published catalog keeps a trailing space on some names.
        name = f"{product.platform}{geo} {product.kind} [ {variant.quality} | {refill} ] "
        tail = f"[ {variant.speed} ]" if variant.speed != "Instant" else ""
        refills = "Refill" if variant.refill_days else "No Refill"
        category = f"{product.platform} {product.kind} [ {refills} ]"
        return name + tail, category

    def rate(self, rate):
        return f"{rate:.8f}"

    def service(self, service):
        return {
            "service": service.service_id,
            "name": service.name,
            "rate": self.rate(service.rate),
            "min": service.min,
            "max": service.max,
            "category": service.category,
            "refill": service.refill,
            "dripfeed": service.dripfeed,
        }

    def status(self, view, currency):
        return {
            "status": self.words[view.phase],
            "start_count": str(view.start_count),
            "remains": str(view.remains),
            "currency": Bare(currency),
        }

    def balance(self, amount, account):
        return {"balance": str(amount), "currency": " " + self.currency}

    def refilled(self, refill):
        return {
            "success": "Your order will be refill asap. Thank you for patience",
            "refill": refill.refill_id,
        }


class SmmProvider(Common):
    slug = "smmprovider"
    title = "SMM Provider"
    first_service_id = 101
    rate_step = Decimal("0.0001")

    def refilled(self, refill):
        return {"refill": str(refill.refill_id)}


class SmmBros(Common):
    """smmbros.in: `url` instead of `link`, refill and cancel answer with a bare Success."""

    slug = "smmbros"
    title = "SMM Bros"
    content_type = "text/html; charset=UTF-8"
    trailing_commas = True
    price_factor = Decimal("0.85")
    first_service_id = 2001
    link_field = "url"
    cancel_by = "order"
    refill_status_action = False
    errors = COMMON_ERRORS | {
        "missing_link": "The url field is required",
        "missing_field": "incorrect service type",
    }

    def name(self, variant):
        product = variant.product
        platform = SHORT_PLATFORM.get(product.platform, product.platform)
        refill = f"Refill {variant.refill_days} days" if variant.refill_days else "No refill"
        geo = f" | {variant.geo}" if variant.geo else ""
        name = f"{platform} - {product.kind} | {refill} | {variant.quality}{geo}"
        return name, f"{product.platform} {product.kind}{' ♻️' if variant.refill_days else ''}"

    def service(self, service):
        answer = super().service(service)
        del answer["refill"], answer["cancel"]
        return answer

    def balance(self, amount, account):
        return {"balance": amount, "currency": self.currency}

    def refilled(self, refill):
        return {
            "status": Bare("Success"),
            "message": "Your order successfully added for refill. Thank you for patience.",
        }

    def canceled(self, order_id):
        return {
            "status": Bare("Success"),
            "message": (
                "Your order was successfully marked for cancellation. Thank you for patience."
            ),
        }


class SmmUb(Common):
    """smmub.com: RUB, answers in one-element lists, dotted thousands, no refill."""

    slug = "smmub"
    title = "SMMUB"
    methods = ("POST", "GET")
    byte_order_mark = True
    currency = "RUB"
    usd_rate = Decimal("92.5")
    price_factor = Decimal("1.05")
    rate_step = Decimal("0.01")
    first_service_id = 1
    multi_status = False
    cancel_by = "order"
    refill_action = False
    refill_status_action = False
    cancel_window = 600
    spam_window = 7
    errors = COMMON_ERRORS | {
        "missing_key": "API key should not be empty",
        "missing_action": "Action should not be empty",
        "invalid_key": "Invalid API key",
        "bad_action": "Invalid Action",
        "missing_service": "Service ID should not be empty",
        "bad_service": "Invalid Service ID",
        "inactive_service": "Service Not Active",
        "missing_link": "Requested link should not be empty",
        "missing_quantity": "Order quantity should not be empty",
        "too_few": "Quantity should be within min quantity to max quantity",
        "too_many": "Quantity should be within min quantity to max quantity",
        "funds": "Insuffcient Funds",
        "missing_order": "Order ID should not be empty",
        "bad_order": "Invalid order ID",
        "already_canceled": "Order already canceled",
        "not_cancelable": "Order can not be canceled",
        "cancel_window": "An order can be canceled only within 10 minutes",
        "spam": "Spam protection, wait {seconds} seconds",
        "rate_limited": "Spam protection, wait {seconds} seconds",
    }

    def name(self, variant):
        product = variant.product
        platform = RUSSIAN_PLATFORMS.get(product.platform, product.platform)
        kind = RUSSIAN_KINDS.get(product.kind, product.kind)
        if variant.refill_days == 365:
            refill = "Гарантия навсегда"
        elif variant.refill_days:
            refill = f"Гарантия {variant.refill_days} дней"
        else:
            refill = "Без гарантии"
        geo = f" [{RUSSIAN_GEOS[variant.geo]}]" if variant.geo else ""
        quality = RUSSIAN_QUALITIES[variant.quality]
        return f"{kind} {platform}{geo} [{quality}] [{refill}]", platform

    def wrap(self, answer):
        return [answer]

    def count(self, number):
        return dotted(number)

    def rate(self, rate):
        return str(rate.normalize()) if rate == rate.to_integral_value() else str(rate)

    def service(self, service):
        answer = super().service(service)
        del answer["refill"], answer["cancel"]
        return answer

    def added(self, order):
        return {"order": str(order.order_id)}

    def balance(self, amount, account):
        return {"userid": account.user_id, "balance": str(amount), "username": account.username}

    def canceled(self, order_id):
        return {"order": "Order canceled successfully"}


class SmmPllus(Common):
    """smmpllus.com: the common form, served as text/html."""

    slug = "smmpllus"
    title = "SMM Pllus"
    content_type = "text/html; charset=utf-8"
    price_factor = Decimal("1.1")
    first_service_id = 5001
    rate_step = Decimal("0.001")

    def name(self, variant):
        product = variant.product
        refill = f"{variant.refill_days} Days Refill ♻️" if variant.refill_days else "No Refill ⛔"
        geo = f"{variant.geo} " if variant.geo else ""
        name = f"{geo}{product.platform} {product.kind} | {variant.quality} | {refill}"
        refills = "Refill" if variant.refill_days else "No Refill"
        category = f"{product.platform} {product.kind} | {refills}"
        return f"{name} | Speed {variant.speed}", category


# The five seed panels (shared/seeds); simulator.wild holds the rest.
DIALECTS = {
    dialect.slug: dialect() for dialect in (SmmSheba, SmmProvider, SmmBros, SmmUb, SmmPllus)
}
