"""Who may call the API, how often, and the feed of calls: the key checked and the shop's
requests per minute counted in one conditional UPDATE on its row (so it holds across processes
and machines, at the cost of one statement), and each call kept with its action and answer,
never the key. Keys that open no shop are counted per client address, and an address over
SHOP_API_WRONG_KEYS_PER_MINUTE is refused before any key is looked up."""

import hmac
import logging
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import F
from django.utils import timezone

from shops.models import ApiCall, Shop, WrongKeys
from shops.services.keys import hash_key

log = logging.getLogger("smmdash.shops")

FEED_KEPT = timedelta(days=7)


def _minute(now):
    return now.replace(second=0, microsecond=0)


def _wait(now) -> int:
    return max(1, 60 - now.second)


def address_wait(address: str, now=None) -> int:
    """0 when `address` may try a key, else the seconds until its next minute: it sent
    SHOP_API_WRONG_KEYS_PER_MINUTE keys that open no shop this minute. One indexed read."""
    now = now or timezone.now()
    table = connection.ops.quote_name(WrongKeys._meta.db_table)
    sql = (
        f"SELECT 1 FROM {table} WHERE address = %s AND window_start = %s "  # noqa: S608
        "AND count >= %s"
    )
    at = connection.ops.adapt_datetimefield_value(_minute(now))
    with connection.cursor() as cursor:
        # Written out: every call asks it, and the ORM took longer to compose it than to run it.
        cursor.execute(sql, [address[:64], at, settings.SHOP_API_WRONG_KEYS_PER_MINUTE])
        over = cursor.fetchone() is not None
    return _wait(now) if over else 0


def count_wrong_key(address: str, now=None) -> int:
    """Count a key that opened no shop against `address` (one INSERT ... ON CONFLICT, outside
    the call's rolled-back transaction); returns its count this minute. Nothing of the key
    is kept or logged."""
    now = now or timezone.now()
    at = connection.ops.adapt_datetimefield_value(_minute(now))
    table = connection.ops.quote_name(WrongKeys._meta.db_table)
    sql = (
        f"INSERT INTO {table} (address, window_start, count) "  # noqa: S608 (model names)
        "VALUES (%s, %s, 1) ON CONFLICT (address) DO UPDATE SET "
        f"count = CASE WHEN {table}.window_start = excluded.window_start "
        f"THEN {table}.count + 1 ELSE 1 END, window_start = excluded.window_start "
        "RETURNING count"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [address[:64], at])
        count = cursor.fetchone()[0]
    if count == settings.SHOP_API_WRONG_KEYS_PER_MINUTE:
        log.warning("Shops API: %s sent %d keys that open no shop this minute", address, count)
    return count


@cache
def _columns() -> str:
    quote = connection.ops.quote_name
    return ", ".join(quote(field.column) for field in Shop._meta.concrete_fields)


def admit_key(key: str, now=None) -> tuple[Shop | None, int]:
    """(the shop whose key this is, 0) when the call may go ahead; (the shop, the seconds until
    its next minute) when it is over its requests per minute; (None, 0) for no such key. The
    request is counted and the shop read by the same UPDATE ... RETURNING."""
    if not key or len(key) > 200:
        return None, 0
    now = now or timezone.now()
    minute = _minute(now)
    hashed = hash_key(key)
    table = connection.ops.quote_name(Shop._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(minute)
    sql = (
        f"UPDATE {table} SET "  # noqa: S608 (names from the model; values are parameters)
        "window_count = CASE WHEN window_start = %s THEN window_count + 1 ELSE 1 END, "
        "window_start = %s "
        f"WHERE key_hash = %s RETURNING {_columns()}"
    )
    found = list(Shop.objects.raw(sql, [at, at, hashed]))
    if not found or not hmac.compare_digest(found[0].key_hash, hashed):
        return None, 0
    shop = found[0]
    if shop.window_count > shop.requests_per_minute:
        return shop, _wait(now)
    return shop, 0


def admit(shop: Shop, now=None) -> int:
    """0 when the call may go ahead, else the seconds until the shop's next minute."""
    now = now or timezone.now()
    minute = _minute(now)
    rows = Shop.objects.filter(pk=shop.pk)
    counted = rows.filter(window_start=minute, window_count__lt=F("requests_per_minute")).update(
        window_count=F("window_count") + 1
    )
    if counted:
        return 0
    started = rows.exclude(window_start=minute).update(window_start=minute, window_count=1)
    if started:
        return 0
    return _wait(now)


def log_call(shop: Shop | None, action: str, ok: bool, answer: str, took_ms: int) -> None:
    """Keep a call in its shop's feed; a call that names no shop is not kept."""
    if shop is None:
        return
    ApiCall.objects.create(
        shop=shop, action=action[:20], ok=ok, answer=answer[:200], took_ms=min(took_ms, 2**31 - 1)
    )


def forget_old_calls(now=None) -> int:
    now = now or timezone.now()
    deleted, _ = ApiCall.objects.filter(at__lt=now - FEED_KEPT).delete()
    WrongKeys.objects.filter(window_start__lt=_minute(now)).delete()
    return deleted
