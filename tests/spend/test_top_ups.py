"""Top-ups found in the balance history: each charge and each refund explains exactly one pair
of readings, whatever the readings' pace and wherever a refund lands between them, and a
charge counts at what the panel charged."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders import services
from orders.models import Order
from providers import services as providers
from providers.models import BalanceSnapshot
from spend.models import TopUp
from spend.services import detect_top_ups
from spend.services.topups import SETTLE
from tests.market import RUN
from tests.orders.conftest import a_service

pytestmark = pytest.mark.django_db

SECOND, MINUTE = timedelta(seconds=1), timedelta(minutes=1)


class Account:
    """A provider account whose balance history is written as the panel would have shown it:
    every charge, refund and top-up reaches the balance at its own moment, and readings are
    taken every `pace`."""

    def __init__(self, provider, service, pace, start):
        self.provider, self.service, self.pace, self.start = provider, service, pace, start
        self.landed: list[tuple] = []  # (moment, amount)
        self.orders = 0

    def reading(self, number):
        return self.start + number * self.pace

    def order(self, placed, *, expected="9.00", charged=None, final=None, lands=None, seen=None):
        """An order the panel took at `placed`, charging `charged` (as expected when None).
        With `final`, it ended partial at that cost: the rest reached the balance at `lands`,
        and smmdash's status check saw it at `seen`."""
        expected = Decimal(expected)
        charged = Decimal(charged) if charged is not None else expected
        self.orders += 1
        order = Order.of_service(self.service, link=f"https://x.com/{self.orders}", quantity=1000)
        fields = {
            "expected_cost": expected,
            "charge": charged,
            "status": Order.Status.COMPLETED,
            "provider_order_id": str(self.orders),
            "created_at": placed - 2 * SECOND,
            "submitted_at": placed - 2 * SECOND,
            "placed_at": placed,
            "finished_at": placed + 30 * MINUTE,
            "remains": 0,
        }
        self.landed.append((placed - SECOND, -charged))
        if final is not None:
            final = Decimal(final)
            delivered = int(1000 * final / charged)
            fields |= {
                "status": Order.Status.PARTIAL,
                "charge": final,
                "remains": 1000 - delivered,
                "finished_at": seen,
            }
            self.landed.append((lands, charged - final))
        for name, value in fields.items():
            setattr(order, name, value)
        order.save()

    def top_up(self, at, amount):
        self.landed.append((at, Decimal(amount)))

    def read(self, readings):
        """The balance at each reading, written in time order (ids follow time)."""
        for number in range(readings):
            at = self.reading(number)
            amount = Decimal(1000) + sum((a for moment, a in self.landed if moment <= at), 0)
            BalanceSnapshot.objects.create(
                provider=self.provider, amount=amount, currency="USD", taken_at=at
            )


@pytest.mark.parametrize("pace", [1, 5, 15], ids=["every-minute", "every-5-minutes", "every-15"])
def test_each_refund_and_charge_explains_one_pair_of_readings(synced, pace):
    provider = synced("smmprovider")
    BalanceSnapshot.objects.filter(provider=provider).delete()
    pace = timedelta(minutes=pace)
    start = (timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    account = Account(provider, a_service(provider), pace, start)
    at = account.reading

    # A refund that reaches the balance at a reading, in the same pair as a top-up of 10,
    # and is seen two minutes later: the top-up is 10, not 9.55.
    account.order(
        at(1) + 20 * SECOND, expected="0.90", final="0.45", lands=at(3), seen=at(3) + 2 * MINUTE
    )
    account.top_up(at(3) - 5 * SECOND, "10")
    # Landing a second after a reading and seen nine minutes later (the longest a status
    # check may take to see it); landing just before a reading and seen just after it.
    account.order(at(4) + MINUTE, final="4.95", lands=at(6) + SECOND, seen=at(6) + 9 * MINUTE)
    account.order(at(7) + MINUTE, final="6.30", lands=at(8) - 30 * SECOND, seen=at(8) + 30 * SECOND)
    # Landing and seen at the very moment of a reading.
    account.order(at(9) + MINUTE, expected="0.90", final="0.45", lands=at(10), seen=at(10))
    # Two refunds landing in one pair, seen in later ones.
    account.order(at(11), final="4.50", lands=at(12) + 10 * SECOND, seen=at(12) + 3 * MINUTE)
    account.order(
        at(11) + 5 * SECOND, final="7.20", lands=at(12) + 20 * SECOND, seen=at(12) + 5 * MINUTE
    )
    # The panel charges other than expected: less (no top-up from nowhere), and more, in the
    # pair of a top-up of 25 (which it must not hide).
    account.order(at(13) + 10 * SECOND, expected="9.00", charged="8.50")
    account.order(at(14) + 10 * SECOND, expected="9.00", charged="9.50")
    account.top_up(at(14) + 30 * SECOND, "25")
    account.read(30)

    # Looked at every few minutes as the readings age, so looks end between a refund's
    # landing and its being seen.
    now = at(0)
    while now <= at(29) + SETTLE + 10 * MINUTE:
        detect_top_ups(now)
        now += 7 * MINUTE

    found = sorted(TopUp.objects.values_list("amount", "at"))
    assert found == [(Decimal("10"), at(3)), (Decimal("25"), at(15))]
    assert detect_top_ups() == []


def test_a_top_up_counts_the_panels_charges_not_what_was_expected(simulator, synced, place):
    provider = synced("smmprovider")
    panel = simulator.panel("smmprovider")
    cheaper_service, dearer_service = provider.services.filter(
        active=True, type="Default", min__lte=1000, max__gte=1000
    ).order_by("pk")[:2]
    # smmdash read 9.00 per 1000 in the catalog; the panel's price moved since.
    for service, panel_rate in ((cheaper_service, "8.50"), (dearer_service, "9.50")):
        service.rate = Decimal("9.00")
        service.save(update_fields=["rate"])
        panel.set_rate(service.service_id, Decimal(panel_rate))

    # Charged 8.50 where 9.00 was expected: no top-up of 0.50 from nowhere.
    cheaper = place(cheaper_service, 1000, link="https://instagram.com/p/cheaper")
    providers.refresh_balance(provider)
    services.poll_provider(provider)
    cheaper.refresh_from_db()
    assert (cheaper.expected_cost, cheaper.charge) == (Decimal("9.00"), Decimal("8.50"))
    assert detect_top_ups(later()) == []

    # Charged 9.50 where 9.00 was expected, with 30 put in meanwhile: all 30 found.
    dearer = place(dearer_service, 1000, link="https://instagram.com/p/dearer")
    simulator.deposit("smmprovider", "30")
    providers.refresh_balance(provider)
    Order.objects.update(status_checked_at=None)
    services.poll_provider(provider)
    dearer.refresh_from_db()
    assert (dearer.expected_cost, dearer.charge) == (Decimal("9.00"), Decimal("9.50"))
    [top_up] = detect_top_ups(later())
    assert top_up.amount == Decimal("30")


def test_a_panel_without_charges_is_read_with_the_expected_cost(
    profiled, simulator, synced, place, time_passes
):
    provider = synced("smmsheba")  # reports no charge
    [first, *_] = [
        place(a_service(provider), 1000, link=f"https://instagram.com/p/{n}") for n in range(3)
    ]
    assert first.charge is None
    providers.refresh_balance(provider)
    time_passes(RUN + 900)
    Order.objects.update(status_checked_at=None)
    services.poll_provider(provider)
    simulator.deposit("smmsheba", "40")
    providers.refresh_balance(provider)
    [top_up] = detect_top_ups(later())
    assert top_up.amount == Decimal("40")


def later():
    """Once the readings just taken are old enough to be looked at."""
    return timezone.now() + SETTLE + MINUTE
