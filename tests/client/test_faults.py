"""What goes wrong between smmdash and a panel, over real loopback HTTP and HTTPS."""

import re
import time

import pytest

from panel import (
    OrderOutcomeUnknown,
    ProviderError,
    ProviderUnreachable,
    RateLimited,
)

pytestmark = pytest.mark.over_http_and_https


def a_default_service(simulator, panel="smmprovider"):
    return next(s for s in simulator.panel(panel).catalog if s.type == "Default" and s.min <= 100)


def order_from(client, simulator, panel="smmprovider"):
    service = a_default_service(simulator, panel)
    return client.add_order(service.service_id, "https://instagram.com/p/fault", 100)


def placed(simulator, panel="smmprovider"):
    return list(simulator.panel(panel).ledger.orders)


def test_a_slow_answer_after_the_order_was_created_is_outcome_unknown(connect, simulator):
    simulator.inject("smmprovider", "slow", action="add", seconds=1)
    client = connect("smmprovider", timeout=(1, 0.3))

    with pytest.raises(OrderOutcomeUnknown, match=r"did not answer within 0\.3s"):
        order_from(client, simulator)

    assert len(placed(simulator)) == 1  # the order exists at the panel
    assert len(simulator.requests("smmprovider", "add")) == 1  # and was not sent again


def test_a_reset_after_the_order_was_created_is_outcome_unknown(connect, simulator):
    simulator.inject("smmub", "reset", action="add")

    with pytest.raises(OrderOutcomeUnknown, match="broke after the request was sent"):
        order_from(connect("smmub"), simulator, "smmub")

    assert len(placed(simulator, "smmub")) == 1
    assert len(simulator.requests("smmub", "add")) == 1


def test_a_reset_before_the_panel_acted_is_still_unknown_to_the_client(connect, simulator):
    # From the client's side the two cases look the same, so it must not guess.
    simulator.inject("smmprovider", "reset", action="add", after=False)

    with pytest.raises(OrderOutcomeUnknown):
        order_from(connect("smmprovider"), simulator)

    assert placed(simulator) == []


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("unavailable", "web page titled '503 Service Temporarily Unavailable'"),
        ("empty", "sent an empty answer (HTTP 200)"),
        ("not_json", "sent an answer that is not JSON (HTTP 200)"),
        ("server_error", "failed with HTTP 500: Internal error"),
        ("html_500", "web page titled '500 Internal Server Error' instead of JSON (HTTP 500)"),
        ("bad_gateway", "web page titled '502 Bad Gateway' instead of JSON (HTTP 502)"),
        ("found", "redirected to https://127.0.0.1"),
        ("redirect", "redirected to https://127.0.0.1"),
        ("truncated", "The answer from 127.0.0.1 broke off"),
        ("tls_alert", "broke after the request was sent"),
        ("tls_garbage", "broke after the request was sent"),
    ],
)
def test_no_usable_answer_to_an_order_is_outcome_unknown(connect, simulator, fault, message):
    simulator.inject("smmprovider", fault, action="add")

    with pytest.raises(OrderOutcomeUnknown, match=re.escape(message)):
        order_from(connect("smmprovider"), simulator)

    assert len(simulator.requests("smmprovider", "add")) == 1


@pytest.mark.parametrize(
    "fault", ["html_500", "bad_gateway", "found", "truncated", "tls_alert", "tls_garbage"]
)
def test_the_order_exists_when_its_answer_is_lost_that_way(connect, simulator, fault):
    simulator.inject("smmprovider", fault, action="add")

    with pytest.raises(OrderOutcomeUnknown):
        order_from(connect("smmprovider"), simulator)

    assert len(placed(simulator)) == 1  # why "unknown" is the only honest answer


@pytest.mark.parametrize("action", ["cancel", "refill"])
@pytest.mark.parametrize("fault", ["reset", "tls_alert", "bad_gateway", "found"])
def test_a_lost_answer_to_a_cancel_or_refill_is_outcome_unknown(connect, simulator, action, fault):
    client = connect("smmprovider")
    order_id = order_from(client, simulator)
    simulator.inject("smmprovider", fault, action=action)

    with pytest.raises(OrderOutcomeUnknown):
        getattr(client, action)(order_id)

    assert len(simulator.requests("smmprovider", action)) == 1


def test_a_cloudflare_challenge_comes_before_the_panel_so_nothing_was_placed(connect, simulator):
    simulator.inject("smmprovider", "cloudflare", action="add")

    with pytest.raises(ProviderUnreachable, match="asking for a browser check") as failure:
        order_from(connect("smmprovider"), simulator)

    assert not isinstance(failure.value, OrderOutcomeUnknown)  # safe to send again
    assert placed(simulator) == []


def test_a_403_web_page_without_the_challenge_mark_is_unknown(connect, simulator):
    # Only Cloudflare's own header proves the edge answered; any other page may come after.
    simulator.inject("smmprovider", "unavailable", action="add")

    with pytest.raises(OrderOutcomeUnknown):
        order_from(connect("smmprovider"), simulator)


@pytest.mark.parametrize(
    "fault",
    ["unavailable", "cloudflare", "empty", "not_json", "server_error", "tls_alert", "truncated"],
)
def test_no_usable_answer_to_a_read_is_unreachable(connect, simulator, fault):
    simulator.inject("smmbros", fault, action="balance")

    with pytest.raises(ProviderUnreachable) as failure:
        connect("smmbros").balance()

    assert not isinstance(failure.value, OrderOutcomeUnknown)


def test_a_redirect_is_not_followed(connect, simulator):
    simulator.inject("smmpllus", "redirect", action="balance")

    with pytest.raises(ProviderUnreachable, match="redirected to https://"):
        connect("smmpllus").balance()

    assert len(simulator.requests("smmpllus")) == 1  # the key went nowhere else


@pytest.mark.parametrize(
    ("panel", "message"),
    [("smmub", "Spam protection, wait 7 seconds"), ("smmprovider", "Too many requests, wait 7")],
)
def test_rate_limits_carry_the_wait(connect, simulator, panel, message):
    simulator.inject(panel, "rate_limit")

    with pytest.raises(RateLimited, match=message) as limited:
        connect(panel, retries=3).balance()

    assert limited.value.wait_seconds == 7
    assert len(simulator.requests(panel)) == 1  # a refusal is not retried


def test_smmub_spam_protection_on_a_repeated_order(connect, simulator):
    client = connect("smmub")
    order_from(client, simulator, "smmub")
    simulator.advance(3)

    with pytest.raises(RateLimited, match="Spam protection, wait 4 seconds") as limited:
        order_from(client, simulator, "smmub")

    assert limited.value.wait_seconds == 4
    simulator.advance(4)
    order_from(client, simulator, "smmub")
    assert len(placed(simulator, "smmub")) == 2


def test_an_invalid_key_answer(connect, simulator):
    simulator.inject("smmsheba", "invalid_key")

    with pytest.raises(ProviderError, match=r"^Invalid api key$"):
        connect("smmsheba").services()


def test_an_oversized_answer_is_refused(connect, simulator):
    simulator.inject("smmprovider", "huge", action="services", size=3 * 1024 * 1024)

    with pytest.raises(ProviderUnreachable, match="larger than 1 MB"):
        connect("smmprovider", max_response_bytes=1024 * 1024).services()


def test_reads_are_retried_with_backoff(connect, simulator):
    simulator.inject("smmprovider", "unavailable", action="balance", times=2)
    client = connect("smmprovider", retries=2, backoff=0.05)

    started = time.monotonic()
    balance = client.balance()

    assert balance.currency == "USD"
    assert len(simulator.requests("smmprovider", "balance")) == 3
    assert time.monotonic() - started >= 0.05 + 0.1  # 0.05 s, then 0.1 s


def test_reads_give_up_after_the_retries(connect, simulator):
    simulator.inject("smmprovider", "reset", action="services", times=5)

    with pytest.raises(ProviderUnreachable):
        connect("smmprovider", retries=1).services()

    assert len(simulator.requests("smmprovider", "services")) == 2


def test_a_slow_read_is_retried(connect, simulator):
    simulator.inject("smmpllus", "slow", action="status", seconds=1)
    client = connect("smmpllus", timeout=(1, 0.3), retries=1)
    order_id = order_from(client, simulator, "smmpllus")

    assert client.status(order_id).status == "pending"
    assert len(simulator.requests("smmpllus", "status")) == 2


@pytest.mark.parametrize(("action", "call"), [("cancel", "cancel"), ("refill", "refill")])
def test_writes_are_never_retried(connect, simulator, action, call):
    client = connect("smmprovider", retries=3)
    order_id = order_from(client, simulator)
    simulator.inject("smmprovider", "unavailable", action=action, times=3)

    with pytest.raises(ProviderUnreachable):
        getattr(client, call)(order_id)

    assert len(simulator.requests("smmprovider", action)) == 1


def test_separate_connect_and_read_timeouts(connect, simulator):
    client = connect("smmprovider", timeout=(0.2, 5))
    simulator.inject("smmprovider", "slow", action="balance", seconds=0.6)

    assert client.balance().amount  # 0.6 s is well within the 5 s read timeout
    assert client._transport.timeouts.connect == 0.2


def test_reads_share_one_connection_and_each_write_gets_a_new_one(connect, simulator):
    client = connect("smmprovider")

    for _ in range(3):
        client.balance()
    order_id = order_from(client, simulator)
    client.status(order_id)
    client.cancel(order_id)

    peers = [seen.peer for seen in simulator.requests("smmprovider")]
    balance_1, balance_2, balance_3, add, status, cancel = peers
    assert balance_1 == balance_2 == balance_3 == status
    assert len({balance_1, add, cancel}) == 3


def test_a_realistic_user_agent_is_sent(connect, simulator):
    from panel.transport import USER_AGENT

    assert USER_AGENT.startswith("Mozilla/5.0") and "python-requests" not in USER_AGENT
    assert connect("smmprovider")._transport._reads.headers["User-Agent"] == USER_AGENT
