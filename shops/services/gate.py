"""Who may call the API, how often, and the feed of calls: the key checked, the shop's
requests per minute counted by a conditional UPDATE (so it holds across processes and
machines), and each call kept with its action and answer, never the key."""

from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from shops.models import ApiCall, Shop

FEED_KEPT = timedelta(days=7)


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
