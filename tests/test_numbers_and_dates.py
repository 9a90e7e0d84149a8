"""Numbers and dates are written one way everywhere, in English and in Russian: a rate (per
1000) with four decimals and its currency, an amount with two, a count grouped the language's
way, a moment as "7 Dec 2026, 16:51", a day as "7 Dec 2026", and "3 minutes ago" where
freshness matters, with the moment in its title (README, "How numbers and dates are written")."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import timezone, translation

from compare.models import ServiceGroup
from compare.routing import Product, plan
from compare.services import failover
from orders.models import Order
from smmdash.lib import moments
from smmdash.lib.numbers import amount_text, count_text, exchange_rate_text, rate_text
from tests.market import GROUP, offer_at
from tests.orders.conftest import a_service

NBSP = "\xa0"
LANGUAGES = ["en", "ru"]


def speaking(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def shown_text(html: str) -> str:
    """What a reader sees of a page: no scripts, no tags (their attributes go with them)."""
    html = re.sub(r"<script\b.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    "language, point, group",
    [("en", ".", ","), ("ru", ",", NBSP)],
)
def test_rates_amounts_and_counts_each_have_one_rule(language, point, group):
    with translation.override(language):
        # A rate: four decimals always, so a column of them reads alike.
        assert rate_text(Decimal("5.605985"), "USD") == f"5{point}6060 USD"
        assert rate_text(Decimal("0.56"), "USD") == f"0{point}5600 USD"
        assert rate_text(Decimal("0.5189"), "USD") == f"0{point}5189 USD"
        assert rate_text(Decimal("4192.3"), "RUB") == f"4{group}192{point}3000 RUB"
        assert rate_text(Decimal("0.00004"), "USD") == f"<0{point}0001 USD"
        # An amount: two decimals, and never a misleading zero.
        assert amount_text(Decimal("0.3894"), "USD") == f"0{point}39 USD"
        assert amount_text(Decimal("48.8"), "USD") == f"48{point}80 USD"
        assert amount_text(Decimal("12345.675"), "RUB") == f"12{group}345{point}68 RUB"
        assert amount_text(Decimal("0.004"), "USD") == f"<0{point}01 USD"
        assert amount_text(Decimal("-0.004"), "USD") == f">-0{point}01 USD"
        assert amount_text(Decimal("-0.001") * 0, "USD") == f"0{point}00 USD"
        assert amount_text(None, "USD") == "—"
        # A count: grouped.
        assert count_text(50_000_000) == f"50{group}000{group}000"
        assert count_text(100) == "100"
        # An exchange rate keeps its digits.
        assert exchange_rate_text(Decimal("0.010787")) == f"0{point}010787"
        assert exchange_rate_text(Decimal("92.5")) == f"92{point}50"


def test_a_moment_and_a_day_each_have_one_format():
    at = datetime(2026, 12, 7, 16, 51, 28, tzinfo=UTC)
    with timezone.override("UTC"):
        with translation.override("en"):
            assert moments.moment(at) == "7 Dec 2026, 16:51"
            assert moments.day(at) == moments.day(date(2026, 12, 7)) == "7 Dec 2026"
            assert moments.month(at) == "December 2026"
        with translation.override("ru"):
            assert moments.moment(at) == "7 декабря 2026, 16:51"
            assert moments.day(at) == "7 декабря 2026"
    with timezone.override("Europe/Moscow"), translation.override("en"):
        assert moments.moment(at) == "7 Dec 2026, 19:51"


def test_the_template_filters_write_by_the_same_rules():
    at = timezone.now() - timezone.timedelta(minutes=3)
    template = Template(
        "{% load ui %}{{ r|rate:'USD' }} | {{ a|money:'USD' }} | {{ at|moment }} | {{ at|day }}"
        " | {{ at|ago }}"
    )
    context = Context({"r": Decimal("0.647"), "a": Decimal("0.3894"), "at": at})
    with translation.override("ru"):
        rate, amount, moment, day, ago = template.render(context).split(" | ")
        assert (rate, amount) == ("0,6470 USD", "0,39 USD")
        assert moment == moments.moment(at) and day == moments.day(at)
        words = moments.ago(at)
        assert words == f"3{NBSP}минуты назад"
        assert (
            ago == f'<time datetime="{at.isoformat()}" title="{moments.moment(at)}">{words}</time>'
        )


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_buy_and_compare_write_the_same_rate_the_same_way(market, buyer_client, language):
    bros = offer_at(market["smmbros"]).service
    bros.rate = Decimal("0.897183")  # a panel's rate with all its digits
    bros.save(update_fields=["rate"])
    group = ServiceGroup.objects.get(name=GROUP)
    client = speaking(buyer_client, language)

    buy = client.get("/orders/buy/", {"product": GROUP, "quantity": 1000}).content.decode()
    compare = client.get(
        "/compare/", {"group": group.pk, "quantity": 1000, "sort": "value"}
    ).content.decode()

    with translation.override(language):
        values = [
            rate_text(c.offer.value, "USD") for c in plan(Product.from_words(GROUP), 1000).choices
        ]
    decimal = "," if language == "ru" else "."
    assert f"1{decimal}1215 USD" in values  # 0.897183 / 80% delivered
    buy, compare = shown_text(buy), shown_text(compare)
    for choice in plan(Product.from_words(GROUP), 1000).choices:
        value = choice.offer.value
        with translation.override(language):
            written, as_amount = rate_text(value, "USD"), amount_text(value, "USD")
        assert written in buy and written in compare
        # Not with its stored digits, nor cut to an amount's two decimals.
        for other in (f"{value.normalize():f} per", as_amount):
            assert other not in buy and other not in compare
    # The rate column: every rate with four decimals and its currency.
    for provider in market.values():
        rate = offer_at(provider).service.rate
        with translation.override(language):
            assert rate_text(rate, provider.currency) in compare


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_quantity_range_is_written_alike_in_the_help_the_error_and_the_reasons(
    synced, buyer_client, language
):
    service = a_service(synced("smmprovider"))
    service.max = 50_000_000
    service.save(update_fields=["max"])
    client = speaking(buyer_client, language)
    with translation.override(language):
        low, high, over = count_text(service.min), count_text(50_000_000), count_text(50_000_001)
    assert high == ("50 000 000".replace(" ", NBSP) if language == "ru" else "50,000,000")

    page = client.get(f"/orders/new/?service={service.pk}")
    help_text = str(page.context["form"].fields["quantity"].help_text)
    assert low in help_text and high in help_text and help_text in page.content.decode()
    token = page.context["form"].initial["form_token"]
    refused = client.post(
        f"/orders/new/?service={service.pk}",
        {"form_token": token, "link": "https://t.me/c", "quantity": 50_000_001},
    )
    error = " ".join(refused.context["form"].errors["quantity"])
    assert low in error and high in error and over in error
    with translation.override(language):
        refusal = failover(service, 50_000_001)
    assert low in refusal["problem"] and high in refusal["problem"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_time_on_the_order_and_provider_pages_is_a_moment(
    synced, place, buyer_client, language
):
    provider = synced("smmprovider")
    order = place(a_service(provider), link="https://t.me/c")
    client = speaking(buyer_client, language)
    moment_then = re.compile(r"\d{1,2} \S+ \d{4}, \d{2}:\d{2}$")

    for path in (f"/orders/{order.pk}/", "/orders/", f"/providers/{provider.pk}/"):
        text = shown_text(client.get(path).content.decode())
        times = list(re.finditer(r"(?<![\d.:])\d{1,2}:\d{2}(:\d{2})?(?![\d:])", text))
        assert times or path != f"/orders/{order.pk}/"
        for found in times:
            assert moment_then.search(text[: found.end()]), (path, text[found.start() - 30 :][:60])
    with translation.override(language):
        placed = moments.moment(Order.objects.get(pk=order.pk).created_at)
    assert placed in shown_text(client.get(f"/orders/{order.pk}/").content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_freshness_is_relative_with_the_moment_in_its_title(synced, viewer_client, language):
    provider = synced("smmprovider")
    page = speaking(viewer_client, language).get(f"/providers/{provider.pk}/").content.decode()
    with translation.override(language):
        exact = moments.moment(provider.balance_checked_at)
        words = moments.ago(provider.balance_checked_at)
    assert words in ("now", "сейчас") or "ago" in words or "назад" in words
    assert (
        f'<time datetime="{provider.balance_checked_at.isoformat()}" title="{exact}">{words}</time>'
        in page
    )
