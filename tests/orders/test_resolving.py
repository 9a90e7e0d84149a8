"""Resolving an order whose answer was lost: the panel's id checked with the panel before it is
recorded, a wrong id corrected, and an order reopened as needing checking."""

import re
from html import unescape

import pytest
from django.utils import timezone

from orders import services
from orders.models import Order
from tests.htmx import htmx_headers
from tests.orders.conftest import a_service, adds

pytestmark = [pytest.mark.django_db, pytest.mark.over_http_and_https]
S = Order.Status


@pytest.fixture
def lost(simulator, synced, place):
    """An order the panel placed (as its single order) whose answer was lost: (order, id)."""
    service = a_service(synced("smmpllus"))
    simulator.inject("smmpllus", "reset", action="add", after=True)
    order = place(service, service.min)
    assert order.status == S.UNKNOWN
    (panel_id,) = simulator.panel("smmpllus").ledger.orders
    return order, str(panel_id)


def status_calls(simulator):
    return simulator.requests("smmpllus", "status")


def text(response) -> str:
    return unescape(response.content.decode())


def token_in(page: str) -> str:
    return re.search(r'name="checked" value="([^"]+)"', page).group(1)


def check(client, order, panel_id, **fields):
    return text(
        client.post(
            f"/orders/{order.pk}/panel-id/check/",
            {"provider_order_id": panel_id, "purpose": "resolve", **fields},
            **htmx_headers(target="resolve-box"),
        )
    )


def test_the_id_is_checked_with_the_panel_and_shown_before_it_is_recorded(
    lost, simulator, buyer, buyer_client
):
    order, panel_id = lost
    simulator.advance(120)  # the panel has started on it

    shown = check(buyer_client, order, f" #{panel_id} ")

    assert shown.lstrip().startswith('<div id="resolve-box"')
    assert f"smmpllus knows order {panel_id}:" in shown
    assert "In progress" in shown and "Confirm" in shown and "Back" in shown
    assert len(status_calls(simulator)) == 1  # one status call, nothing recorded yet
    assert Order.objects.get(pk=order.pk).status == S.UNKNOWN

    confirmed = buyer_client.post(
        f"/orders/{order.pk}/resolve/", {"checked": token_in(shown)}, follow=True
    )

    assert f"the panel's id {panel_id}" in text(confirmed)
    order.refresh_from_db()
    # What the panel said when asked is recorded at once: no second call.
    assert (order.status, order.provider_order_id) == (S.IN_PROGRESS, panel_id)
    assert len(status_calls(simulator)) == 1
    resolved = order.events.get(kind="action")
    assert resolved.actor == buyer and panel_id in resolved.message
    assert len(adds(simulator, "smmpllus")) == 1
    # A second confirmation (a colleague's, or the same form again) changes nothing.
    again = buyer_client.post(
        f"/orders/{order.pk}/resolve/", {"checked": token_in(shown)}, follow=True
    )
    assert "no longer needs checking" in text(again)
    assert order.events.filter(kind="action").count() == 1


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("<b>abc</b> 😀", "A panel's order id is up to 40 letters or digits"),
        ("1 2", "A panel's order id is up to 40 letters or digits"),
        ("9" * 41, "A panel's order id is up to 40 letters or digits"),
    ],
)
def test_what_is_no_order_id_is_refused_before_the_panel_is_asked(
    lost, simulator, buyer_client, typed, said
):
    order, _ = lost

    answer = buyer_client.post(
        f"/orders/{order.pk}/panel-id/check/",
        {"provider_order_id": typed, "purpose": "resolve"},
        **htmx_headers(target="resolve-box"),
    )

    assert said in text(answer) and "<b>" not in answer.content.decode()  # shown as typed
    assert status_calls(simulator) == []
    assert Order.objects.get(pk=order.pk).status == S.UNKNOWN


def test_an_id_the_panel_does_not_know_is_refused_in_its_words(lost, simulator, buyer_client):
    order, panel_id = lost

    shown = check(buyer_client, order, panel_id + "0")

    assert "The panel does not confirm order" in shown and "Incorrect order ID" in shown
    assert "Nothing was changed" in shown and 'name="checked"' not in shown
    assert len(status_calls(simulator)) == 1
    order.refresh_from_db()
    assert (order.status, order.provider_order_id) == (S.UNKNOWN, "")
    assert not order.events.filter(kind="action").exists()


def test_an_id_is_recorded_only_as_the_panel_confirmed_it(lost, simulator, buyer_client):
    order, panel_id = lost
    shown = check(buyer_client, order, panel_id)
    token = token_in(shown)

    # Typed straight to the recording step, or with what the panel said changed: refused.
    for sent in ({"provider_order_id": panel_id}, {"checked": token[:-2] + "xx"}):
        page = buyer_client.post(f"/orders/{order.pk}/resolve/", sent, follow=True)
        assert "Check the id with the panel first" in text(page)
    # Nor does one order's check record another order.
    other, _ = services.create_order(order.service, link="https://t.me/other", quantity=10)
    Order.objects.filter(pk=other.pk).update(status=S.UNKNOWN)
    buyer_client.post(f"/orders/{other.pk}/resolve/", {"checked": token})
    assert Order.objects.get(pk=other.pk).status == S.UNKNOWN
    assert Order.objects.get(pk=order.pk).status == S.UNKNOWN


def test_back_returns_to_the_form_with_the_id_typed(lost, buyer_client):
    order, panel_id = lost
    token = token_in(check(buyer_client, order, panel_id))

    back = text(
        buyer_client.post(
            f"/orders/{order.pk}/panel-id/check/",
            {"checked": token, "purpose": "resolve", "back": "1"},
            **htmx_headers(target="resolve-box"),
        )
    )

    assert f'value="{panel_id}"' in back and "Check with the panel" in back
    assert Order.objects.get(pk=order.pk).status == S.UNKNOWN


def test_an_id_already_recorded_for_another_order_is_refused(lost, simulator, buyer_client):
    order, panel_id = lost
    twin, _ = services.create_order(order.service, link="https://t.me/twin", quantity=10)
    Order.objects.filter(pk=twin.pk).update(status=S.PENDING, provider_order_id=panel_id)

    shown = check(buyer_client, order, panel_id)

    assert f"Order #{twin.pk} already has the panel's id {panel_id}" in shown
    assert status_calls(simulator) == []


def trapped(order, wrong_id="123abc"):
    """The order as a typo left it: recorded as placed under an id the panel does not know."""
    Order.objects.filter(pk=order.pk).update(
        status=S.PENDING, provider_order_id=wrong_id, placed_at=timezone.now()
    )
    services.poll_provider(order.provider, order_ids=[order.pk])
    order.refresh_from_db()
    assert order.last_error == "Incorrect order ID"
    return order


def test_a_wrong_id_is_corrected_after_the_panel_confirms_the_right_one(
    lost, simulator, buyer, buyer_client
):
    order, panel_id = lost
    order = trapped(order)
    page = text(buyer_client.get(f"/orders/{order.pk}/"))
    assert "Correct the panel's order id" in page and "Reopen as needs checking" in page
    assert "Status checks of this order fail: “Incorrect order ID”" in page

    form = {"correct-provider_order_id": panel_id, "purpose": "correct"}
    unexplained = text(
        buyer_client.post(
            f"/orders/{order.pk}/panel-id/check/", form, **htmx_headers(target="panel-id-correct")
        )
    )
    assert "This field is required" in unexplained and 'name="checked"' not in unexplained

    form["correct-reason"] = "typed the wrong id"
    shown = text(
        buyer_client.post(
            f"/orders/{order.pk}/panel-id/check/", form, **htmx_headers(target="panel-id-correct")
        )
    )
    assert shown.lstrip().startswith('<div id="panel-id-correct"')
    assert f"smmpllus knows order {panel_id}:" in shown and "123abc" in shown
    assert Order.objects.get(pk=order.pk).provider_order_id == "123abc"
    # Without JavaScript, Back is the whole page with the form open as it was filled.
    back = text(
        buyer_client.post(
            f"/orders/{order.pk}/panel-id/check/",
            {"checked": token_in(shown), "purpose": "correct", "back": "1"},
        )
    )
    assert '<details class="panel-id-action" open>' in back
    assert f'value="{panel_id}"' in back and 'value="typed the wrong id"' in back

    done = buyer_client.post(
        f"/orders/{order.pk}/panel-id/correct/", {"checked": token_in(shown)}, follow=True
    )

    assert f"The panel's order id is now {panel_id}" in text(done)
    order.refresh_from_db()
    assert (order.provider_order_id, order.last_error) == (panel_id, "")
    corrected = order.events.filter(kind="action").last()
    assert corrected.actor == buyer
    assert "from 123abc to" in corrected.message and "typed the wrong id" in corrected.message
    # Status checks work again.
    simulator.advance(120)
    services.poll_provider(order.provider, order_ids=[order.pk])
    order.refresh_from_db()
    assert order.status == S.IN_PROGRESS and order.last_error == ""


def test_a_correction_checked_before_a_colleague_changed_the_order_is_refused(
    lost, buyer, buyer_client
):
    order, panel_id = lost
    order = trapped(order)
    form = {
        "correct-provider_order_id": panel_id,
        "correct-reason": "typo",
        "purpose": "correct",
    }
    shown = text(buyer_client.post(f"/orders/{order.pk}/panel-id/check/", form))
    services.reopen(order, "checking it myself", buyer, seen_panel_id="123abc")

    page = buyer_client.post(
        f"/orders/{order.pk}/panel-id/correct/", {"checked": token_in(shown)}, follow=True
    )

    assert "Someone changed this order meanwhile" in text(page)
    order.refresh_from_db()
    assert (order.status, order.provider_order_id) == (S.UNKNOWN, "")


def test_reopened_with_a_reason_it_can_be_marked_not_placed(lost, simulator, buyer, buyer_client):
    order, _ = lost
    order = trapped(order)

    refused = buyer_client.post(
        f"/orders/{order.pk}/reopen/", {"reopen-reason": " ", "reopen-seen_panel_id": "123abc"}
    )
    assert "This field is required" in text(refused)
    assert Order.objects.get(pk=order.pk).status == S.PENDING

    buyer_client.post(
        f"/orders/{order.pk}/reopen/",
        {"reopen-reason": "the panel has no such order", "reopen-seen_panel_id": "123abc"},
    )

    order.refresh_from_db()
    assert (order.status, order.provider_order_id) == (S.UNKNOWN, "")
    reopened = order.events.filter(kind="action").last()
    assert reopened.actor == buyer and "the panel has no such order" in reopened.message
    assert "123abc" in reopened.message
    page = text(buyer_client.get(f"/orders/{order.pk}/"))
    assert "Needs checking: was this order placed?" in page
    assert "Reopened by buyer" in page and "the panel has no such order" in page
    # The second of two colleagues reopening it changes nothing.
    again = buyer_client.post(
        f"/orders/{order.pk}/reopen/",
        {"reopen-reason": "me too", "reopen-seen_panel_id": "123abc"},
        follow=True,
    )
    assert "cannot be reopened here" in text(again)
    assert order.events.filter(kind="action").count() == 1

    buyer_client.post(f"/orders/{order.pk}/not-placed/")
    assert Order.objects.get(pk=order.pk).status == S.NOT_PLACED


def test_an_order_whose_id_is_fine_offers_no_correction(simulator, synced, place, buyer_client):
    order = place(a_service(synced("smmpllus")))
    assert order.status == S.PENDING and order.answer_lost_at is None

    page = text(buyer_client.get(f"/orders/{order.pk}/"))

    assert "Correct the panel's order id" not in page
    response = buyer_client.post(
        f"/orders/{order.pk}/reopen/",
        {"reopen-reason": "why not", "reopen-seen_panel_id": order.provider_order_id},
        follow=True,
    )
    assert "cannot be reopened here" in text(response)
    assert Order.objects.get(pk=order.pk).status == S.PENDING


def test_the_panels_link_is_shown_where_its_answer_gives_one(lost, simulator, buyer_client):
    order, panel_id = lost
    body = (
        '{"charge": "0.27", "start_count": "10", "status": "In progress", "remains": "5",'
        ' "currency": "USD", "link": "https://t.me/someone-else"}'
    )
    simulator.inject("smmpllus", "canned", action="status", body=body)

    shown = check(buyer_client, order, panel_id)

    assert "https://t.me/someone-else" in shown and "not this order's link" in shown
    assert "0.27 USD" in shown


@pytest.mark.parametrize(
    "path", ["panel-id/check/", "resolve/", "panel-id/correct/", "reopen/", "not-placed/"]
)
def test_viewers_cannot_resolve_correct_or_reopen(lost, simulator, viewer_client, path):
    order, panel_id = lost

    response = viewer_client.post(
        f"/orders/{order.pk}/{path}", {"provider_order_id": panel_id, "purpose": "resolve"}
    )

    assert response.status_code == 403
    assert status_calls(simulator) == []
    page = text(viewer_client.get(f"/orders/{order.pk}/"))
    assert "Check with the panel" not in page and "Resolving it needs the" in page
