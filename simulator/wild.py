"""Wild panels: more dialects of the key/action API, each copied from one published API page or
client (section 2 of ``shared/research/real-panels.md``; the source is named on each class).

They exist so that the client is tried, and the demo can be tried, against the ways real
panels differ from the five seeds: the key under another name or in a header, a JSON body,
GET only, other names for actions and fields, envelopes, HTTP statuses for errors, rate limits
with headers, numbers as floats or integers, other currencies.
"""

from decimal import Decimal

from simulator.dialects import COMMON_ERRORS, DIALECTS, SMARTPANEL_ERRORS, Common
from simulator.wire import Bare


class PrimeSmm(Common):
    """`igu1/smm_bot_python` followers.py (primesmm.com/api/v2): the key as `api_token`, the
    catalog as action `packages`, `package` instead of `service`, items keyed `id`."""

    slug = "primesmm"
    title = "Prime SMM"
    key_fields = ("api_token",)
    action_aliases = {"packages": "services"}
    field_aliases = {"package": "service"}
    first_service_id = 301
    price_factor = Decimal("0.97")
    errors = COMMON_ERRORS | {
        "missing_key": "The api token field is required",
        "invalid_key": "Invalid api token",
        "missing_service": "The package field is required",
        "bad_service": "Invalid package",
    }

    def service(self, service):
        answer = super().service(service)
        answer["id"] = answer.pop("service")
        return answer


class SmmPanelUs(Common):
    """smmpanelus.com/en/api and its "API v2 architecture" post: a JSON request body only,
    strict validation at the input filter."""

    slug = "smmpanelus"
    title = "SMM Panel US"
    bodies = ("json",)
    first_service_id = 401
    price_factor = Decimal("0.95")
    errors = SMARTPANEL_ERRORS | {"missing_key": "Request Denial: the api key field is required"}


class SmmPremium(Common):
    """smmpremium.in/api-docs: form or JSON body, INR everywhere, fixed-decimal strings
    (`"balance":"1240.50"`, `"charge":"2.500000"`, `"rate":"1.2000"`), min/max as integers."""

    slug = "smmpremium"
    title = "SMM Premium"
    bodies = ("form", "json")
    currency = "INR"
    usd_rate = Decimal("84")
    opening_balance = Decimal("84000")
    rate_step = Decimal("0.0001")
    first_service_id = 501

    def rate(self, rate):
        return f"{rate:.4f}"

    def count(self, number):
        return number

    def status(self, view, currency):
        answer = super().status(view, currency)
        answer["charge"] = f"{view.charge:.6f}"
        return answer

    def balance(self, amount, account):
        return {"balance": f"{amount:.2f}", "currency": self.currency}


class SnsPanel(Common):
    """sns-panel.com/api-docs: the key as `key` or as `Authorization: Bearer`, POST and GET,
    HTTP 401/402/404 with `{"error":...}`, cancel answered as a dict keyed by order id,
    lowercase refill statuses, fixed decimals."""

    slug = "snspanel"
    title = "SNS Panel"
    methods = ("POST", "GET")
    key_headers = True
    first_service_id = 601
    rate_step = Decimal("0.0001")
    error_statuses = {
        "invalid_key": 401,
        "missing_key": 401,
        "funds": 402,
        "bad_order": 404,
        "bad_service": 404,
    }
    errors = COMMON_ERRORS | {"not_cancelable": "Cannot cancel"}

    def rate(self, rate):
        return f"{rate:.4f}"

    def count(self, number):
        return number

    def balance(self, amount, account):
        return {"balance": f"{amount:.4f}", "currency": self.currency}

    def refill_status(self, phase):
        return {"status": phase.replace("_", " ")}

    def canceled(self, order_id):
        return {"cancel": "requested"}

    def cancel_results(self, results):
        # A refusal's slot is the error itself: {"4219": {"error": "Cannot cancel"}}.
        return {
            str(order_id): answer["cancel"] if isinstance(answer["cancel"], dict) else answer
            for order_id, answer in results
        }


class OptSmm(Common):
    """optsmm.ru/api/v2 (PyPI `optsmm` 1.0.1): GET only. Its client puts `?key=` in the URL;
    the panel also reads `X-Api-Key`, as the PerfectPanel builds in `hiddenxcel`'s
    SmmProviderClient.php do, which is the only way smmdash will send it."""

    slug = "optsmm"
    title = "OptSMM"
    methods = ("GET",)
    key_headers = True
    currency = "RUB"
    usd_rate = Decimal("92")
    opening_balance = Decimal("92000")
    first_service_id = 701


class HeaderKeyPanel(Common):
    """`hiddenxcel`'s Services/Panel/SmmProviderClient.php ("some PerfectPanel builds"): the key
    in `X-Api-Key` or `Authorization`, never in the body."""

    slug = "headerkey"
    title = "Header Key Panel"
    key_fields = ()
    key_headers = True
    first_service_id = 801
    errors = COMMON_ERRORS | {"missing_key": "API key is missing"}


class SmmFtr(Common):
    """`mhafizhrh/cheaper-media` api/curl.php (smmftr.web.id/api.php): endpoint `api.php`,
    status by `order_id`, answers in `{"status": true, "data": {...}}` envelopes."""

    slug = "smmftr"
    title = "SMM FTR"
    path = "/api.php"
    field_aliases = {"order_id": "order"}
    multi_status = False
    cancel_by = None
    first_service_id = 901
    currency = "IDR"
    usd_rate = Decimal("16000")
    opening_balance = Decimal("16000000")
    rate_step = Decimal("1")
    errors = COMMON_ERRORS | {
        "missing_order": "The order_id field is required",
        "bad_order": "Order not found",
    }

    def error(self, code, **details):
        return {"status": False, "data": None, "message": self.errors[code].format(**details)}

    def wrap(self, answer):
        return {"status": True, "data": answer}

    def added(self, order):
        return {"order_id": order.order_id}


class SmmOwner(Common):
    """smmowner.com/api and smmowner.shop/api: services doubly wrapped `[[{...}]]`, drip-feed
    interval as `intervals`, the add answer carrying a `type`."""

    slug = "smmowner"
    title = "SMM Owner"
    first_service_id = 1001
    price_factor = Decimal("0.9")
    field_aliases = {"intervals": "interval"}

    def catalog(self, entries):
        return [entries]

    def added(self, order):
        return {"order": order.order_id, "type": order.service.type}


class Followeran(Common):
    """followeran.com: service ids as strings, `desc`, `dripfeed` as 0/1, type `default`,
    integer rial rates, a float balance without a currency, `{"status":"success","order":151}`,
    statuses with `order` and no currency, lowercase `processing`, `"remains":"Unknown"`."""

    slug = "followeran"
    title = "Followeran"
    currency = "IRR"
    usd_rate = Decimal("80000")
    opening_balance = Decimal("500000000")
    rate_step = Decimal("100")
    first_service_id = 1
    words = Common.words | {"in_progress": "processing"}

    def rate(self, rate):
        return str(int(rate))

    def service(self, service):
        return {
            "service": str(service.service_id),
            "name": service.name,
            "type": service.type.lower(),
            "category": service.category,
            "rate": self.rate(service.rate),
            "min": str(service.min),
            "max": str(service.max),
            "desc": f"{service.name}. Start 0-1 h.",
            "dripfeed": 1 if service.dripfeed else 0,
        }

    def added(self, order):
        return {"status": "success", "order": order.order_id}

    status_echoes_order = True

    def status(self, view, currency):
        return {
            "charge": str(int(view.charge)),
            "start_count": view.start_count,
            "status": self.words[view.phase],
            "remains": "Unknown" if view.phase == "pending" else view.remains,
        }

    def balance(self, amount, account):
        return {"balance": Bare(f"{amount:.1f}")}


class SmmServer(Common):
    """smmserver.life/api (smmipl.com, deepaksmm.store alike): order ids as strings, charges as
    JSON floats with 11 decimals, `Cancelled`, cancel by `order` answered `{"success":...}`,
    refills `{"success":..., "refill":12345}`, errors ending with a period."""

    slug = "smmserver"
    title = "SMM Server"
    cancel_by = "order"
    first_service_id = 1101
    rate_step = Decimal("0.00001")
    words = Common.words | {"canceled": "Cancelled"}
    errors = COMMON_ERRORS | {
        "not_refillable": "Order not eligible for refill.",
        "not_cancelable": "Order not eligible for cancel.",
        "bad_order": "Incorrect order ID.",
    }

    def added(self, order):
        return {"order": str(order.order_id)}

    def status(self, view, currency):
        answer = super().status(view, currency)
        answer["charge"] = Bare(f"{view.charge:.11f}")
        return answer

    def refilled(self, refill):
        return {
            "success": "Your order will be refill asap. Thank you for patience",
            "refill": refill.refill_id,
        }

    def canceled(self, order_id):
        return {"success": "Your order will be cancelled asap."}


class LinksIndexing(Common):
    """linksindexing.com/api (SmartPanel): its canonical error messages, min/max as integers,
    a `per_url` price, `Order Cancelled`, `"currency" : USD` without quotes."""

    slug = "linksindexing"
    title = "Links Indexing"
    first_service_id = 1201
    cancel_by = "order"
    errors = SMARTPANEL_ERRORS
    words = Common.words | {"canceled": "Order Cancelled"}

    def service(self, service):
        answer = super().service(service)
        answer["min"], answer["max"] = service.min, service.max
        answer["per_url"] = str(service.rate)
        return answer

    def status(self, view, currency):
        answer = super().status(view, currency)
        answer["currency"] = Bare(currency)
        return answer

    def balance(self, amount, account):
        return {"balance": str(amount), "currency": Bare(self.currency)}


class PanelSend(Common):
    """panelsend.com/ru/api: field names with bracketed notes (`"rate [Other currency Separate
    Ticket request]"`, `"desc [Separate Ticket Request]"`) and `name_lang`/`cat_lang` dicts."""

    slug = "panelsend"
    title = "PanelSend"
    first_service_id = 1301

    def service(self, service):
        return {
            "service": service.service_id,
            "name_lang": {"en": service.name, "ru": service.name},
            "cat_lang": {"en": service.category, "ru": service.category},
            "type": service.type,
            "rate [Other currency Separate Ticket request]": str(service.rate),
            "min": str(service.min),
            "max": str(service.max),
            "desc [Separate Ticket Request]": "",
            "refill": service.refill,
            "cancel": service.cancel,
        }


class SmmBz(Common):
    """www.smm.bz/rate-limits.php: 60 add/min, 120 status/min, 30 balance/min, services
    10/hour ("use it once on startup"); beyond, HTTP 429 with `X-RateLimit-*` headers."""

    slug = "smmbz"
    title = "SMM.bz"
    first_service_id = 1401
    limits = {
        "add": (60, 60),
        "status": (120, 60),
        "balance": (30, 60),
        "services": (10, 3600),
    }


class PusatPanel(Common):
    """en.pusatpanelsmm.com/api: path `/api/`, trailing commas, and one generic "Incorrect
    request" for every mistake."""

    slug = "pusatpanel"
    title = "Pusat Panel SMM"
    path = "/api/"
    trailing_commas = True
    first_service_id = 1501
    errors = {code: "Incorrect request" for code in COMMON_ERRORS} | {
        "spam": "Incorrect request",
        "rate_limited": "Incorrect request",
    }


class SonRevize(Common):
    """sonrevize.com/api.php: Turkish lira ("100 TL üstü ödeme yap"), endpoint `api.php`."""

    slug = "sonrevize"
    title = "Son Revize"
    path = "/api.php"
    currency = "TRY"
    usd_rate = Decimal("41")
    opening_balance = Decimal("41000")
    first_service_id = 1601


class FewAtOnce(Common):
    """A panel whose multi-status takes at most 5 ids, the limit `triyatna/smm-laravel`'s
    src/Smm.php documents ("maksimal 5"); it answers the first 5 and leaves out the rest."""

    slug = "fewatonce"
    title = "Few At Once"
    multi_status_limit = 5
    first_service_id = 1701


class SmartPanelScript(Common):
    """SmartPanel's own API script (app/modules/api/controllers/api.php, as in the copy
    kkoss89/ss1 publishes): path `/api/v1`, `{"status": "success", ...}` on the add and balance
    answers, statuses that name their order, a multi-status slot that is the bare text
    `"Incorrect order ID"`, an empty catalog answered `{"status": "success", "data": "Empty
    Data"}`, "This action is invalid" for an action it lacks (no cancel)."""

    slug = "smartpanel"
    title = "SmartPanel Script"
    path = "/api/v1"
    cancel_by = None
    status_echoes_order = True
    first_service_id = 1801
    errors = COMMON_ERRORS | {
        "missing_key": "API is disable for this user or user not found. Contact the support",
        "invalid_key": "API is disable for this user or user not found. Contact the support",
        "missing_action": "This action is invalid",
        "bad_action": "This action is invalid",
        "bad_service": "Service ID does not exists",
        "inactive_service": "Service ID does not exists",
    }

    def catalog(self, entries):
        return entries or {"status": "success", "data": "Empty Data"}

    def added(self, order):
        return {"status": "success", "order": order.order_id}

    def balance(self, amount, account):
        return {"status": "success", "balance": str(amount), "currency": self.currency}

    def slot_error(self, code):
        return self.errors[code]


class PlainTextRefusals(SmmPanelUs):
    """A JSON-body panel like smmpanelus.com whose server answers any other body in plain
    text, not JSON ("Invalid request"), with HTTP 200, as some panels' servers do."""

    slug = "plaintext"
    title = "Plain Text Refusals"
    text_for_other_bodies = "Invalid request"
    first_service_id = 1901


WILD_DIALECTS = {
    dialect.slug: dialect()
    for dialect in (
        PrimeSmm,
        SmmPanelUs,
        SmmPremium,
        SnsPanel,
        OptSmm,
        HeaderKeyPanel,
        SmmFtr,
        SmmOwner,
        Followeran,
        SmmServer,
        LinksIndexing,
        PanelSend,
        SmmBz,
        PusatPanel,
        SonRevize,
        FewAtOnce,
        SmartPanelScript,
        PlainTextRefusals,
    )
}
# Every panel the simulator serves: the seeds first.
ALL_DIALECTS = DIALECTS | WILD_DIALECTS
