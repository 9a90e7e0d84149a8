"""The Spend chart writes its axes and legend in the page's language: Russian dates and
decimal commas on a Russian page, not the browser's US defaults."""

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
