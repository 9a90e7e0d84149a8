"""Reading what panels send: the API pages' own examples, sloppiness and all."""

import logging
from decimal import Decimal

import pytest

from panel import OPEN_STATUSES, STATUSES, UNKNOWN_STATUS_DEFAULT, lenient_json, values
from panel.errors import RateLimited, error_from_message
from panel.statuses import normalize

# Copied verbatim from the smmsheba API page: trailing commas, a missing comma, a bare USD.
SHEBA_SERVICES = """[
{
"service": 1,
"name": "YouTube Livestream Viewers ",
"rate": "0.33000000",
"min": 1000,
"max": 200000,
"category": "Live Stream [ Low ConCurrent | Less Price ] [ 30 Minutes to 24 Hours]",
"refill": true,
"dripfeed": true,
},
{
"service": 2,
"name": "YouTube Livestream Viewers ~ ",
"rate": "2.10000000",
"min": 1000,
"max": 200000,
"category": "Live Stream [ Low ConCurrent | Less Price ] [ 30 Minutes to 24 Hours]"
"refill": true,
"dripfeed": false,
}
]"""
SHEBA_STATUS = """{
"status" : "Pending",
"start_count" : "1000",
"remains" : "500",
"currency" : USD
}"""
BROS_REFILL = """{
\t"status": Success,
\t"message": "Your order successfully added for refill. Thank you for patience."
}"""
BROS_BALANCE = """{
\t"balance": 10000,
\t"currency": "USD",
}"""
UB_SERVICES = """\ufeff[
     {
        "service": 1,
        "name": "Подписчики YouTube",
        "type": "Default",
        "category": "YouTube",
        "rate": "90",
        "min": "100",
        "max": "50.000"
     },
     {
        "service": 2,
        "name": "Просмотры ТикТок",
        "type": "Default",
        "category": "ТикТок",
        "rate": "100",
        "min": "1.000",
        "max": "5.000.000"
     }
]"""


def test_the_smmsheba_page_examples_read():
    first, second = lenient_json.loads(SHEBA_SERVICES)

    assert first["rate"] == "0.33000000" and first["dripfeed"] is True
    assert second["category"].startswith("Live Stream") and second["refill"] is True
    assert lenient_json.loads(SHEBA_STATUS)["currency"] == "USD"


def test_the_smmbros_page_examples_read():
    assert lenient_json.loads(BROS_REFILL)["status"] == "Success"
    assert lenient_json.loads(BROS_BALANCE) == {"balance": 10000, "currency": "USD"}


def test_the_smmub_page_examples_read():
    services = lenient_json.loads(UB_SERVICES)

    assert [values.count(s["max"]) for s in services] == [50_000, 5_000_000]
    assert [values.count(s["min"]) for s in services] == [100, 1_000]
    assert services[1]["name"] == "Просмотры ТикТок"


def test_fractions_become_decimals_from_their_text():
    answer = lenient_json.loads('{"balance": 100.84292, "charge": 0.1, "count": 3}')

    assert answer == {"balance": Decimal("100.84292"), "charge": Decimal("0.1"), "count": 3}
    sloppy = lenient_json.loads('{"balance": 0.30000000000000004,}')
    assert sloppy["balance"] == Decimal("0.30000000000000004")


@pytest.mark.parametrize("text", ["", "   ", "\ufeff", "<html>", "OK", '{"a": "unclosed'])
def test_what_is_not_json_says_so(text):
    with pytest.raises(lenient_json.NotJSON):
        lenient_json.loads(text)


def test_escapes_and_single_quotes():
    assert lenient_json.loads("{'name': 'It\\'s \\u00e9t\\u00e9',}") == {"name": "It's été"}


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("0.27819", Decimal("0.27819")),
        ("100.84292", Decimal("100.84292")),
        (" 0.90 ", Decimal("0.90")),
        ("8", Decimal("8")),
        (10000, Decimal("10000")),
        (Decimal("0.1"), Decimal("0.1")),
        ("1.000", Decimal("1.000")),  # one dot is a decimal point
        ("5.000.000", Decimal("5000000")),
        ("1,234.50", Decimal("1234.50")),
        ("0,90", Decimal("0.90")),
        ("1 234.5", Decimal("1234.5")),
        (0.1, Decimal("0.1")),  # a float handed in is read by its shortest spelling
        ("", None),
        (None, None),
    ],
)
def test_money(written, amount):
    assert values.money(written) == amount
    if amount is not None:
        assert str(values.money(written)) == str(amount)


@pytest.mark.parametrize("written", ["abc", "1.2.3", "NaN", "Infinity", "$5"])
def test_money_that_is_not_a_number(written):
    with pytest.raises(ValueError):
        values.money(written)


@pytest.mark.parametrize(
    ("written", "number"),
    [
        ("50.000", 50_000),
        ("5.000.000", 5_000_000),
        ("1.000", 1_000),
        ("1,000", 1_000),
        ("3572", 3572),
        (157, 157),
        ("1000.00", 1000),
        (Decimal("12.0"), 12),
        (" 42 ", 42),
        ("", None),
        (None, None),
    ],
)
def test_counts(written, number):
    assert values.count(written) == number


@pytest.mark.parametrize("written", ["12.5", "x", "1.00.0"])
def test_counts_that_are_not_whole_numbers(written):
    with pytest.raises(ValueError):
        values.count(written)


def test_ids_currencies_and_flags():
    assert values.identifier(23501) == "23501"
    assert values.identifier("1242") == "1242"
    assert values.identifier(Decimal("12.0")) == "12"
    assert values.identifier({"error": "x"}) is None
    assert values.currency(" USD") == "USD"
    assert values.currency(" ") is None and values.currency(None) is None
    assert [values.flag(v) for v in (True, 1, "1", "yes", False, 0, "0", None, "")] == [
        True,
        True,
        True,
        True,
        False,
        False,
        False,
        False,
        False,
    ]


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Pending", "pending"),
        ("In progress", "in_progress"),
        ("IN_PROGRESS", "in_progress"),
        ("Processing", "processing"),
        ("Partial", "partial"),
        ("Completed", "completed"),
        ("Complete", "completed"),
        ("Canceled", "canceled"),
        ("Cancelled", "canceled"),
        ("Order Cancelled", "canceled"),
        ("Refunded", "refunded"),
        ("Fail", "failed"),
        ("  completed  ", "completed"),
    ],
)
def test_every_panels_status_words(word, status):
    assert normalize(word) == status


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("Completed successfully", "completed"),
        ("In progress (45%)", "in_progress"),
        ("Canceled by admin", "canceled"),
        ("Partially delivered", "partial"),
        ("Awaiting moderation", "pending"),
        ("Pending.", "pending"),
        ("REFUNDED - balance returned", "refunded"),
        ("Completely unknown", "processing"),  # a known word must end where a word ends
        ("Newly made", "processing"),
    ],
)
def test_words_not_in_the_table_are_read_by_their_leading_word(word, status):
    assert normalize(word) == status


def test_an_unknown_status_word_is_kept_open_and_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="smmdash.panel"):
        assert normalize("Under moderation review") == UNKNOWN_STATUS_DEFAULT == "processing"

    assert "Under moderation review" in caplog.text
    assert UNKNOWN_STATUS_DEFAULT in OPEN_STATUSES and len(STATUSES) == 8


@pytest.mark.parametrize(
    ("message", "wait"),
    [
        ("Spam protection, wait 7 seconds", 7),
        ("Too many requests, try again in 30 sec", 30),
        ("Rate limit exceeded, retry after 2 minutes", 120),
        ("Too many requests", 10),
    ],
)
def test_rate_limit_messages_carry_their_wait(message, wait):
    error = error_from_message(message)

    assert isinstance(error, RateLimited) and error.wait_seconds == wait
    assert error.message == message


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ({"error": "Incorrect order ID"}, "Incorrect order ID"),
        ([{"error": "Invalid API key"}], "Invalid API key"),
        ({"error": {"message": "Not enough funds"}}, "Not enough funds"),
        ({"status": "error", "message": "Service disabled"}, "Service disabled"),
        ({"status": "Fail", "charge": "0.1", "remains": "5"}, None),  # a failed order, not an error
        ({"status": "Success", "message": "Done"}, None),
        ({"error": ""}, None),
        ([{"order": 1}, {"order": 2}], None),
    ],
)
def test_what_counts_as_an_error_answer(answer, message):
    from panel.shapes import error_message

    assert error_message(answer) == message
