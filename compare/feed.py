"""The dashboard's market feed: notable price moves and services that vanished."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Value
from django.db.models.functions import Abs
from django.utils import timezone

from providers.models import PriceChange, Service

WINDOW = timedelta(days=7)
ENTRIES = 12


@dataclass
class Move:
    at: datetime
    service: Service
    old_rate: Decimal | None = None  # None for a vanished service
    new_rate: Decimal | None = None

    @property
    def vanished(self) -> bool:
        return self.new_rate is None

    @property
    def percent(self) -> Decimal | None:
        if self.vanished or not self.old_rate:
            return None
        return ((self.new_rate - self.old_rate) * 100 / self.old_rate).quantize(Decimal("0.1"))

    @property
    def up(self) -> bool:
        return bool(self.percent and self.percent > 0)


def market_moves(limit: int = ENTRIES, now=None) -> list[Move]:
    """The newest rate changes of NOTABLE_PRICE_MOVE_PERCENT or more, and services that left
    their catalog, over the last week, newest first (two statements)."""
    since = (now or timezone.now()) - WINDOW
    share = Value(Decimal(settings.NOTABLE_PRICE_MOVE_PERCENT) / 100)
    changes = (
        PriceChange.objects.filter(changed_at__gte=since, old_rate__gt=0)
        .alias(move=Abs(F("new_rate") - F("old_rate")))
        .filter(move__gte=F("old_rate") * share)
        .select_related("service__provider")
        .order_by("-changed_at", "-pk")[:limit]
    )
    vanished = (
        Service.objects.filter(active=False, vanished_at__gte=since)
        .select_related("provider")
        .order_by("-vanished_at", "-pk")[:limit]
    )
    moves = [
        Move(change.changed_at, change.service, change.old_rate, change.new_rate)
        for change in changes
    ]
    moves += [Move(service.vanished_at, service) for service in vanished]
    return sorted(moves, key=lambda move: move.at, reverse=True)[:limit]
