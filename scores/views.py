"""The providers' scorecard: a league table over 7, 30 or 90 days, and its CSV."""

from scores import cards, figures
from smmdash.lib import params
from smmdash.lib.access import view_required
from smmdash.lib.exports import csv_response
from smmdash.lib.htmx import render_page


def _period(request) -> int:
    days = params.whole_number(request.GET.get("days"))
    return days if days in figures.PERIODS else 30


@view_required
def index(request):
    days = _period(request)
    sort = request.GET.get("sort") or "delivered"
    if sort.lstrip("-") not in cards.SORTS:
        sort = "delivered"
    rows = cards.league(days, sort)
    if request.GET.get("export") == "csv":
        return _csv(rows, days)
    context = {
        "rows": rows,
        "days": days,
        "periods": figures.PERIODS,
        "sort": sort,
        # Which columns sort high to low at the first click (best first), for their arrows.
        "descends": {key: key in cards.HIGHER_IS_BETTER for key in cards.SORTS},
        "min_orders": figures.min_orders(),
        "any_orders": any(row.delivery.orders for row in rows),
        "summed_at": min((row.computed_at for row in rows if row.computed_at), default=None),
    }
    return render_page(request, "scores/index.html", context, partials={"scorecard"})


CSV_COLUMNS = [
    "provider",
    "orders",
    "finished",
    "delivered share",
    "completed share",
    "partial share",
    "canceled share",
    "refunded share",
    "failed share",
    "rejected",
    "needs checking",
    "median seconds to start",
    "p90 seconds to start",
    "median seconds to complete",
    "p90 seconds to complete",
    "refills asked",
    "refills completed",
    "refills rejected",
    "median seconds to refill",
    "cancels asked",
    "cancels honoured",
    "api calls",
    "api success share",
    "api p50 ms",
    "api p95 ms",
    "last outage",
    "catalog synced",
    "price changes",
]


def _csv(rows, days):
    def number(value):
        return "" if value is None else f"{value:.4f}" if not isinstance(value, int) else value

    def lines():
        for row in rows:
            delivery, api = row.delivery, row.api
            yield [
                row.provider.name,
                delivery.orders,
                delivery.finished,
                number(delivery.delivered),
                *(
                    number(delivery.share_of(name))
                    for name in ("completed", "partial", "canceled", "refunded", "failed")
                ),
                delivery.rejected,
                delivery.needs_checking,
                *(
                    number(value)
                    for value in (
                        delivery.start_median,
                        delivery.start_p90,
                        delivery.finish_median,
                        delivery.finish_p90,
                    )
                ),
                delivery.refills,
                delivery.refills_completed,
                delivery.refills_rejected,
                number(delivery.refill_median),
                delivery.cancels_asked,
                delivery.cancels_honoured,
                api.calls,
                number(api.success),
                number(api.p50),
                number(api.p95),
                row.last_outage[0].isoformat() if row.last_outage else "",
                row.provider.catalog_synced_at.isoformat()
                if row.provider.catalog_synced_at
                else "",
                row.price_changes,
            ]

    return csv_response(f"scorecard-{days}-days.csv", CSV_COLUMNS, lines())
