"""Answers real panels give (research file, section 2), served by the simulator over HTTP and
HTTPS exactly as those panels' pages show them, read by the real client."""

import json
import time

import pytest

from panel import (
    Blocked,
    BrowserCheck,
    OrderOutcomeUnknown,
    ProviderError,
    ProviderUnreachable,
    RateLimited,
)
from panel import client as panel_client

pytestmark = pytest.mark.over_http_and_https

SERVICE = {"service": 1, "name": "Followers", "type": "Default", "category": "Instagram"}
SERVICE |= {"rate": "0.90", "min": "50", "max": "10000", "refill": True, "cancel": True}


def canned(simulator, action, answer, *, code=200, headers=None, panel="smmprovider"):
    body = answer if isinstance(answer, str) else json.dumps(answer)
    simulator.inject(panel, "canned", action=action, body=body, code=code, headers=headers)


def test_a_doubly_wrapped_catalog_is_read(connect, simulator):
    canned(simulator, "services", [[SERVICE, {**SERVICE, "service": 2, "name": "Likes"}]])

    catalog = connect("smmprovider").services()

    assert [service.name for service in catalog] == ["Followers", "Likes"]


def test_a_catalog_in_an_envelope_is_read(connect, simulator):
    canned(simulator, "services", {"status": True, "data": [SERVICE]})

    assert [service.service_id for service in connect("smmprovider").services()] == ["1"]


def test_a_cancel_refused_for_the_order_asked_is_a_refusal_not_a_success(connect, simulator):
    # sns-panel.com: cancel answered as a dict keyed by order id, one slot an error.
    answer = {"4218": {"cancel": "requested"}, "4219": {"error": "Cannot cancel"}}
    canned(simulator, "cancel", answer, headers=None)
    client = connect("smmprovider")

    with pytest.raises(ProviderError, match=r"^Cannot cancel$"):
        client.cancel("4219")

    canned(simulator, "cancel", answer)
    client.cancel("4218")  # the other slot: accepted


def test_a_cancel_answer_that_does_not_mention_the_order_is_not_a_success(connect, simulator):
    canned(simulator, "cancel", {"4218": {"cancel": "requested"}})

    with pytest.raises(ProviderUnreachable, match="did not mention order 4219"):
        connect("smmprovider").cancel("4219")


@pytest.mark.parametrize(
    "answer",
    [
        {"status": False, "message": "Invalid API key"},
        {"result": False, "data": {}, "message": "Invalid API key"},
        {"success": False, "error": "Invalid API key"},
        {"status": "error", "msg": "Invalid API key"},
        {"error": True, "message": "Invalid API key"},
        {"error": {"code": 401, "message": "Invalid API key"}},
        [[{"error": "Invalid API key"}]],
    ],
)
def test_an_error_is_found_wherever_panels_put_it(connect, simulator, answer):
    canned(simulator, "balance", answer)

    with pytest.raises(ProviderError, match=r"^Invalid API key$"):
        connect("smmprovider").balance()


def test_a_4xx_with_json_is_the_panels_refusal_of_the_order(connect, simulator):
    canned(simulator, "add", {"error": "Not enough funds on balance"}, code=402)

    with pytest.raises(ProviderError, match="Not enough funds on balance") as refused:
        connect("smmprovider").add_order("1", "https://instagram.com/p/x", 100)

    assert not isinstance(refused.value, OrderOutcomeUnknown)


@pytest.mark.parametrize(
    ("answer", "order_id"),
    [
        ({"order": 23501}, "23501"),
        ({"order": "23501"}, "23501"),
        ({"status": "success", "order": 151}, "151"),
        ({"result": True, "data": {"id": "12345", "price": 45000}}, "12345"),
        ([[{"order": "77"}]], "77"),
    ],
)
def test_the_order_id_is_found_in_every_add_answer(connect, simulator, answer, order_id):
    canned(simulator, "add", answer)

    assert connect("smmprovider").add_order("1", "https://instagram.com/p/x", 100) == order_id


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "12"}, 12),
        ({"X-RateLimit-Reset": "30"}, 30),
        ({"X-RateLimit-Reset": "45 s from now, as a Unix time"}, 45),
    ],
)
def test_a_429_says_how_long_to_wait(connect, simulator, headers, wait):
    if "Unix time" in headers.get("X-RateLimit-Reset", ""):
        headers = {"X-RateLimit-Reset": str(int(time.time()) + wait)}
    canned(simulator, "balance", {"error": "Too many requests"}, code=429, headers=headers)

    with pytest.raises(RateLimited) as limited:
        connect("smmprovider").balance()

    assert abs(limited.value.wait_seconds - wait) <= 1


def test_status_words_are_read_by_their_meaning(connect, simulator):
    canned(simulator, "status", {"status": "Completed successfully", "charge": "0.9"})

    status = connect("smmprovider").status("1")

    assert (status.status, status.raw_status) == ("completed", "Completed successfully")


@pytest.mark.parametrize(
    ("extra", "link"),
    [
        ({"link": " https://t.me/x "}, "https://t.me/x"),
        ({"url": "https://t.me/y"}, "https://t.me/y"),
        ({"link": ["not", "text"]}, None),
        ({}, None),
    ],
)
def test_the_link_is_kept_where_a_status_answer_gives_one(connect, simulator, extra, link):
    canned(simulator, "status", {"status": "In progress", "charge": "0.9", **extra})

    assert connect("smmprovider").status("1").link == link


# Research file §2.5, each word as the panel named there sends it.
SEEN_WORDS = [
    ("Cancelled", "canceled"),  # smmserver.life, smmipl.com, deepaksmm.store
    ("processing", "processing"),  # followeran.com
    ("In Queue", "pending"),  # docs.contasinfinity.com.br
    ("Active", "in_progress"),  # smminsights.xyz (a subscription)
    ("In Progress", "in_progress"),  # smminsights.xyz (a drip-feed)
    ("Refunded", "refunded"),  # tpmr8.com
    ("Failed", "failed"),
    ("Cancelled / Refunded / Failed", "canceled"),  # contasinfinity: the leading word
    ("Error", "failed"),  # tikachu.com: "You input incorrect username/link"
    ("waiting", "pending"),  # fmpedia.id, osimesa.id
    ("Complete", "completed"),  # seed sheba
    ("Order Cancelled", "canceled"),  # linksindexing.com (SmartPanel)
    ("Pending", "pending"),  # reallysimplesocial.com: may stay Pending while delivering
]


@pytest.mark.parametrize(("word", "status"), SEEN_WORDS)
def test_every_status_word_seen_in_the_wild_is_read(connect, simulator, word, status):
    canned(simulator, "status", {"status": word, "charge": "0.9", "remains": "0"})

    read = connect("smmprovider").status("1")

    assert (read.status, read.raw_status) == (status, word)


def test_anything_the_client_trips_over_is_a_readable_failure(connect, simulator, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("rate")

    monkeypatch.setattr(panel_client, "catalog_entries", broken)
    with pytest.raises(ProviderUnreachable, match=r"could not read \(KeyError\)") as read:
        connect("smmprovider").services()
    assert not isinstance(read.value, OrderOutcomeUnknown)

    monkeypatch.setattr(panel_client, "one_object", broken)
    canned(simulator, "add", {"order": 1})
    with pytest.raises(OrderOutcomeUnknown, match=r"could not read \(KeyError\)"):
        connect("smmprovider").add_order("1", "https://instagram.com/p/x", 100)
    assert len(simulator.requests("smmprovider", "add")) == 1  # it went out, so: unknown


CHALLENGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    '<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script></body></html>'
)


def test_a_browser_check_on_a_read_is_retried_then_named_with_advice(connect, simulator):
    simulator.inject(
        "smmprovider",
        "canned",
        action="balance",
        times=3,
        code=403,
        body=CHALLENGE,
        content_type="text/html",
    )

    with pytest.raises(BrowserCheck, match="asking for a browser check") as checked:
        connect("smmprovider", retries=2).balance()

    assert "ask the panel to let API requests from this server through" in checked.value.message
    assert len(simulator.requests("smmprovider", "balance")) == 3  # retried with backoff


def test_a_browser_check_page_after_a_write_without_the_edge_mark_stays_unknown(connect, simulator):
    canned(simulator, "add", CHALLENGE, code=403)

    with pytest.raises(OrderOutcomeUnknown, match="browser check"):
        connect("smmprovider").add_order("1", "https://instagram.com/p/x", 100)


# A refusal's words wherever the panel puts them ------------------------------------------

DEEP_REFUSALS = [
    {"success": False, "data": {"message": "Order not found"}},
    {"status": "error", "data": {"error": "Order not found"}},
    {"status": True, "data": {"error": "Order not found"}},
    {"status": "error", "data": "Order not found"},
    {"result": False, "data": {"errors": {"order": ["Order not found"]}}},
    {"success": False, "errors": ["Order not found"]},
    {"error": 404, "message": "Order not found"},
    {"message": "Order not found"},
    {"code": 404, "msg": "Order not found"},
    {"status": 200, "data": {"message": "Order not found"}},
    [{"message": "Order not found"}],
    {"result": "error", "message": "Order not found"},
    {"success": "false", "msg": "Order not found"},
    {"status": "error", "message": {"order": ["Order not found"]}},
    '"Order not found"',  # a JSON string alone
]


@pytest.mark.parametrize("answer", DEEP_REFUSALS)
@pytest.mark.parametrize("read", ["status", "refill_status", "balance"])
def test_a_refusal_is_the_panels_words_at_any_depth(connect, simulator, read, answer):
    canned(simulator, read, answer)
    client = connect("smmprovider")

    with pytest.raises(ProviderError, match=r"^Order not found$"):
        client.balance() if read == "balance" else getattr(client, read)("5")


@pytest.mark.parametrize("answer", DEEP_REFUSALS[:7])
def test_a_multi_status_slot_that_refuses_in_an_envelope_is_that_orders_refusal(
    connect, simulator, answer
):
    canned(simulator, "status", {"1": {"status": "Pending", "charge": "0"}, "5": answer})

    found = connect("smmprovider").statuses(["1", "5"])

    assert found["1"].status == "pending"
    assert isinstance(found["5"], ProviderError) and found["5"].message == "Order not found"


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        ({"message": "Unauthenticated."}, "Unauthenticated."),
        # Laravel-built panels: 422 with the field's own words beside a general message.
        (
            {"message": "The given data was invalid.", "errors": {"key": ["Wrong key."]}},
            "Wrong key.",
        ),
    ],
)
def test_a_4xx_with_the_panels_words_anywhere_is_a_refusal(connect, simulator, answer, words):
    canned(simulator, "balance", answer, code=422)

    with pytest.raises(ProviderError) as refused:
        connect("smmprovider").balance()

    assert refused.value.message == words
    assert not isinstance(refused.value, ProviderUnreachable)


def test_an_order_that_failed_with_a_message_is_still_a_status(connect, simulator):
    answer = {"status": "Fail", "charge": "0.1", "remains": "5", "message": "Link is private"}
    canned(simulator, "status", answer)

    assert connect("smmprovider").status("1").status == "failed"


# Keyed answers whose slots are bare words --------------------------------------------------


def test_a_multi_status_slot_may_be_an_error_text_or_a_status_word(connect, simulator):
    answer = {
        "1": {"status": "In progress", "charge": "0.5", "remains": "10"},
        "2": "Completed",
        "3": "Incorrect order ID",
        "4": "Order not found",
    }
    canned(simulator, "status", answer)

    found = connect("smmprovider").statuses(["1", "2", "3", "4"])

    assert found["1"].status == "in_progress"
    assert (found["2"].status, found["2"].raw_status, found["2"].charge) == (
        "completed",
        "Completed",
        None,
    )
    assert [found[order_id].message for order_id in ("3", "4")] == [
        "Incorrect order ID",
        "Order not found",
    ]
    assert all(type(found[order_id]) is ProviderError for order_id in ("3", "4"))


def test_a_single_status_answered_in_the_keyed_shape_with_an_error_text(connect, simulator):
    canned(simulator, "status", {"999": "Incorrect order ID"})

    with pytest.raises(ProviderError, match=r"^Incorrect order ID$"):
        connect("smmprovider").status("999")


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ({"2": "Rejected"}, "Rejected"),
        ({"2": "Refilling"}, "Refilling"),
        ({"2": "Error"}, "Error"),
        ({"2": {"status": "Completed"}}, "Completed"),
    ],
)
def test_a_keyed_refill_status_slot_may_be_the_bare_status_word(connect, simulator, answer, status):
    canned(simulator, "refill_status", answer)

    assert connect("smmprovider").refill_status("2") == status


@pytest.mark.parametrize("text", ["Refill not found", "Incorrect refill ID", "Invalid Refill Id"])
def test_a_keyed_refill_status_slot_that_refuses_is_a_refusal(connect, simulator, text):
    canned(simulator, "refill_status", {"2": text})

    with pytest.raises(ProviderError, match=f"^{text}$"):
        connect("smmprovider").refill_status("2")


def test_a_keyed_refill_status_that_does_not_mention_the_refill_is_not_a_status(connect, simulator):
    canned(simulator, "refill_status", {"7": "Rejected"})

    with pytest.raises(ProviderUnreachable, match="did not mention refill 2"):
        connect("smmprovider").refill_status("2")


@pytest.mark.parametrize(
    "text", ["Incorrect order ID", "Order can not be canceled", "Cancel is disabled: error"]
)
def test_a_keyed_cancel_slot_that_refuses_is_that_orders_refusal(connect, simulator, text):
    canned(simulator, "cancel", {"4218": "Cancellation requested", "4219": text})
    client = connect("smmprovider")

    with pytest.raises(ProviderError, match=f"^{text}$"):
        client.cancel("4219")

    canned(simulator, "cancel", {"4218": "Cancellation requested", "4219": text})
    client.cancel("4218")  # the other slot: accepted


@pytest.mark.parametrize(
    ("answer", "refill_id"),
    [({"5": 77}, "77"), ({"5": "77"}, "77"), ({"5": "Refill request accepted"}, None)],
)
def test_a_keyed_refill_slot_is_the_refill_id_or_an_acceptance(
    connect, simulator, answer, refill_id
):
    canned(simulator, "refill", answer)

    assert connect("smmprovider").refill("5") == refill_id


def test_a_keyed_refill_slot_that_refuses_is_a_refusal(connect, simulator):
    canned(simulator, "refill", {"5": "Incorrect order ID"})

    with pytest.raises(ProviderError, match=r"^Incorrect order ID$"):
        connect("smmprovider").refill("5")


@pytest.mark.parametrize(
    ("action", "answer"),
    [
        ("refill", [{"order": 5, "refill": "Incorrect order ID"}, {"order": 6, "refill": 9}]),
        ("refill", {"refill": False, "message": "Incorrect order ID"}),
        ("cancel", [{"order": 5, "cancel": "Incorrect order ID"}, {"order": 6, "cancel": 1}]),
        ("cancel", {"order": 5, "cancel": False, "message": "Incorrect order ID"}),
    ],
)
def test_a_bare_refusal_inside_an_orders_item_is_that_orders_refusal(
    connect, simulator, action, answer
):
    canned(simulator, action, answer)

    with pytest.raises(ProviderError, match=r"^Incorrect order ID$"):
        getattr(connect("smmprovider"), action)("5")


def test_a_refill_status_item_whose_status_refuses_is_a_refusal(connect, simulator):
    answer = [{"refill": 2, "status": "Refill not found"}, {"refill": 3, "status": "Rejected"}]
    canned(simulator, "refill_status", answer)
    client = connect("smmprovider")

    with pytest.raises(ProviderError, match=r"^Refill not found$"):
        client.refill_status("2")

    canned(simulator, "refill_status", answer)
    assert client.refill_status("3") == "Rejected"


def test_an_order_answered_with_words_and_no_id_keeps_the_words(connect, simulator):
    canned(simulator, "add", {"message": "Your order is being processed"})

    with pytest.raises(OrderOutcomeUnknown) as unknown:
        connect("smmprovider").add_order("1", "https://instagram.com/p/x", 100)

    assert unknown.value.message == (
        "127.0.0.1 answered the order without an order id: 'Your order is being processed'"
    )


# Plain text instead of JSON ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["Connection be with post method", "Invalid request"])
def test_a_json_panel_answering_forms_in_plain_text_is_sent_json(connect, simulator, text):
    # The panel sees no action in a form body, so each form is met by the text.
    simulator.inject("smmpanelus", "canned", body=text, content_type="text/html", times=3)
    client = connect("smmpanelus")

    client.balance()

    assert client.capabilities.request_form == "json"
    assert [seen.body for seen in simulator.requests("smmpanelus")] == ["form"] * 3 + ["json"]


def test_plain_text_from_every_form_is_that_text_not_a_refusal_of_every_form(connect, simulator):
    simulator.inject("smmprovider", "canned", body="Invalid request", times=10)
    client = connect("smmprovider")

    with pytest.raises(ProviderUnreachable) as failure:
        client.balance()

    assert failure.value.message == (
        "127.0.0.1 sent an answer that is not JSON (HTTP 200): 'Invalid request'"
    )
    assert len(simulator.requests("smmprovider")) == 5  # every POST form; GET met a 405
    assert client.capabilities.request_form is None


def test_a_panel_whose_form_is_known_is_not_sent_another_for_plain_text(connect, simulator):
    client = connect("smmprovider")
    client.balance()
    canned(simulator, "balance", "Invalid request")

    with pytest.raises(ProviderUnreachable, match="'Invalid request'"):
        client.balance()

    assert [seen.body for seen in simulator.requests("smmprovider")] == ["form", "form"]


def test_plain_text_to_an_order_is_kept_and_the_order_is_not_sent_again(connect, simulator):
    canned(simulator, "add", "Connection be with post method")

    with pytest.raises(OrderOutcomeUnknown, match="'Connection be with post method'"):
        connect("smmprovider").add_order("1", "https://instagram.com/p/x", 100)

    assert len(simulator.requests("smmprovider", "add")) == 1


@pytest.mark.parametrize("text", ["x" * 201, "Fatal error\x00\x01 in api.php"])
def test_long_or_unreadable_text_is_not_repeated(connect, simulator, text):
    simulator.inject("smmprovider", "canned", body=text, times=10)

    with pytest.raises(ProviderUnreachable) as failure:
        connect("smmprovider").balance()

    assert failure.value.message == "127.0.0.1 sent an answer that is not JSON (HTTP 200)"


# Catalogs that say they are empty ----------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "said"),
    [
        ({"status": "success", "data": "Empty Data"}, "Empty Data"),  # SmartPanel's script
        ({"success": True, "data": []}, None),
        ({"status": "success", "data": [], "message": "No services found"}, "No services found"),
        ({"status": True, "data": None, "message": "No services found"}, "No services found"),
        ([], None),
    ],
)
def test_a_catalog_the_panel_says_is_empty_is_empty_with_its_words(
    connect, simulator, answer, said
):
    canned(simulator, "services", answer)

    catalog = connect("smmprovider").services()

    assert catalog == [] and catalog.said == said


def test_a_catalog_answer_that_is_only_words_is_the_panels_refusal(connect, simulator):
    canned(simulator, "services", {"message": "Your account is suspended"})

    with pytest.raises(ProviderError, match=r"^Your account is suspended$"):
        connect("smmprovider").services()


# Firewall blocks ---------------------------------------------------------------------------


def test_cloudflares_block_page_names_the_block_and_is_not_retried(connect, simulator):
    simulator.inject("smmprovider", "blocked", times=3)

    with pytest.raises(Blocked) as blocked:
        connect("smmprovider", retries=2).balance()

    message = blocked.value.message
    assert "blocking this server's address (Cloudflare error 1020, HTTP 403)" in message
    assert "ask the panel to allow this server's IP address" in message
    assert "not a browser check" in message
    assert not isinstance(blocked.value, BrowserCheck)
    assert len(simulator.requests("smmprovider")) == 1  # a block does not lift in seconds


def test_cloudflares_one_line_block_for_scripts_is_a_block_too(connect, simulator):
    canned(simulator, "balance", "error code: 1020", code=403)

    with pytest.raises(Blocked, match=r"Cloudflare error 1020, HTTP 403"):
        connect("smmprovider").balance()


def test_a_block_page_after_an_order_names_the_block_and_stays_unknown(connect, simulator):
    simulator.inject("smmprovider", "blocked", action="add")

    with pytest.raises(OrderOutcomeUnknown, match="blocking this server's address"):
        connect("smmprovider").add_order("1", "https://instagram.com/p/x", 100)

    assert len(simulator.requests("smmprovider", "add")) == 1


def test_another_firewalls_block_page_is_a_block_too(connect, simulator):
    page = (
        "<html><head><title>Sucuri WebSite Firewall - Access Denied</title></head>"
        "<body><h2>Access Denied - Sucuri Website Firewall</h2></body></html>"
    )
    canned(simulator, "balance", page, code=403)

    with pytest.raises(Blocked, match=r"blocking this server's address \(HTTP 403\)"):
        connect("smmprovider").balance()


def test_cloudflares_rate_limit_page_is_a_rate_limit_not_a_block(connect, simulator):
    page = (
        "<html><head><title>Access denied | panel.example used Cloudflare to restrict access"
        '</title></head><body><span class="cf-error-code">1015</span>'
        "<h2>You are being rate limited</h2></body></html>"
    )
    canned(simulator, "balance", page, code=403, headers={"Retry-After": "60"})

    with pytest.raises(RateLimited, match="rate limiting this server") as limited:
        connect("smmprovider").balance()

    assert limited.value.wait_seconds == 60
