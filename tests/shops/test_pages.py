"""The Shops pages: managers add (the key shown once), edit, top up, renew the key and delete;
everyone who can see the dashboard sees a shop's orders, money and API calls, never its key."""

from decimal import Decimal

import pytest

from shops import services
from shops.models import LedgerEntry, Shop

pytestmark = pytest.mark.django_db


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
