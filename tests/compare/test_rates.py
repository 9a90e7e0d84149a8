"""Exchange rates: set by staff, fetched from a public source (here its saved answers, served
over loopback HTTP), and never guessed."""

import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from providers.models import Provider
from rates import services as rates
from rates.models import ExchangeRate, RateFetch

pytestmark = pytest.mark.django_db
ANSWERS = Path(__file__).parent / "answers"


@pytest.fixture
def source():
    """A loopback HTTP server answering with whatever the test sets: (status, type, body)."""
    answer = {"value": (200, "application/json", b"{}")}
    asked = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            status, content_type, body = answer["value"]
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            if 300 <= status < 400:
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def serve(status=200, body=b"{}", content_type="application/json"):
        answer["value"] = (status, content_type, body)
        return f"http://127.0.0.1:{server.server_port}/v6/latest/USD"

    serve.asked = asked
    yield serve
    server.shutdown()
    server.server_close()


@pytest.fixture
def accounts(db):
    for name, currency in (("rub", "RUB"), ("eur", "EUR"), ("usd", "USD"), ("uzs", "UZS")):
        Provider.objects.create(
            name=name, api_url=f"https://{name}.example/api/v2", currency=currency
        )


def test_a_saved_answer_is_stored_exactly_for_the_currencies_in_use(accounts, source):
    url = source(body=(ANSWERS / "open-er-api-latest-USD.json").read_bytes())
    fetch = rates.fetch_rates(url)
    assert fetch.ok and fetch.error == ""
    stored = {row.currency: row.rate for row in ExchangeRate.objects.all()}
    assert set(stored) == {"RUB", "EUR", "UZS"}  # USD is the base; GBP etc. are not in use
    assert stored["RUB"] == (Decimal(1) / Decimal("81.022675")).quantize(Decimal("1e-10"))
    assert stored["EUR"] == Decimal("1.1560947582")
    assert stored["UZS"] == Decimal("0.0000835929")
    assert all(
        row.note == "Fetched from 127.0.0.1:" + url.split(":")[2].split("/")[0]
        for row in ExchangeRate.objects.all()
    )


def test_an_answer_quoted_in_another_base_is_converted(accounts, source):
    url = source(body=(ANSWERS / "frankfurter-latest.json").read_bytes())
    fetch = rates.fetch_rates(url)
    # EUR-based: 1 EUR = 1.1561 USD, and RUB is not in the ECB's list.
    assert ExchangeRate.objects.get(currency="EUR").rate == Decimal("1.1561000000")
    assert fetch.ok and fetch.error == "The source has no rate for RUB, UZS."
    assert not ExchangeRate.objects.filter(currency="RUB").exists()


@pytest.mark.parametrize(
    ("status", "body", "content_type", "why"),
    [
        (503, b"<html>Service Unavailable</html>", "text/html", "HTTP 503"),
        (
            200,
            b"<!doctype html><title>Just a moment...</title>",
            "text/html",
            "not answer with JSON",
        ),
        (
            200,
            b'{"result":"error","error-type":"unsupported-code"}',
            "application/json",
            "no rates",
        ),
    ],
)
def test_a_bad_answer_keeps_the_rates_in_force(accounts, source, status, body, content_type, why):
    rates.set_rate("RUB", Decimal("0.0108"))
    fetch = rates.fetch_rates(source(status, body, content_type))
    assert not fetch.ok and why in fetch.error
    assert list(ExchangeRate.objects.values_list("currency", "rate")) == [
        ("RUB", Decimal("0.0108000000"))
    ]


def test_a_redirect_is_not_followed(accounts, source):
    fetch = rates.fetch_rates(source(302, b"", "text/html"))

    assert not fetch.ok
    assert "redirects to http://169.254.169.254/latest/meta-data/" in fetch.error
    assert not ExchangeRate.objects.exists()


def test_a_source_on_an_internal_address_is_refused_before_connecting(accounts, source, settings):
    settings.PROVIDER_ALLOW_PRIVATE_HOSTS = False
    url = source(body=(ANSWERS / "open-er-api-latest-USD.json").read_bytes())

    fetch = rates.fetch_rates(url)
    from_a_name = rates.fetch_rates(url.replace("127.0.0.1", "localhost"))

    assert source.asked == []
    assert not fetch.ok and fetch.error.startswith("127.0.0.1 is a loopback address.")
    assert "must be on a public address" in fetch.error
    assert not from_a_name.ok and "localhost resolves to" in from_a_name.error
    assert not ExchangeRate.objects.exists()


def test_an_unreachable_source_is_recorded_not_raised(accounts):
    fetch = rates.fetch_rates("http://127.0.0.1:9/nothing-listens-here")
    assert not fetch.ok and "could not reach the source" in fetch.error
    assert RateFetch.objects.get() == fetch


def test_the_command(accounts, source, capsys, settings):
    settings.EXCHANGE_RATES_URL = source(
        body=(ANSWERS / "open-er-api-latest-USD.json").read_bytes()
    )
    call_command("fetch_exchange_rates")
    assert "1 RUB = 0.0123422240 USD" in capsys.readouterr().out
    settings.EXCHANGE_RATES_URL = source(500, b"oops", "text/plain")
    with pytest.raises(CommandError, match="HTTP 500"):
        call_command("fetch_exchange_rates")


def test_staff_set_rates_on_the_page(accounts, manager, viewer):
    client = Client()
    client.force_login(manager)
    page = client.get("/compare/rates/").content.decode()
    assert "No rate for EUR, RUB, UZS" in page
    assert '<div class="topbar-title">Exchange rates</div>' in page  # not "Compare"

    response = client.post("/compare/rates/set/", {"currency": "rub", "rate": "0.0107"})
    assert response.status_code == 302
    row = ExchangeRate.objects.get()
    assert (row.currency, row.base, row.rate, row.set_by) == (
        "RUB",
        "USD",
        Decimal("0.0107"),
        manager,
    )
    refused = client.post("/compare/rates/set/", {"currency": "USD", "rate": "2"})
    assert "USD is the base currency" in refused.content.decode()
    negative = client.post("/compare/rates/set/", {"currency": "RUB", "rate": "-1"})
    assert "A rate is above zero" in negative.content.decode()
    assert ExchangeRate.objects.count() == 1

    viewing = Client()
    viewing.force_login(viewer)
    assert "No rate for EUR, UZS" in viewing.get("/compare/rates/").content.decode()
    assert viewing.post("/compare/rates/set/", {"currency": "EUR", "rate": "1"}).status_code == 403
