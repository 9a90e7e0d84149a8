"""The Spend page in the page's language: the chart's axes and legend with Russian dates and
decimal commas on a Russian page, not the browser's US defaults; and amounts written with a
decimal comma still sorted as numbers."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone, translation
from playwright.sync_api import expect

from orders.services import rollups
from smmdash.lib import moments
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db(transaction=True)


def axis_labels(page, axis):
    return page.evaluate(
        "axis => document.querySelector(\"figure[data-chart='spend-chart']\")"
        ".chart.axes[axis]._values",
        axis,
    )


@pytest.mark.parametrize(
    "language, day, number",
    [
        ("ru", r"\d{1,2} [\u0430-\u044f]{3,4}\.?", r"-?\d{1,3}(\u00a0\d{3})*(,\d+)?"),
        ("en", r"\d{1,2} [A-Z][a-z]{2}|[A-Z][a-z]{2} \d{1,2}", r"-?\d{1,3}(,\d{3})*(\.\d+)?"),
    ],
    ids=["ru", "en"],
)
def test_the_spend_charts_axes_are_written_in_the_pages_language(
    page, log_in, live_server, staff_admin, synced, place, language, day, number
):
    provider = synced("smmsheba")
    service = a_service(provider)
    service.rate = Decimal("812.5")  # orders that cost more than a few cents, for the axis
    service.save(update_fields=["rate"])
    for n in range(3):
        place(service, service.min, link=f"https://instagram.com/p/chart-{n}")
    rollups.refresh_due()
    log_in(staff_admin)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    page.goto("/spend/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    chart = page.locator("figure[data-chart='spend-chart']")
    expect(chart.locator("canvas")).to_have_count(1)

    days, amounts = axis_labels(page, 0), axis_labels(page, 1)
    assert days and all(re.fullmatch(day, label) for label in days), days
    assert amounts and all(re.fullmatch(number, label) for label in amounts), amounts
    if language == "ru":
        assert not any("/" in label or "." in label.rstrip(".") for label in days + amounts)

    box = chart.locator(".u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] - 5, box["y"] + box["height"] / 2)
    legend = chart.locator(".u-legend")
    expect(legend).to_contain_text("USD")
    # The day under the cursor (today's bar) as the server writes a day.
    with translation.override(language):
        expect(legend).to_contain_text(moments.day(timezone.localdate()))
    if language == "ru":
        expect(legend).to_contain_text(re.compile(r"\d,\d{2} USD"))


def test_a_russian_page_sorts_amounts_with_decimal_commas_as_numbers(
    page, log_in, live_server, staff_admin, synced, place
):
    dear, cheap = synced("smmsheba"), synced("smmprovider")
    for provider, spent, count in ((dear, Decimal("243.75"), 3), (cheap, Decimal("95"), 1)):
        service = a_service(provider)
        service.rate = spent * 1000 / service.min / count
        service.save(update_fields=["rate"])
        for n in range(count):
            place(service, service.min, link=f"https://instagram.com/p/sort-{provider.pk}-{n}")
    rollups.refresh_due()
    log_in(staff_admin)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ru", "url": live_server.url}]
    )
    page.goto("/spend/")
    table = page.get_by_test_id("spend-providers")
    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    # The page writes "243,75" beside "95,00": as text, "2" sorts before "9".
    assert "243,75" in rows.first.inner_text()
    table.locator("thead th").nth(3).get_by_role("button").click()  # ascending now
    expect(rows.first).to_contain_text("smmprovider")
    expect(rows.last).to_contain_text("smmsheba")
