"""Every page each role can reach, in both languages, on a laptop and on a phone.

Signed in as each role, the crawl follows the links that role's navigation shows, then the
links those pages hold (one page of each kind: a provider, its catalog, an offer, an order, a
shop, a curated group, a channel...), and on each page, at 1366x800 and 390x844, in English
and Russian, looks for:

- a page wider than the screen;
- a table wider than its box that is not inside a box scrolling sideways with the scroll cue
  (the class `table-scroll`, which static/css/app.css styles);
- a console error, a script error, an answer of 400 or more, or a request that failed;
- on a Russian page, text that is an msgid of the catalog with no Russian of its own.

It goes on after a problem and fails once, at the end, listing every one. Each page is
screenshotted to SCREENSHOT_DIR/crawl/<role>-<lang>-<width>-<page>.png.
"""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from alerts import services as alerts
from alerts.models import Alert, Channel
from compare.models import ServiceGroup
from demo.demo_orders import place_demo_orders
from demo.shop import set_up_shop
from orders.models import Order
from orders.services import rollups
from providers.models import Provider, Service
from rates.models import ExchangeRate
from shops.models import Shop
from smmdash.lib.access import ROLES
from spend.models import TopUp
from tests.browser.conftest import NOT_PROBLEMS, SCREENSHOTS
from tests.market import build_market
from tests.test_translations import CATALOG, catalog_entries

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"1366": {"width": 1366, "height": 800}, "390": {"width": 390, "height": 844}}
LANGUAGES = ["en", "ru"]
PANELS = ("smmsheba", "smmprovider", "smmbros", "smmub", "smmpllus")  # the demo's order

# Links that leave the pages people read: Django's admin, the shops' API, files, signing out.
NOT_PAGES = re.compile(r"^/(admin|api|static|media|logout|language|health|favicon)\b")

# What one page says about itself, measured in the browser after it has settled.
MEASURE = """(checkText) => {
  const screen = innerWidth;
  const found = {width: document.documentElement.scrollWidth, screen, lang:
    document.documentElement.lang, overflowing: [], leftOut: [], tables: [], texts: []};
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") +
    (typeof e.className === "string" && e.className.trim()
      ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const where = (e) => {
    const path = [];
    for (let n = e; n && n !== document.body && path.length < 4; n = n.parentElement)
      path.unshift(name(n));
    return path.join(" > ");
  };
  if (found.width > screen) {
    // The innermost elements past the right edge, to name what to fix (what a scrolling
    // table box holds does not count: it scrolls, the page does not).
    found.overflowing = Array.from(document.querySelectorAll("body *"))
      .filter(e => e.getBoundingClientRect().right > screen + 1)
      .filter(e => !e.parentElement.closest(".table-scroll"))
      .filter(e => !Array.from(e.children).some(
        c => c.getBoundingClientRect().right > screen + 1))
      .slice(0, 4)
      .map(e => `${where(e)} (right edge ${Math.round(e.getBoundingClientRect().right)})`);
  }
  // What sticks out past the left edge widens nothing, yet is cut off all the same (what is
  // wholly off the screen, as a skip link until it is focused, is put there on purpose).
  found.leftOut = (Array.from(document.querySelectorAll("body *"))
    .filter(e => e.getBoundingClientRect().left < -1 && e.getBoundingClientRect().right > 1)
    .filter(e => e.checkVisibility() && !e.closest(".table-scroll, .visually-hidden"))
    .filter(e => !Array.from(e.children).some(c => c.getBoundingClientRect().left < -1))
    .slice(0, 4)
    .map(e => `${where(e)} (left edge ${Math.round(e.getBoundingClientRect().left)})`));
  const scrolls = (e) => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  for (const table of document.querySelectorAll("table")) {
    if (!table.checkVisibility()) continue;
    const wide = Math.round(table.getBoundingClientRect().width);
    const cue = table.closest(".table-scroll");
    if (cue && scrolls(cue)) {
      // The cue's box must itself fit where it stands, or the page around it overflows.
      const room = cue.parentElement.clientWidth;
      if (cue.getBoundingClientRect().width > room + 1)
        found.tables.push(`${where(table)}: its .table-scroll is ` +
          `${Math.round(cue.getBoundingClientRect().width)} px in a ${room} px box`);
    } else {
      const room = table.parentElement.clientWidth;
      if (wide > room + 1)
        found.tables.push(`${where(table)}: ${wide} px in a ${room} px box, ` +
          (cue ? ".table-scroll does not scroll" : "no .table-scroll around it"));
    }
  }
  if (checkText) {
    const skip = "script, style, code, pre, svg, textarea, kbd, template, noscript";
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.data.replace(/\\s+/g, " ").trim();
      const parent = node.parentElement;
      if (!text || parent.closest(skip) || !parent.checkVisibility({visibilityProperty: true}))
        continue;
      found.texts.push(text);
    }
    for (const field of document.querySelectorAll("[placeholder], input[type=submit]"))
      if (field.checkVisibility())
        found.texts.push((field.placeholder || field.value || "").replace(/\\s+/g, " ").trim());
  }
  return found;
}"""
# Nothing is on its way or being swapped in: htmx's requests started at load are answered.
SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


# Pages a form reaches, not a link: Compare's results and the header's search.
SEARCHES = ["/compare/?q=instagram+followers&quantity=5000", "/search/?q=instagram"]


def untranslated_catalog(po_file=CATALOG / "django.po"):
    """The msgids the Russian catalog leaves in English: exact strings, and patterns for those
    with placeholders. Left in English means no msgstr, or a fuzzy one, or a msgstr that is the
    English phrase again; a single word the catalog keeps as it is (Email, Production) is a
    loanword the translator chose, not a gap."""
    exact, patterns = set(), []
    for _, msgid, plural, forms, fuzzy in catalog_entries(po_file):
        english = [msgid, plural] if plural else [msgid]
        kept = [text for text in english if text in forms and len(WORD.findall(text)) > 1]
        if not (fuzzy or not all(forms) or kept):
            continue
        for text in english:
            text = text.replace('\\"', '"').replace("\\n", " ").strip()
            literal = re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", text)
            if len(literal) == 1:
                exact.add(text)
            elif len(WORD.findall(" ".join(literal))) >= 2:
                parts = [re.escape(part) for part in literal]
                patterns.append((text, re.compile("^" + ".+?".join(parts) + "$")))
    return exact, patterns


WORD = re.compile(r"[A-Za-z]{2,}")
# Not prose: no word with a small letter (numbers, codes such as USD or "(HTTP 429)"),
# an address, or the product's name.
TECHNICAL = re.compile(r"^([^a-z]*|.*://.*|smmdash)$")


def english_left(texts, exact, patterns, names):
    """The texts that are msgids left in English, leaving out technical strings and names
    from the data (panels' services, providers, shops...)."""
    left = []
    for text in texts:
        if TECHNICAL.match(text) or text in names or not WORD.search(text):
            continue
        if text in exact:
            left.append(text)
        else:
            left += [msgid for msgid, pattern in patterns if pattern.match(text)]
    return sorted(set(left))


@pytest.fixture
def shop_window(simulator, synced, staff_admin, settings):
    """The demo's data, made with the demo's own code on the test simulator: five providers,
    a curated group, orders in every state with weeks of history, an alert, a shop that has
    bought through the API, a channel and a top-up."""
    by_panel = build_market(synced)  # smmprovider, smmbros, smmsheba, and the group
    by_panel["smmub"] = synced("smmub", currency="RUB")
    by_panel["smmpllus"] = synced("smmpllus")
    ExchangeRate.objects.create(currency="RUB", base="USD", rate=Decimal("0.0108"))
    providers = [by_panel[panel] for panel in PANELS]
    place_demo_orders(providers, simulator, staff_admin, report=lambda _: None)
    Provider.objects.filter(pk=by_panel["smmbros"].pk).update(
        low_balance_threshold=Decimal(1_000_000)
    )
    alerts.evaluate()
    # The demo serves smmdash on a loopback port of its own for the shop's panel to call.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    set_up_shop(staff_admin, report=lambda _: None)
    alerts.save_channel(Channel(name="Ops mailbox", kind="email"), "ops@example.com")
    TopUp.objects.create(provider=providers[0], amount=Decimal(50), currency="USD", note="Card")
    rollups.refresh_due()
    assert Order.objects.filter(status="pending").exists() and Alert.objects.exists()
    assert Shop.objects.filter(orders__isnull=False).exists()
    # Names that come from the panels or from staff, not from smmdash.
    names = set(Provider.objects.values_list("name", flat=True))
    names |= set(Service.objects.values_list("name", flat=True))
    names |= set(Service.objects.values_list("category", flat=True))
    names |= set(ServiceGroup.objects.values_list("name", flat=True))
    names |= set(Shop.objects.values_list("name", flat=True))
    names |= set(Channel.objects.values_list("name", flat=True))
    return names


def kind_of(path):
    """Pages of one kind differ only in their ids."""
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


def slug(path):
    return re.sub(r"[^\w-]+", "_", path.strip("/")) or "home"


class Crawl:
    """One browser context per role, language and width, recording what goes wrong."""

    def __init__(self, browser, base_url, exact, patterns, names):
        self.browser, self.base_url = browser, base_url
        self.exact, self.patterns, self.names = exact, patterns, names
        self.problems = []
        self.pages = 0

    def context(self, user, lang, size):
        context = self.browser.new_context(base_url=self.base_url, viewport=SIZES[size])
        context.set_default_timeout(15_000)
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies = {settings.SESSION_COOKIE_NAME: session, settings.LANGUAGE_COOKIE_NAME: lang}
        context.add_cookies(
            [{"name": k, "value": v, "url": self.base_url} for k, v in cookies.items()]
        )
        return context

    def visit(self, page, path, label):
        """Load one page, check it, screenshot it; the links it holds (in-app paths)."""
        heard = []
        on_console = lambda m: (  # noqa: E731
            m.type == "error" and not m.text.startswith(NOT_PROBLEMS) and heard.append(m.text)
        )
        on_response = lambda r: r.status >= 400 and heard.append(f"{r.status} for {r.url}")  # noqa: E731
        # A poll (htmx's `every 5s`) cut short by leaving its page is no failure: it is reported
        # while the next page loads, as htmx:sendAbort is (NOT_PROBLEMS).
        on_failed = lambda r: (  # noqa: E731
            not (r.failure == "net::ERR_ABORTED" and r.resource_type in ("xhr", "fetch"))
            and heard.append(f"{r.failure} for {r.url}")
        )
        on_error = lambda e: heard.append(f"script error: {e}")  # noqa: E731
        page.on("console", on_console)
        page.on("response", on_response)
        page.on("requestfailed", on_failed)
        page.on("pageerror", on_error)
        try:
            page.goto(path, wait_until="load")
            page.wait_for_function(SETTLED)
            found = page.evaluate(MEASURE, label.split("-")[-2] == "ru")
            links = page.eval_on_selector_all(
                "a[href]:not([download])", "links => links.map(a => a.href)"
            )
        finally:
            page.remove_listener("console", on_console)
            page.remove_listener("response", on_response)
            page.remove_listener("requestfailed", on_failed)
            page.remove_listener("pageerror", on_error)
        self.pages += 1
        shot = SCREENSHOTS / "crawl" / f"{label}-{slug(path)}.png"
        page.screenshot(path=shot, full_page=True)
        where = f"{path} [{label}]"
        if found["width"] > found["screen"]:
            self.problems.append(
                f"{where}: page is {found['width']} px wide on a {found['screen']} px screen: "
                + "; ".join(found["overflowing"])
            )
        if found["leftOut"]:
            self.problems.append(f"{where}: cut off on the left: " + "; ".join(found["leftOut"]))
        self.problems += [f"{where}: table too wide: {table}" for table in found["tables"]]
        self.problems += [f"{where}: {heard_}" for heard_ in heard]
        lang = label.split("-")[-2]
        if found["lang"] != lang:
            self.problems.append(f"{where}: the page is in {found['lang']!r}, not {lang!r}")
        if lang == "ru":
            for text in english_left(found["texts"], self.exact, self.patterns, self.names):
                self.problems.append(f"{where}: untranslated (no msgstr): {text!r}")
        return [self._in_app(link) for link in links if self._in_app(link)]

    def _in_app(self, url):
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.base_url or NOT_PAGES.match(parts.path):
            return None
        if "export=" in parts.query:
            return None
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def navigation(self, user):
        """The pages `user`'s navigation links to: the side menu and the top bar."""
        context = self.context(user, "en", "1366")
        page = context.new_page()
        page.goto("/")
        links = page.eval_on_selector_all(
            ".sidebar nav a[href], header.topbar a[href]", "links => links.map(a => a.href)"
        )
        context.close()
        return list(dict.fromkeys(filter(None, map(self._in_app, links))))

    def discover(self, user, label):
        """Visit the navigation's pages, then one page of each kind they link to, and of each
        kind those detail pages link to (a provider's catalog, an offer, ...); the paths."""
        queue = self.navigation(user) + SEARCHES
        nav = {urlsplit(path).path for path in queue}
        kinds = {kind_of(path) for path in nav}
        context = self.context(user, "en", "1366")
        page = context.new_page()
        visited = []
        while queue:
            path = queue.pop(0)
            links = self.visit(page, path, label)
            visited.append(path)
            if urlsplit(path).path not in nav:
                links = [link for link in links if re.search(r"/\d+(/|$)", urlsplit(link).path)]
            for link in links:
                if kind_of(urlsplit(link).path) not in kinds:
                    kinds.add(kind_of(urlsplit(link).path))
                    queue.append(link)
        context.close()
        return visited


def test_every_page_each_role_reaches_fits_both_screens_in_both_languages(
    browser, live_server, shop_window, viewer, buyer, manager
):
    exact, patterns = untranslated_catalog()
    crawl = Crawl(browser, live_server.url, exact, patterns, shop_window)
    roles = {"View only": viewer, "Place orders": buyer, "Manage providers": manager}
    assert set(roles) == set(ROLES)
    (SCREENSHOTS / "crawl").mkdir(parents=True, exist_ok=True)
    seen = {}
    for role, user in roles.items():
        name = slug(role.lower())
        # English on a laptop first: it finds the pages the other three passes visit.
        seen[role] = crawl.discover(user, f"{name}-en-1366")
        for lang in LANGUAGES:
            for size in SIZES:
                if (lang, size) == ("en", "1366"):
                    continue
                context = crawl.context(user, lang, size)
                page = context.new_page()
                for path in seen[role]:
                    crawl.visit(page, path, f"{name}-{lang}-{size}")
                context.close()
    print(f"\ncrawled {crawl.pages} pages: " + "; ".join(f"{r}: {v}" for r, v in seen.items()))
    # Each role reached its lists and a page of each kind it may see.
    for role in roles:
        kinds = {kind_of(urlsplit(path).path) for path in seen[role]}
        expected = {"/providers/<id>/", "/orders/<id>/", "/compare/groups/<id>/"}
        assert expected <= kinds, (role, sorted(kinds))
    assert not crawl.problems, f"{len(crawl.problems)} problems:\n" + "\n".join(crawl.problems)


CHECKED = """<!doctype html><html lang="ru"><head><style>
  .box { width: 300px; } .table-scroll { overflow-x: auto; } td { min-width: 200px; }
</style></head><body>
  <div class="box"><table><tr><td>a</td><td>b</td></tr></table></div>
  <div class="box"><div class="table-scroll">
    <table><tr><td>a</td><td>b</td></tr></table>
  </div></div>
  <div class="box"><div class="too-wide" style="width: 600px">Save changes</div></div>
  <div class="box"><div class="left-out" style="margin-left: -40px">Save</div></div>
  <a class="skip-link" href="#x" style="position: absolute; left: -999px">Skip</a>
  <p>Placed 3 orders</p><p>Email</p><p>USD</p><p>Сохранить</p>
  <p hidden>Not shown</p><input placeholder="Search providers">
</body></html>"""


def test_the_crawl_finds_wide_or_left_cut_pages_tables_without_their_cue_and_english_left(
    browser, tmp_path
):
    po_file = tmp_path / "django.po"
    po_file.write_text(
        'msgid ""\nmsgstr ""\n\n'
        'msgid "Save changes"\nmsgstr ""\n\n'
        'msgid "Placed %(count)s orders"\nmsgstr "Placed %(count)s orders"\n\n'
        'msgid "Email"\nmsgstr "Email"\n\n'
        '#, fuzzy\nmsgid "Search providers"\nmsgstr "Искать"\n\n'
        'msgid "Not shown"\nmsgstr ""\n\n'
        'msgid "Сохранить"\nmsgstr ""\n'
    )
    context = browser.new_context(viewport=SIZES["390"])
    page = context.new_page()
    page.set_content(CHECKED)
    found = page.evaluate(MEASURE, True)
    context.close()

    assert found["width"] > found["screen"] == 390
    assert any("div.too-wide" in element for element in found["overflowing"])
    assert len(found["leftOut"]) == 1 and "div.left-out" in found["leftOut"][0]
    assert len(found["tables"]) == 1  # the table in .table-scroll scrolls in its box
    assert "no .table-scroll around it" in found["tables"][0]
    exact, patterns = untranslated_catalog(po_file)
    assert english_left(found["texts"], exact, patterns, names=set()) == [
        "Placed %(count)s orders",
        "Save changes",
        "Search providers",
    ]
