"""What a new user meets first, walked in the browser: numbers, names and small courtesies."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from providers import services
from providers.models import Provider
from rates.models import ExchangeRate
from smmdash.lib.numbers import amount_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_small_amounts_never_read_as_zero_and_every_amount_names_its_currency(
    page, snap, log_in, buyer, simulator, synced
):
    panel = simulator.panel("smmub")
    cheap = next(s for s in panel.catalog if "Instagram" in s.name and "Подписчики" in s.name)
    panel.set_rate(cheap.service_id, Decimal("0.38"))
    provider = synced("smmub", currency="RUB")
    ExchangeRate.objects.create(currency="RUB", base="USD", rate=Decimal("0.0108"))
    log_in(buyer)

    page.goto("/compare/?q=instagram+followers&quantity=1000")
    results = page.locator("#compare-results")
    # 0.38 RUB for 1,000 is 0.004104 USD: an amount too small for two decimals, not 0.00.
    expect(results.locator(".best-note").first).to_contain_text("<0.01 USD")
    expect(results.locator("tr.row-best")).to_contain_text("0.3800 RUB")
    assert not re.search(r"\b0\.00 (USD|RUB)", results.inner_text())
    # One reading of a price is no history to plot.
    expect(results.locator("svg.sparkline")).to_have_count(0)
    expect(results.locator("tbody tr").first).to_contain_text("No change since")

    panel.set_rate(cheap.service_id, Decimal("0.41"))
    services.sync_catalog(provider)
    page.reload()
    expect(results.locator("tr.row-best svg.sparkline")).to_have_count(1)
    expect(results.locator("tr.row-best")).to_contain_text("0.3800 \u2013 0.4100 RUB")
    results.locator("tr.row-best td.offer-service > a").click()
    expect(page.get_by_role("heading", name=cheap.name)).to_be_visible()
    expect(page.locator("svg[role=img]").first).to_be_visible()  # its price history, plotted
    snap("offer")

    page.goto(f"/providers/{provider.pk}/services/")
    maxima = page.locator("table tbody tr td.num").all_inner_texts()
    assert any(re.fullmatch(r"\d{1,3}(,\d{3})+", text) for text in maxima), maxima


PHONE = {"width": 390, "height": 844}
# The innermost elements reaching past the screen's right edge (what a table scrolling inside
# its own box holds does not count), to name what to fix.
OVERFLOWING = """
Array.from(document.querySelectorAll("body *"))
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1)
  .filter(e => !e.parentElement.closest(".table-scroll"))
  .slice(-6)
  .map(e => `${e.tagName.toLowerCase()}.${e.className} ${e.getBoundingClientRect().right}`)
  .concat([`window ${innerWidth}`])
"""
PAGES = [
    "/",
    "/providers/",
    "/compare/?q=instagram+followers&quantity=1000",
    "/orders/",
    "/orders/new/",
    "/orders/mass/",
    "/scorecard/",
    "/spend/",
    "/alerts/",
    "/compare/rates/",
    "/background/",
    "/compare/routing/",
    "/search/?q=instagram",
]


def test_on_a_phone_no_page_is_wider_than_the_screen_and_the_menu_folds(
    page, log_in, manager, buyer, synced, place, snap
):
    provider = synced("smmprovider")
    place(provider.services.filter(platform="instagram", type="Default").first())
    manager.groups.add(*buyer.groups.all())
    log_in(manager)
    page.set_viewport_size(PHONE)

    too_wide = {}
    for path in PAGES:
        page.goto(path)
        if page.evaluate("document.documentElement.scrollWidth") > PHONE["width"]:
            too_wide[path] = page.evaluate(OVERFLOWING)
    assert not too_wide, f"pages wider than a {PHONE['width']} px phone: {too_wide}"

    page.goto("/orders/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(nav.get_by_role("link", name="New order")).to_be_visible()
    snap("menu-open")
    page.set_viewport_size({"width": 1366, "height": 860})
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(nav).to_be_visible()


def test_the_order_list_prices_each_order_in_the_base_currency_and_totals_what_was_spent(
    page, snap, log_in, buyer, synced, place
):
    usd = synced("smmprovider")
    rub = synced("smmub", currency="RUB")
    ExchangeRate.objects.create(currency="RUB", base="USD", rate=Decimal("0.0108"))
    taken = place(usd.services.filter(type="Default").first(), 1000)
    rubles = place(rub.services.filter(type="Default").first(), 1000)
    needs_a_username = usd.services.exclude(type="Default").filter(platform="instagram").first()
    rejected = place(needs_a_username, 1000)
    assert rejected.status == "rejected" and taken.status == rubles.status == "pending"
    log_in(buyer)

    page.goto("/orders/")
    row = page.locator("tr", has=page.get_by_role("link", name=f"#{rejected.pk}", exact=True))
    expect(row).to_contain_text("not spent")
    in_base = taken.expected_cost + (rubles.expected_cost * Decimal("0.0108"))
    totals = page.get_by_test_id("order-totals")
    expect(totals).to_contain_text(f"≈ {amount_text(in_base, 'USD')}")
    expect(totals).not_to_contain_text(amount_text(taken.expected_cost + rejected.expected_cost))
    snap("orders")

    page.get_by_role("link", name=f"#{rejected.pk}", exact=True).click()
    expect(page.locator("dd", has_text="nothing spent")).to_be_visible()


def test_cancel_is_not_offered_where_the_panel_has_none_and_bulk_actions_ask_first(
    page, log_in, buyer, simulator, place
):
    # Added as the form adds it: the connection test learns what the panel can do.
    url, key = simulator.url("smmsheba"), simulator.key("smmsheba")
    provider = services.save_provider(
        Provider(name="smmsheba", api_url=url),
        api_key=key,
        check=services.check_connection(url, key),
    )
    services.sync_catalog(provider)
    no_cancel = place(provider.services.filter(active=True).first(), 1000)
    assert no_cancel.provider.capabilities["cancel"] is False  # learned when it was added
    asked_to_cancel = len(simulator.requests("smmsheba", "cancel"))  # the probe's, for order 0
    log_in(buyer)
    page.goto(f"/orders/{no_cancel.pk}/")
    expect(page.get_by_role("heading", name=f"Order #{no_cancel.pk}")).to_contain_text("Pending")
    expect(page.get_by_role("button", name="Cancel order")).to_have_count(0)

    page.goto("/orders/")
    page.get_by_label(f"Select order {no_cancel.pk}").check()
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name="Cancel", exact=True).click()
    expect(page.get_by_label(f"Select order {no_cancel.pk}")).to_be_checked()  # not sent
    assert questions and "cancel every ticked order" in questions[0]
    assert len(simulator.requests("smmsheba", "cancel")) == asked_to_cancel


def _box(locator):
    return locator.bounding_box()


def test_forms_and_filter_bars_line_up(page, log_in, manager, buyer, synced, place):
    provider = synced("smmprovider")
    place(provider.services.filter(type="Default").first())
    manager.groups.add(*buyer.groups.all())
    log_in(manager)

    # Help text sits under its field, not on the field's border.
    page.goto("/providers/add/")
    key = page.get_by_label("API key")
    help_text = page.locator(".field", has=key).locator("small")
    assert _box(help_text)["y"] >= _box(key)["y"] + _box(key)["height"]

    # One magnifier per search box (Pico draws it inside), and the search button is as wide
    # as its word.
    page.goto("/orders/new/?q=likes")
    search = page.locator("label.filter-search")
    expect(search.locator("svg")).to_have_count(0)
    assert _box(page.locator("#content").get_by_role("button", name="Search"))["width"] < 200

    # The order filters fit one row at 1366 px, and the search box shows its whole hint.
    page.goto("/orders/")
    fields = page.locator("#order-filters > label")
    tops = {round(_box(fields.nth(n))["y"]) for n in range(fields.count())}
    assert len(tops) == 1, tops
    box = page.get_by_role("main").get_by_role("searchbox")
    hint_fits = box.evaluate(
        """input => {
          const probe = document.createElement("span");
          probe.style.font = getComputedStyle(input).font;
          probe.textContent = input.placeholder;
          document.body.append(probe);
          const wide = probe.getBoundingClientRect().width;
          probe.remove();
          return wide <= input.clientWidth;
        }"""
    )
    assert hint_fits


def test_the_admin_wears_the_product_and_its_provider_list_fits(page, log_in, staff_admin, synced):
    synced("smmprovider")
    synced("smmub", currency="RUB")
    log_in(staff_admin)

    page.goto("/admin/providers/provider/")
    header = page.locator("#header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(17, 24, 39)"
    expect(page.locator("#site-name img")).to_be_visible()
    table = page.locator("#result_list")
    assert _box(table)["x"] + _box(table)["width"] <= 1366
    expect(table).to_contain_text("1,000.00 USD")
    expect(table.locator("thead")).to_contain_text("Last sync")
