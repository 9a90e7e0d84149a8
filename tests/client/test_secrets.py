"""The API key never shows: not in a repr, an exception, a traceback or a log line."""

import logging
import traceback

import pytest

from panel import PanelClient, PanelClientError
from panel.transport import _Form

KEY = "sk_live_9f8e7d6c5b4a39281706f5e4d3c2b1a0"


def test_repr_and_str_of_a_client_mask_the_key(simulator):
    client = PanelClient(simulator.url("smmprovider"), KEY, allow_private_hosts=True)

    for text in (repr(client), str(client), repr(client._transport), repr(vars(client))):
        assert KEY not in text
    assert "••••b1a0" in repr(client)


def test_the_form_sent_hides_the_key_from_debuggers_and_error_pages():
    form = _Form(key=KEY, action="balance")

    assert KEY not in repr(form) and KEY not in str(form)
    assert form["key"] == KEY


FAULTS = ["slow", "reset", "unavailable", "cloudflare", "empty", "not_json", "server_error"]
FAULTS += ["redirect", "rate_limit", "invalid_key", "echo_key", "huge"]
FAULTS += ["tls_alert", "tls_garbage", "truncated", "html_500", "bad_gateway", "found"]


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("call", ["balance", "add_order", "cancel"])
def test_no_failure_reveals_the_key(simulator, caplog, fault, call):
    simulator.panel("smmprovider").ledger.open_account(KEY)
    # Every request fails, the retry's and those that try other request forms too.
    simulator.inject("smmprovider", fault, times=20, seconds=1.2, size=2 * 1024 * 1024)
    client = PanelClient(
        simulator.url("smmprovider"),
        KEY,
        timeout=(1, 0.5),
        retries=1,
        backoff=0,
        max_response_bytes=1024 * 1024,
        allow_private_hosts=True,
        ca_bundle=simulator.ca_file,
    )
    arguments = {"balance": (), "add_order": ("101", "https://x.com", 100), "cancel": ("1",)}

    with caplog.at_level(logging.DEBUG), pytest.raises(PanelClientError) as failure:
        getattr(client, call)(*arguments[call])

    error = failure.value
    shown = [
        str(error),
        repr(error),
        *map(str, error.args),
        "".join(traceback.format_exception(error)),
    ]
    shown += [record.getMessage() for record in caplog.records]
    assert not [text for text in shown if KEY in text]
    # No exception from requests (which holds the request body) is chained to ours.
    assert error.__cause__ is None and error.__context__ is None


def test_a_panel_quoting_the_key_back_is_masked(simulator):
    simulator.panel("smmbros").ledger.open_account(KEY)
    simulator.inject("smmbros", "echo_key")

    with pytest.raises(PanelClientError) as failure:
        PanelClient(simulator.url("smmbros"), KEY, allow_private_hosts=True).balance()

    assert failure.value.message == "Invalid API key: ••••b1a0"


def test_the_key_travels_only_in_the_post_body(simulator):
    simulator.panel("smmprovider").ledger.open_account(KEY)

    PanelClient(simulator.url("smmprovider"), KEY, allow_private_hosts=True).balance()

    (seen,) = simulator.requests("smmprovider")
    assert seen.key_known and "key" not in seen.form
    assert KEY not in simulator.url("smmprovider")


def test_only_http_addresses_are_accepted():
    for address in ("file:///etc/passwd", "ftp://panel.example/api", "panel.example/api/v2"):
        with pytest.raises(ValueError, match="http"):
            PanelClient(address, KEY)
    with pytest.raises(ValueError, match="empty"):
        PanelClient("https://panel.example/api/v2", "")
