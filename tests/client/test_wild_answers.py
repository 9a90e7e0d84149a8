"""Answers real panels give (research file, section 2), served by the simulator over HTTP and
HTTPS exactly as those panels' pages show them, read by the real client."""

import json
import time

import pytest

from panel import (
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
