"""Many statuses at once: batches of 100 where the panel can, one by one where it cannot."""

import pytest

from panel import Capabilities, OrderStatus, ProviderError, RateLimited


def place_orders(client, simulator, panel, count):
    service = next(
        s for s in simulator.panel(panel).catalog if s.type == "Default" and s.min <= 100
    )
    return [
        client.add_order(service.service_id, f"https://instagram.com/p/{number}", 100)
        for number in range(count)
    ]


def status_requests(simulator, panel):
    return [seen.form for seen in simulator.requests(panel, "status")]


@pytest.mark.parametrize("panel", ["smmprovider", "smmbros", "smmpllus"])
def test_250_ids_on_a_multi_status_panel_take_3_requests(connect, simulator, panel):
    client = connect(panel)
    real = place_orders(client, simulator, panel, 3)
    unknown = [str(900_000 + number) for number in range(247)]

    found = client.statuses([*unknown[:120], *real, *unknown[120:]])

    requests = status_requests(simulator, panel)
    assert [len(form["orders"].split(",")) for form in requests] == [100, 100, 50]
    assert all("order" not in form for form in requests)
    assert len(found) == 250
    assert all(isinstance(found[order_id], OrderStatus) for order_id in real)
    assert all(isinstance(found[order_id], ProviderError) for order_id in unknown)
    assert client.capabilities.multi_status is True


@pytest.mark.parametrize("panel", ["smmsheba", "smmub"])
def test_a_panel_without_multi_status_is_found_out_once(connect, simulator, panel):
    client = connect(panel)
    real = place_orders(client, simulator, panel, 3)

    first = client.statuses([*real, "777"])
    second = client.statuses(real)

    requests = status_requests(simulator, panel)
    assert "orders" in requests[0]  # tried once, refused ("The order field is required")
    assert [form.get("order") for form in requests[1:]] == [*real, "777", *real]
    assert client.capabilities.multi_status is False
    assert all(isinstance(first[order_id], OrderStatus) for order_id in real)
    assert isinstance(first["777"], ProviderError)
    assert list(second) == real


def test_known_capabilities_skip_the_discovery(connect, simulator):
    client = connect("smmsheba", capabilities=Capabilities(multi_status=False))
    real = place_orders(client, simulator, "smmsheba", 2)

    client.statuses(real)

    assert all("orders" not in form for form in status_requests(simulator, "smmsheba"))


def test_an_account_wide_refusal_raises_instead_of_filling_slots(connect, simulator):
    client = connect("smmsheba", key="f" * 32)

    with pytest.raises(ProviderError, match=r"^Invalid api key$"):
        client.statuses(["1", "2", "3"])

    assert client.capabilities.multi_status is None  # nothing learned from a wrong key
    assert len(status_requests(simulator, "smmsheba")) == 2


def test_a_rate_limit_while_going_one_by_one_raises(connect, simulator):
    client = connect("smmub", capabilities=Capabilities(multi_status=False))
    real = place_orders(client, simulator, "smmub", 3)
    simulator.inject("smmub", "rate_limit", action="status")

    with pytest.raises(RateLimited):
        client.statuses(real)


def test_ids_are_strings_and_repeats_are_asked_once(connect, simulator):
    client = connect("smmprovider")
    (order_id,) = place_orders(client, simulator, "smmprovider", 1)

    found = client.statuses([int(order_id), order_id, "12"])

    assert list(found) == [order_id, "12"]
    assert status_requests(simulator, "smmprovider")[0]["orders"] == f"{order_id},12"
