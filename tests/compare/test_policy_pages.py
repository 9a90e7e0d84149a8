"""The Routing page: routing policies listed, added, edited, their providers ordered with the
arrows (with and without htmx), and deleted unless a shop is quoted from their route."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from compare.models import PolicyProvider, RoutingPolicy, ServiceGroup
from compare.routing import Product as Routed
from shops import services as shop_services
from shops.models import Product, Quote
from smmdash.lib.moments import moment
from tests.htmx import fragment_body, htmx_headers

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_provider):
    return [make_provider(panel) for panel in ("smmsheba", "smmprovider", "smmbros")]


def order_of(policy):
    return list(policy.ranks.values_list("provider__name", flat=True))


def a_priority_policy(providers, **labels):
    policy = RoutingPolicy.objects.create(
        platform=labels.get("platform", "instagram"),
        kind=labels.get("kind", "followers"),
        strategy=RoutingPolicy.Strategy.PRIORITY,
    )
    for position, provider in enumerate(providers, start=1):
        PolicyProvider.objects.create(policy=policy, provider=provider, position=position)
    return policy


def test_a_manager_adds_a_policy_and_orders_its_providers(three, manager_client):
    sheba, provider, bros = three
    response = manager_client.post(
        "/compare/routing/new/",
        {"platform": "instagram", "kind": "followers", "strategy": "priority"},
    )
    policy = RoutingPolicy.objects.get()
    assert response.status_code == 302 and response.url == f"/compare/routing/{policy.pk}/"
    assert Routed.from_words("instagram followers").policy() == policy

    url = f"/compare/routing/{policy.pk}/providers/"
    for chosen in (sheba, provider, bros):
        manager_client.post(url, {"action": "add", "provider": chosen.pk})
    assert order_of(policy) == ["smmsheba", "smmprovider", "smmbros"]

    # Without JavaScript: a form post, and back to the page.
    bros_rank = policy.ranks.get(provider=bros)
    moved = manager_client.post(url, {"action": "up", "rank": bros_rank.pk})
    assert moved.status_code == 302 and moved.url == f"/compare/routing/{policy.pk}/"
    assert order_of(policy) == ["smmsheba", "smmbros", "smmprovider"]
    # At the top already: nothing moves.
    manager_client.post(url, {"action": "up", "rank": policy.ranks.get(provider=sheba).pk})
    assert order_of(policy) == ["smmsheba", "smmbros", "smmprovider"]

    # With htmx: only the list comes back, in its new order.
    answer = manager_client.post(
        url,
        {"action": "down", "rank": policy.ranks.get(provider=sheba).pk},
        **htmx_headers("policy-providers"),
    )
    body = fragment_body(answer, "policy-providers")
    assert body.index("smmbros") < body.index("smmsheba") < body.index("smmprovider")
    assert order_of(policy) == ["smmbros", "smmsheba", "smmprovider"]

    manager_client.post(url, {"action": "remove", "rank": policy.ranks.get(provider=sheba).pk})
    assert order_of(policy) == ["smmbros", "smmprovider"]
    assert list(policy.ranks.values_list("position", flat=True)) == [1, 2]
    policy.refresh_from_db()
    assert policy.updated_by.username == "manager"


def test_a_provider_listed_twice_is_refused_in_words(three, manager_client):
    policy = a_priority_policy(three[:1])

    answer = manager_client.post(
        f"/compare/routing/{policy.pk}/providers/",
        {"action": "add", "provider": three[0].pk},
        follow=True,
    )

    assert "Select a valid choice" in answer.content.decode()
    assert order_of(policy) == ["smmsheba"]


def test_a_second_policy_for_the_same_product_is_refused(three, manager_client):
    a_priority_policy(three)

    answer = manager_client.post(
        "/compare/routing/new/",
        {"platform": "instagram", "kind": "followers", "strategy": "cheapest"},
    )

    assert answer.status_code == 200
    assert "That product has a policy already" in answer.content.decode()
    assert RoutingPolicy.objects.count() == 1


def test_editing_changes_the_strategy(three, manager_client):
    policy = a_priority_policy(three)

    manager_client.post(
        f"/compare/routing/{policy.pk}/",
        {"platform": "instagram", "kind": "followers", "strategy": "cheapest"},
    )

    policy.refresh_from_db()
    assert policy.strategy == "cheapest"


def test_the_list_shows_products_default_and_order_in_constant_queries(three, viewer_client, db):
    group = ServiceGroup.objects.create(name="IG real followers", platform="instagram")
    RoutingPolicy.objects.create(group=group, strategy="cheapest")
    a_priority_policy(three)

    def listed():
        with CaptureQueriesContext(connection) as queries:
            page = viewer_client.get("/compare/routing/")
        assert page.status_code == 200
        return page.content.decode(), len(queries)

    page, few = listed()
    assert "IG real followers" in page and "Default" in page and "Best value" in page
    assert "1. smmsheba, 2. smmprovider, 3. smmbros" in page
    for platform in ("tiktok", "youtube", "telegram"):
        a_priority_policy(three, platform=platform, kind="views")
    _page, many = listed()
    assert many == few


def test_viewers_see_policies_but_change_nothing(three, viewer_client):
    policy = a_priority_policy(three)

    assert viewer_client.get(f"/compare/routing/{policy.pk}/").status_code == 200
    assert viewer_client.get("/compare/routing/new/").status_code == 403
    for url, data in [
        (f"/compare/routing/{policy.pk}/", {"strategy": "cheapest"}),
        (f"/compare/routing/{policy.pk}/providers/", {"action": "remove", "rank": 1}),
        (f"/compare/routing/{policy.pk}/delete/", {}),
        ("/compare/routing/new/", {"platform": "tiktok", "kind": "views"}),
    ]:
        assert viewer_client.post(url, data).status_code == 403
    assert order_of(policy) == ["smmsheba", "smmprovider", "smmbros"]
    assert RoutingPolicy.objects.count() == 1


def test_a_policy_a_shop_is_quoted_from_is_not_deleted(three, manager_client):
    policy = a_priority_policy(three)
    shop, _key = shop_services.create_shop("Reseller panel", credit=Decimal(10))
    product = Product.objects.create(
        key="labels:instagram/followers//",
        platform="instagram",
        kind="followers",
        name="Instagram followers",
    )
    Quote.objects.create(shop=shop, product=product, rate=Decimal("1.5"))

    page = manager_client.post(f"/compare/routing/{policy.pk}/delete/", follow=True)

    text = page.content.decode()
    assert "This policy is in use, so it was not deleted" in text
    assert "Reseller panel" in text and "Instagram followers" in text
    assert RoutingPolicy.objects.filter(pk=policy.pk).exists()

    # A more specific policy takes the product over: the first one can go.
    RoutingPolicy.objects.create(platform="instagram", kind="followers", geo="USA")
    product.geo = "USA"
    product.save()
    gone = manager_client.post(f"/compare/routing/{policy.pk}/delete/", follow=True)
    assert "deleted" in gone.content.decode()
    assert not RoutingPolicy.objects.filter(pk=policy.pk).exists()


def test_the_routing_page_is_linked_next_to_buy(viewer_client, buyer_client, db):
    assert 'href="/compare/routing/"' in viewer_client.get("/orders/").content.decode()
    assert 'href="/compare/routing/"' in buyer_client.get("/orders/buy/").content.decode()


def test_a_policys_page_reads_its_shops_uses_in_constant_queries(three, manager_client):
    policy = a_priority_policy(three)
    shop, _key = shop_services.create_shop("Reseller panel", credit=Decimal(10))

    def quoted_products(count):
        for geo in [f"G{n}" for n in range(Product.objects.count(), count)]:
            product = Product.objects.create(
                key=f"labels:instagram/followers//{geo}",
                platform="instagram",
                kind="followers",
                geo=geo,
                name=f"Instagram followers {geo}",
            )
            Quote.objects.create(shop=shop, product=product, rate=Decimal("1.5"))
        with CaptureQueriesContext(connection) as queries:
            page = manager_client.get(f"/compare/routing/{policy.pk}/")
        assert page.content.decode().count("Reseller panel") == count
        return len(queries)

    assert quoted_products(2) == quoted_products(8)


def test_the_list_writes_when_a_policy_changed_as_every_page_does(three, viewer_client):
    policy = a_priority_policy(three)
    RoutingPolicy.objects.filter(pk=policy.pk).update(
        updated_at=datetime(2026, 12, 7, 16, 51, tzinfo=UTC)
    )

    page = viewer_client.get("/compare/routing/").content.decode()

    assert moment(RoutingPolicy.objects.get(pk=policy.pk).updated_at) in page
