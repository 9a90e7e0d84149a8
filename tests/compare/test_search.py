"""The Compare page: equivalent offers from every provider, priced in the base currency."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from compare.forms import CompareForm
from compare.search import Criteria, compare
from providers.models import Provider
from rates.models import ExchangeRate
from rates.money import expected_cost
from tests.compare.conftest import PANELS, RUB_IN_USD
from tests.htmx import fragment_body, htmx_headers

pytestmark = pytest.mark.django_db


def test_a_typed_need_finds_the_same_product_at_every_panel(market):
    found = compare(Criteria(text="instagram followers", quantity=1000))
    assert {offer.provider.name for offer in found.offers} == set(PANELS)
    assert {(o.service.platform, o.service.kind) for o in found.offers} == {
        ("instagram", "followers")
    }
    assert found.total == len(found.offers)
    assert not found.searched_text


def test_russian_words_find_youtube_subscribers(market):
    found = compare(Criteria(text="подписчики youtube", quantity=1000))
    assert {offer.provider.name for offer in found.offers} == set(PANELS)
    assert {o.service.kind for o in found.offers} == {"subscribers"}
    assert {o.service.platform for o in found.offers} == {"youtube"}


def test_attributes_in_the_search_narrow_it(market):
    found = compare(Criteria(text="tiktok likes real refill 60"))
    assert found.offers
    for offer in found.offers:
        assert offer.service.quality == "real"
        assert offer.service.refill_days >= 60


def test_offers_are_sorted_by_base_currency_cost_and_the_cheapest_fitting_one_is_marked(
    market,
):
    found = compare(Criteria(text="instagram likes", quantity=500))
    in_base = [offer.rate_in_base for offer in found.offers]
    assert in_base == sorted(in_base)
    fitting = [offer for offer in found.offers if offer.fits]
    assert found.best is fitting[0]
    assert [offer for offer in found.offers if offer.best] == [found.best]


def test_costs_are_decimal_in_both_currencies(market):
    found = compare(
        Criteria(text="instagram followers", quantity=1234, providers=[market["smmub"]])
    )
    offer = found.offers[0]
    rate = offer.service.rate
    assert offer.cost == expected_cost(rate, 1234)  # to the cent what the order form says
    assert offer.cost == (rate * 1234 / 1000).quantize(Decimal("0.000001"))
    # Converted to the places amounts are stored with, not to cents: a 0.004 cost is not 0.
    assert offer.rate_in_base == (rate * RUB_IN_USD).quantize(Decimal("0.000001"))
    assert offer.cost_in_base == (offer.cost * RUB_IN_USD).quantize(Decimal("0.000001"))
    assert all(isinstance(value, Decimal) for value in (offer.cost, offer.cost_in_base))


def test_a_currency_without_a_rate_is_kept_unconverted_and_sorted_last(market, viewer_client):
    ExchangeRate.objects.all().delete()
    found = compare(Criteria(text="instagram followers", quantity=1000))
    rub = [offer for offer in found.offers if offer.provider.currency == "RUB"]
    assert rub and all(offer.rate_in_base is None and offer.cost_in_base is None for offer in rub)
    assert all(offer.cost is not None for offer in rub)
    assert found.offers[-len(rub) :] == rub
    assert found.missing_rates == ["RUB"]
    assert found.best.provider.currency == "USD"

    page = viewer_client.get("/compare/", {"q": "instagram followers"}).content.decode()
    assert "No exchange rate for RUB" in page


def test_quantity_fit(market):
    biggest = max(
        s.max for s in market["smmprovider"].services.filter(platform="youtube", kind="subscribers")
    )
    found = compare(Criteria(text="youtube subscribers", quantity=biggest + 1))
    assert all(offer.fits is False for offer in found.offers)
    assert found.best is None
    fitting_only = compare(Criteria(text="youtube subscribers", quantity=biggest + 1, fits=True))
    assert fitting_only.offers == []

    small = compare(Criteria(text="youtube subscribers", quantity=100, fits=True))
    assert small.offers and all(o.service.min <= 100 <= o.service.max for o in small.offers)


def test_balance_sufficiency(market):
    provider = market["smmprovider"]
    Provider.objects.filter(pk=provider.pk).update(balance=Decimal("1.50"))
    found = compare(Criteria(text="youtube subscribers", quantity=1000, providers=[provider]))
    for offer in found.offers:
        assert offer.covers is False
        assert offer.short_by == offer.cost - Decimal("1.50")
    rich = compare(Criteria(text="tiktok views", quantity=1000, providers=[provider]))
    assert all(offer.covers is True and offer.short_by is None for offer in rich.offers)


def test_best_value_is_an_offer_that_can_be_bought_now_or_says_why_none_can(market, viewer_client):
    criteria = Criteria(text="instagram followers", quantity=1000)
    first_pick = compare(criteria).best_value
    broke = first_pick.provider
    Provider.objects.filter(pk=broke.pk).update(balance=Decimal("0.01"))

    found = compare(criteria)
    best = found.best_value
    assert best.provider != broke and best.covers is not False and best.fits
    assert found.no_best_value == ""
    # Sorted by value, it comes first too: an account that cannot pay goes after those that can.
    criteria.sort = "value"
    by_value = compare(criteria).offers
    assert by_value[0].service == best.service and all(
        o.covers is False for o in by_value if o.provider == broke
    )
    page = viewer_client.get("/compare/", {"q": "instagram followers", "quantity": 1000})
    note = re.search(r"Best value:.*?</p>", page.content.decode(), re.S).group()
    assert best.service.name in note and best.provider.name in note

    Provider.objects.update(balance=Decimal("0.01"))
    found = compare(Criteria(text="instagram followers", quantity=1000))
    assert found.best_value is None
    assert f"{broke.name}: the balance is short by " in found.no_best_value
    page = viewer_client.get("/compare/", {"q": "instagram followers", "quantity": 1000})
    text = page.content.decode()
    assert "Best value:" not in text
    assert "No best value: none of these offers can be bought now (" in text
    assert "the balance is short by" in text


def test_refill_and_cancel_filters(market):
    found = compare(Criteria(text="instagram followers", refill=True))
    assert {offer.provider.name for offer in found.offers} == set(PANELS)
    # smmbros publishes no refill flag: its names say it.
    assert all(offer.service.offers_refill for offer in found.offers)
    cancellable = compare(Criteria(text="instagram followers", cancel=True))
    assert cancellable.offers and all(o.service.cancel for o in cancellable.offers)
    assert len(cancellable.offers) < len(compare(Criteria(text="instagram followers")).offers)


def test_the_page_filters_by_provider_and_sorts(market, viewer_client):
    wanted = [market["smmsheba"].pk, market["smmub"].pk]
    page = viewer_client.get(
        "/compare/", {"q": "tiktok views", "provider": wanted, "sort": "-cost"}
    ).content.decode()
    names = re.findall(r'href="/providers/(\d+)/">', page)
    assert names and set(map(int, names)) == set(wanted)
    assert "Rate / 1000 ↓" in page


def test_unrecognised_words_search_names(market):
    found = compare(Criteria(text="Speed 50K"))
    assert found.searched_text and found.offers
    assert all("50K" in offer.service.name for offer in found.offers)


def test_the_page_without_javascript_and_the_fragment_for_htmx(market, viewer_client):
    query = {"q": "instagram followers", "quantity": "1000"}
    page = viewer_client.get("/compare/", query).content.decode()
    assert "<html" in page and 'id="compare-results"' in page
    assert 'class="row-best"' in page

    fragment = viewer_client.get("/compare/", query, **htmx_headers("compare-results"))
    body = fragment_body(fragment, "compare-results")
    assert 'class="row-best"' in body and "compare-form" not in body.split(">", 1)[0]


def test_one_click_to_a_pre_filled_order_form(market, buyer_client):
    link = "https://instagram.com/smmdash"
    page = buyer_client.get(
        "/compare/", {"q": "instagram followers", "quantity": "2500", "link": link}
    ).content.decode()
    best_row = page.split('class="row-best"', 1)[1].split("</tr>", 1)[0]
    order_url = re.search(r'href="(/orders/new/\?[^"]+)"', best_row).group(1).replace("&amp;", "&")
    assert "quantity=2500" in order_url and "link=https%3A//instagram.com/smmdash" in order_url

    form = buyer_client.get(order_url).content.decode()
    assert f'value="{link}"' in form
    assert 'value="2500"' in form
    assert "Enter a quantity" not in form  # priced at once from the pre-filled quantity


def test_the_cheapest_offer_can_be_exported(market, viewer_client):
    response = viewer_client.get("/compare/", {"q": "instagram followers", "export": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("provider,service id,service")
    assert len(lines) - 1 == compare(Criteria(text="instagram followers")).total
    # Everything found, not only the rows the page shows.
    response = viewer_client.get("/compare/", {"q": "instagram", "export": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) - 1 == compare(Criteria(text="instagram")).total > 100


def test_query_count_does_not_grow_with_the_results(market, viewer_client):
    def statements(query):
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get("/compare/", {"q": query}).status_code == 200
        return len(captured)

    few, many = "discord members", "instagram"
    assert compare(Criteria(text=many)).total > 4 * compare(Criteria(text=few)).total
    # The matches are counted in the pass that finds the ones to show, however many there are.
    assert statements(many) == statements(few)


def test_an_empty_search_says_what_to_type_and_no_catalog_says_what_to_do(viewer_client, synced):
    assert "Nothing to compare yet" in viewer_client.get("/compare/").content.decode()
    synced("smmsheba")
    page = viewer_client.get("/compare/").content.decode()
    assert "What are you buying?" in page
    nothing = viewer_client.get(
        "/compare/", {"q": "linkedin followers", "cancel": "on", "quantity": "1"}
    ).content.decode()
    assert "No offers match" in nothing


@pytest.mark.parametrize(
    ("typed", "quantity"),
    [("5000", 5000), ("5k", 5000), ("5 000", 5000), ("5,000", 5000), ("2,5к", 2500)],
)
def test_a_quantity_typed_in_the_search_prices_it_and_fills_the_field(
    market, viewer_client, typed, quantity
):
    response = viewer_client.get("/compare/", {"q": f"instagram followers {typed}"})
    page = response.text
    assert response.context["criteria"].quantity == quantity
    assert response.context["criteria"].text == "instagram followers"
    assert re.search(rf'name="quantity" value="{quantity}"', page)
    assert f"quantity {quantity:,} (from the search)" in page
    best = response.context["comparison"].best
    assert best.cost == expected_cost(best.service.rate, quantity)


def test_numbers_that_are_not_a_quantity_stay_words(market):
    assert CompareForm(QueryDict("q=youtube+subscribers+refill+30")).criteria().quantity == 1000
    names = CompareForm(QueryDict("q=Server+12")).criteria()
    assert (names.text, names.quantity) == ("Server 12", 1000)
    speed = CompareForm(QueryDict("q=tiktok+views+5k/day&quantity=2000")).criteria()
    assert speed.quantity == 2000


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"q": "instagram followers", "quantity": "-5"}, "A quantity is 1 or more"),
        ({"q": "instagram followers", "quantity": "0"}, "A quantity is 1 or more"),
        ({"q": "instagram followers", "quantity": str(10**23)}, "No panel takes that many"),
        ({"q": "instagram followers -5"}, "A quantity is 1 or more"),
        ({"q": f"instagram followers {10**23}"}, "No panel takes that many"),
        ({"q": "instagram followers 1.2345k"}, "Type the quantity as a whole number"),
    ],
)
def test_a_bad_quantity_says_so_on_the_form_and_keeps_the_rest_of_the_search(
    market, viewer_client, query, message
):
    response = viewer_client.get("/compare/", query)
    page = response.text
    error = re.search(r'<small id="quantity-error"[^>]*>([^<]*)</small>', page).group(1)
    assert message in error
    assert 'aria-invalid="true"' in page
    comparison = response.context["comparison"]
    assert comparison.total and comparison.understood.kind == "followers"
    assert response.context["criteria"].quantity is None  # nothing priced at a wrong quantity
    # htmx swaps the results only: the message comes with them, to its place in the form.
    fragment = viewer_client.get("/compare/", query, **htmx_headers("compare-results")).text
    assert re.search(rf'id="quantity-error"[^>]*hx-swap-oob="true">{re.escape(error)}<', fragment)
    fixed = viewer_client.get("/compare/", {"q": "instagram followers", "quantity": "10"})
    assert re.search(r'<small id="quantity-error"[^>]*></small>', fixed.text)
