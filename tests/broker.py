"""A broker that goes away, for tests of what smmdash does meanwhile and after."""

import os
from contextlib import contextmanager

from smmdash.celery import app
from smmdash.lib.queue import broker
from tests.processes import free_port


@contextmanager
def broker_at(url):
    """This process's broker is the one at `url`; at the end it is this run's broker again."""
    saved = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url
    _new_broker_connections()
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("CELERY_BROKER_URL")
        else:
            os.environ["CELERY_BROKER_URL"] = saved
        _new_broker_connections()
        broker.forget()


def broker_unreachable():
    """This process's broker is a Redis on a port nothing listens on, as when Redis is down."""
    return broker_at(f"redis://127.0.0.1:{free_port()}/0")


def _new_broker_connections():
    """Celery keeps its connections to the broker it first reached: drop them, so the next
    task sent connects to the broker the environment names now (as after a fork)."""
    app._pool = None
    app.amqp._producer_pool = None
