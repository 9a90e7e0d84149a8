"""Finding equivalent offers across providers and pricing them in the base currency.

The database does the narrowing, the ordering by base-currency rate and the row limit, so a
search costs the same few statements whatever the catalogs' size. What is shown is then priced
in Python with Decimal: the order-by expression is only a sort key.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    Prefetch,
    Q,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from compare.models import GroupMember
from compare.value import attach_records, value_key, why_not_buyable
from providers.catalog_filters import matching
from providers.classify import Labels, classify
from providers.models import OFFERS_REFILL, PriceChange, Service
from rates.money import expected_cost, rates_to_base, to_base
from smmdash.lib.charts import rate_history

# Rows the page shows first; "show more" doubles them up to MOST_ROWS (the CSV has them all).
# Fifty rows keep the page quick to draw and to read; narrowing the search beats scrolling.
ROW_LIMIT = 50
MOST_ROWS = 400
# Best value is ranked in Python over the cheapest this many: a service costing more than
# the 500th cheapest would have to deliver several times better to win, and none does.
VALUE_CANDIDATES = 500

SORTS = {
    "cost": (F("rate_in_base").asc(nulls_last=True), "pk"),
    "-cost": (F("rate_in_base").desc(nulls_last=True), "pk"),
    "provider": ("provider__name", F("rate_in_base").asc(nulls_last=True), "pk"),
    "-provider": ("-provider__name", F("rate_in_base").asc(nulls_last=True), "pk"),
    "min": ("min", "pk"),
    "-max": ("-max", "pk"),
    # Read the cheapest VALUE_CANDIDATES, then ranked by cost per unit delivered (compare.value).
    "value": (F("rate_in_base").asc(nulls_last=True), "pk"),
}


@dataclass
class Criteria:
    text: str = ""
    quantity: int | None = None
    platform: str = ""
    kind: str = ""
    providers: list = field(default_factory=list)
    refill: bool = False
    cancel: bool = False
    dripfeed: bool = False
    fits: bool = False
    like: Service | None = None  # equivalents of this service
    group: object = None  # a curated ServiceGroup
    exclude_provider: object = None
    sort: str = "cost"


@dataclass
class Offer:
    service: Service
    rate_in_base: Decimal | None
    cost: Decimal | None
    cost_in_base: Decimal | None
    fits: bool | None  # None when no quantity was given
    covers: bool | None  # None when the balance or the cost is unknown
    short_by: Decimal | None
    history: object = None
    best: bool = False
    record: object = None  # compare.value.Record: what it delivered
    value: Decimal | None = None  # base-currency rate per unit delivered

    @property
    def provider(self):
        return self.service.provider


@dataclass
class Comparison:
    offers: list[Offer]
    total: int
    understood: Labels
    searched_text: bool  # nothing was recognised, so names were searched instead
    missing_rates: list[str]
    best: Offer | None
    best_value: Offer | None = None
    # Why no offer shown can be the best value, when none is: each provider's first reason.
    no_best_value: str = ""


def understood_labels(criteria: Criteria) -> Labels:
    """What the search asks for: the words typed, with the filters chosen taking precedence."""
    read = classify(criteria.text) if criteria.text else Labels()
    return Labels(
        platform=criteria.platform or read.platform,
        kind=criteria.kind or read.kind,
        quality=read.quality,
        refill_in_name=read.refill_in_name,
        refill_days=read.refill_days,
        geo=read.geo,
    )


def compare(
    criteria: Criteria, limit: int | None = ROW_LIMIT, *, history: bool = True
) -> Comparison:
    """The offers `criteria` ask for, cheapest first; `limit` rows of them (None: all), with
    each one's price history plotted unless `history` is off."""
    rates = rates_to_base()
    understood = understood_labels(criteria)
    services = Service.objects.filter(active=True, provider__enabled=True)
    searched_text = False
    if criteria.like is not None:
        services = services.filter(equivalent_to(criteria.like))
    elif criteria.group is not None:
        services = services.filter(pinned__group=criteria.group)
    else:
        services, searched_text = _narrowed(services, understood, criteria.text)
    services = _filtered(services, criteria)
    services = services.alias(rate_in_base=_rate_in_base(rates))
    by_value = criteria.sort == "value"
    ordered = services.order_by(*SORTS.get(criteria.sort, SORTS["cost"]))
    read = max(limit, VALUE_CANDIDATES) if by_value and limit else limit
    if read is None:
        rows = list(ordered.select_related(*_SHOWN_WITH))
        total = len(rows)
    else:
        rows, total = _first(ordered, read)
    offers = [priced(service, criteria.quantity, rates) for service in rows]
    attach_records(offers)
    if by_value:
        offers = sorted(offers, key=value_key)[:limit]
    if history:
        _plot_histories(offers)
    best = cheapest(offers)
    if best is not None:
        best.best = True
    missing = sorted(
        {offer.provider.currency or "(not set)" for offer in offers if offer.rate_in_base is None}
    )
    value = best_value(offers)
    return Comparison(
        offers,
        total,
        understood,
        searched_text,
        missing,
        best,
        value,
        "" if value is not None else why_none_buyable(offers),
    )


_SHOWN_WITH = ("provider__polling", "pinned__group")  # what a row of offers shows


def _first(ordered, read: int) -> tuple[list[Service], int]:
    """The first `read` services of `ordered`, and how many there are in all.

    One pass over the matches finds the ids to show and counts them all (a window count), with
    nothing in each row but what the order needs; a second statement reads those services
    with what a row shows. Reading every match whole, joined to its provider's polling and its
    group, only to keep the first fifty, was most of a whole-platform search on PostgreSQL, and
    counting was a second pass.
    """
    first = list(ordered.annotate(found=Window(Count("*"))).values_list("pk", "found")[:read])
    shown = Service.objects.select_related(*_SHOWN_WITH).in_bulk([pk for pk, _ in first])
    # A service deleted between the two statements is left out.
    rows = [shown[pk] for pk, _ in first if pk in shown]
    return rows, first[0][1] if first else 0


def best_value(offers: list[Offer]) -> Offer | None:
    """The offer with the lowest cost per unit delivered among those that can be bought now
    (compare.value.why_not_buyable), if any."""
    candidates = [
        offer for offer in offers if offer.value is not None and not why_not_buyable(offer)
    ]
    return min(candidates, key=value_key, default=None)


def why_none_buyable(offers: list[Offer], most: int = 4) -> str:
    """Why none of `offers` can be bought now: the first reason of each provider, the first
    `most` providers, in the offers' order."""
    reasons: dict[int, str] = {}
    for offer in offers:
        why = why_not_buyable(offer) or _("nothing delivered in its record")
        reasons.setdefault(offer.provider.pk, f"{offer.provider.name}: {why}")
    shown = list(reasons.values())
    text = "; ".join(shown[:most])
    if len(shown) > most:
        text += "; " + _("and {count} more").format(count=len(shown) - most)
    return text


def equivalent_to(service: Service) -> Q:
    """Services that can stand in for `service`: its curated group if it is pinned to one;
    otherwise the unpinned services of the same platform, kind, quality and geo whose refill
    promise is at least as good (a 60-day refill stands in for a 30-day one)."""
    group_id = GroupMember.objects.filter(service=service).values_list("group_id", flat=True)
    group_id = group_id.first()
    if group_id is not None:
        return Q(pinned__group_id=group_id)
    same = Q(
        pinned__isnull=True,
        platform=service.platform,
        kind=service.kind,
        quality=service.quality,
        geo=service.geo,
    )
    if service.refill_in_name:
        same &= Q(refill_in_name=True)
        if service.refill_days:
            same &= Q(refill_days__gte=service.refill_days)
    return same


def _narrowed(services, understood: Labels, text: str):
    """(services narrowed to what the search asks for, whether names were searched)."""
    labels = {"platform": understood.platform, "kind": understood.kind}
    labels = {name: value for name, value in labels.items() if value}
    if labels:
        # A pinned service is what its group says, the others what their own labels say. The
        # pins are few and read first, so the database is asked for labels and ids its indexes
        # answer, not for a join or subquery on every service.
        pins = _pins()
        group_says = [
            service_id
            for service_id, group in pins.items()
            if all(group[name] == value for name, value in labels.items())
        ]
        services = services.filter(Q(**labels) & ~Q(pk__in=list(pins)) | Q(pk__in=group_says))
    if understood.quality:
        services = services.filter(quality=understood.quality)
    if understood.refill_days:
        services = services.filter(refill_in_name=True, refill_days__gte=understood.refill_days)
    elif understood.refill_in_name is not None:
        services = services.filter(refill_in_name=understood.refill_in_name)
    if understood.geo:
        services = services.filter(geo=understood.geo)
    if text and not (understood.platform or understood.kind):
        # Nothing recognised ("Server 12", a panel's id, a group's name): look at the words.
        in_group = [
            service_id
            for service_id, group in _pins().items()
            if text.casefold() in group["name"].casefold()
        ]
        return services.filter(matching(text) | Q(pk__in=in_group)), True
    return services, False


def _pins() -> dict[int, dict]:
    """{service id: its group's platform, kind and name} for every pinned service."""
    members = GroupMember.objects.values_list(
        "service_id", "group__platform", "group__kind", "group__name"
    )
    return {
        service_id: {"platform": platform, "kind": kind, "name": name}
        for service_id, platform, kind, name in members
    }


def _filtered(services, criteria: Criteria):
    if criteria.providers:
        services = services.filter(provider__in=criteria.providers)
    if criteria.exclude_provider is not None:
        services = services.exclude(provider=criteria.exclude_provider)
    if criteria.refill:
        services = services.filter(OFFERS_REFILL)
    if criteria.cancel:
        services = services.filter(cancel=True)
    if criteria.dripfeed:
        services = services.filter(dripfeed=True)
    if criteria.fits and criteria.quantity:
        services = services.filter(min__lte=criteria.quantity, max__gte=criteria.quantity)
    return services


def _rate_in_base(rates: dict[str, Decimal]):
    """The rate per 1000 in the base currency, as a sort key (NULL without a known rate)."""
    money = DecimalField(max_digits=40, decimal_places=18)
    by_currency = [
        When(provider__currency=currency, then=Value(rate, output_field=money))
        for currency, rate in rates.items()
    ]
    return F("rate") * Case(*by_currency, default=Value(None), output_field=money)


def priced(service: Service, quantity: int | None, rates: dict[str, Decimal]) -> Offer:
    """`service` priced for `quantity` in its provider's currency and the base currency."""
    provider = service.provider
    rate_in_base = to_base(service.rate, provider.currency, rates)
    cost = cost_in_base = fits = covers = short_by = None
    if quantity:
        cost = expected_cost(service.rate, quantity)  # what the order form will say
        cost_in_base = to_base(cost, provider.currency, rates)
        fits = service.min <= quantity <= service.max
        if provider.balance is not None:
            covers = provider.balance >= cost
            short_by = None if covers else cost - provider.balance
    return Offer(service, rate_in_base, cost, cost_in_base, fits, covers, short_by)


def _plot_histories(offers: list[Offer]):
    """Each offer's rate over time, from one query for all of them."""
    services = [offer.service for offer in offers]
    changes = PriceChange.objects.order_by("changed_at")
    prefetch_related_objects(services, Prefetch("price_history", queryset=changes))
    now = timezone.now()
    for offer in offers:
        service = offer.service
        offer.history = rate_history(
            service.price_history.all(), service.rate, now, width=96, height=24, pad=2
        )


def cheapest(offers: list[Offer]) -> Offer | None:
    """The cheapest offer in the base currency that can take the quantity, if any."""
    candidates = [
        offer for offer in offers if offer.rate_in_base is not None and offer.fits is not False
    ]
    return min(candidates, key=lambda offer: (offer.rate_in_base, offer.service.pk), default=None)
