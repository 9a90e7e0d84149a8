"""The Compare page over five providers with 10,000 services each: server time and SQL
statements of typical searches, and how fast service names are labelled.

Pages are rendered by Django's test client in the child process, as a View only staff member
sees them; the median of five renders is reported.
"""

import statistics
import time

from bench.django_process import count_statements, page_rows, render, run_child

CATALOG_SIZE = 10_000
PANELS = ["smmsheba", "smmprovider", "smmbros", "smmub", "smmpllus"]
SEARCHES = {
    '"instagram followers", 1,000': "?q=instagram+followers&quantity=1000",
    '"tiktok views real", fitting 50,000': "?q=tiktok+views+real&quantity=50000&fits=on",
    '"подписчики youtube", refill': "?q=подписчики+youtube&refill=on",
    '"telegram members refill 30", 2 providers': "?q=telegram+members+refill+30&provider={p1}"
    "&provider={p2}",
    '"instagram" (a whole platform)': "?q=instagram",
    '"Server 1234" (names searched)': "?q=Server+1234",
    "the same, as the HTMX fragment": "?q=instagram+followers&quantity=1000#fragment",
    "equivalents of one service": "?like={like}&quantity=1000",
    # "Show more" twice: the page's cost grows with the rows drawn, not with the offers found.
    '"instagram followers", 200 rows shown': "?q=instagram+followers&quantity=1000&rows=200",
}


def compare_searches():
    headers = ("database", "search", "offers found", "server time", "SQL statements")
    return (
        f"The Compare page over {len(PANELS)} providers x {CATALOG_SIZE:,} services",
        headers,
        page_rows("bench.compare_search"),
    )


def labelling():
    from providers.classify import classify
    from simulator import catalog, dialects

    names = [
        (service.name, service.category)
        for slug in PANELS
        for service in catalog.build(dialects.DIALECTS[slug], slug, size=CATALOG_SIZE)
    ]
    started = time.perf_counter()
    for name, category in names:
        classify(name, category)
    seconds = time.perf_counter() - started
    return (
        "Labelling service names (platform, kind, quality, refill, geo, speed)",
        ("services", "time", "per service"),
        [(f"{len(names):,}", f"{seconds:.2f} s", f"{seconds / len(names) * 1e6:.0f} µs")],
    )


BENCHMARKS = [compare_searches, labelling]


# In the child process ------------------------------------------------------------------------


def _render(client, url):
    path, _, fragment = url.partition("#")
    headers = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "compare-results"} if fragment else {}
    render(client, path, **headers)


def _measure():
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client

    from compare.forms import CompareForm
    from compare.search import compare
    from providers import services
    from providers.models import Provider
    from rates.models import ExchangeRate
    from simulator import ManualClock, Simulator

    providers = []
    with Simulator(clock=ManualClock(), catalog_size=CATALOG_SIZE) as simulator:
        for slug in PANELS:
            provider = Provider(
                name=slug, api_url=simulator.url(slug), currency="RUB" if slug == "smmub" else ""
            )
            provider = services.save_provider(provider, api_key=simulator.key(slug))
            services.refresh_balance(provider)
            services.sync_catalog(provider)
            providers.append(provider)
    ExchangeRate.objects.create(currency="RUB", base="USD", rate=Decimal("0.0108"))
    if connection.vendor == "postgresql":
        # The database as autovacuum keeps it on a server in use, within a minute of a sync:
        # statistics (a database just filled has none, and its planner then picks plans no
        # production server would), and the trigram indexes' pending lists merged (until then
        # a name search reads the new services' entries one by one: 45 ms instead of 2).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) providers_service")
            cursor.execute("ANALYZE")

    user = get_user_model().objects.create_user("bench")
    user.groups.add(Group.objects.get(name="View only"))
    client = Client()
    client.force_login(user)
    like = providers[1].services.filter(platform="instagram", kind="followers").first()
    results = []
    for name, query in SEARCHES.items():
        query = query.format(p1=providers[0].pk, p2=providers[3].pk, like=like.pk)
        url = "/compare/" + query
        _render(client, url)  # warm up
        timings = [count_statements(lambda u=url: _render(client, u)) for _ in range(5)]
        criteria = CompareForm(QueryDict(query.lstrip("?").partition("#")[0])).criteria()
        results.append(
            {
                "page": name,
                "rows": compare(criteria).total,
                "seconds": statistics.median(seconds for seconds, _, _ in timings),
                "statements": timings[0][1],
            }
        )
    return results


if __name__ == "__main__":
    run_child(_measure)
