"""Messages sent by a real Celery worker in another process, on this run's broker."""

from decimal import Decimal

import pytest

from alerts import services
from alerts.models import Channel, Delivery, Rule, ensure_rules
from tests.processes import wait_for, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_message_written_in_a_tick_leaves_in_that_tick(processes, tmp_path, synced, hook):
    synced("smmsheba", low_balance_threshold=Decimal("5000"))
    ensure_rules()
    webhook = services.save_channel(Channel(name="Ops hook", kind=Channel.Kind.APPRISE), hook.url)
    Rule.objects.get(kind="low_balance").channels.set([webhook])
    processes.celery("worker", "worker", "--pool=solo", "--loglevel=INFO", env=worker_env(tmp_path))

    assert services.evaluate().deliveries == 1  # one tick, and no other after it

    assert wait_for(lambda: hook.received, timeout=60), processes.logs("worker")
    assert hook.received[0]["title"] == "[smmdash] Low balance at smmsheba"
    sent = wait_for(lambda: Delivery.objects.filter(status="sent").first(), timeout=10)
    assert sent is not None and sent.attempts == 1
