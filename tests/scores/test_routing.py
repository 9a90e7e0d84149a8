"""Compare on value, routing policies, Buy, failover after a refusal and the same-link guard,
against the simulated panels with their delivery profiles."""

from decimal import Decimal

import pytest

from compare.models import PolicyProvider, RoutingPolicy
from compare.routing import Product, ProductNotUnderstood, plan
from compare.search import compare
from orders import services
from orders.models import Order
from providers import services as provider_services
from providers.models import Provider
from smmdash.lib.moments import moment
from tests.market import GROUP, finished_history, offer_at
from tests.processes import free_port

pytestmark = pytest.mark.django_db
S = Order.Status


def test_best_value_beats_cheapest_when_the_cheap_panel_delivers_part(market, place, time_passes):
    finished_history(place, time_passes, market["smmprovider"])
    finished_history(place, time_passes, market["smmbros"])
    criteria = Product.from_words(GROUP).criteria(1000)

    by_cost = compare(criteria).offers
    criteria.sort = "value"
    by_value = compare(criteria)
    assert [offer.provider.name for offer in by_cost] == ["smmbros", "smmsheba", "smmprovider"]
    # 1.00 / 100% delivered < 0.90 / 85% delivered < 0.95 / 80% assumed for no record.
    assert [offer.provider.name for offer in by_value.offers] == [
        "smmprovider",
        "smmbros",
        "smmsheba",
    ]
    best = by_value.best_value
    assert best.provider == market["smmprovider"]
    assert best.record.why.startswith("delivered 100% of 12 finished orders")
    bros = by_value.offers[1]
    assert "33.3% partial" in bros.record.why
    # Cost per unit delivered: the rate over the share that arrived.
    assert bros.value == (bros.rate_in_base / bros.record.delivered).quantize(Decimal("0.000001"))


def test_a_service_with_too_little_history_is_judged_by_its_provider_or_assumed(market, place):
    offer = offer_at(market["smmsheba"])
    assert offer.record.of == ""
    assert offer.record.why == "no delivery record yet: counted as delivering 80%"


def test_the_plan_follows_the_policy(market, place, time_passes):
    finished_history(place, time_passes, market["smmprovider"])
    finished_history(place, time_passes, market["smmbros"])
    product = Product.from_words(GROUP)

    value = plan(product, 1000)
    assert value.strategy == "best_value" and value.policy is None
    assert [choice.offer.provider.name for choice in value.choices] == [
        "smmprovider",
        "smmbros",
        "smmsheba",
    ]
    assert "per 1000 delivered" in value.choices[0].reason

    policy = RoutingPolicy.objects.create(group=product.group, strategy="cheapest")
    assert plan(product, 1000).choices[0].offer.provider == market["smmbros"]

    policy.strategy = "priority"
    policy.save()
    PolicyProvider.objects.create(policy=policy, provider=market["smmsheba"], position=1)
    PolicyProvider.objects.create(policy=policy, provider=market["smmbros"], position=2)
    ranked = plan(product, 1000)
    assert [choice.offer.provider.name for choice in ranked.choices] == ["smmsheba", "smmbros"]
    assert any("not in the policy's list" in why for _, why in ranked.left_out)


def test_a_policy_for_labels_applies_to_words(market):
    RoutingPolicy.objects.create(platform="instagram", kind="followers", strategy="cheapest")
    words = Product.from_words("instagram followers")
    assert words.policy().strategy == "cheapest"
    assert Product.from_words("instagram likes").policy() is None
    chosen = plan(words, 1000)
    rates = [choice.offer.rate_in_base for choice in chosen.choices]
    assert rates == sorted(rates)


def test_an_unhealthy_provider_is_left_out(market):
    market["smmbros"].balance_error = "Invalid API key"
    market["smmbros"].save()
    chosen = plan(Product.from_words(GROUP), 1000)
    assert market["smmbros"] not in [choice.offer.provider for choice in chosen.choices]
    assert any("balance check failing" in why for _, why in chosen.left_out)


def test_a_panel_that_refused_connections_is_left_out_until_a_call_is_answered(
    market, simulator, buyer, buyer_client
):
    product = Product.from_words(GROUP)
    first = plan(product, 1000).choices[0].offer.provider
    # A lost answer is no connection problem: the request reached the panel.
    simulator.inject(first.name, "reset", action="add", after=True)
    lost = services.buy(product, link="https://instagram.com/lost", quantity=1000, user=buyer)
    assert services.submit(lost.order.pk).status == S.UNKNOWN
    assert Provider.objects.get(pk=first.pk).not_connecting_since is None
    assert plan(product, 1000).choices[0].offer.provider == first

    working_url = first.api_url
    Provider.objects.filter(pk=first.pk).update(api_url=f"http://127.0.0.1:{free_port()}/api/v2")
    refused = services.buy(product, link="https://instagram.com/refused", quantity=1000, user=buyer)
    assert services.submit(refused.order.pk).status == S.QUEUED  # nothing left: try again later

    down = Provider.objects.get(pk=first.pk)
    assert down.not_connecting_since is not None and "connection refused" in down.connect_error
    chosen = plan(product, 1000)
    assert first not in [choice.offer.provider for choice in chosen.choices]
    assert chosen.not_connecting == [down]
    since = moment(down.not_connecting_since)
    reasons = [why for offer, why in chosen.left_out if offer.provider == first]
    assert reasons == [f"{first.name}: not connecting since {since}"]
    page = buyer_client.get("/orders/buy/", {"product": GROUP, "quantity": 1000}).content
    assert f"{first.name} is left out: not connecting since {since}" in page.decode()
    # The next order goes elsewhere first.
    elsewhere = services.buy(product, link="https://instagram.com/next", quantity=1000)
    assert elsewhere.order.provider != first

    # Any call answered puts it back: here, the balance read every few minutes.
    Provider.objects.filter(pk=first.pk).update(api_url=working_url)
    provider_services.refresh_balance(Provider.objects.get(pk=first.pk))
    assert Provider.objects.get(pk=first.pk).not_connecting_since is None
    assert plan(product, 1000).choices[0].offer.provider == first


def test_words_that_name_no_product_are_refused_in_words(market):
    with pytest.raises(ProductNotUnderstood, match="cannot tell its platform and kind"):
        Product.from_words("server 12 fast")


def test_buy_places_at_the_first_and_a_refusal_moves_it_to_the_next(market, simulator, buyer):
    chosen = plan(Product.from_words(GROUP), 1000)
    first, second = chosen.choices[0], chosen.choices[1]
    slug = first.offer.provider.name
    simulator.inject(slug, "canned", action="add", body='{"error": "Not enough funds on balance"}')

    purchase = services.buy(
        Product.from_words(GROUP), link="https://instagram.com/acme", quantity=1000, user=buyer
    )
    assert purchase.order.service == first.service
    assert purchase.order.route[0] == second.service.pk
    refused = services.submit(purchase.order.pk)

    assert refused.status == S.REJECTED
    moved = Order.objects.get(previous_attempt=refused)
    assert moved.service == second.service and moved.status == S.QUEUED
    assert "refused it: Not enough funds on balance" in moved.routing_note
    assert refused.events.filter(message__contains=f"as order #{moved.pk}").exists()
    with pytest.raises(services.OrderActionRefused, match="would buy it twice"):
        services.send_again(refused, buyer)
    placed = services.submit(moved.pk)
    assert placed.status == S.PENDING and placed.provider_order_id
    assert len(simulator.requests(second.offer.provider.name, "add")) == 1


def test_a_lost_answer_never_moves_the_order(market, simulator, buyer):
    first = plan(Product.from_words(GROUP), 1000).choices[0]
    simulator.inject(first.offer.provider.name, "reset", action="add", after=True)
    purchase = services.buy(
        Product.from_words(GROUP), link="https://instagram.com/lost", quantity=1000, user=buyer
    )
    lost = services.submit(purchase.order.pk)
    assert lost.status == S.UNKNOWN
    assert not Order.objects.filter(previous_attempt=lost).exists()
    # Not even once staff find it was not placed: only they may send it elsewhere.
    services.resolve_not_placed(lost, buyer)
    assert Order.objects.count() == 1


def test_an_order_that_cannot_be_sent_moves_on_once(market, simulator, buyer):
    chosen = plan(Product.from_words(GROUP), 1000)
    first = chosen.choices[0].offer.provider
    purchase = services.buy(
        Product.from_words(GROUP), link="https://instagram.com/down", quantity=1000, user=buyer
    )
    first.enabled = False
    first.save()
    services.submit(purchase.order.pk)
    assert services.fail_over(Order.objects.get(pk=purchase.order.pk), "again") is None
    assert Order.objects.filter(previous_attempt=purchase.order).count() == 1


def test_the_same_link_guard(market, buyer, place):
    product = Product.from_words(GROUP)
    services.submit(
        services.buy(product, link="https://www.instagram.com/acme/", quantity=1000).order.pk
    )
    with pytest.raises(services.LinkHasOpenOrder) as warned:
        services.buy(product, link="https://instagram.com/acme?igshid=x", quantity=1000)
    assert "already has order #" in str(warned.value)
    confirmed = services.buy(
        product, link="https://instagram.com/acme", quantity=1000, overlap_confirmed=True
    )
    assert confirmed.created
    # Another kind on the same link is no overlap.
    likes = Product.from_words("instagram likes")
    assert services.buy(likes, link="https://instagram.com/acme", quantity=1000).created


def test_the_offer_page_shows_what_the_product_delivered_at_each_provider(
    market, place, time_passes, viewer_client
):
    finished_history(place, time_passes, market["smmbros"])
    bros = offer_at(market["smmbros"]).service
    sheba = offer_at(market["smmsheba"]).service

    page = viewer_client.get(f"/compare/offers/{bros.pk}/").content.decode()
    card = page[page.index('id="offer-scorecard"') :]
    card = card[: card.index("</article>")]
    assert "What it delivered" in card
    # Of its 12 orders 4 ended partial: 33.3%, as the service's, its provider's and the group's.
    assert card.count("33.3% partial") == 2
    assert "The same product at each provider" in card and "smmbros" in card
    # A service with no orders of its own still shows the product's record elsewhere.
    other = viewer_client.get(f"/compare/offers/{sheba.pk}/").content.decode()
    assert "no orders yet" in other and "smmbros" in other


def test_a_long_refusal_still_moves_the_order(market, simulator, buyer):
    first = plan(Product.from_words(GROUP), 1000).choices[0]
    words = "This link cannot be served right now, " * 12  # panels write essays too
    simulator.inject(
        first.offer.provider.name, "canned", action="add", body=f'{{"error": "{words}"}}'
    )
    order = services.buy(Product.from_words(GROUP), link="https://instagram.com/l", quantity=1000)
    services.submit(order.order.pk)
    moved = Order.objects.get(previous_attempt=order.order)
    assert moved.status == S.QUEUED and len(moved.routing_note) <= 300
    assert words.strip() in moved.events.get().message  # the whole refusal, in the timeline
