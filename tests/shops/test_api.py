"""The panel API as a panel script drives it: the key, balance, services, add, status, the
error words, the limits, and the money (Decimal, exactly)."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services as order_services
from orders.models import Order
from shops import services
from shops.models import ApiCall, LedgerEntry, Quote, Shop, ShopOrder, WrongKeys

pytestmark = pytest.mark.django_db
LINK = "https://instagram.com/shopper"


def test_a_wrong_key_and_a_disabled_shop_are_answered_the_same_words(api, shop):
    """The answer tells no one whether a key exists: a disabled shop's key is answered as a
    wrong one."""
    wrong = api("balance", as_key="0" * 32)
    Shop.objects.filter(pk=shop.pk).update(enabled=False)
    disabled = api("balance")
    assert wrong == disabled == {"error": "Invalid API key"}
    assert shop.name not in json.dumps(disabled)


@override_settings(SHOP_API_WRONG_KEYS_PER_MINUTE=3)
def test_wrong_keys_are_limited_per_address_and_write_no_feed_rows(client, key, shop):
    """Keys that open no shop are counted per client address (across processes: a row in the
    database) and refused before any key is looked up once over the limit; none is kept in
    the feed, so no one without a key can fill it."""
    for attempt in range(3):
        answer = client.post("/api/v2", {"key": f"{attempt:032d}", "action": "balance"})
        assert answer.json() == {"error": "Invalid API key"}
    refused = client.post("/api/v2", {"key": "9" * 32, "action": "balance"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    # Refused before the lookup: even the right key waits, from that address.
    assert client.post("/api/v2", {"key": key, "action": "balance"}).status_code == 429
    assert not ApiCall.objects.exists()
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert other.post("/api/v2", {"key": key, "action": "balance"}).json()["currency"] == "USD"
    assert WrongKeys.objects.get().address == "127.0.0.1"
    # A minute on, the tick forgets the window.
    services.tick(now=timezone.now() + timedelta(minutes=1))
    assert not WrongKeys.objects.exists()


def test_balance_answers_the_credit_as_a_string_in_the_base_currency(api):
    assert api("balance") == {"balance": "100.0000", "currency": "USD"}


def test_the_key_is_stored_only_as_a_hash_and_never_in_the_feed(api, shop, key):
    api("balance")
    shop.refresh_from_db()
    assert key not in (shop.key_hash, shop.key_hint) and shop.key_hint == key[-4:]
    call = ApiCall.objects.get()
    assert call.shop == shop and call.action == "balance" and key not in call.answer


def test_a_rotated_key_replaces_the_old_one(api, shop, key):
    new = services.rotate_key(shop)
    assert api("balance", as_key=key) == {"error": "Invalid API key"}
    assert api("balance", as_key=new)["currency"] == "USD"


def test_services_lists_products_at_the_shops_price(api, shop, product):
    listed = api("services")
    entry = next(item for item in listed if item["service"] == product.pk)
    # The route's cost (best value: no records, so the cheapest, 0.90) + 30%, up to a cent.
    assert product.cost == Decimal("0.9")
    assert entry["rate"] == "1.17"
    assert entry["name"] == product.name and entry["type"] == "Default"
    assert (entry["min"], entry["max"]) == (str(product.min), str(product.max))
    assert set(entry) >= {"category", "refill", "cancel", "dripfeed"}
    text = json.dumps(listed)
    assert "smmbros" not in text and "smmprovider" not in text and "smmsheba" not in text
    assert Quote.objects.get(shop=shop, product=product).rate == Decimal("1.17")


def test_the_price_never_goes_under_the_minimum_margin_and_an_override_wins(api, shop, product):
    Shop.objects.filter(pk=shop.pk).update(
        markup_percent=Decimal(1), min_margin=Decimal("0.5"), price_step=Decimal("0.1")
    )
    assert _rate(api("services"), product) == "1.40"
    shop.prices.create(product=product, rate=Decimal("2.5"))
    assert _rate(api("services"), product) == "2.50"


def _rate(listed, product):
    return next(item["rate"] for item in listed if item["service"] == product.pk)


def test_add_charges_the_credit_and_status_answers_at_once(api, shop, product):
    answer = api("add", service=product.pk, link=LINK, quantity=1000)
    order_id = answer["order"]
    assert isinstance(order_id, int)
    status = api("status", order=order_id)
    # 1.17 per 1000, charged as soon as the order is accepted; nothing upstream yet.
    assert status == {
        "charge": "1.1700",
        "start_count": "0",
        "status": "Pending",
        "remains": "1000",
        "currency": "USD",
    }
    shop.refresh_from_db()
    assert shop.balance == Decimal("98.83") == services.ledger_sum(shop)
    assert LedgerEntry.objects.get(kind="charge").amount == Decimal("-1.17")


def test_add_refuses_in_words_a_shops_admin_understands(api, shop, product):
    assert api("add", service=99999, link=LINK, quantity=1000) == {"error": "Incorrect service ID"}
    assert api("add", service=product.pk, link=LINK, quantity=1) == {
        "error": f"Quantity must be between {product.min} and {product.max}"
    }
    assert api("add", service=product.pk, link=LINK, quantity="ten") == {
        "error": "Quantity must be a whole number"
    }
    assert api("add", service=product.pk, link="not a link", quantity=1000)["error"].startswith(
        "Incorrect link"
    )
    assert api("frobnicate") == {"error": "Invalid action"}
    assert not ShopOrder.objects.exists()


def test_a_shop_over_its_credit_is_refused_and_charged_nothing(api, shop, product):
    services.top_up(shop, Decimal("-99.50"), note="most of it back")
    assert api("add", service=product.pk, link=LINK, quantity=1000) == {
        "error": "Not enough funds on balance"
    }
    shop.refresh_from_db()
    assert shop.balance == Decimal("0.50") == services.ledger_sum(shop)
    assert not ShopOrder.objects.exists()
    assert not LedgerEntry.objects.filter(kind="charge").exists()


def test_a_product_the_shop_may_not_buy_is_unknown_to_it(api, shop, product):
    Shop.objects.filter(pk=shop.pk).update(all_products=False)
    assert api("services") == []
    assert api("add", service=product.pk, link=LINK, quantity=1000) == {
        "error": "Incorrect service ID"
    }
    shop.products.add(product)
    assert [item["service"] for item in api("services")] == [product.pk]


def test_a_repeated_add_is_the_same_order(api, shop, product):
    first = api("add", service=product.pk, link=LINK, quantity=1000)
    again = api("add", service=product.pk, link=LINK, quantity=1000)
    other = api("add", service=product.pk, link=LINK, quantity=1100)
    assert again == first and other != first
    assert ShopOrder.objects.count() == 2
    assert LedgerEntry.objects.filter(kind="charge").count() == 2


def test_a_repeat_after_the_window_is_a_new_order(api, shop, product):
    with override_settings(SHOP_ADD_REPEAT_WINDOW=0):
        first = api("add", service=product.pk, link=LINK, quantity=1000)
        again = api("add", service=product.pk, link=LINK, quantity=1000)
    assert again != first and ShopOrder.objects.count() == 2


def test_multi_status_answers_each_id_and_an_unknown_one_in_its_slot(api, product):
    added = [api("add", service=product.pk, link=f"{LINK}/{n}", quantity=1000) for n in range(3)]
    ids = [answer["order"] for answer in added]
    answer = api("status", orders=",".join(map(str, [*ids, 999999])))
    assert list(answer) == [*map(str, ids), "999999"]
    assert all(answer[str(order_id)]["status"] == "Pending" for order_id in ids)
    assert answer["999999"] == {"error": "Incorrect order ID"}
    assert api("status", order=999999) == {"error": "Incorrect order ID"}
    assert api("status", orders=",".join(str(n) for n in range(101))) == {
        "error": "At most 100 ids at a time"
    }


def test_another_shops_order_is_an_incorrect_id(api, product):
    _, other_key = services.create_shop("Partner", credit=Decimal(10))
    order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
    assert api("status", as_key=other_key, order=order_id) == {"error": "Incorrect order ID"}


def test_too_many_requests_answer_429_with_retry_after(client, key, shop):
    Shop.objects.filter(pk=shop.pk).update(requests_per_minute=2)
    for _ in range(2):
        assert client.post("/api/v2", {"key": key, "action": "balance"}).status_code == 200
    refused = client.post("/api/v2", {"key": key, "action": "balance"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused.json()["error"].startswith("Too many requests")


def test_a_refused_call_counts_against_the_limit_and_is_in_the_feed(client, key, shop, product):
    """A refused call writes nothing of its own (its transaction is rolled back) but is still
    counted and kept in the feed; a wrong key is not kept."""
    Shop.objects.filter(pk=shop.pk).update(requests_per_minute=2)
    refused = client.post("/api/v2", {"key": key, "action": "add", "service": product.pk})
    assert refused.json() == {"error": "Quantity must be a whole number"}
    assert client.post("/api/v2", {"key": key, "action": "nonsense"}).json() == {
        "error": "Invalid action"
    }
    assert client.post("/api/v2", {"key": key, "action": "balance"}).status_code == 429
    assert client.post("/api/v2", {"key": "0" * 32, "action": "balance"}).json() == {
        "error": "Invalid API key"
    }
    feed = ApiCall.objects.order_by("pk").values_list("shop_id", "action", "ok", "answer")
    assert [(shop_id, action, ok) for shop_id, action, ok, _ in feed] == [
        (shop.pk, "add", False),
        (shop.pk, "nonsense", False),
        (shop.pk, "balance", False),
    ]
    assert not ShopOrder.objects.exists()


@override_settings(SHOP_API_MAX_BODY=1000)
def test_a_body_over_the_limit_is_refused(client, key):
    answer = client.post("/api/v2", {"key": key, "action": "balance", "pad": "x" * 2000})
    assert answer.status_code == 413 and answer.json() == {"error": "Request too large"}


def test_json_bodies_and_get_work_too(client, key):
    as_json = client.post(
        "/api/v2", json.dumps({"key": key, "action": "balance"}), content_type="application/json"
    )
    assert as_json.json()["balance"] == "100.0000"
    assert client.get("/api/v2", {"key": key, "action": "balance"}).json()["currency"] == "USD"


def test_the_api_needs_no_session_nor_csrf_token_and_nothing_else_is_exempt(key, manager):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post("/api/v2", {"key": key, "action": "balance"}).status_code == 200
    browser.force_login(manager)
    assert browser.post("/spend/top-ups/new/", {}).status_code == 403  # the CSRF check
    assert browser.post("/api/v2", {"key": key, "action": "balance"}).status_code == 200


@override_settings(SECURE_SSL_REDIRECT=True)
def test_over_plain_http_production_redirects_and_over_https_it_answers(client, key):
    assert client.post("/api/v2", {"key": key, "action": "balance"}).status_code == 301
    secure = client.post("/api/v2", {"key": key, "action": "balance"}, secure=True)
    assert secure.json()["currency"] == "USD"


def test_an_order_nothing_can_take_is_refunded_and_canceled(api, shop, product, shop_market):
    order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
    for provider in shop_market[0].values():
        provider.enabled = False
        provider.save(update_fields=["enabled"])
    assert services.route(order_id) is None
    status = api("status", order=order_id)
    assert (status["status"], status["charge"], status["remains"]) == ("Canceled", "0.0000", "1000")
    shop.refresh_from_db()
    assert shop.balance == Decimal(100) == services.ledger_sum(shop)


def test_routed_it_is_placed_by_the_product_policy_and_followed(api, shop, product, simulator):
    order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
    order = services.route(order_id)
    assert order.provider.name == "smmbros" and order.status == Order.Status.QUEUED
    assert services.route(order_id) is None  # delivered twice: placed once
    placed = order_services.submit(order.pk)
    assert placed.status == Order.Status.PENDING
    assert api("status", order=order_id)["status"] == "Pending"
    simulator.advance(120)
    order_services.poll_provider(placed.provider)
    answer = api("status", order=order_id)
    assert answer["status"] == "In progress" and answer["charge"] == "1.1700"
    assert "smmbros" not in json.dumps(answer) and placed.provider_order_id not in json.dumps(
        answer
    )


def test_when_the_cost_rises_services_shows_the_new_price_and_the_old_one_is_honoured(
    api, shop, product
):
    assert _rate(api("services"), product) == "1.17"
    product.cost = Decimal("1.2")
    product.save(update_fields=["cost"])
    # The shop's panel still sells at 1.17: routed anyway at that price (the default).
    order_id = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
    assert ShopOrder.objects.get(pk=order_id).charge == Decimal("1.17")
    assert _rate(api("services"), product) == "1.56"  # the new price, at once
    product.cost = Decimal("1.5")
    product.save(update_fields=["cost"])
    Shop.objects.filter(pk=shop.pk).update(price_change="refuse")
    assert api("add", service=product.pk, link=f"{LINK}/2", quantity=1000) == {
        "error": "The price of this service changed: read the services again"
    }


def test_the_same_link_guard_marks_or_refuses_as_the_shop_says(api, shop, product):
    first = api("add", service=product.pk, link=LINK, quantity=1000)["order"]
    services.route(first)
    second = api("add", service=product.pk, link=f"{LINK}/?igshid=1", quantity=1100)["order"]
    services.route(second)
    assert ShopOrder.objects.get(pk=second).overlapped is True
    Shop.objects.filter(pk=shop.pk).update(same_link="refuse")
    assert api("add", service=product.pk, link=LINK, quantity=1200) == {
        "error": "This link already has an active order of this kind"
    }


def _statements(client, data) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.post("/api/v2", data).status_code == 200
    return [q["sql"].split()[0] for q in captured if "SAVEPOINT" not in q["sql"]]


def test_an_add_is_eight_statements_and_a_status_of_100_as_many_as_of_one(client, key, product):
    def add(number):
        fields = {"service": product.pk, "link": f"{LINK}-{number}", "quantity": 1000}
        return _statements(client, {"key": key, "action": "add", **fields})

    add(0)
    # The address's wrong keys; the shop and its request count; the product with the shop's
    # prices; the order, its claim, the charge (SQLite: the balance read under its lock, then
    # written) and its ledger row; the feed.
    balance = ["UPDATE"] if connection.vendor == "postgresql" else ["SELECT", "UPDATE"]
    assert add(1) == [
        *("SELECT", "UPDATE", "SELECT", "INSERT", "INSERT"),
        *balance,
        *("INSERT", "INSERT"),
    ]
    ids = list(ShopOrder.objects.values_list("pk", flat=True))
    services.route(ids[0])
    one = _statements(client, {"key": key, "action": "status", "orders": str(ids[0])})
    for number in range(2, 6):
        add(number)
    for shop_order_id in ShopOrder.objects.filter(order__isnull=True).values_list("pk", flat=True):
        services.route(shop_order_id)
    hundred = ",".join(
        str(n) for n in [*ShopOrder.objects.values_list("pk", flat=True), *range(10**6, 10**6 + 94)]
    )
    assert len(hundred.split(",")) == 100
    assert _statements(client, {"key": key, "action": "status", "orders": hundred}) == one
