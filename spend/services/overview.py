"""The dashboard's money overview: spend today, and this week against last week by the same
day, in the base currency (two small queries over the rollups)."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum

from orders.models import SpendDay
from rates.money import rates_to_base, to_base
from smmdash.lib.days import today as today_of


@dataclass(frozen=True)
class WeekSpend:
    today: Decimal
    this_week: Decimal  # Monday to today
    last_week: Decimal  # last Monday to the same weekday
    unconverted: frozenset

    @property
    def change(self) -> Decimal | None:
        if not self.last_week:
            return None
        return (self.this_week - self.last_week) * 100 / self.last_week


def week_spend(now=None, rates=None) -> WeekSpend:
    rates = rates if rates is not None else rates_to_base()
    today = today_of(now)
    monday = today - timedelta(days=today.weekday())
    last_monday, last_same_day = monday - timedelta(days=7), today - timedelta(days=7)
    rows = (
        SpendDay.objects.filter(day__gte=last_monday, day__lte=today)
        .values("day", "currency")
        .annotate(spent=Sum("spent"))
        .order_by()
    )
    totals = {"today": Decimal(0), "this_week": Decimal(0), "last_week": Decimal(0)}
    unconverted = set()
    for row in rows:
        amount = to_base(row["spent"], row["currency"], rates)
        if amount is None:
            unconverted.add(row["currency"] or "?")
            continue
        if row["day"] >= monday:
            totals["this_week"] += amount
            if row["day"] == today:
                totals["today"] += amount
        elif row["day"] <= last_same_day:
            totals["last_week"] += amount
    return WeekSpend(**totals, unconverted=frozenset(unconverted))
