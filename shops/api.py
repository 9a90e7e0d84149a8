"""POST /api/v2: smmdash as a provider, in the dialect of the panels it reads, so a shop's panel
adds it with a URL and a key like any other.

Form fields `key` and `action` (a JSON body, or GET with the same fields, work too); JSON
answers with numbers as strings; errors as HTTP 200 `{"error": ...}`, except too many requests
(429 with Retry-After) and a body over SHOP_API_MAX_BODY (413). The only view no session
guards: CSRF-exempt and login-free here alone. The key is never logged nor stored: the feed
keeps the action and the shop. A wrong key and a disabled shop's get the same answer, and
count against the client address, which is refused before any key is looked up once over
SHOP_API_WRONG_KEYS_PER_MINUTE.
"""

import json
import time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse, QueryDict
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from shops import services
from shops.models import ShopOrder, ShopRefill
from shops.services import words
from smmdash.lib.security import client_ip

MAX_IDS = 100
ACTIONS = ("balance", "services", "add", "status", "refill", "refill_status", "cancel")


class _Error(Exception):
    def __init__(self, message, status=200, headers=None):
        super().__init__(message)
        self.status, self.headers = status, headers or {}


@csrf_exempt
@login_not_required
@sensitive_post_parameters("key")
@sensitive_variables("fields", "key")
def endpoint(request):
    """One transaction a call: the key and the request count, the action and the feed's row
    are one commit (a route task queued by an add leaves after it). A refused call writes
    nothing of its own, so its count and its feed row are written after the rollback."""
    started = time.monotonic()
    shop, action, address = None, "", client_ip(request) or "?"
    try:
        fields = _fields(request)
        action = str(fields.get("action") or "").strip().lower()[:20]
        key = str(fields.get("key") or "").strip()
        if wait := services.address_wait(address):
            raise _Error(words.TOO_MANY.format(seconds=wait), 429, {"Retry-After": str(wait)})
        with transaction.atomic():
            shop, wait = services.admit_key(key)
            if shop is None or not shop.enabled:
                # One answer for both, so that the answer tells no one which keys exist.
                raise _Error(words.WRONG_KEY)
            if wait:
                raise _Error(words.TOO_MANY.format(seconds=wait), 429, {"Retry-After": str(wait)})
            if action not in ACTIONS:
                raise _Error(words.UNKNOWN_ACTION)
            answer, summary = HANDLERS[action](shop, fields)
            services.log_call(shop, action, True, summary, _since(started))
        return JsonResponse(answer, safe=False)
    except _Error as error:
        if shop is not None and error.status != 429:
            services.admit(shop)  # the rolled-back count, again
        if error.status != 429 and str(error) == words.WRONG_KEY:
            services.count_wrong_key(address)
        services.log_call(shop, action or "?", False, str(error), _since(started))
        return JsonResponse({"error": str(error)}, status=error.status, headers=error.headers)


def _since(started) -> int:
    return int((time.monotonic() - started) * 1000)


def _fields(request) -> dict:
    """The request's fields: the query string, then the body (form or JSON) over it."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > settings.SHOP_API_MAX_BODY:
        raise _Error(words.TOO_LARGE, 413)
    fields = {name: request.GET.get(name) for name in request.GET}
    if request.method != "POST":
        return fields
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise _Error(words.UNKNOWN_ACTION)
        fields.update({name: _plain(value) for name, value in body.items()})
    else:
        post = request.POST if isinstance(request.POST, QueryDict) else {}
        fields.update({name: post.get(name) for name in post})
    return fields


def _plain(value):
    if isinstance(value, list):
        return ",".join(str(item) for item in value)
    return value


# Numbers as the panels write them ------------------------------------------------------------


def amount(value: Decimal) -> str:
    """ "12.3400": four places at least, more where the amount has them."""
    text = f"{value.normalize():f}"
    whole, _, places = text.partition(".")
    return f"{whole}.{places.ljust(4, '0')}"


def rate(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    whole, _, places = text.partition(".")
    return f"{whole}.{places.ljust(2, '0')}"


def _ids(text, *, limit=MAX_IDS) -> list[str]:
    ids = [part.strip() for part in str(text or "").split(",") if part.strip()]
    if len(ids) > limit:
        raise _Error(words.TOO_MANY_IDS)
    return list(dict.fromkeys(ids))


def _number(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else None


# The actions --------------------------------------------------------------------------------


def balance(shop, fields):
    shop.refresh_from_db(fields=["balance"])
    answer = {"balance": amount(shop.balance), "currency": settings.BASE_CURRENCY}
    return answer, answer["balance"]


def catalog(shop, fields):
    listed = services.catalog_for(shop)
    services.remember_quotes(shop, listed)
    answer = [
        {
            "service": item.product.pk,
            "name": item.product.name,
            "type": "Default",
            "category": item.product.category,
            "rate": rate(item.rate),
            "min": str(item.product.min),
            "max": str(item.product.max),
            "refill": item.product.refill,
            "cancel": item.product.cancel,
            "dripfeed": item.product.dripfeed,
        }
        for item in listed
    ]
    return answer, f"{len(answer)} services"


def add(shop, fields):
    try:
        accepted = services.accept(shop, fields)
    except services.Refused as refused:
        raise _Error(str(refused)) from None
    repeated = " (repeated)" if accepted.repeated else ""
    return {"order": accepted.shop_order_id}, f"order {accepted.shop_order_id}{repeated}"


def _status_of(answer) -> dict:
    return {
        "charge": amount(answer.charge),
        "start_count": str(answer.start_count),
        "status": answer.status,
        "remains": str(answer.remains),
        "currency": settings.BASE_CURRENCY,
    }


def status(shop, fields):
    if fields.get("orders") not in (None, ""):
        ids = _ids(fields.get("orders"))
        numbers = {order_id: _number(order_id) for order_id in ids}
        found = services.followed_for_answers(
            ShopOrder.objects.filter(shop=shop, pk__in=[n for n in numbers.values() if n])
        )
        answers = services.follow(found)
        answer = {
            order_id: _status_of(answers[number])
            if number in answers
            else {"error": words.UNKNOWN_ORDER}
            for order_id, number in numbers.items()
        }
        return answer, f"{len(answers)} of {len(ids)} orders"
    number = _number(str(fields.get("order") or "").strip())
    found = services.followed_for_answers(ShopOrder.objects.filter(shop=shop, pk=number or 0))
    answers = services.follow(found)
    if number not in answers:
        raise _Error(words.UNKNOWN_ORDER)
    answer = _status_of(answers[number])
    return answer, f"order {number}: {answer['status']}"


def _shop_orders(shop, ids) -> dict:
    numbers = [number for number in map(_number, ids) if number]
    found = ShopOrder.objects.filter(shop=shop, pk__in=numbers).select_related("product")
    return {str(shop_order.pk): shop_order for shop_order in services.followed(found)}


def refill(shop, fields):
    many = fields.get("orders") not in (None, "")
    ids = _ids(fields.get("orders")) if many else [str(fields.get("order") or "").strip()]
    orders = _shop_orders(shop, ids)
    slots = []
    for order_id in ids:
        try:
            if order_id not in orders:
                raise services.NotPossible(words.UNKNOWN_ORDER)
            made = services.ask_refill(orders[order_id])
            slots.append((order_id, str(made.pk), None))
        except services.NotPossible as refused:
            slots.append((order_id, None, str(refused)))
    if not many:
        _, made, error = slots[0]
        if error:
            raise _Error(error)
        return {"refill": made}, f"refill {made}"
    answer = [
        {"order": _int_or_text(order_id), "refill": made if made else {"error": error}}
        for order_id, made, error in slots
    ]
    return answer, f"{sum(1 for _, made, _ in slots if made)} of {len(ids)} refills"


def refill_status(shop, fields):
    many = fields.get("refills") not in (None, "")
    ids = _ids(fields.get("refills")) if many else [str(fields.get("refill") or "").strip()]
    numbers = [number for number in map(_number, ids) if number]
    found = {
        str(item.pk): item
        for item in ShopRefill.objects.filter(shop_order__shop=shop, pk__in=numbers).select_related(
            "refill"
        )
    }
    if not many:
        if ids[0] not in found:
            raise _Error(words.UNKNOWN_REFILL)
        word = services.refill_word(found[ids[0]])
        return {"status": word}, f"refill {ids[0]}: {word}"
    answer = [
        {
            "refill": _int_or_text(refill_id),
            "status": services.refill_word(found[refill_id])
            if refill_id in found
            else {"error": words.UNKNOWN_REFILL},
        }
        for refill_id in ids
    ]
    return answer, f"{len(found)} of {len(ids)} refills"


def cancel(shop, fields):
    ids = _ids(fields.get("orders") or fields.get("order"))
    orders = _shop_orders(shop, ids)
    answer = []
    for order_id in ids:
        try:
            if order_id not in orders:
                raise services.NotPossible(words.UNKNOWN_ORDER)
            services.ask_cancel(orders[order_id])
            answer.append({"order": _int_or_text(order_id), "cancel": 1})
        except services.NotPossible as refused:
            answer.append({"order": _int_or_text(order_id), "cancel": {"error": str(refused)}})
    accepted = sum(1 for slot in answer if slot["cancel"] == 1)
    return answer, f"{accepted} of {len(ids)} cancels"


def _int_or_text(order_id: str):
    number = _number(order_id)
    return number if number is not None else order_id


HANDLERS = {
    "balance": balance,
    "services": catalog,
    "add": add,
    "status": status,
    "refill": refill,
    "refill_status": refill_status,
    "cancel": cancel,
}
