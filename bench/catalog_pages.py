"""The catalog page of a provider with 10,000 services: server time and SQL statements.

The page is rendered by Django's test client in the child process (no network), as a staff
member with the View only role sees it; the median of five renders is reported.
"""

import statistics

from bench.django_process import count_statements, page_rows, render, run_child

CATALOG_SIZE = 10_000
PAGES = {
    "first page": "",
    "page 100, by rate": "?sort=rate&page=100",
    "last page, by max descending": "?sort=-max&page=last",
    'search "followers"': "?q=followers",
    "a category, refill only": "?category={category}&refill=on",
    "price changed this week": "?show=repriced",
    "CSV of everything": "?show=all&export=csv",
}


def catalog_pages():
    headers = ("database", "catalog page", "services matching", "server time", "SQL statements")
    return (
        f"The catalog page of a {CATALOG_SIZE:,}-service provider",
        headers,
        page_rows("bench.catalog_pages"),
    )


BENCHMARKS = [catalog_pages]


# In the child process ------------------------------------------------------------------------


def _matching(provider, query):
    """How many services the page's filters match, counted as the view counts them."""
    from django.http import QueryDict

    from providers.catalog_filters import CatalogFilter

    categories = list(provider.services.values_list("category", flat=True).distinct())
    filters = CatalogFilter(QueryDict(query.lstrip("?")), categories=categories)
    return filters.apply(provider.services.all(), provider).count()


def _measure_pages():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from providers import services
    from providers.models import Provider
    from simulator import ManualClock, Simulator

    with Simulator(clock=ManualClock(), catalog_size=CATALOG_SIZE) as simulator:
        url, key = simulator.url("smmprovider"), simulator.key("smmprovider")
        provider = services.save_provider(Provider(name="bench", api_url=url), api_key=key)
        services.sync_catalog(provider)
        panel = simulator.panel("smmprovider")
        for service in panel.catalog[::50]:
            panel.set_rate(service.service_id, service.rate * 2)
        services.sync_catalog(provider)

    user = get_user_model().objects.create_user("bench")
    user.groups.add(Group.objects.get(name="View only"))
    client = Client()
    client.force_login(user)
    category = provider.services.filter(refill=True).values_list("category", flat=True)[0]
    results = []
    for name, query in PAGES.items():
        page_url = f"/providers/{provider.pk}/services/" + query.format(category=category)
        render(client, page_url)  # warm up
        timings = [count_statements(lambda u=page_url: render(client, u)) for _ in range(5)]
        results.append(
            {
                "page": name,
                "rows": _matching(provider, query.format(category=category)),
                "seconds": statistics.median(seconds for seconds, _, _ in timings),
                "statements": timings[0][1],
            }
        )
    return results


if __name__ == "__main__":
    run_child(_measure_pages)
