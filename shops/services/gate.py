"""Who may call the API, how often, and the feed of calls: the key checked and the shop's
requests per minute counted in one conditional UPDATE on its row (so it holds across processes
and machines, at the cost of one statement), and each call kept with its action and answer,
never the key."""

import hmac
from datetime import timedelta
from functools import cache

from django.db import connection
from django.db.models import F
from django.utils import timezone

from shops.models import ApiCall, Shop
from shops.services.keys import hash_key

FEED_KEPT = timedelta(days=7)


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
    minute = now.replace(second=0, microsecond=0)
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
        return shop, max(1, 60 - now.second)
    return shop, 0


def admit(shop: Shop, now=None) -> int:
    """0 when the call may go ahead, else the seconds until the shop's next minute."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    rows = Shop.objects.filter(pk=shop.pk)
    counted = rows.filter(window_start=minute, window_count__lt=F("requests_per_minute")).update(
        window_count=F("window_count") + 1
    )
    if counted:
        return 0
    started = rows.exclude(window_start=minute).update(window_start=minute, window_count=1)
    if started:
        return 0
    return max(1, 60 - now.second)


def log_call(shop: Shop | None, action: str, ok: bool, answer: str, took_ms: int) -> None:
    ApiCall.objects.create(
        shop=shop, action=action[:20], ok=ok, answer=answer[:200], took_ms=min(took_ms, 2**31 - 1)
    )


def forget_old_calls(now=None) -> int:
    now = now or timezone.now()
    deleted, _ = ApiCall.objects.filter(at__lt=now - FEED_KEPT).delete()
    return deleted
