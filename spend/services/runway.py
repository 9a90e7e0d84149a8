"""How long each account's balance lasts at the pace it is being spent."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext_noop

from orders.models import SpendDay
from smmdash.lib.days import today
from smmdash.lib.texts import ngettext_noop, plural, render, text

RUNWAY_DAYS = 7  # the spend a runway is measured on: the last 7 days, today included


@dataclass(frozen=True)
class Runway:
    daily_spend: Decimal  # average over RUNWAY_DAYS, in the account's currency
    days: Decimal | None  # None: nothing spent lately, or no balance read

    @property
    def words(self) -> str:
        return render(self.text)

    @property
    def text(self) -> dict:
        """The words kept to be written later in the reader's language (smmdash.lib.texts)."""
        if self.days is None:
            if not self.daily_spend:
                return text(gettext_noop("no spend in 7 days"))
            return text(gettext_noop("balance unknown"))
        if self.days < 1:
            return text(gettext_noop("less than a day left"))
        if self.days > 365:
            return text(gettext_noop("more than a year left"))
        return plural(
            ngettext_noop("about {count} day left", "about {count} days left"), int(self.days)
        )


def runways(providers, now=None) -> dict[int, Runway]:
    """{provider id: Runway} for `providers` (with their balance read): one query."""
    since = today(now) - timedelta(days=RUNWAY_DAYS - 1)
    spent = dict(
        SpendDay.objects.filter(day__gte=since, provider__in=[p.pk for p in providers])
        .values("provider_id")
        .annotate(total=Sum("spent"))
        .values_list("provider_id", "total")
    )
    found = {}
    for provider in providers:
        daily = (spent.get(provider.pk) or Decimal(0)) / RUNWAY_DAYS
        days = None
        if daily > 0 and provider.balance is not None:
            days = max(Decimal(0), provider.balance) / daily
        found[provider.pk] = Runway(daily, days)
    return found
