"""The provider list, detail and catalog pages, and the fragments htmx swaps into them."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from providers import services
from providers.models import CatalogSync, Service
from tests.htmx import fragment_body, htmx_headers

pytestmark = pytest.mark.django_db


def query_count(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(queries)


def listed_ids(response):
    return [service.service_id for service in response.context["page"]]


def test_the_provider_list_shows_each_account_at_a_glance(viewer_client, simulator, synced):
    provider = synced("smmsheba")
    body = viewer_client.get("/providers/").content.decode()
    assert provider.host in body and provider.masked_key in body
    assert "1,000.00 USD" in body
    assert f">{provider.active_services}</a>" in body
    assert "Healthy" in body


def test_the_health_badge_is_in_the_users_language(make_provider):
    """Every word of the badge is translated, not only "Not connecting since"."""
    provider = make_provider(enabled=False)
    assert provider.health == ("off", "Disabled")
    with translation.override("ru"):
        level, words = provider.health
    assert level == "off" and words not in ("", "Disabled")


def test_the_list_and_detail_pages_keep_their_query_counts_as_providers_grow(
    viewer_client, simulator, synced
):
    # In roubles, so the rates in force are read (once a page) from the start.
    first = synced("smmub", currency="RUB")
    one_provider = query_count(viewer_client, "/providers/")
    detail_small = query_count(viewer_client, f"/providers/{first.pk}/")
    for panel in ("smmprovider", "smmbros", "smmsheba", "smmpllus"):
        synced(panel)
        services.refresh_balance(first)
    assert query_count(viewer_client, "/providers/") == one_provider
    assert query_count(viewer_client, "/") == query_count(viewer_client, "/")
    assert query_count(viewer_client, f"/providers/{first.pk}/") == detail_small


def test_the_detail_page_summarises_catalog_syncs_and_balance_history(
    viewer_client, simulator, synced
):
    provider = synced("smmpllus")
    ledger = simulator.panel("smmpllus").ledger
    for amount in ("900", "850.5", "700"):
        ledger.accounts[simulator.key("smmpllus")].deposit = Decimal(amount)
        services.refresh_balance(provider)

    body = viewer_client.get(f"/providers/{provider.pk}/").content.decode()

    assert f"<strong>{provider.active_services}</strong> active services" in body
    assert 'data-chart="balance-chart"' in body and 'id="balance-chart"' in body
    assert "low 700.00 · high 1,000.00 USD" in body
    assert "Command" in body  # the sync log names what started each sync
    assert "Synced</span>" in body
    assert "Browse all services" in body


def test_sync_now_queues_one_sync_and_answers_the_progress_fragment(
    viewer_client, make_provider, django_capture_on_commit_callbacks
):
    provider = make_provider()
    with django_capture_on_commit_callbacks() as callbacks:
        response = viewer_client.post(f"/providers/{provider.pk}/sync/", **htmx_headers())
        viewer_client.post(f"/providers/{provider.pk}/sync/", **htmx_headers())

    body = fragment_body(response, "sync-status")
    assert "Waiting for a background worker" in body and "<progress" in body
    assert 'hx-trigger="every 1s"' in body
    assert CatalogSync.objects.filter(provider=provider).count() == 1
    assert len(callbacks) == 1


def test_the_progress_fragment_follows_the_sync_and_reloads_the_page_when_done(
    viewer_client, simulator, make_provider
):
    provider = make_provider("smmbros")
    queued = services.request_sync(provider, CatalogSync.Trigger.MANUAL)
    url = f"/providers/{provider.pk}/?watching=1"

    waiting = viewer_client.get(url, **htmx_headers("sync-status"))
    assert "Waiting for a background worker" in fragment_body(waiting, "sync-status")
    # It polls every second, so it reads the provider and its syncs, not the catalog.
    with CaptureQueriesContext(connection) as queries:
        viewer_client.get(url, **htmx_headers("sync-status"))
    tables = ("providers_service", "providers_balancesnapshot", "providers_exchangerate")
    assert not [q["sql"] for q in queries if any(table in q["sql"] for table in tables)]

    services.run_queued_sync(queued.pk)
    done = viewer_client.get(url, **htmx_headers("sync-status"))
    assert done["HX-Refresh"] == "true"


def test_sync_now_without_javascript_redirects_with_a_message(viewer_client, make_provider):
    provider = make_provider()
    response = viewer_client.post(f"/providers/{provider.pk}/sync/", follow=True)
    assert "Catalog sync of smmsheba queued." in response.content.decode()


def test_the_catalog_searches_filters_and_sorts(viewer_client, simulator, synced):
    provider = synced("smmsheba")
    url = f"/providers/{provider.pk}/services/"
    cached = Service.objects.filter(provider=provider)

    by_rate = viewer_client.get(url, {"sort": "-rate"})
    rates = [service.rate for service in by_rate.context["page"]]
    assert rates == sorted(rates, reverse=True) and len(rates) == 50
    assert rates[0] == max(cached.values_list("rate", flat=True))

    found = viewer_client.get(url, {"q": "tiktok"})
    assert found.context["page"].paginator.count == cached.filter(name__icontains="tiktok").count()

    category = cached.first().category
    in_category = viewer_client.get(url, {"category": category, "refill": "on"})
    expected = cached.filter(category=category, refill=True).count()
    assert in_category.context["page"].paginator.count == expected

    by_id = viewer_client.get(url, {"q": cached.last().service_id})
    assert cached.last().service_id in listed_ids(by_id)


def test_the_catalog_badges_new_repriced_and_inactive_services(viewer_client, simulator, synced):
    panel = simulator.panel("smmprovider")
    late = panel.catalog[7]
    panel.withdraw(late.service_id)
    provider = synced("smmprovider")
    panel.restore(late.service_id)
    panel.set_rate(panel.catalog[0].service_id, Decimal("99.5"))
    panel.withdraw(panel.catalog[1].service_id)
    services.sync_catalog(provider)
    url = f"/providers/{provider.pk}/services/"

    assert listed_ids(viewer_client.get(url, {"show": "new"})) == [str(late.service_id)]
    repriced = viewer_client.get(url, {"show": "repriced"})
    assert listed_ids(repriced) == [str(panel.catalog[0].service_id)]
    assert "Price up" in repriced.content.decode() or "Price down" in repriced.content.decode()
    inactive = viewer_client.get(url, {"show": "inactive"})
    assert listed_ids(inactive) == [str(panel.catalog[1].service_id)]
    assert "Inactive</span>" in inactive.content.decode()
    assert str(panel.catalog[1].service_id) not in listed_ids(viewer_client.get(url))


def test_catalog_results_are_a_fragment_for_htmx_with_a_constant_query_count(
    viewer_client, simulator, synced
):
    small = synced("smmsheba")
    large = synced("smmpllus")
    assert large.active_services > small.active_services

    response = viewer_client.get(
        f"/providers/{large.pk}/services/", {"page": 2}, **htmx_headers("catalog-results")
    )
    body = fragment_body(response, "catalog-results")
    assert "page 2 of" in body

    counts = {
        query_count(viewer_client, f"/providers/{provider.pk}/services/?page=2&sort=rate")
        for provider in (small, large)
    }
    assert len(counts) == 1


def test_a_search_that_finds_nothing_says_so(viewer_client, simulator, synced):
    provider = synced("smmbros")
    body = viewer_client.get(f"/providers/{provider.pk}/services/", {"q": "zzz"}).content.decode()
    assert "No services match" in body and "Clear the filters" in body


def test_the_catalog_before_any_sync_explains_itself(viewer_client, make_provider):
    provider = make_provider()
    body = viewer_client.get(f"/providers/{provider.pk}/services/").content.decode()
    assert "No services cached yet" in body


def test_the_catalog_exports_the_filtered_list_as_csv(viewer_client, simulator, synced):
    provider = synced("smmub", currency="RUB")
    hostile = Service.objects.filter(provider=provider).first()
    Service.objects.filter(pk=hostile.pk).update(name='=HYPERLINK("http://x.example")')

    response = viewer_client.get(
        f"/providers/{provider.pk}/services/", {"export": "csv", "show": "all"}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="smmub catalog.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["service_id", "name", "category", "type", "rate_per_1000"]
    assert len(rows) - 1 == Service.objects.filter(provider=provider).count()
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id[hostile.service_id][1] == '\'=HYPERLINK("http://x.example")'
    assert by_id[hostile.service_id][4] == str(hostile.rate)  # Decimal, as stored
    assert by_id[hostile.service_id][5] == "RUB"
    assert any("Подписчики" in row[1] for row in rows[1:])


def test_a_queued_sync_shows_that_it_waits_not_zeros_and_breadcrumbs_end_in_a_name(
    viewer_client, make_provider
):
    provider = make_provider()
    services.request_sync(provider, CatalogSync.Trigger.MANUAL)
    body = viewer_client.get(f"/providers/{provider.pk}/").text
    log = body[body.index("Sync log") :]
    log = log[: log.index("</table>")]
    assert "waiting for a worker" in log
    assert '<td class="num">0</td>' not in log
    assert re.search(r'class="breadcrumb">.*</a></p>', body)
    assert not re.search(r'class="breadcrumb">.*/</p>', body)


def test_delete_is_offered_only_where_it_deletes_and_disable_where_it_has_orders(
    client, manager, simulator, synced, place
):
    client.force_login(manager)
    unused, used = synced("smmsheba"), synced("smmbros")
    place(used.services.filter(active=True).first())

    assert f'href="/providers/{unused.pk}/delete/"' in client.get(f"/providers/{unused.pk}/").text
    assert "Delete smmsheba?" in client.get(f"/providers/{unused.pk}/delete/").text
    detail = client.get(f"/providers/{used.pk}/").text
    assert f'href="/providers/{used.pk}/delete/"' not in detail
    assert "can be disabled but not deleted" in detail
    asked = client.get(f"/providers/{used.pk}/delete/").text
    assert "Disable smmbros?" in asked and "Delete smmbros" not in asked
    client.post(f"/providers/{used.pk}/delete/")
    used.refresh_from_db()
    assert not used.enabled


def test_a_refresh_pressed_again_at_once_says_it_was_not_asked_not_that_it_failed(
    viewer_client, simulator, make_provider
):
    provider = make_provider()
    url = f"/providers/{provider.pk}/balance/"
    viewer_client.post(url, **htmx_headers())
    again = viewer_client.post(url, **htmx_headers()).text
    assert "Could not read" not in again
    assert re.search(r"Not asked again so soon: .* It can be refreshed again in \d+ s\.", again)
    redirected = viewer_client.post(url, follow=True).text
    assert "Not asked again so soon" in redirected and "Could not read" not in redirected
