"""kombu's Redis transport, made to survive a Redis restart (CELERY_BROKER_TRANSPORT).

When a worker loses Redis, Celery closes the broken connection twice: `collect()`, then
`close()`. If the first close of the consuming channel fails (it had a BRPOP waiting, whose
reply cannot be read from a dead socket, or a connection error came first from the other
socket), `collect()` still detaches the transport from its connection; the second close then
gives the messages the worker held back to Redis by building a new connection pool from the
detached transport, and kombu 5.7 dies on `None.hostname`: an AttributeError, which Celery
does not take for a connection error, so the whole worker exits. Here that case is the
connection error it is, which both closes ignore, and the worker reconnects.

Those messages (the sends a worker was waiting to run, and countdown retries, which a worker
holds until they are due) were not given back while Redis was away: kombu gives up on them,
and Redis would hand them out again only after the visibility timeout. So their delivery tags
are remembered, and the first channel that connects again gives them back at once. A message
given back while its task is still running is delivered again; the tasks are written so that
the second delivery does nothing (a send's claim, a poll's and a sync's lease).
"""

import logging
import threading

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

log = logging.getLogger("smmdash.broker")

# Delivery tags of messages this process held when it lost Redis and could not give back.
_not_given_back: set[str] = set()
_lock = threading.Lock()


class QoS(kombu_redis.QoS):
    def restore_unacked(self, client=None):
        held = list(self._delivered)
        try:
            return super().restore_unacked(client)
        except self.channel.connection_errors:
            with _lock:
                _not_given_back.update(held)
            raise


class Channel(kombu_redis.Channel):
    QoS = QoS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)  # connects: raises if Redis is not there
        if self.ack_emulation:
            give_back_held_messages(self)

    def _connparams(self, asynchronous=False):
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("The connection to the broker was closed.")
        return super()._connparams(asynchronous=asynchronous)


class Transport(kombu_redis.Transport):
    Channel = Channel


def give_back_held_messages(channel) -> int:
    """Put the messages this process could not give back when it lost Redis on their queues
    again, those Redis still holds as unacknowledged (one that restarted empty holds none).
    Returns how many were given back."""
    with _lock:
        tags = list(_not_given_back)
    if not tags:
        return 0
    given_back = 0
    try:
        with channel.conn_or_acquire() as client:
            for tag in tags:
                if client.hexists(channel.unacked_key, tag):
                    channel.qos.restore_by_tag(tag, client=client)
                    given_back += 1
                with _lock:
                    _not_given_back.discard(tag)
    except channel.connection_errors:
        log.warning("Could not give back held messages yet; trying again at the next connection")
    if given_back:
        log.info("Messages held when the broker went away, given back: %d", given_back)
    return given_back
