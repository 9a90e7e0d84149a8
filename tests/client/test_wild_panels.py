"""The wild panels (``simulator.wild``, each copied from a real panel's published page), used by
a fresh client with nothing but URL and key, over HTTP and HTTPS.

Each test names the row of the research file's section 2 it covers. Rows about other API
families are in tests/providers/test_other_apis.py; answer shapes that no wild panel carries
whole are served as canned answers in test_wild_answers.py.
"""

from decimal import Decimal

import pytest

from panel import PanelClient, ProviderError, RateLimited
from panel.request_forms import BY_NAME
from simulator import WILD_PANELS
from tests.client.test_dialects import a_service, place

pytestmark = pytest.mark.over_http_and_https

LEARNED_FORM = {
    "primesmm": "form:api_token",
    "smmpanelus": "json",
    "plaintext": "json",
    "headerkey": "header",
    "optsmm": "get:header",
}


def run_through(simulator, seconds=None):
    simulator.advance(seconds or simulator.pace.pending + simulator.pace.running + 1)


@pytest.mark.parametrize("panel", WILD_PANELS)
def test_every_wild_panel_works_with_nothing_but_url_and_key(connect, simulator, panel):
    client = connect(panel)

    balance = client.balance()
    catalog = client.services()
    _, order_id = place(client, simulator, panel)
    status = client.statuses([order_id])[order_id]

    dialect = simulator.panel(panel).dialect
    assert balance.amount == dialect.opening_balance
    assert isinstance(balance.amount, Decimal)
    assert len(catalog) == len([s for s in simulator.panel(panel).catalog if s.active])
    assert catalog[0].rate == simulator.panel(panel).catalog[0].rate
    assert int(order_id) in simulator.panel(panel).ledger.orders
    assert status.status == "pending"
    assert client.capabilities.request_form == LEARNED_FORM.get(panel, "form")
    # The key never travelled in a URL, whatever form the panel wanted.
    key = simulator.key(panel)
    assert all(key not in seen.path for seen in simulator.requests(panel))
    assert {seen.key_place for seen in simulator.requests(panel)} - {""} <= {
        "form",
        "json",
        "header",
    }


@pytest.mark.parametrize("panel", WILD_PANELS)
def test_what_was_learned_is_used_by_the_next_client_without_asking_again(
    connect, simulator, panel
):
    first = connect(panel)
    first.balance()
    learned = first.capabilities

    again = connect(panel, capabilities=learned)
    before = len(simulator.requests(panel))
    again.balance()

    assert len(simulator.requests(panel)) == before + 1  # one request, in the learned form


def test_the_key_as_api_token_and_the_catalog_as_packages_are_learned(connect, simulator):
    # §2.1 igu1/smm_bot_python (primesmm): api_token, packages, package, items keyed id.
    client = connect("primesmm")

    catalog = client.services()
    service, order_id = place(client, simulator, "primesmm")

    assert catalog[0].service_id == str(simulator.panel("primesmm").catalog[0].service_id)
    assert client.capabilities.catalog_action == "packages"
    assert client.capabilities.field_names == {"service": "package"}
    assert simulator.panel("primesmm").ledger.orders[int(order_id)].service is service
    adds = simulator.requests("primesmm", "add")
    assert [seen.form.get("service") for seen in adds] == [None, str(service.service_id)]


def test_a_panel_that_reads_only_json_is_sent_json(connect, simulator):
    # §2.2 smmpanelus.com: JSON request body.
    client = connect("smmpanelus")

    client.balance()
    place(client, simulator, "smmpanelus")

    # Refused as a form three times (key as key, api_key, api_token), then JSON from then on.
    assert [seen.body for seen in simulator.requests("smmpanelus")] == ["form"] * 3 + ["json"] * 2


@pytest.mark.parametrize("panel", ["smmpremium", "snspanel"])
def test_a_panel_that_takes_forms_among_others_gets_the_common_form(connect, simulator, panel):
    # §2.2 smmpremium.in (form or JSON), sns-panel.com (POST and GET, Bearer or key).
    client = connect(panel)
    client.balance()
    assert [(seen.body, seen.key_place) for seen in simulator.requests(panel)] == [("form", "form")]


def test_a_get_only_panel_gets_the_key_in_a_header_never_in_the_url(connect, simulator):
    # §2.2 optsmm.ru: GET only (its own client puts ?key= in the URL; smmdash never does).
    client = connect("optsmm")

    client.balance()
    _, order_id = place(client, simulator, "optsmm")

    # Every POST form was turned away with a 405 at the door; GET with the key in a header
    # was taken, and is used from then on.
    assert client.capabilities.request_form == "get:header"
    seen = simulator.requests("optsmm")
    assert [(s.body, s.key_place) for s in seen] == [("query", "header")] * 2
    assert all(simulator.key("optsmm") not in s.path for s in seen)
    assert "action=add" in seen[-1].path and order_id


def test_a_panel_that_only_reads_the_key_from_the_url_is_refused_in_words(connect, simulator):
    # The GET-only client with ?key= (§2.2): every form we send is refused for want of a key.
    simulator.inject(
        "smmprovider", "canned", body='{"error": "API key is required"}', times=len(BY_NAME)
    )

    with pytest.raises(ProviderError) as refused:
        connect("smmprovider").balance()

    assert "refused every way smmdash sends a request" in str(refused.value)
    assert "never puts a key in a URL" in str(refused.value)
    assert "API key is required" in str(refused.value)


def test_a_key_only_in_a_header_is_learned(connect, simulator):
    # §2.1 hiddenxcel SmmProviderClient.php: X-Api-Key / Authorization.
    client = connect("headerkey")
    client.balance()
    assert client.capabilities.request_form == "header"
    assert BY_NAME["header"].description == "form POST, key in a header"


def test_status_by_order_id_in_envelopes_at_api_php(connect, simulator):
    # §2.1 mhafizhrh/cheaper-media (smmftr.web.id/api.php): order_id, data.order_id.
    client = connect("smmftr")
    assert client.api_url.endswith("/smmftr/api.php")

    _, order_id = place(client, simulator, "smmftr")
    status = client.status(order_id)

    assert status.status == "pending"
    assert client.capabilities.field_names == {"order": "order_id"}
    with pytest.raises(ProviderError, match=r"^Order not found$"):
        client.status("999999")  # {"status": false, "message": ...}, verbatim


def test_a_doubly_wrapped_catalog_and_intervals(connect, simulator):
    # §2.3 smmowner.com ([[...]]), §2.1 smmowner.shop (intervals, add answer with a type).
    client = connect("smmowner")
    assert len(client.services()) > 100
    service = a_service(simulator, "smmowner", dripfeed=True)

    order_id = client.add_order(
        service.service_id, "https://t.me/s/1", service.min, runs=3, interval=15
    )

    order = simulator.panel("smmowner").ledger.orders[int(order_id)]
    assert order.fields["interval"] == "15"  # read from `intervals`


def test_the_extra_fields_some_panels_document_reach_the_panel(connect, simulator):
    # §2.1 keywords/media (smmtimes), comments_package/comment_id (keralasmm), old_posts.
    client = connect("smmowner")
    service = a_service(simulator, "smmowner")

    order_id = client.add_order(
        service.service_id, "https://t.me/s/2", service.min, old_posts=5, keywords="smm"
    )

    fields = simulator.panel("smmowner").ledger.orders[int(order_id)].fields
    assert (fields["old_posts"], fields["keywords"]) == ("5", "smm")


def test_followerans_strings_floats_integers_and_unknowns(connect, simulator):
    # §2.3, §2.4, §2.5, §2.8 followeran.com.
    client = connect("followeran")

    balance = client.balance()
    catalog = client.services()
    _, order_id = place(client, simulator, "followeran")
    pending = client.status(order_id)
    simulator.advance(simulator.pace.pending + simulator.pace.running / 2)
    running = client.status(order_id)

    assert balance.currency is None and balance.amount == Decimal("500000000.0")
    assert catalog[0].service_id == "1" and catalog[0].rate == catalog[0].rate.to_integral()
    assert catalog[0].type == "default"
    assert any(service.dripfeed for service in catalog)
    assert pending.remains is None and pending.currency is None  # "remains": "Unknown"
    assert (running.status, running.raw_status) == ("processing", "processing")
    assert isinstance(running.start_count, int)


def test_smmservers_float_charges_are_exact_and_its_words_kept(connect, simulator):
    # §2.3 {"order":"23501"}, §2.4 11-decimal float charges, §2.5 Cancelled, §2.6 period,
    # §2.7 cancel {"success": ...}, refill {"success": ..., "refill": 12345}.
    client = connect("smmserver")
    _, cancel_me = place(client, simulator, "smmserver", cancel=True)
    client.cancel(cancel_me)
    canceled = client.status(cancel_me)
    _, refill_me = place(client, simulator, "smmserver", refill=True)
    _, not_refillable = place(client, simulator, "smmserver", refill=False)
    run_through(simulator)

    done = client.status(refill_me)
    refill_id = client.refill(refill_me)

    assert (canceled.status, canceled.raw_status) == ("canceled", "Cancelled")
    ledger = simulator.panel("smmserver").ledger
    assert done.charge == ledger.view(ledger.orders[int(refill_me)]).charge
    assert done.charge.as_tuple().exponent == -11
    assert refill_id == str(next(iter(ledger.refills)))
    with pytest.raises(ProviderError, match=r"^Order not eligible for refill\.$"):
        client.refill(not_refillable)


def test_a_cancel_answered_by_order_id_with_a_refused_slot(connect, simulator):
    # §2.7 sns-panel.com: {"4218":{"cancel":"requested"},"4219":{"error":"Cannot cancel"}}.
    client = connect("snspanel")
    _, cancelable = place(client, simulator, "snspanel", cancel=True)
    _, not_cancelable = place(client, simulator, "snspanel", cancel=False)

    client.cancel(cancelable)
    with pytest.raises(ProviderError, match=r"^Cannot cancel$"):
        client.cancel(not_cancelable)

    assert client.status(cancelable).status == "canceled"
    assert client.status(not_cancelable).status == "pending"


def test_http_statuses_with_json_errors_are_the_panels_refusals(connect, simulator):
    # §2.6 sns-panel.com: 401/402/404 with {"error": ...}.
    with pytest.raises(ProviderError, match=r"^Invalid API key$"):
        connect("snspanel", key="not-the-key-at-all").balance()
    client = connect("snspanel")
    with pytest.raises(ProviderError, match=r"^Incorrect order ID$"):
        client.status("999999")
    expensive = max(simulator.panel("snspanel").catalog, key=lambda s: s.rate * s.max)
    with pytest.raises(ProviderError, match=r"^Not enough funds on balance$"):
        client.add_order(expensive.service_id, "https://t.me/s/3", expensive.max)


def test_refill_status_in_lowercase_is_kept_verbatim(connect, simulator):
    # §2.5 / §2.7 sns-panel.com refill_status {"status":"pending"}.
    client = connect("snspanel")
    _, order_id = place(client, simulator, "snspanel", refill=True)
    run_through(simulator)

    refill_id = client.refill(order_id)

    assert client.refill_status(refill_id) == "pending"


def test_smartpanel_messages_integers_per_url_and_a_bare_currency(connect, simulator):
    # §2.3 linksindexing.com: min/max as integers, per_url; §2.5 Order Cancelled; §2.6
    # SmartPanel's messages verbatim; §2.8 "currency" : USD without quotes.
    client = connect("linksindexing")
    balance = client.balance()
    catalog = client.services()
    _, order_id = place(client, simulator, "linksindexing", cancel=True)
    client.cancel(order_id)

    status = client.status(order_id)

    assert balance.currency == "USD" and status.currency == "USD"
    assert isinstance(catalog[0].min, int)
    assert (status.status, status.raw_status) == ("canceled", "Order Cancelled")
    with pytest.raises(ProviderError, match=r"^Invalid Service Id$"):
        client.add_order("999999", "https://t.me/s/4", 100)


def test_bracketed_field_names_and_translated_names(connect, simulator):
    # §2.3 panelsend.com: "rate [Other currency Separate Ticket request]", name_lang.
    published = simulator.panel("panelsend").catalog[0]

    first = connect("panelsend").services()[0]

    assert (first.name, first.rate) == (published.name.strip(), published.rate)
    assert first.category == published.category


def test_a_documented_rate_limit_is_kept_to_the_wait_its_headers_give(connect, simulator):
    # §2.9 www.smm.bz: services 10/hour, 429 with X-RateLimit-Reset.
    client = connect("smmbz")
    for _ in range(10):
        client.services()

    with pytest.raises(RateLimited) as limited:
        client.services()

    assert limited.value.wait_seconds == 3600
    simulator.advance(3600)
    assert client.services()


def test_one_message_for_every_mistake_is_shown_and_nothing_is_learned(connect, simulator):
    # §2.6 en.pusatpanelsmm.com: "Incorrect request" for everything; §2.2 path /api/;
    # §2.3 trailing commas.
    client = connect("pusatpanel")
    assert client.api_url.endswith("/pusatpanel/api/")
    assert len(client.services()) > 100

    with pytest.raises(ProviderError, match=r"^Incorrect request$"):
        client.status("999999")
    assert client.capabilities.field_names == {}


@pytest.mark.parametrize(
    ("panel", "currency"),
    [("smmpremium", "INR"), ("sonrevize", "TRY"), ("optsmm", "RUB"), ("followeran", None)],
)
def test_each_panel_says_its_currency_or_nothing(connect, simulator, panel, currency):
    # §2.8: INR everywhere (smmpremium.in), TL (sonrevize.com), none at all.
    assert connect(panel).balance().currency == currency


def test_fixed_decimal_strings_are_read_as_they_are(connect, simulator):
    # §2.4 smmpremium.in, sns-panel.com: "100.0000", "2.500000", "1.2000".
    client = connect("smmpremium")
    _, order_id = place(client, simulator, "smmpremium")
    run_through(simulator)

    status = client.status(order_id)

    assert status.charge.as_tuple().exponent == -6
    assert client.balance().amount.as_tuple().exponent == -2


def test_a_smaller_multi_status_limit_is_learned_from_the_answer(connect, simulator):
    # §2.7 "maksimal 5" (triyatna/smm-laravel): the panel answers the first 5 ids only.
    client = connect("fewatonce")
    order_ids = [place(client, simulator, "fewatonce")[1] for _ in range(12)]

    found = client.statuses(order_ids)

    assert all(found[order_id].status == "pending" for order_id in order_ids)
    assert client.capabilities.multi_status_batch == 5
    asked = [
        seen.form["orders"].count(",") + 1
        for seen in simulator.requests("fewatonce")
        if seen.action == "status"
    ]
    assert asked == [12, 5, 2]

    client.statuses(order_ids)
    asked = [
        seen.form["orders"].count(",") + 1
        for seen in simulator.requests("fewatonce")
        if seen.action == "status"
    ]
    assert asked[3:] == [5, 5, 2]


def test_a_limit_said_in_words_is_learned_too(connect, simulator):
    simulator.inject(
        "smmprovider", "canned", action="status", body='{"error": "Maximum 50 orders at once"}'
    )
    client = connect("smmprovider")
    order_ids = [place(client, simulator, "smmprovider")[1] for _ in range(60)]

    found = client.statuses(order_ids)

    assert len(found) == 60 and client.capabilities.multi_status_batch == 50


def test_learning_never_sends_a_refused_write_anywhere_but_the_same_panel(connect, simulator):
    # The order is sent again only after a refusal, which proves nothing was placed.
    client = connect("primesmm")
    _, order_id = place(client, simulator, "primesmm")

    # Refused for want of an api_token twice, then for want of a package: one order placed.
    adds = simulator.requests("primesmm", "add")
    assert [seen.key_place for seen in adds] == ["", "", "form", "form"]
    assert list(simulator.panel("primesmm").ledger.orders) == [int(order_id)]


def test_the_key_is_hidden_in_every_form_the_client_builds(connect, simulator):
    client = connect("primesmm")
    client.balance()
    transport = client._transport
    for form in BY_NAME.values():
        request = transport._request(form, "balance", {})
        assert simulator.key("primesmm") not in repr(request)


def test_a_client_made_outside_tests_learns_the_same(simulator):
    with PanelClient(
        simulator.url("smmpanelus"),
        simulator.key("smmpanelus"),
        allow_private_hosts=True,
        ca_bundle=simulator.ca_file,
    ) as client:
        client.balance()
        assert client.capabilities.as_dict()["request_form"] == "json"


def test_smartpanels_script_bare_error_slots_empty_catalog_and_missing_cancel(connect, simulator):
    # SmartPanel's api.php: "Incorrect order ID" as a bare multi-status slot, "Empty Data",
    # "This action is invalid" for the cancel it lacks.
    client = connect("smartpanel")
    client.probe()
    _, order_id = place(client, simulator, "smartpanel")

    found = client.statuses([order_id, "999999"])

    assert found[order_id].status == "pending"
    assert type(found["999999"]) is ProviderError
    assert found["999999"].message == "Incorrect order ID"
    assert (client.capabilities.multi_status, client.capabilities.cancel) == (True, False)
    for service in simulator.panel("smartpanel").catalog:
        simulator.panel("smartpanel").withdraw(service.service_id)
    catalog = client.services()
    assert (catalog, catalog.said) == ([], "Empty Data")


def test_a_json_panel_that_answers_forms_in_plain_text_is_learned(connect, simulator):
    client = connect("plaintext")

    client.balance()
    place(client, simulator, "plaintext")

    # Three forms met "Invalid request" in plain text; JSON was taken and is kept.
    assert [seen.body for seen in simulator.requests("plaintext")] == ["form"] * 3 + ["json"] * 2
    assert client.capabilities.request_form == "json"
