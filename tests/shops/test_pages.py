"""The Shops pages: managers add (the key shown once), edit, top up, renew the key and delete;
everyone who can see the dashboard sees a shop's orders, money and API calls, never its key."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.functional import Promise

from orders import services as order_services
from shops import services
from shops.models import LedgerEntry, Shop, ShopOrder
from shops.services import notes

pytestmark = pytest.mark.django_db
LINK_CANCELED = "https://instagram.com/canceled"


def _new_shop(manager_client, **fields):
    data = {
        "name": "My panel",
        "enabled": "on",
        "markup_percent": "25",
        "price_step": "0.01",
        "min_margin": "0",
        "requests_per_minute": "600",
        "same_link": "mark",
        "price_change": "route",
        "all_products": "on",
        "credit": "50",
        **fields,
    }
    return manager_client.post("/shops/new/", data)


def test_a_new_shops_key_is_shown_once_and_stored_as_a_hash(manager_client, client):
    answer = _new_shop(manager_client)
    assert answer.status_code == 200
    key = answer.context["key"]
    assert len(key) == 32 and key in answer.content.decode()
    shop = Shop.objects.get(name="My panel")
    assert shop.balance == Decimal(50) and shop.markup_percent == Decimal(25)
    assert services.shop_for_key(key) == shop and key not in shop.key_hash
    assert answer["Cache-Control"] == "no-store"
    assert key not in manager_client.get(f"/shops/{shop.pk}/").content.decode()
    listed = manager_client.get("/shops/").content.decode()
    assert key not in listed and f"••••{key[-4:]}" in listed


def test_renewing_the_key_shows_the_new_one_once_and_the_old_stops(manager_client):
    shop, old = services.create_shop("Partner")
    answer = manager_client.post(f"/shops/{shop.pk}/key/")
    new = answer.context["key"]
    assert new != old and new in answer.content.decode()
    assert services.shop_for_key(old) is None and services.shop_for_key(new) == shop


def test_a_top_up_with_a_note_is_a_ledger_row(manager_client, manager):
    shop, _ = services.create_shop("Partner")
    manager_client.post(f"/shops/{shop.pk}/top-up/", {"amount": "12.34", "note": "invoice 7"})
    entry = LedgerEntry.objects.get(shop=shop)
    assert (entry.amount, entry.note, entry.created_by) == (Decimal("12.34"), "invoice 7", manager)
    shop.refresh_from_db()
    assert shop.balance == Decimal("12.34") == services.ledger_sum(shop)
    page = manager_client.get(f"/shops/{shop.pk}/").content.decode()
    assert "invoice 7" in page and "12.34" in page


def test_editing_and_disabling(manager_client):
    shop, key = services.create_shop("Partner")
    data = {
        "name": "Partner two",
        "markup_percent": "10",
        "price_step": "0.1",
        "min_margin": "0.05",
        "requests_per_minute": "60",
        "same_link": "refuse",
        "price_change": "refuse",
    }
    assert manager_client.post(f"/shops/{shop.pk}/edit/", data).status_code == 302
    shop.refresh_from_db()
    assert (shop.name, shop.enabled, shop.same_link, shop.all_products) == (
        "Partner two",
        False,
        "refuse",
        False,
    )
    assert manager_client.post("/api/v2", {"key": key, "action": "balance"}).json() == {
        "error": "Invalid API key"
    }


def test_a_shop_without_history_is_deleted_one_with_history_disabled(manager_client):
    empty, _ = services.create_shop("Empty")
    used, _ = services.create_shop("Used", credit=Decimal(5))
    manager_client.post(f"/shops/{empty.pk}/delete/")
    manager_client.post(f"/shops/{used.pk}/delete/")
    assert not Shop.objects.filter(pk=empty.pk).exists()
    assert Shop.objects.get(pk=used.pk).enabled is False


def test_viewers_see_shops_but_cannot_change_them(viewer_client):
    shop, _ = services.create_shop("Partner")
    assert viewer_client.get("/shops/").status_code == 200
    assert viewer_client.get(f"/shops/{shop.pk}/").status_code == 200
    assert viewer_client.get("/shops/api/").status_code == 200
    assert viewer_client.get("/shops/new/").status_code == 403
    assert viewer_client.post(f"/shops/{shop.pk}/key/").status_code == 403
    assert (
        viewer_client.post(f"/shops/{shop.pk}/top-up/", {"amount": "5", "note": "x"}).status_code
        == 403
    )


def test_a_shops_page_shows_its_orders_margin_and_calls_never_the_key(
    manager_client, api, shop, key, product
):
    order_id = api("add", service=product.pk, link="https://instagram.com/p", quantity=1000)[
        "order"
    ]
    services.route(order_id)
    page = manager_client.get(f"/shops/{shop.pk}/")
    text = page.content.decode()
    assert key not in text
    assert len(page.context["orders"]) == 1 and page.context["figures"].orders == 1
    assert page.context["figures"].revenue == Decimal("1.17")
    assert [call.action for call in page.context["calls"]] == ["add"]
    fragment = manager_client.get(f"/shops/{shop.pk}/calls/", headers={"HX-Request": "true"})
    assert b"<h1" not in fragment.content and b"add" in fragment.content


def test_the_api_page_says_the_url_status_words_and_the_repeat_rule(viewer_client):
    page = viewer_client.get("/shops/api/").content.decode()
    assert "http://testserver/api/v2" in page
    for word in ("Pending", "In progress", "Completed", "Partial", "Canceled", "Refunded"):
        assert f"<code>{word}</code>" in page
    assert "within 10 minutes" in page


def _ended(simulator, order):
    """The upstream order completes at its panel, and smmdash reads it."""
    simulator.advance(3600)
    order_services.poll_provider(order.provider)


def _placed(api, product, number):
    shop_order_id = api(
        "add", service=product.pk, link=f"https://instagram.com/p{number}", quantity=1000
    )["order"]
    return shop_order_id, order_services.submit(services.route(shop_order_id).pk)


def test_reading_a_shops_page_settles_nothing(viewer_client, api, shop, product, simulator):
    """A viewer's GET writes nothing: the shop order whose upstream order completed shows it,
    and the tick (or the shop's own status call) settles it."""
    shop_order_id, order = _placed(api, product, 1)
    _ended(simulator, order)
    page = viewer_client.get(f"/shops/{shop.pk}/")
    assert [o.answer.status for o in page.context["orders"]] == ["Completed"]
    assert ShopOrder.objects.get(pk=shop_order_id).settled_at is None
    assert services.settle_due() == 1


def test_a_shops_page_costs_the_same_queries_for_one_order_and_for_many(
    manager_client, api, shop, product, simulator
):
    def statements():
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(f"/shops/{shop.pk}/").status_code == 200
        return len(captured)

    _placed(api, product, 0)
    one = statements()
    for number in range(1, 6):
        _placed(api, product, number)
    api("add", service=product.pk, link="https://instagram.com/waiting", quantity=1000)
    _, ended = _placed(api, product, 9)
    _ended(simulator, ended)
    services.settle_due()
    assert ShopOrder.objects.count() == 8
    assert statements() == one


def test_the_calls_feed_is_its_own_light_fragment(manager_client, api, shop):
    api("balance")
    with CaptureQueriesContext(connection) as captured:
        fragment = manager_client.get(f"/shops/{shop.pk}/calls/", headers={"HX-Request": "true"})
    text = fragment.content.decode()
    assert fragment.status_code == 200 and "<h1" not in text and "balance" in text
    assert f'hx-get="/shops/{shop.pk}/calls/"' in text and 'hx-trigger="every 10s"' in text
    # The session and user, the shop, its calls: no orders, figures or credit history.
    tables = " ".join(query["sql"] for query in captured)
    assert "shops_shoporder" not in tables and "shops_ledgerentry" not in tables


def test_pages_show_statuses_and_notes_in_the_users_language(manager_client, api, shop, product):
    """The API's English words and the notes smmdash stores are shown through gettext: the
    page reads the labels from the catalog (here, English), not the stored words."""
    shop_order_id = api("add", service=product.pk, link=LINK_CANCELED, quantity=1000)["order"]
    api("cancel", orders=str(shop_order_id))
    page = manager_client.get(f"/shops/{shop.pk}/")
    (shown,) = page.context["orders"]
    assert shown.status_label == "Canceled" and shown.note == notes.CANCELED_BY_SHOP
    notes_shown = {entry.note: entry.shown_note for entry in page.context["ledger"]}
    assert notes_shown[notes.OPENING_CREDIT] == "Opening credit"
    with translation.override("ru"):
        assert notes.status_label("Canceled") not in ("", "Canceled")
        assert notes.status_label("Canceled") == translation.gettext("Canceled")
        assert notes.shown(notes.OPENING_CREDIT) not in ("", "Opening credit")
        assert notes.shown("invoice 7") == "invoice 7"  # a manager's own note, as written
    text = page.content.decode()
    assert f"Order #{shop_order_id}" in text and "Canceled by the shop before it was placed" in text


def test_shop_fields_have_translatable_names():
    for name in ("name", "enabled", "price_step", "requests_per_minute", "all_products"):
        label = Shop._meta.get_field(name).verbose_name
        assert isinstance(label, Promise), name
    assert isinstance(Shop._meta.get_field("products").verbose_name, Promise)
    assert isinstance(Shop._meta.get_field("notes").verbose_name, Promise)
