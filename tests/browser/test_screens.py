"""Every page fits a 1366 px screen and a 390 px phone, in English and in Russian.

Tables follow one convention (static/js/tables.js): the columns a reseller decides with fit at
1366 px, the rest behind the table's "More columns" button; a table still wider than its box
shows where it is cut; on a phone, lists are cards with their status and money first.
"""

import re
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from orders import services as order_services
from orders.models import Order
from orders.services import rollups
from providers.models import Provider, Service
from shops.models import Shop
from tests.processes import free_port

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
SCREEN = {"width": 1366, "height": 800}

# What reaches past the screen's right edge outside a table's own scroll box: named in the
# failure, so that it says what to fix.
OVERFLOWING = """
() => Array.from(document.querySelectorAll("body *"))
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .filter(e => !e.parentElement.closest(".table-scroll"))
  .slice(-4)
  .map(e => `${e.tagName.toLowerCase()}.${e.className.baseVal ?? e.className}`)
"""
# Tables wider than their box whose box does not show the cut (class is-cut, set by the script).
UNMARKED_CUTS = """
() => Array.from(document.querySelectorAll("main table"))
  .filter(t => t.offsetParent !== null && !t.closest(".uplot"))  // a chart's legend is no table
  .filter(t => {
    const box = t.closest(".table-scroll");
    return !box || (box.scrollWidth > box.clientWidth + 1 && !box.classList.contains("is-cut"));
  })
  .map(t => t.querySelector("thead")?.innerText.replace(/\\s+/g, " ").slice(0, 60))
"""


def speak(page, live_server, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def right_edge(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"]


def test_no_page_is_wider_than_a_phone_and_every_cut_table_shows_it(
    page, live_server, log_in, tmp_path, settings
):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]  # the demo shop's calls
    port = free_port()
    call_command(
        "setup_demo",
        "--simulator-port",
        str(port),
        "--accounts-file",
        str(tmp_path / "simulator.json"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    usd = Provider.objects.get(name="SMM Provider")
    rub = Provider.objects.get(currency="RUB")
    # An order whose link is one long word: its page wraps it rather than widening.
    order, _ = order_services.create_order(
        usd.services.filter(active=True, type="Default").first(),
        link="https://instagram.com/p/" + "a1b2c3d4" * 24,
        quantity=1000,
        extra={},
        user=get_user_model().objects.get(username="demo"),
    )
    offer = Service.objects.filter(provider=rub, active=True).first()
    shop = Shop.objects.get()
    paths = [
        "/",
        "/providers/",
        f"/providers/{usd.pk}/",
        f"/providers/{rub.pk}/",
        f"/providers/{usd.pk}/services/",
        "/compare/?q=instagram+followers&quantity=1000",
        f"/compare/offers/{offer.pk}/",
        "/compare/rates/",
        "/scorecard/",
        "/orders/",
        f"/orders/{order.pk}/",
        *(
            f"/orders/{pk}/"
            for pk in Order.objects.order_by("-pk").values_list("pk", flat=True)[1:8]
        ),
        "/orders/new/?q=likes",
        "/orders/mass/",
        "/orders/buy/",
        "/spend/",
        "/alerts/",
        "/alerts/notifications/",
        "/background/",
        "/shops/",
        f"/shops/{shop.pk}/",
        "/shops/api/",
    ]
    log_in(get_user_model().objects.get(username="demo"))

    too_wide, unmarked = {}, {}
    for language in ("en", "ru"):
        speak(page, live_server, language)
        for size in (PHONE, SCREEN):
            page.set_viewport_size(size)
            for path in paths:
                page.goto(path)
                page.wait_for_load_state("load")
                where = f"{language} {size['width']} {path}"
                if page.evaluate("document.documentElement.scrollWidth") > size["width"]:
                    too_wide[where] = page.evaluate(OVERFLOWING)
                if cuts := page.evaluate(UNMARKED_CUTS):
                    unmarked[where] = cuts
    assert not too_wide, f"pages wider than the screen: {too_wide}"
    assert not unmarked, f"tables cut by their box with nothing to show it: {unmarked}"


def test_on_a_phone_orders_and_the_scorecard_are_cards_with_status_and_money_first(
    page, live_server, log_in, buyer, synced, place, snap
):
    provider = synced("smmprovider")
    synced("smmub", currency="RUB")
    for service in provider.services.filter(type="Default", active=True)[:3]:
        place(service, 1000)
    log_in(buyer)
    page.set_viewport_size(PHONE)

    for language in ("en", "ru"):
        speak(page, live_server, language)
        page.goto("/orders/")
        card = page.locator("#order-results tbody tr").first
        assert card.evaluate("tr => getComputedStyle(tr).display") == "flex"
        title, status, cost, quantity = (card.locator(f"td:nth-child({n})") for n in (2, 8, 6, 5))
        expect(status.locator(".status")).to_be_visible()
        for cell in (title, status, cost, quantity):
            expect(cell).to_be_visible()
            assert right_edge(cell) <= PHONE["width"]
        # The order's number, then its status and money, then the rest.
        assert title.bounding_box()["y"] < status.bounding_box()["y"] < cost.bounding_box()["y"]
        assert cost.bounding_box()["y"] < quantity.bounding_box()["y"]
        # Each value is labelled with its column's name, in the page's language.
        label = quantity.evaluate("td => getComputedStyle(td, '::before').content")
        assert label == ('"Quantity"' if language == "en" else '"Количество"')
        # The value sits beside its label, not over it.
        beside = quantity.evaluate(
            "td => parseFloat(getComputedStyle(td).paddingLeft) >= td.clientWidth / 3"
        )
        assert beside
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        snap(f"orders-{language}")

        page.goto("/scorecard/")
        card = page.locator("#scorecard tbody tr").first
        assert card.evaluate("tr => getComputedStyle(tr).display") == "flex"
        for cell in card.locator(":scope > :is(th, td)").all():
            if cell.is_visible():
                assert right_edge(cell) <= PHONE["width"]
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        snap(f"scorecard-{language}")


def test_at_1366_the_key_columns_fit_and_more_columns_shows_the_rest(
    page, live_server, log_in, buyer, synced, place, snap
):
    provider = synced("smmprovider")
    synced("smmub", currency="RUB")
    synced("smmsheba")
    for service in provider.services.filter(type="Default", active=True)[:3]:
        place(service, 1000)
    log_in(buyer)
    page.set_viewport_size(SCREEN)
    speak(page, live_server, "ru")  # the longer words

    page.goto("/orders/")
    box = page.locator("#order-results .table-scroll")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
    progress = page.locator("#order-results thead th", has_text="Прогресс")
    expect(progress).to_be_visible()
    assert right_edge(progress) <= right_edge(box)

    page.goto("/scorecard/")
    box = page.locator("#scorecard .table-scroll")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
    head = page.locator("#scorecard thead")
    for key in ("Выполнено", "Частично", "Время до старта", "Ответы API", "Требует проверки"):
        expect(head.get_by_role("link", name=key)).to_be_visible()
    latency = head.get_by_role("link", name="Задержка")
    expect(latency).to_be_hidden()

    more = page.locator("button[data-more-columns='scorecard']")
    expect(more).to_have_attribute("aria-pressed", "false")
    more.click()
    expect(latency).to_be_visible()
    expect(more).to_have_attribute("aria-pressed", "true")
    # It still scrolls with them all: the cut shows, and the provider's name stays put.
    expect(box).to_have_class(re.compile(r"\bis-cut\b.*\bcut-right\b"))
    snap("scorecard-more")
    # Remembered for this table, through a page load and an htmx swap of the period.
    page.reload()
    expect(latency).to_be_visible()
    page.locator("#scorecard .period-nav a").first.click()
    expect(page.locator("#scorecard .period-nav a").first).to_have_attribute("aria-current", "page")
    expect(head.get_by_role("link", name="Задержка")).to_be_visible()
    page.locator("button[data-more-columns='scorecard']").click()
    expect(head.get_by_role("link", name="Задержка")).to_be_hidden()

    # Spend's per-provider table shows each balance and its runway; Compare each offer's price
    # history and its Order button.
    rollups.refresh_due()
    page.goto("/spend/")
    table = page.get_by_test_id("spend-providers")
    box = page.locator(".table-scroll", has=table)
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
    table.scroll_into_view_if_needed()
    for key in ("Баланс", "Запас"):
        expect(table.get_by_role("button", name=key, exact=True)).to_be_in_viewport()
    page.goto("/compare/?q=instagram+followers&quantity=1000")
    box = page.locator("#compare-results .table-scroll")
    assert box.evaluate("b => b.scrollWidth <= b.clientWidth")
    first = box.locator("tbody tr").first
    first.scroll_into_view_if_needed()
    expect(first.locator("td").nth(6)).to_be_in_viewport()  # the price history
    expect(first.get_by_role("button", name="Заказ")).to_be_in_viewport()


def test_a_table_still_wider_than_its_box_shows_its_cut_edge_and_keeps_its_first_column(
    page, log_in, manager, synced, snap
):
    provider = synced("smmprovider")
    log_in(manager)
    page.set_viewport_size(PHONE)
    page.goto(f"/providers/{provider.pk}/")
    box = page.locator(".table-scroll", has=page.locator("th", has_text="Outcome"))
    expect(box).to_have_class(re.compile(r"\bis-cut\b.*\bcut-right\b"))
    assert box.evaluate("b => getComputedStyle(b).maskImage") != "none"  # the cut edge fades
    first = box.locator("tbody tr td").first
    assert first.evaluate("td => getComputedStyle(td).position") == "sticky"
    x = first.bounding_box()["x"]

    box.evaluate("b => b.scrollTo(b.scrollWidth, 0)")
    expect(box).to_have_class(re.compile(r"\bcut-left\b"))
    expect(box).not_to_have_class(re.compile(r"\bcut-right\b"))
    assert first.bounding_box()["x"] == x  # the first column stayed where it was
    snap("scrolled")


def test_checkboxes_are_square_and_card_headings_keep_off_the_edge(
    page, live_server, log_in, manager, synced
):
    synced("smmprovider")
    log_in(manager)
    speak(page, live_server, "ru")
    page.set_viewport_size(PHONE)
    page.goto("/compare/?q=instagram+followers")
    for box in page.locator("#compare-form input[type=checkbox]").all():
        shape = box.evaluate(
            """b => { const s = getComputedStyle(b), r = b.getBoundingClientRect();
                      return [parseFloat(s.borderTopLeftRadius), r.width, r.height]; }"""
        )
        radius, width, height = shape
        assert radius < width / 4 and abs(width - height) < 1, shape  # a box, not a circle
    # The filter fields are rounded on both sides, not joined into one pill.
    search = page.locator("#compare-form select").first
    radii = search.evaluate(
        "s => [getComputedStyle(s).borderTopLeftRadius, getComputedStyle(s).borderTopRightRadius]"
    )
    assert radii[0] == radii[1] and radii[0] != "0px", radii

    # A card's heading keeps off its edge, in cards that hold a table edge to edge too.
    page.set_viewport_size(SCREEN)
    for path in ("/alerts/", "/alerts/notifications/", "/spend/"):
        page.goto(path)
        gaps = page.evaluate(
            """() => Array.from(document.querySelectorAll("main .card h2")).map(h => {
                 const words = document.createRange();
                 words.selectNodeContents(h);
                 const card = h.closest(".card").getBoundingClientRect();
                 return [h.innerText, words.getBoundingClientRect().left - card.left];
               })"""
        )
        assert gaps and all(gap >= 12 for _, gap in gaps), (path, gaps)
