"""Offers judged on value, not only on price: what each service (or, with too little history,
its provider) actually delivered over the last 30 days, and the cost per unit that arrives.

Best value is the lowest base-currency rate per unit delivered (rate / share delivered) among
offers that can be bought now: the quantity fits, the provider is healthy and its account's
balance covers the cost. A service with too few finished orders of its own is judged
by its provider's record; with neither, it is counted as delivering UNPROVEN_DELIVERED_SHARE,
so a new panel can still win an order and earn a record. Three queries for any number of
offers.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scores import figures
from scores.figures import Api, Delivery
from scores.templatetags.scorecards import share, took
from smmdash.lib.numbers import amount_text, count_text
from smmdash.templatetags.ui import lowerfirst

API_WINDOW_DAYS = 7
API_MIN_CALLS = 20  # fewer calls than this say nothing about a panel's uptime
VALUE_STEP = Decimal("0.000001")  # rates per 1000 carry up to 8 decimals; a ranking needs 6


@dataclass
class Record:
    """An offer's delivery record as Compare and routing read it."""

    delivery: Delivery | None  # whose figures: the service's, its provider's, or none
    of: str  # "service", "provider" or "" (no record)
    delivered: Decimal  # the share counted for value (the assumed one without a record)
    healthy: bool
    unhealthy_because: str = ""

    @property
    def why(self) -> str:
        """One line: "delivered 97% of 40 finished orders, started in 12 min, refills 5 of 5".
        Finished orders: the offer's page counts every order, open ones too, and says how
        many of them finished."""
        if self.delivery is None:
            assumed = share(settings.UNPROVEN_DELIVERED_SHARE)
            return _("no delivery record yet: counted as delivering {share}").format(share=assumed)
        delivery = self.delivery
        parts = [
            ngettext(
                "delivered {share} of {count} finished order",
                "delivered {share} of {count} finished orders",
                delivery.finished,
            ).format(share=share(delivery.delivered), count=count_text(delivery.finished))
        ]
        if delivery.start_median is not None:
            parts.append(_("started in {time}").format(time=took(delivery.start_median)))
        if delivery.refills:
            parts.append(
                _("refills {completed} of {asked}").format(
                    completed=delivery.refills_completed, asked=delivery.refills
                )
            )
        if delivery.partial_share_high:
            parts.append(_("{share} partial").format(share=share(delivery.share_of("partial"))))
        line = ", ".join(parts)
        if self.of == "provider":
            return _("{line} (the provider's record)").format(line=line)
        return line


def attach_records(offers) -> None:
    """Give each offer its `record` and `value`: three queries whatever their number."""
    if not offers:
        return
    provider_ids = list({offer.provider.pk for offer in offers})
    by_service = figures.service_delivery(offer.service.pk for offer in offers)
    by_provider = figures.provider_delivery(provider_ids, figures.SERVICE_DAYS)
    this_week = figures.provider_scores(API_WINDOW_DAYS, providers=provider_ids)
    for offer in offers:
        week = this_week.get(offer.provider.pk)
        record = record_of(
            offer.provider,
            by_service.get(offer.service.pk),
            by_provider.get(offer.provider.pk),
            Api.from_json(week.api) if week else None,
        )
        offer.record = record
        offer.value = (
            (offer.rate_in_base / record.delivered).quantize(VALUE_STEP)
            if offer.rate_in_base is not None and record.delivered
            else None
        )


def record_of(provider, service_delivery, provider_delivery, api) -> Record:
    healthy, because = health(provider, api)
    for delivery, of in ((service_delivery, "service"), (provider_delivery, "provider")):
        if delivery is not None and delivery.delivered is not None:
            return Record(delivery, of, delivery.delivered, healthy, because)
    return Record(None, "", settings.UNPROVEN_DELIVERED_SHARE, healthy, because)


def health(provider, api) -> tuple[bool, str]:
    """(healthy, why not): the provider's own health, and its API's answers this week."""
    level, words = provider.health
    if not provider.enabled:
        return False, f"{provider.name} is disabled"
    if level == "bad":
        return False, f"{provider.name}: {lowerfirst(words)}"
    if api is not None and api.calls >= API_MIN_CALLS and api.success < settings.HEALTHY_API_SHARE:
        return False, f"{provider.name}'s API answered only {share(api.success)} of calls this week"
    return True, ""


def why_not_buyable(offer) -> str:
    """Why `offer` cannot be bought now, in words, or "" when it can: the quantity is out of
    its range, its provider is unhealthy, its account's balance is short, or its currency has
    no rate to compare it in. (A balance not read yet is no reason: the panel will say.)"""
    service, provider = offer.service, offer.provider
    if offer.fits is False:
        return _("takes {min} to {max}").format(
            min=count_text(service.min), max=count_text(service.max)
        )
    if not offer.record.healthy:
        return offer.record.unhealthy_because
    if offer.covers is False:
        return _("the balance is short by {amount}").format(
            amount=amount_text(offer.short_by, provider.currency)
        )
    if offer.rate_in_base is None:
        return _("no exchange rate for {currency}").format(
            currency=provider.currency or _("its currency")
        )
    return ""


def value_key(offer):
    """Best value first: healthy providers, then the lowest cost per unit delivered, then the
    faster starter; offers that cannot take the quantity, whose account cannot pay for it, or
    that have no rate in the base currency go last."""
    record = offer.record
    start = record.delivery.start_median if record.delivery else None
    return (
        not record.healthy,
        offer.fits is False,
        offer.covers is False,
        offer.value is None,
        offer.value or 0,
        start if start is not None else float("inf"),
        offer.service.pk,
    )
