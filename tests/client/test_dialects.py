"""Every dialect and every action, over real HTTP to the simulator."""

from decimal import Decimal

import pytest

from panel import ActionNotSupported, Balance, ProviderError
from simulator import PANELS

CURRENCY = {"smmsheba": "USD", "smmprovider": "USD", "smmbros": "USD", "smmub": None}
CURRENCY["smmpllus"] = "USD"
ORDER_CURRENCY = {panel: currency or "RUB" for panel, currency in CURRENCY.items()}
RUNNING_WORD = {"smmsheba": ("processing", "Processing")}


def a_service(simulator, panel, **wanted):
    wanted = {"type": "Default", "active": True} | wanted
    return next(
        service
        for service in simulator.panel(panel).catalog
        if all(getattr(service, name) == value for name, value in wanted.items())
    )


def place(client, simulator, panel, **wanted):
    service = a_service(simulator, panel, **wanted)
    quantity = max(service.min, 100)
    link = f"https://t.me/s/{len(simulator.panel(panel).ledger.orders)}"  # smmub refuses repeats
    return service, client.add_order(service.service_id, link, quantity)


@pytest.mark.parametrize("panel", PANELS)
def test_services_are_the_panels_catalog_exactly(connect, simulator, panel):
    published = [service for service in simulator.panel(panel).catalog if service.active]

    services = connect(panel).services()

    assert len(services) == len(published) > 100
    for got, sent in zip(services, published, strict=True):
        assert got.service_id == str(sent.service_id)
        assert got.name == sent.name.strip()
        assert got.rate == sent.rate and isinstance(got.rate, Decimal)
        assert (got.min, got.max) == (sent.min, sent.max)
    assert {service.type for service in services} >= {"Default"}


def test_catalog_flags_follow_what_each_panel_publishes(connect, simulator):
    sheba = connect("smmsheba").services()
    assert any(service.dripfeed for service in sheba)
    assert any(service.refill for service in sheba)
    assert {service.cancel for service in sheba} == {None}  # v1 publishes no cancel flag
    bros = connect("smmbros").services()
    assert {(service.refill, service.cancel) for service in bros} == {(None, None)}
    provider = connect("smmprovider").services()
    assert any(service.cancel for service in provider) and any(s.refill for s in provider)
    assert {"Custom Comments", "Package", "Poll"} <= {service.type for service in provider}


@pytest.mark.parametrize("panel", PANELS)
def test_balance_in_the_accounts_currency_goes_down_with_orders(connect, simulator, panel):
    client = connect(panel)
    assert client.balance() == Balance(Decimal("1000"), CURRENCY[panel])

    service, order_id = place(client, simulator, panel)

    order = simulator.panel(panel).ledger.orders[int(order_id)]
    expected = Decimal("1000") - service.rate * order.quantity / 1000
    assert client.balance().amount == expected.quantize(Decimal("0.00001"))


@pytest.mark.parametrize("panel", PANELS)
def test_an_order_is_placed_once_and_tracked_to_the_end(connect, simulator, panel):
    client = connect(panel)

    service, order_id = place(client, simulator, panel)

    assert isinstance(order_id, str)
    assert [int(order_id)] == list(simulator.panel(panel).ledger.orders)
    assert len(simulator.requests(panel, "add")) == 1
    pending = client.status(order_id)
    assert (pending.status, pending.raw_status) == ("pending", "Pending")
    assert pending.currency == (ORDER_CURRENCY[panel] if panel != "smmsheba" else "USD")

    simulator.advance(simulator.pace.pending + simulator.pace.running / 2)
    running = client.status(order_id)
    assert (running.status, running.raw_status) == RUNNING_WORD.get(
        panel, ("in_progress", "In progress")
    )
    assert 0 < running.remains < max(service.min, 100)
    assert running.start_count > 0

    simulator.advance(simulator.pace.running)
    done = client.status(order_id)
    assert done.status in ("completed", "partial")
    if done.status == "completed":
        assert done.remains == 0


@pytest.mark.parametrize("panel", PANELS)
def test_statuses_of_many_orders_keep_a_bad_id_to_its_own_slot(connect, simulator, panel):
    client = connect(panel)
    placed = [place(client, simulator, panel)[1] for _ in range(3)]
    simulator.advance(simulator.pace.pending + 1)

    found = client.statuses([*placed, 424242])

    assert list(found) == [*placed, "424242"]
    assert all(found[order_id].status != "pending" for order_id in placed)
    assert isinstance(found["424242"], ProviderError)
    assert "order" in found["424242"].message.lower()


def test_smmub_counts_with_dotted_thousands_are_read_as_thousands(connect, simulator):
    client = connect("smmub")
    service, order_id = place(client, simulator, "smmub", min=10)
    simulator.advance(simulator.pace.pending + 1)
    order = simulator.panel("smmub").ledger.orders[int(order_id)]
    assert order.start_count >= 1000  # written "7.019" on the wire

    status = client.status(order_id)

    assert status.start_count == order.start_count
    assert status.charge == service.rate * order.quantity / 1000


REFILL_ID = {"smmsheba": True, "smmprovider": True, "smmpllus": True, "smmbros": False}


@pytest.mark.parametrize("panel", ["smmsheba", "smmprovider", "smmbros", "smmpllus"])
def test_refill_a_delivered_order(connect, simulator, panel):
    client = connect(panel)
    _, order_id = place(client, simulator, panel, refill=True)
    simulator.advance(simulator.pace.pending + simulator.pace.running + 1)

    refill_id = client.refill(order_id)

    assert client.capabilities.refill is True
    if not REFILL_ID[panel]:
        assert refill_id is None  # smmbros accepts with a message and no id
        return
    assert refill_id == str(max(simulator.panel(panel).ledger.refills))
    assert client.refill_status(refill_id) == "Pending"
    simulator.advance(simulator.pace.pending + simulator.pace.running + 1)
    assert client.refill_status(refill_id) == "Completed"


@pytest.mark.parametrize("panel", ["smmprovider", "smmpllus"])
def test_refill_refused_for_an_order_still_running(connect, simulator, panel):
    client = connect(panel)
    _, order_id = place(client, simulator, panel, refill=True)

    with pytest.raises(ProviderError, match="Refill is disabled"):
        client.refill(order_id)


@pytest.mark.parametrize(
    ("panel", "action", "message"),
    [("smmub", "refill", "Invalid Action"), ("smmsheba", "cancel", "Invalid action")],
)
def test_a_missing_action_is_remembered_and_not_asked_again(
    connect, simulator, panel, action, message
):
    client = connect(panel)
    _, order_id = place(client, simulator, panel)

    with pytest.raises(ActionNotSupported, match=message):
        getattr(client, action)(order_id)
    with pytest.raises(ActionNotSupported):
        getattr(client, action)(order_id)

    assert getattr(client.capabilities, action) is False
    assert len(simulator.requests(panel, action)) == 1


@pytest.mark.parametrize("panel", ["smmprovider", "smmbros", "smmub", "smmpllus"])
def test_cancel_a_pending_order(connect, simulator, panel):
    client = connect(panel)
    _, order_id = place(client, simulator, panel, cancel=True)

    client.cancel(order_id)

    assert client.capabilities.cancel is True
    assert client.status(order_id).status == "canceled"
    assert len(simulator.requests(panel, "cancel")) == 1
    assert client.balance().amount == Decimal("1000")  # refunded
    with pytest.raises(ProviderError, match=r"(?i)already canceled"):
        client.cancel(order_id)


@pytest.mark.parametrize("panel", ["smmprovider", "smmbros", "smmub", "smmpllus"])
def test_cancel_refused_keeps_the_panels_words(connect, simulator, panel):
    client = connect(panel)
    _, order_id = place(client, simulator, panel, cancel=True)
    simulator.advance(max(simulator.pace.pending + simulator.pace.running, 600) + 1)

    with pytest.raises(ProviderError) as refused:
        client.cancel(order_id)

    expected = {
        "smmub": "An order can be canceled only within 10 minutes",
        "smmbros": "The order can not be canceled",
    }.get(panel, "The order can not be canceled")
    assert refused.value.message == expected


@pytest.mark.parametrize("panel", PANELS)
def test_the_link_reaches_every_panel_whichever_field_it_reads(connect, simulator, panel):
    client = connect(panel)

    _, order_id = place(client, simulator, panel)

    order = simulator.panel(panel).ledger.orders[int(order_id)]
    assert order.link.startswith("https://t.me/s/")


@pytest.mark.parametrize("panel", ["smmprovider", "smmbros", "smmub", "smmpllus"])
def test_custom_comments_one_per_line(connect, simulator, panel):
    client = connect(panel)
    service = a_service(simulator, panel, type="Custom Comments")
    comments = [f"Great post {number}!" for number in range(service.min + 2)]

    order_id = client.add_order(
        service.service_id, "https://instagram.com/p/x", None, comments=comments
    )

    order = simulator.panel(panel).ledger.orders[int(order_id)]
    assert order.quantity == len(comments)
    assert order.fields["comments"] == "\n".join(comments)


def test_every_service_type_field_is_sent(connect, simulator):
    client = connect("smmprovider")
    poll = a_service(simulator, "smmprovider", type="Poll")
    subscription = a_service(simulator, "smmprovider", type="Subscriptions")
    mentions = a_service(simulator, "smmprovider", type="Mentions")
    package = a_service(simulator, "smmprovider", type="Package")

    placed = [
        client.add_order(poll.service_id, "https://t.me/c/1", poll.min, answer_number=2),
        client.add_order(
            subscription.service_id,
            "https://instagram.com/x",
            None,
            username="x",
            min=subscription.min,
            max=subscription.min * 2,
            posts=5,
            delay=30,
            expiry="31/12/2026",
        ),
        client.add_order(
            mentions.service_id, "https://instagram.com/p/y", mentions.min, usernames=["a", "b"]
        ),
        client.add_order(package.service_id, "https://youtube.com/@x", None),
    ]

    orders = simulator.panel("smmprovider").ledger.orders
    assert [str(order_id) for order_id in orders] == placed
    fields = [order.fields for order in orders.values()]
    assert fields[0]["answer_number"] == "2"
    assert {fields[1][name] for name in ("posts", "delay", "expiry")} == {"5", "30", "31/12/2026"}
    assert fields[2]["usernames"] == "a\nb"
    assert "quantity" not in fields[3]


def test_a_missing_type_field_is_the_panels_error(connect, simulator):
    client = connect("smmprovider")
    poll = a_service(simulator, "smmprovider", type="Poll")

    with pytest.raises(ProviderError, match="The answer_number field is required"):
        client.add_order(poll.service_id, "https://t.me/c/1", poll.min)
    assert not simulator.panel("smmprovider").ledger.orders


def test_drip_feed_runs_and_interval(connect, simulator):
    client = connect("smmsheba")
    service = a_service(simulator, "smmsheba", dripfeed=True)

    order_id = client.add_order(
        service.service_id, "https://x.com/p", service.min, runs=3, interval=15
    )

    order = simulator.panel("smmsheba").ledger.orders[int(order_id)]
    assert order.quantity == service.min * 3
    assert order.fields["interval"] == "15"


def test_unknown_order_fields_are_a_programming_error(connect, simulator):
    with pytest.raises(TypeError, match="speed"):
        connect("smmprovider").add_order("101", "https://x.com", 100, speed="fast")
    assert not simulator.requests("smmprovider", "add")


@pytest.mark.parametrize(
    ("panel", "problem", "message"),
    [
        ("smmsheba", {"quantity": 1}, "Please follow the limit"),
        ("smmprovider", {"quantity": 1}, "Quantity less than minimal 10"),
        ("smmub", {"quantity": 10**9}, "Quantity should be within min quantity to max quantity"),
        ("smmbros", {"service_id": 1}, "Incorrect service ID"),
        ("smmsheba", {"link": ""}, "The link field is required"),
        ("smmbros", {"link": ""}, "The url field is required"),
    ],
)
def test_a_refused_order_keeps_the_panels_message_verbatim(
    connect, simulator, panel, problem, message
):
    service = a_service(simulator, panel, min=10)
    order = {"service_id": service.service_id, "link": "https://x.com/a", "quantity": 100} | problem

    with pytest.raises(ProviderError) as refused:
        connect(panel).add_order(**order)

    assert refused.value.message == message
    assert not simulator.panel(panel).ledger.orders


@pytest.mark.parametrize(
    ("panel", "message"),
    [("smmsheba", "Insufficient balance"), ("smmub", "Insuffcient Funds")],
)
def test_insufficient_funds(connect, simulator, panel, message):
    catalog = simulator.panel(panel).catalog
    service = max(catalog, key=lambda service: service.rate * service.max)
    quantity = min(service.max, int(Decimal(2_000_000) / service.rate))

    with pytest.raises(ProviderError, match=message):
        connect(panel).add_order(service.service_id, "https://x.com", quantity)


@pytest.mark.parametrize("panel", PANELS)
def test_a_wrong_key_is_the_panels_error(connect, simulator, panel):
    with pytest.raises(ProviderError, match=r"(?i)invalid api key"):
        connect(panel, key="0" * 32).balance()


@pytest.mark.parametrize("panel", ["smmbros", "smmub"])
def test_refill_status_where_the_panel_has_none(connect, simulator, panel):
    with pytest.raises(ActionNotSupported, match=r"(?i)^invalid action$"):
        connect(panel).refill_status("501")


@pytest.mark.parametrize("panel", PANELS)
def test_the_status_of_an_unknown_order_is_the_panels_error(connect, simulator, panel):
    with pytest.raises(ProviderError, match=r"(?i)(invalid|incorrect) order id"):
        connect(panel).status("31337")


def test_a_catalog_of_ten_thousand_services():
    from panel import PanelClient
    from simulator import Simulator

    with Simulator(catalog_size=10_000) as large:
        services = PanelClient(
            large.url("smmub"), large.key("smmub"), allow_private_hosts=True
        ).services()

    assert len(services) == 10_000
    assert len({service.service_id for service in services}) == 10_000


def test_unreadable_catalog_entries_are_left_out_and_logged(connect, simulator, caplog):
    catalog = simulator.panel("smmprovider").catalog
    catalog[0].rate = "call us"
    catalog[1].max = "lots"

    services = connect("smmprovider").services()

    assert len(services) == len(catalog) - 2
    assert str(catalog[0].service_id) not in {service.service_id for service in services}
    assert "left out 2 unreadable catalog entries" in caplog.text
